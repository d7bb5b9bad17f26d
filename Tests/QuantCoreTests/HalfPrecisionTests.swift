import XCTest
@testable import QuantCore

final class HalfPrecisionTests: XCTestCase {
    func testKnownHalfValues() {
        XCTAssertEqual(floatFromHalfBits(0x0000), 0)
        XCTAssertEqual(floatFromHalfBits(0x8000).sign, .minus)
        XCTAssertEqual(floatFromHalfBits(0x3C00), 1)
        XCTAssertEqual(floatFromHalfBits(0xC000), -2)
        XCTAssertEqual(floatFromHalfBits(0x7BFF), 65504)
        XCTAssertEqual(floatFromHalfBits(0x0001), 0x1p-24)
        XCTAssertEqual(floatFromHalfBits(0x0400), 0x1p-14)
        XCTAssertEqual(floatFromHalfBits(0x7C00), .infinity)
        XCTAssertEqual(floatFromHalfBits(0xFC00), -.infinity)
        XCTAssertTrue(floatFromHalfBits(0x7E00).isNaN)
    }

    /// Every bit pattern widens and narrows back to itself (NaNs to a NaN).
    func testEveryHalfRoundTrips() {
        for bits in 0...UInt16.max {
            let value = floatFromHalfBits(bits)
            if value.isNaN {
                XCTAssertTrue(floatFromHalfBits(halfBitsFromFloat(value)).isNaN)
            } else {
                XCTAssertEqual(halfBitsFromFloat(value), bits, "bits \(String(bits, radix: 16))")
            }
        }
    }

    func testNarrowingRoundsToNearestEven() {
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10; even is 1.
        XCTAssertEqual(halfBitsFromFloat(1 + 0x1p-11), 0x3C00)
        // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9; even is the latter.
        XCTAssertEqual(halfBitsFromFloat(1 + 3 * 0x1p-11), 0x3C02)
        XCTAssertEqual(halfBitsFromFloat(65519), 0x7BFF)
        XCTAssertEqual(halfBitsFromFloat(65520), 0x7C00)
        XCTAssertEqual(halfBitsFromFloat(0x1p-25), 0x0000)
        XCTAssertEqual(halfBitsFromFloat(0x1.8p-25), 0x0001)
    }
}

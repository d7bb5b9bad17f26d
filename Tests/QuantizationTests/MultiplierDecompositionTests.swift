import XCTest
@testable import Quantization

final class MultiplierDecompositionTests: XCTestCase {
    func testGoldenPairs() throws {
        let cases: [(real: Double, m0: Int32, shift: Int32)] = [
            (0.5, 1 << 30, 0),
            (1.0, 1 << 30, 1),
            (0.75, 3 << 29, 0),
            (0.25, 1 << 30, -1),
            (3.0, 3 << 29, 2),
            (0x1p-31, 1 << 30, -30),
            (0x1p-32, 1 << 30, -31),
            (0.1, 1_717_986_918, -3),
        ]
        for entry in cases {
            let multiplier = try QuantizedMultiplier(approximating: entry.real)
            XCTAssertEqual(multiplier.m0, entry.m0, "M = \(entry.real)")
            XCTAssertEqual(multiplier.shift, entry.shift, "M = \(entry.real)")
        }
    }

    func testZeroAndUnderflowGiveZero() throws {
        XCTAssertEqual(try QuantizedMultiplier(approximating: 0), QuantizedMultiplier(m0: 0, shift: 0))
        XCTAssertEqual(try QuantizedMultiplier(approximating: 0x1p-33), QuantizedMultiplier(m0: 0, shift: 0))
    }

    func testRoundingUpToTwoPow31MovesExponent() throws {
        // Just below 0.5: the mantissa rounds to 2^31, so M0 = 2^30 and the
        // shift is that of 0.5.
        let belowHalf = try QuantizedMultiplier(approximating: 0.5.nextDown)
        XCTAssertEqual(belowHalf, QuantizedMultiplier(m0: 1 << 30, shift: 0))
        let belowOne = try QuantizedMultiplier(approximating: 1 - 0x1p-40)
        XCTAssertEqual(belowOne, QuantizedMultiplier(m0: 1 << 30, shift: 1))
        // 1 - 2^-32 is exactly half a unit below 2^31 and rounds up to it;
        // 1 - 2^-31 keeps the largest mantissa, 2^31 - 1.
        let tie = try QuantizedMultiplier(approximating: 1 - 0x1p-32)
        XCTAssertEqual(tie, QuantizedMultiplier(m0: 1 << 30, shift: 1))
        let largest = try QuantizedMultiplier(approximating: 1 - 0x1p-31)
        XCTAssertEqual(largest, QuantizedMultiplier(m0: Int32.max, shift: 0))
    }

    func testExponentBoundaries() throws {
        for exponent in -30...29 {
            let power = Double(sign: .plus, exponent: exponent, significand: 1)
            for real in [power.nextDown, power, power.nextUp, power * (1 - 0x1p-20), power * (1 + 0x1p-20)] {
                let multiplier = try QuantizedMultiplier(approximating: real)
                XCTAssertTrue(multiplier.isValid, "M = \(real): \(multiplier)")
                XCTAssertGreaterThanOrEqual(multiplier.m0, 1 << 30, "M = \(real)")
                XCTAssertLessThanOrEqual(abs(multiplier.realValue - real) / real, 0x1p-31, "M = \(real)")
            }
        }
    }

    func testInvalidMultipliersThrow() {
        for real in [-1.0, .nan, .infinity, 0x1p30] {
            XCTAssertThrowsError(try QuantizedMultiplier(approximating: real), "M = \(real)")
        }
    }
}

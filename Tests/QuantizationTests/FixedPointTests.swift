import XCTest
@testable import Quantization

/// Oracle: floor((2ab + 2^31) / 2^32), saturated, computed with an
/// arithmetic shift in 64 bits (ab + 2^30 cannot overflow Int64).
private func highMultiplyOracle(_ a: Int32, _ b: Int32) -> Int32 {
    let rounded = (Int64(a) * Int64(b) + (1 << 30)) >> 31
    return Int32(clamping: rounded)
}

/// Oracle: x / 2^e rounded to nearest with ties away from zero, from the
/// magnitude in 64 bits.
private func divideByPowerOfTwoOracle(_ x: Int32, exponent: Int32) -> Int32 {
    let divisor = Int64(1) << Int64(exponent)
    let magnitude = abs(Int64(x))
    let quotient = (2 * magnitude + divisor) / (2 * divisor)
    return Int32(x < 0 ? -quotient : quotient)
}

final class FixedPointTests: XCTestCase {
    func testHighMultiplyAllInt8Pairs() {
        // Raw 8-bit values, and the same values in the top byte so that
        // rounding and saturation are reached.
        for a in Int32(Int8.min)...Int32(Int8.max) {
            for b in Int32(Int8.min)...Int32(Int8.max) {
                XCTAssertEqual(saturatingRoundingDoublingHighMultiply(a, b), highMultiplyOracle(a, b), "\(a) * \(b)")
                let highA = a << 24, highB = b << 24
                XCTAssertEqual(saturatingRoundingDoublingHighMultiply(highA, highB),
                               highMultiplyOracle(highA, highB), "\(highA) * \(highB)")
            }
        }
    }

    func testHighMultiplySaturatesAtMinTimesMin() {
        XCTAssertEqual(saturatingRoundingDoublingHighMultiply(Int32.min, Int32.min), Int32.max)
        XCTAssertEqual(saturatingRoundingDoublingHighMultiply(Int32.min, Int32.max), -Int32.max)
    }

    func testHighMultiplyRoundsTiesUp() {
        // a * b = ±2^30 is exactly ±0.5 units of the result.
        XCTAssertEqual(saturatingRoundingDoublingHighMultiply(1 << 15, 1 << 15), 1)
        XCTAssertEqual(saturatingRoundingDoublingHighMultiply(-(1 << 15), 1 << 15), 0)
    }

    func testHighMultiplyEdgeAndRandomInt32() {
        for a in int32EdgeValues {
            for b in int32EdgeValues {
                XCTAssertEqual(saturatingRoundingDoublingHighMultiply(a, b), highMultiplyOracle(a, b), "\(a) * \(b)")
            }
        }
        var generator = SeededGenerator(seed: 0x5EED_0001)
        for _ in 0..<200_000 {
            let a = Int32.random(in: .min ... .max, using: &generator)
            let b = Int32.random(in: .min ... .max, using: &generator)
            XCTAssertEqual(saturatingRoundingDoublingHighMultiply(a, b), highMultiplyOracle(a, b), "\(a) * \(b)")
        }
    }

    func testDivideByPowerOfTwoAll16BitValues() {
        // Every 16-bit x (65,536 values) with every exponent that can matter to it.
        for x in Int32(Int16.min)...Int32(Int16.max) {
            for exponent: Int32 in 0...17 {
                XCTAssertEqual(roundingDivideByPowerOfTwo(x, exponent: exponent),
                               divideByPowerOfTwoOracle(x, exponent: exponent), "\(x) / 2^\(exponent)")
            }
        }
    }

    func testDivideByPowerOfTwoTiesAwayFromZero() {
        XCTAssertEqual(roundingDivideByPowerOfTwo(5, exponent: 1), 3)
        XCTAssertEqual(roundingDivideByPowerOfTwo(-5, exponent: 1), -3)
        XCTAssertEqual(roundingDivideByPowerOfTwo(3, exponent: 1), 2)
        XCTAssertEqual(roundingDivideByPowerOfTwo(-3, exponent: 1), -2)
        XCTAssertEqual(roundingDivideByPowerOfTwo(-6, exponent: 2), -2)
        XCTAssertEqual(roundingDivideByPowerOfTwo(-5, exponent: 2), -1)
    }

    func testDivideByPowerOfTwoEdgeAndRandomInt32() {
        for x in int32EdgeValues {
            for exponent: Int32 in 0...31 {
                XCTAssertEqual(roundingDivideByPowerOfTwo(x, exponent: exponent),
                               divideByPowerOfTwoOracle(x, exponent: exponent), "\(x) / 2^\(exponent)")
            }
        }
        var generator = SeededGenerator(seed: 0x5EED_0002)
        for _ in 0..<200_000 {
            let x = Int32.random(in: .min ... .max, using: &generator)
            let exponent = Int32.random(in: 0...31, using: &generator)
            XCTAssertEqual(roundingDivideByPowerOfTwo(x, exponent: exponent),
                           divideByPowerOfTwoOracle(x, exponent: exponent), "\(x) / 2^\(exponent)")
        }
    }

    func testMultiplyByQuantizedMultiplierNearExactProduct() throws {
        // Two roundings (high multiply, then shift) stay within one unit of
        // the exactly rounded product x * M.
        var generator = SeededGenerator(seed: 0x5EED_0003)
        for _ in 0..<50_000 {
            let real = Double.random(in: 1e-6...8, using: &generator)
            let multiplier = try QuantizedMultiplier(approximating: real)
            let x = Int32.random(in: -(1 << 20)...(1 << 20), using: &generator)
            let exact = Double(x) * multiplier.realValue
            let result = multiplyByQuantizedMultiplier(x, multiplier)
            XCTAssertLessThanOrEqual(abs(Double(result) - exact), 1.0, "x=\(x) \(multiplier)")
        }
    }

    func testMultiplyByQuantizedMultiplierGoldenValues() {
        let half = QuantizedMultiplier(m0: 1 << 30, shift: 0)
        XCTAssertEqual(multiplyByQuantizedMultiplier(3, half), 2)
        XCTAssertEqual(multiplyByQuantizedMultiplier(-3, half), -1)
        XCTAssertEqual(multiplyByQuantizedMultiplier(1000, .one), 1000)
        let quarter = QuantizedMultiplier(m0: 1 << 30, shift: -1)
        XCTAssertEqual(multiplyByQuantizedMultiplier(-6, quarter), -2)
        XCTAssertEqual(multiplyByQuantizedMultiplier(6, quarter), 2)
        let three = QuantizedMultiplier(m0: 3 << 29, shift: 2)
        XCTAssertEqual(multiplyByQuantizedMultiplier(7, three), 21)
        XCTAssertEqual(multiplyByQuantizedMultiplier(12345, QuantizedMultiplier(m0: 0, shift: 0)), 0)
    }
}

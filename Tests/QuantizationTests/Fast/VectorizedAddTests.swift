import XCTest
@testable import Quantization

/// The vectorized integer Add against the reference kernel, bit for bit,
/// on every vector path this processor has.
final class VectorizedAddTests: XCTestCase {
    func testMatchesReferenceOnEveryVectorPath() throws {
        var generator = SeededGenerator(seed: 0x5EED_ADD)
        for trial in 0..<80 {
            try check(trial: trial, Int8.self, using: &generator)
            try check(trial: trial, UInt8.self, using: &generator)
        }
    }

    private func check<Element: QuantizedValue>(trial: Int, _ type: Element.Type,
                                                using generator: inout SeededGenerator) throws {
        let range = QuantizedRange(qmin: Int32(Element.min), qmax: Int32(Element.max))
        func zeroPoint() -> Int32 {
            // Edges of the range in a third of the trials each side.
            switch trial % 3 {
            case 0: return Int32(Element.min)
            case 1: return Int32(Element.max)
            default: return Int32.random(in: Int32(Element.min)...Int32(Element.max), using: &generator)
            }
        }
        // Scales spanning a ratio of 1000 between inputs and output, so that
        // the multipliers take shifts from strongly negative to positive.
        let input1 = try QuantizationParameters(scale: Float.random(in: 0.0005...0.5, using: &generator),
                                                zeroPoint: zeroPoint(), range: range)
        let input2 = try QuantizationParameters(scale: Float.random(in: 0.0005...0.5, using: &generator),
                                                zeroPoint: zeroPoint(), range: range)
        let output = try QuantizationParameters(scale: Float.random(in: 0.0005...0.5, using: &generator),
                                                zeroPoint: zeroPoint(), range: range)
        var parameters = try AddParameters(input1: input1, input2: input2, output: output)
        if trial % 4 == 3 {
            // A fused ReLU6-like clamp inside the range.
            let lower = max(Int32(Element.min), output.zeroPoint)
            parameters.outputClamp = ActivationClamp(lower: lower, upper: min(Int32(Element.max), lower + 100))
        }
        let count = [1, 15, 16, 17, 63, 64, 65, 1000, Int.random(in: 1...5000, using: &generator)][trial % 9]
        let values1 = (0..<count).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }
        let values2 = (0..<count).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }

        let expected = try add(values1, values2, parameters: parameters)
        for path in VectorPath.allCases where path.rawValue <= VectorPath.current.rawValue {
            let actual = try VectorPath.withLimit(path) { try vectorizedAdd(values1, values2, parameters: parameters) }
            XCTAssertEqual(actual, expected, "\(Element.self) trial \(trial) count \(count) on \(path)")
        }
    }

    func testRejectsMismatchedCounts() {
        let parameters = AddParameters(
            input1ZeroPoint: 0, input2ZeroPoint: 0, outputZeroPoint: 0,
            input1Multiplier: QuantizedMultiplier(m0: 1 << 30, shift: -1),
            input2Multiplier: QuantizedMultiplier(m0: 1 << 30, shift: -1),
            outputMultiplier: QuantizedMultiplier(m0: 1 << 30, shift: 0),
            outputClamp: .full(Int8.self))
        XCTAssertThrowsError(try vectorizedAdd([Int8](repeating: 1, count: 5), [Int8](repeating: 1, count: 4),
                                               parameters: parameters))
    }
}

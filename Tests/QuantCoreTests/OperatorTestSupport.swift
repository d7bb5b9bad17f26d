@testable import QuantCore
import XCTest

/// Runs one operator on the given inputs and returns its first output.
func runOperator(_ opType: String, _ inputs: [Tensor?], attributes: [String: Attribute] = [:],
                 opset: Int64 = 13, outputs: Int = 1, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
    try runOperatorOutputs(opType, inputs, attributes: attributes, opset: opset, outputs: outputs)[0]
}

func runOperatorOutputs(_ opType: String, _ inputs: [Tensor?], attributes: [String: Attribute] = [:],
                        opset: Int64 = 13, outputs: Int = 1) throws -> [Tensor] {
    let node = Node(name: "test_\(opType)", opType: opType,
                    inputs: inputs.indices.map { inputs[$0] == nil ? "" : "input\($0)" },
                    outputs: (0..<outputs).map { "output\($0)" }, attributes: attributes)
    return try Operators.execute(node, inputs: inputs, opset: opset)
}

func floats(_ shape: [Int], _ values: [Float]) -> Tensor { Tensor(shape: shape, floats: values) }

func int64s(_ values: [Int64]) -> Tensor { try! Tensor(shape: [values.count], data: .int64(values)) }

/// Deterministic pseudo-random floats in [-1, 1) from a linear congruential generator.
func seededFloats(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(state >> 40) - (1 << 23)) / Float(1 << 23)
    }
}

func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func values(_ tensor: Tensor) -> [Float] { (try? tensor.floats()) ?? [] }

/// Deterministic integers for random operator configurations, from a linear
/// congruential generator.
struct SeededDraws {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func draw(_ range: ClosedRange<Int>) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return range.lowerBound + Int((state >> 33) % UInt64(range.count))
    }
}

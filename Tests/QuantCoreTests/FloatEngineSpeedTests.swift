import Foundation
@testable import QuantCore
import XCTest

/// Measures the float engine on a Fashion-MNIST-sized network and prints the
/// throughput, so that a slow kernel shows up in the test log.
final class FloatEngineSpeedTests: XCTestCase {
    /// x [N, 1, 28, 28] -> Conv 32x3x3 -> Relu -> MaxPool 2 -> Conv 64x3x3 -> Relu -> MaxPool 2
    /// -> Flatten -> Gemm 1600x128 -> Relu -> Gemm 128x10: about 2.6 M MACs per image.
    private func fashionSizedModel() -> Model {
        let shapes: [String: [Int]] = ["c1.w": [32, 1, 3, 3], "c1.b": [32], "c2.w": [64, 32, 3, 3], "c2.b": [64],
                                       "f1.w": [128, 1600], "f1.b": [128], "f2.w": [10, 128], "f2.b": [10]]
        var initializers: [String: Tensor] = [:]
        for (index, (name, shape)) in shapes.sorted(by: { $0.key < $1.key }).enumerated() {
            initializers[name] = floats(shape, seededFloats(shape.reduce(1, *), seed: UInt64(index)).map { $0 * 0.1 })
        }
        let pool: [String: Attribute] = ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]
        let nodes = [
            Node(name: "c1", opType: "Conv", inputs: ["x", "c1.w", "c1.b"], outputs: ["a1"]),
            Node(name: "r1", opType: "Relu", inputs: ["a1"], outputs: ["b1"]),
            Node(name: "p1", opType: "MaxPool", inputs: ["b1"], outputs: ["d1"], attributes: pool),
            Node(name: "c2", opType: "Conv", inputs: ["d1", "c2.w", "c2.b"], outputs: ["a2"]),
            Node(name: "r2", opType: "Relu", inputs: ["a2"], outputs: ["b2"]),
            Node(name: "p2", opType: "MaxPool", inputs: ["b2"], outputs: ["d2"], attributes: pool),
            Node(name: "flat", opType: "Flatten", inputs: ["d2"], outputs: ["e"]),
            Node(name: "f1", opType: "Gemm", inputs: ["e", "f1.w", "f1.b"], outputs: ["g1"], attributes: ["transB": .int(1)]),
            Node(name: "r3", opType: "Relu", inputs: ["g1"], outputs: ["h1"]),
            Node(name: "f2", opType: "Gemm", inputs: ["h1", "f2.w", "f2.b"], outputs: ["logits"], attributes: ["transB": .int(1)]),
        ]
        let graph = Graph(nodes: nodes, initializers: initializers,
                          inputs: [ValueInfo(name: "x", shape: [.parameter("N"), .value(1), .value(28), .value(28)])],
                          outputs: [ValueInfo(name: "logits", shape: [.parameter("N"), .value(10)])])
        return Model(graph: graph)
    }

    func testFashionSizedNetworkThroughput() throws {
        let model = fashionSizedModel()
        let engine = try FloatEngine(model: model)
        let summary = try ModelSummary.make(for: model)
        let batch = 100
        let batches = 10
        let input = floats([batch, 1, 28, 28], seededFloats(batch * 784, seed: 9).map { abs($0) })

        let start = Date()
        for _ in 0..<batches {
            let outputs = try engine.run(inputs: ["x": input])
            XCTAssertEqual(outputs["logits"]?.shape, [batch, 10])
        }
        let seconds = Date().timeIntervalSince(start)
        let images = Double(batch * batches)
        let gigaFLOPs = 2 * Double(summary.totalMACs) * images / seconds / 1e9
        print(String(format: "float engine: %.0f images/s, %.1f GFLOP/s on %.2f M MACs per image",
                     images / seconds, gigaFLOPs, Double(summary.totalMACs) / 1e6))
        // A loose floor, so that a shared machine does not fail the test: at
        // 100 images/s the 10,000 Fashion-MNIST test images take 100 s.
        XCTAssertGreaterThan(images / seconds, 100)
    }
}

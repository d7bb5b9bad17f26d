import QuantCore
@testable import Quantization

/// A hand-built Conv(3x3, pad 1) -> BatchNormalization -> Relu -> MaxPool(2x2)
/// -> Flatten -> Gemm classifier on [N, 1, 8, 8] inputs, with seeded weights,
/// and a data set of seeded images.
enum SmallCNN {
    static let channels = 4
    static let classes = 3

    static func model(seed: UInt64 = 7) -> Model {
        var generator = SeededGenerator(seed: seed)
        func values(_ count: Int, _ range: ClosedRange<Float>) -> [Float] {
            (0..<count).map { _ in Float.random(in: range, using: &generator) }
        }
        let initializers: [String: Tensor] = [
            "conv_w": Tensor(shape: [channels, 1, 3, 3], floats: values(channels * 9, -0.6...0.6)),
            "conv_b": Tensor(shape: [channels], floats: values(channels, -0.1...0.1)),
            "gamma": Tensor(shape: [channels], floats: values(channels, 0.5...1.5)),
            "beta": Tensor(shape: [channels], floats: values(channels, -0.2...0.2)),
            "mean": Tensor(shape: [channels], floats: values(channels, -0.1...0.1)),
            "var": Tensor(shape: [channels], floats: values(channels, 0.5...1.5)),
            "fc_w": Tensor(shape: [classes, channels * 16], floats: values(classes * channels * 16, -0.3...0.3)),
            "fc_b": Tensor(shape: [classes], floats: values(classes, -0.1...0.1)),
        ]
        let nodes = [
            Node(name: "conv1", opType: "Conv", inputs: ["x", "conv_w", "conv_b"], outputs: ["c1"],
                 attributes: ["pads": .ints([1, 1, 1, 1]), "kernel_shape": .ints([3, 3])]),
            Node(name: "bn1", opType: "BatchNormalization", inputs: ["c1", "gamma", "beta", "mean", "var"],
                 outputs: ["b1"]),
            Node(name: "relu1", opType: "Relu", inputs: ["b1"], outputs: ["r1"]),
            Node(name: "pool1", opType: "MaxPool", inputs: ["r1"], outputs: ["p1"],
                 attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
            Node(name: "flatten", opType: "Flatten", inputs: ["p1"], outputs: ["f1"]),
            Node(name: "fc", opType: "Gemm", inputs: ["f1", "fc_w", "fc_b"], outputs: ["logits"],
                 attributes: ["transB": .int(1)]),
        ]
        let graph = Graph(name: "small_cnn", nodes: nodes, initializers: initializers,
                          inputs: [ValueInfo(name: "x", shape: [.parameter("N"), .value(1), .value(8), .value(8)])],
                          outputs: [ValueInfo(name: "logits", shape: nil)])
        return Model(graph: graph)
    }

    /// `count` seeded images in [0, 1], [count, 1, 8, 8].
    static func images(count: Int, seed: UInt64 = 11) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: [count, 1, 8, 8],
                      floats: (0..<(count * 64)).map { _ in Float.random(in: 0...1, using: &generator) })
    }

    static func calibrated(calibrationImages: Int = 64) throws -> CalibratedModel {
        let prepared = try GraphPreparation.prepare(model())
        return try CalibratedModel.calibrate(prepared: prepared, images: images(count: calibrationImages))
    }
}

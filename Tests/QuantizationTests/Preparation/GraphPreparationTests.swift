import XCTest
import QuantCore
@testable import Quantization

final class GraphPreparationTests: XCTestCase {
    // MARK: - Batch normalization folding

    /// x -> Conv (1x1, two output channels) -> BatchNormalization (epsilon 1) -> y.
    private func convBatchNormModel(convName: String = "conv1", extraReader: Bool = false) -> Model {
        var nodes = [
            Node(name: convName, opType: "Conv", inputs: ["x", "w", "b"], outputs: ["conv_out"]),
            Node(name: "bn1", opType: "BatchNormalization", inputs: ["conv_out", "gamma", "beta", "mean", "var"],
                 outputs: ["y"], attributes: ["epsilon": .float(1)]),
        ]
        var outputs = [ValueInfo(name: "y", shape: nil)]
        if extraReader {
            nodes.append(Node(name: "side_relu", opType: "Relu", inputs: ["conv_out"], outputs: ["side"]))
            outputs.append(ValueInfo(name: "side", shape: nil))
        }
        let initializers: [String: Tensor] = [
            "w": Tensor(shape: [2, 1, 1, 1], floats: [2, -1]),
            "b": Tensor(shape: [2], floats: [0.5, 1]),
            "gamma": Tensor(shape: [2], floats: [1, 2]),
            "beta": Tensor(shape: [2], floats: [0, 0.5]),
            "mean": Tensor(shape: [2], floats: [1, -1]),
            "var": Tensor(shape: [2], floats: [3, 0]),
        ]
        let graph = Graph(name: "g", nodes: nodes, initializers: initializers,
                          inputs: [ValueInfo(name: "x", shape: [.value(1), .value(1), .value(1), .value(1)])],
                          outputs: outputs)
        return Model(graph: graph)
    }

    func testConvBatchNormFoldsByHand() throws {
        let prepared = try GraphPreparation.prepare(convBatchNormModel())
        let graph = prepared.model.graph

        // s = gamma / sqrt(var + 1) = [1/2, 2/1]
        // w' = s * w = [1, -2]
        // b' = beta + s * (b - mean) = [0 + 0.5 * (0.5 - 1), 0.5 + 2 * (1 + 1)] = [-0.25, 4.5]
        XCTAssertEqual(graph.nodes.map(\.opType), ["Conv"])
        let conv = graph.nodes[0]
        XCTAssertEqual(conv.outputs, ["y"], "the conv writes the normalization's output")
        XCTAssertEqual(try graph.initializers[conv.inputs[1]]?.floats(), [1, -2])
        XCTAssertEqual(try graph.initializers[conv.inputs[2]]?.floats(), [-0.25, 4.5])
        XCTAssertEqual(graph.initializers[conv.inputs[1]]?.shape, [2, 1, 1, 1])
        for name in ["w", "b", "gamma", "beta", "mean", "var"] {
            XCTAssertNil(graph.initializers[name], "\(name) is no longer read")
            XCTAssertFalse(graph.initializerOrder.contains(name), name)
        }

        let layer = try XCTUnwrap(prepared.layers.first)
        XCTAssertEqual(prepared.layers.count, 1)
        XCTAssertEqual(layer.name, "conv1")
        XCTAssertEqual(layer.kind, .convolution)
        XCTAssertEqual(layer.foldedBatchNormalizations, ["bn1"])
        XCTAssertEqual(layer.nodes, ["conv1", "bn1"])
        XCTAssertEqual(layer.inputs, ["x"])
        XCTAssertEqual(layer.output, "y")
        XCTAssertEqual(layer.weight, conv.inputs[1])
        XCTAssertEqual(layer.bias, conv.inputs[2])
        XCTAssertEqual(layer.weightOutputChannelAxis, 0)
        XCTAssertEqual(layer.activation, .none)
        XCTAssertEqual(prepared.floatNodes, [])
    }

    func testFoldedConvMatchesBatchNormOfConv() throws {
        let model = convBatchNormModel()
        let prepared = try GraphPreparation.prepare(model)
        let graph = prepared.model.graph
        let conv = graph.nodes[0]
        let foldedWeight = try XCTUnwrap(graph.initializers[conv.inputs[1]]).floats()
        let foldedBias = try XCTUnwrap(graph.initializers[conv.inputs[2]]).floats()
        let original = model.graph.initializers

        // A 1x1 convolution of a single input value x is w_c * x + b_c per channel.
        let x: Float = 1.75
        for channel in 0..<2 {
            let convolved = try original["w"]!.floats()[channel] * x + original["b"]!.floats()[channel]
            let normalized = try original["gamma"]!.floats()[channel]
                * (convolved - original["mean"]!.floats()[channel])
                / (original["var"]!.floats()[channel] + 1).squareRoot()
                + original["beta"]!.floats()[channel]
            XCTAssertEqual(foldedWeight[channel] * x + foldedBias[channel], normalized, accuracy: 1e-6, "channel \(channel)")
        }
    }

    func testGemmBatchNormFoldsByHand() throws {
        let nodes = [
            Node(name: "fc", opType: "Gemm", inputs: ["a", "B", "C"], outputs: ["fc_out"],
                 attributes: ["beta": .float(0.5), "transB": .int(0)]),
            Node(name: "bn", opType: "BatchNormalization", inputs: ["fc_out", "gamma", "shift", "mean", "var"],
                 outputs: ["y"], attributes: ["epsilon": .float(1)]),
        ]
        let initializers: [String: Tensor] = [
            "B": Tensor(shape: [3, 2], floats: [1, 2, 3, 4, 5, 6]),
            "C": Tensor(shape: [2], floats: [2, -2]),
            "gamma": Tensor(shape: [2], floats: [4, 3]),
            "shift": Tensor(shape: [2], floats: [1, 0]),
            "mean": Tensor(shape: [2], floats: [0, 1]),
            "var": Tensor(shape: [2], floats: [3, 0]),
        ]
        let model = Model(graph: Graph(nodes: nodes, initializers: initializers,
                                       inputs: [ValueInfo(name: "a", shape: [.value(1), .value(3)])],
                                       outputs: [ValueInfo(name: "y", shape: nil)]))

        let prepared = try GraphPreparation.prepare(model)
        let graph = prepared.model.graph

        // s = [4 / 2, 3 / 1] = [2, 3] scales the columns of B [K = 3, N = 2].
        // C' = shift + s * (0.5 * C - mean) = [1 + 2 * (1 - 0), 0 + 3 * (-1 - 1)] = [3, -6]
        let gemm = try XCTUnwrap(graph.nodes.first)
        XCTAssertEqual(graph.nodes.count, 1)
        XCTAssertEqual(try graph.initializers[gemm.inputs[1]]?.floats(), [2, 6, 6, 12, 10, 18])
        XCTAssertEqual(try graph.initializers[gemm.inputs[2]]?.floats(), [3, -6])
        XCTAssertEqual(gemm.attributes["beta"], .float(1))
        XCTAssertEqual(gemm.outputs, ["y"])

        // With a = [1, 1, 1]: before, aB + 0.5 C = [10, 11], normalized [21, 30].
        let weight = try graph.initializers[gemm.inputs[1]]!.floats()
        let bias = try graph.initializers[gemm.inputs[2]]!.floats()
        XCTAssertEqual(weight[0] + weight[2] + weight[4] + bias[0], 21)
        XCTAssertEqual(weight[1] + weight[3] + weight[5] + bias[1], 30)

        let layer = try XCTUnwrap(prepared.layers.first)
        XCTAssertEqual(layer.kind, .fullyConnected)
        XCTAssertEqual(layer.weightOutputChannelAxis, 1)
        XCTAssertEqual(layer.foldedBatchNormalizations, ["bn"])
    }

    func testConvWithoutBiasGetsFoldedBias() throws {
        let nodes = [
            Node(name: "conv", opType: "Conv", inputs: ["x", "w"], outputs: ["c"]),
            Node(name: "bn", opType: "BatchNormalization", inputs: ["c", "gamma", "beta", "mean", "var"],
                 outputs: ["y"], attributes: ["epsilon": .float(0)]),
        ]
        let initializers: [String: Tensor] = [
            "w": Tensor(shape: [1, 1, 1, 1], floats: [3]),
            "gamma": Tensor(shape: [1], floats: [2]),
            "beta": Tensor(shape: [1], floats: [1]),
            "mean": Tensor(shape: [1], floats: [0.5]),
            "var": Tensor(shape: [1], floats: [0.25]),
        ]
        let model = Model(graph: Graph(nodes: nodes, initializers: initializers,
                                       inputs: [ValueInfo(name: "x", shape: nil)], outputs: [ValueInfo(name: "y", shape: nil)]))

        let prepared = try GraphPreparation.prepare(model)
        let conv = prepared.model.graph.nodes[0]

        // s = 2 / sqrt(0.25) = 4, w' = 12, b' = 1 + 4 * (0 - 0.5) = -1
        XCTAssertEqual(conv.inputs, ["x", "w_folded", "conv_bias_folded"])
        XCTAssertEqual(try prepared.model.graph.initializers["w_folded"]?.floats(), [12])
        XCTAssertEqual(try prepared.model.graph.initializers["conv_bias_folded"]?.floats(), [-1])
        XCTAssertEqual(prepared.model.graph.initializerOrder, ["w_folded", "conv_bias_folded"], "originals dropped, folded ones appended")
    }

    func testBatchNormWithSecondReaderStays() throws {
        let prepared = try GraphPreparation.prepare(convBatchNormModel(extraReader: true))
        let graph = prepared.model.graph

        XCTAssertEqual(graph.nodes.map(\.opType), ["Conv", "BatchNormalization", "Relu"])
        XCTAssertEqual(graph.nodes[0].inputs, ["x", "w", "b"], "the conv is unchanged")
        XCTAssertNotNil(graph.initializers["gamma"])
        let layer = try XCTUnwrap(prepared.layer(named: "conv1"))
        XCTAssertEqual(layer.foldedBatchNormalizations, [])
        XCTAssertEqual(layer.output, "conv_out")
        XCTAssertEqual(layer.activation, .none, "the Relu is not the only reader")
        let note = try XCTUnwrap(layer.notes.first { $0.contains("bn1 is not folded") }, "\(layer.notes)")
        XCTAssertTrue(note.contains("side_relu"), note)
        XCTAssertEqual(prepared.floatNodes, ["bn1", "side_relu"])
    }

    func testBatchNormParameterMismatchThrows() {
        var model = convBatchNormModel()
        model.graph.initializers["mean"] = Tensor(shape: [3], floats: [0, 0, 0])

        XCTAssertThrowsError(try GraphPreparation.prepare(model)) { error in
            XCTAssertEqual(error as? GraphPreparationError,
                           .batchNormalizationParameterMismatch(node: "bn1", parameter: "mean", expected: 2, actual: 3))
        }
    }

    // MARK: - Activation fusion

    /// x -> Conv -> Clip -> y, with the Clip node given.
    private func convClipModel(clip: Node, opset: Int64, extra: [String: Tensor] = [:]) -> Model {
        var initializers: [String: Tensor] = ["w": Tensor(shape: [1, 1, 1, 1], floats: [1])]
        initializers.merge(extra) { $1 }
        let graph = Graph(nodes: [Node(name: "conv", opType: "Conv", inputs: ["x", "w"], outputs: ["c"]), clip],
                          initializers: initializers, inputs: [ValueInfo(name: "x", shape: nil)],
                          outputs: [ValueInfo(name: "y", shape: nil)])
        return Model(opsetImports: [OpsetImport(domain: "", version: opset)], graph: graph)
    }

    func testClipAttributeFormBeforeOpsetEleven() throws {
        let clip = Node(name: "clip", opType: "Clip", inputs: ["c"], outputs: ["y"],
                        attributes: ["min": .float(0), "max": .float(6)])
        let prepared = try GraphPreparation.prepare(convClipModel(clip: clip, opset: 6))

        let layer = try XCTUnwrap(prepared.layers.first)
        XCTAssertEqual(layer.activation, .relu6)
        XCTAssertEqual(layer.output, "y")
        XCTAssertEqual(layer.nodes, ["conv", "clip"])
        XCTAssertEqual(prepared.model.graph.nodes.map(\.opType), ["Conv", "Clip"], "fused nodes stay for float runs")
        XCTAssertEqual(prepared.floatNodes, [])
    }

    func testClipInputFormFromOpsetEleven() throws {
        let cases: [(lower: Float?, upper: Float?, expected: FusedActivation)] = [
            (0, 6, .relu6), (0, nil, .relu), (-1, 1, .clip(lower: -1, upper: 1)), (nil, 3, .clip(lower: -.infinity, upper: 3)),
        ]
        for (lower, upper, expected) in cases {
            var extra: [String: Tensor] = [:]
            if let lower { extra["lo"] = Tensor(shape: [], floats: [lower]) }
            if let upper { extra["hi"] = Tensor(shape: [], floats: [upper]) }
            let clip = Node(name: "clip", opType: "Clip",
                            inputs: ["c", lower == nil ? "" : "lo", upper == nil ? "" : "hi"], outputs: ["y"])
            let prepared = try GraphPreparation.prepare(convClipModel(clip: clip, opset: 13, extra: extra))

            XCTAssertEqual(prepared.layers.first?.activation, expected, "bounds \(String(describing: lower)), \(String(describing: upper))")
        }
    }

    func testClipWithComputedBoundIsNotFused() throws {
        let clip = Node(name: "clip", opType: "Clip", inputs: ["c", "x", ""], outputs: ["y"])
        let prepared = try GraphPreparation.prepare(convClipModel(clip: clip, opset: 13))

        let layer = try XCTUnwrap(prepared.layers.first)
        XCTAssertEqual(layer.activation, .none)
        XCTAssertEqual(layer.output, "c")
        XCTAssertTrue(layer.notes.contains { $0.contains("not a constant") }, "\(layer.notes)")
        XCTAssertEqual(prepared.floatNodes, ["clip"])
    }

    func testClipAttributeIgnoredFromOpsetEleven() throws {
        // From opset 11 Clip has no min/max attributes; bounds come from inputs only.
        let clip = Node(name: "clip", opType: "Clip", inputs: ["c"], outputs: ["y"],
                        attributes: ["min": .float(0), "max": .float(6)])
        let prepared = try GraphPreparation.prepare(convClipModel(clip: clip, opset: 11))

        XCTAssertEqual(prepared.layers.first?.activation, FusedActivation.none)
    }

    // MARK: - Layers

    /// x -> conv_a -> relu_a -> conv_b -> add(conv_b, relu_a) -> relu_out -> y.
    private func residualModel() -> Model {
        let nodes = [
            Node(name: "", opType: "Conv", inputs: ["x", "wa"], outputs: ["a"]),
            Node(name: "relu_a", opType: "Relu", inputs: ["a"], outputs: ["a_relu"]),
            Node(name: "conv_b", opType: "Conv", inputs: ["a_relu", "wb", "bb"], outputs: ["b"]),
            Node(name: "skip", opType: "Add", inputs: ["b", "a_relu"], outputs: ["sum"]),
            Node(name: "relu_out", opType: "Relu", inputs: ["sum"], outputs: ["y"]),
        ]
        let initializers: [String: Tensor] = [
            "wa": Tensor(shape: [2, 1, 1, 1], floats: [1, 2]),
            "wb": Tensor(shape: [2, 2, 1, 1], floats: [1, 0, 0, 1]),
            "bb": Tensor(shape: [2], floats: [0, 0]),
        ]
        return Model(graph: Graph(nodes: nodes, initializers: initializers, inputs: [ValueInfo(name: "x", shape: nil)],
                                  outputs: [ValueInfo(name: "y", shape: nil)]))
    }

    func testSkipConnectionGivesAddLayer() throws {
        let prepared = try GraphPreparation.prepare(residualModel())

        XCTAssertEqual(prepared.layers.map(\.kind), [.convolution, .convolution, .add])
        let add = try XCTUnwrap(prepared.layer(named: "skip"))
        XCTAssertEqual(add.inputs, ["b", "a_relu"])
        XCTAssertEqual(add.output, "y")
        XCTAssertEqual(add.activation, .relu)
        XCTAssertEqual(add.nodes, ["skip", "relu_out"])
        XCTAssertEqual(prepared.layers[0].activation, .relu)
        XCTAssertEqual(prepared.layers[0].output, "a_relu")
        XCTAssertEqual(prepared.layers[1].inputs, ["a_relu"])
        XCTAssertEqual(prepared.model.graph, residualModel().graph, "nothing to fold, so the graph is unchanged")
    }

    func testUnnamedNodeUsesOriginalOutputName() throws {
        let prepared = try GraphPreparation.prepare(convBatchNormModel(convName: ""))

        XCTAssertEqual(prepared.layers.first?.name, "conv_out", "the name predates folding, which renames the output")
        XCTAssertEqual(prepared.layers.first?.output, "y")
    }

    func testLayerNamesAreStableAndUnique() throws {
        var model = residualModel()
        model.graph.nodes[2].name = "skip"

        let first = try GraphPreparation.prepare(model)
        let second = try GraphPreparation.prepare(model)
        XCTAssertEqual(first.layers.map(\.name), ["a", "skip", "skip#2"])
        XCTAssertEqual(first.layers.map(\.name), second.layers.map(\.name))
    }

    func testConvolutionKindsFromGroups() throws {
        func kind(weightShape: [Int], groups: Int64) throws -> LayerKind? {
            let count = weightShape.reduce(1, *)
            let node = Node(name: "conv", opType: "Conv", inputs: ["x", "w"], outputs: ["y"],
                            attributes: ["group": .int(groups)])
            let graph = Graph(nodes: [node], initializers: ["w": Tensor(shape: weightShape, floats: [Float](repeating: 1, count: count))],
                              inputs: [ValueInfo(name: "x", shape: nil)], outputs: [ValueInfo(name: "y", shape: nil)])
            return try GraphPreparation.prepare(Model(graph: graph)).layers.first?.kind
        }

        XCTAssertEqual(try kind(weightShape: [8, 4, 3, 3], groups: 1), .convolution)
        XCTAssertEqual(try kind(weightShape: [8, 1, 3, 3], groups: 8), .depthwiseConvolution)
        XCTAssertEqual(try kind(weightShape: [8, 2, 3, 3], groups: 2), .groupedConvolution)
    }

    func testMatMulTakesConstantBiasAdd() throws {
        let nodes = [
            Node(name: "flatten", opType: "Flatten", inputs: ["x"], outputs: ["flat"]),
            Node(name: "matmul", opType: "MatMul", inputs: ["flat", "W"], outputs: ["mm"]),
            Node(name: "bias_add", opType: "Add", inputs: ["mm", "bias"], outputs: ["logits"]),
            Node(name: "softmax", opType: "Softmax", inputs: ["logits"], outputs: ["y"]),
        ]
        let initializers: [String: Tensor] = [
            "W": Tensor(shape: [4, 3], floats: [Float](repeating: 0.5, count: 12)),
            "bias": Tensor(shape: [3], floats: [1, 2, 3]),
        ]
        let model = Model(graph: Graph(nodes: nodes, initializers: initializers, inputs: [ValueInfo(name: "x", shape: nil)],
                                       outputs: [ValueInfo(name: "y", shape: nil)]))

        let prepared = try GraphPreparation.prepare(model)
        XCTAssertEqual(prepared.layers.map(\.kind), [.reshape, .fullyConnected])
        let dense = try XCTUnwrap(prepared.layer(named: "matmul"))
        XCTAssertEqual(dense.weight, "W")
        XCTAssertEqual(dense.bias, "bias")
        XCTAssertEqual(dense.weightOutputChannelAxis, 1)
        XCTAssertEqual(dense.inputs, ["flat"])
        XCTAssertEqual(dense.output, "logits")
        XCTAssertEqual(dense.nodes, ["matmul", "bias_add"])
        XCTAssertEqual(prepared.floatNodes, ["softmax"])
    }

    func testMalformedNodesDoNotCrash() throws {
        let nodes = [
            Node(name: "conv", opType: "Conv", inputs: ["x", "w"], outputs: ["c"]),
            Node(name: "bn", opType: "BatchNormalization", inputs: ["c", "w", "w", "w", "w"], outputs: []),
            Node(name: "relu", opType: "Relu", inputs: ["c"], outputs: []),
            Node(name: "flatten", opType: "Flatten", inputs: [], outputs: ["f"]),
        ]
        let model = Model(graph: Graph(nodes: nodes, initializers: ["w": Tensor(shape: [1, 1, 1, 1], floats: [1])],
                                       inputs: [ValueInfo(name: "x", shape: nil)]))

        let prepared = try GraphPreparation.prepare(model)
        XCTAssertEqual(prepared.model.graph.nodes.count, 4)
        XCTAssertEqual(prepared.layers.map(\.name), ["conv"])
        XCTAssertEqual(prepared.floatNodes, ["bn", "relu", "flatten"])
    }

    func testGemmWithComputedWeightIsFloatNode() throws {
        let node = Node(name: "gemm", opType: "Gemm", inputs: ["a", "b"], outputs: ["y"])
        let model = Model(graph: Graph(nodes: [node], inputs: [ValueInfo(name: "a", shape: nil), ValueInfo(name: "b", shape: nil)],
                                       outputs: [ValueInfo(name: "y", shape: nil)]))

        let prepared = try GraphPreparation.prepare(model)
        XCTAssertEqual(prepared.layers, [])
        XCTAssertEqual(prepared.floatNodes, ["gemm"])
    }
}

@testable import QuantCore
import XCTest

final class FloatEngineTests: XCTestCase {
    /// x [N, 1, 4, 4] -> Conv 2x(3x3, pad 1) -> Relu -> MaxPool 2x2 -> Flatten -> Gemm [8 -> 3] -> Softmax.
    private func smallClassifier(opset: Int64 = 13) -> Model {
        let initializers: [String: Tensor] = [
            "conv.w": floats([2, 1, 3, 3], seededFloats(18, seed: 1)),
            "conv.b": floats([2], [0.1, -0.1]),
            "fc.w": floats([3, 8], seededFloats(24, seed: 2)),
            "fc.b": floats([3], [0, 0.5, -0.5]),
        ]
        let nodes = [
            Node(name: "conv", opType: "Conv", inputs: ["x", "conv.w", "conv.b"], outputs: ["conv.out"],
                 attributes: ["pads": .ints([1, 1, 1, 1])]),
            Node(name: "relu", opType: "Relu", inputs: ["conv.out"], outputs: ["relu.out"]),
            Node(name: "pool", opType: "MaxPool", inputs: ["relu.out"], outputs: ["pool.out"],
                 attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
            Node(name: "flatten", opType: "Flatten", inputs: ["pool.out"], outputs: ["flat"]),
            Node(name: "fc", opType: "Gemm", inputs: ["flat", "fc.w", "fc.b"], outputs: ["logits"],
                 attributes: ["transB": .int(1)]),
            Node(name: "softmax", opType: "Softmax", inputs: ["logits"], outputs: ["probabilities"]),
        ]
        let graph = Graph(name: "classifier", nodes: nodes, initializers: initializers,
                          inputs: [ValueInfo(name: "x", shape: [.parameter("N"), .value(1), .value(4), .value(4)])],
                          outputs: [ValueInfo(name: "probabilities", shape: [.parameter("N"), .value(3)])])
        return Model(opsetImports: [OpsetImport(domain: "", version: opset)], graph: graph)
    }

    private func input(batch: Int) -> [String: Tensor] {
        ["x": floats([batch, 1, 4, 4], seededFloats(batch * 16, seed: 3))]
    }

    func testRunReturnsGraphOutputsForAnyBatch() throws {
        let engine = try FloatEngine(model: smallClassifier())
        for batch in [1, 3] {
            let outputs = try engine.run(inputs: input(batch: batch))
            XCTAssertEqual(Array(outputs.keys), ["probabilities"])
            let probabilities = try XCTUnwrap(outputs["probabilities"])
            XCTAssertEqual(probabilities.shape, [batch, 3])
            for row in 0..<batch {
                XCTAssertEqual(values(probabilities)[(row * 3)..<(row * 3 + 3)].reduce(0, +), 1, accuracy: 1e-6)
            }
        }
    }

    func testBatchRowsMatchSingleImageRuns() throws {
        let engine = try FloatEngine(model: smallClassifier())
        let batch = try XCTUnwrap(engine.run(inputs: input(batch: 3))["probabilities"])
        let images = try XCTUnwrap(input(batch: 3)["x"]).floats()
        for image in 0..<3 {
            let single = try engine.run(inputs: ["x": floats([1, 1, 4, 4], Array(images[(image * 16)..<(image * 16 + 16)]))])
            let row = Array(values(batch)[(image * 3)..<(image * 3 + 3)])
            XCTAssertEqual(values(try XCTUnwrap(single["probabilities"])), row)
        }
    }

    func testShapeInferenceMarksBatchSymbolic() throws {
        let engine = try FloatEngine(model: smallClassifier())
        XCTAssertEqual(engine.valueShapes["conv.out"], [.parameter("N"), .value(2), .value(4), .value(4)])
        XCTAssertEqual(engine.valueShapes["flat"], [.parameter("N"), .value(8)])
        XCTAssertEqual(engine.valueShapes["fc.w"], [.value(3), .value(8)])
    }

    func testSymbolicSpatialInputStillLoads() throws {
        var model = smallClassifier()
        model.graph.inputs[0].shape = [.parameter("N"), .value(1), .parameter("H"), .parameter("W")]
        model.graph.nodes.removeSubrange(3...)
        model.graph.outputs = [ValueInfo(name: "pool.out", shape: nil)]
        let engine = try FloatEngine(model: model)
        let outputs = try engine.run(inputs: ["x": floats([1, 1, 6, 6], Array(repeating: 1, count: 36))])
        XCTAssertEqual(outputs["pool.out"]?.shape, [1, 2, 3, 3])
    }

    func testRecordingAndResumeRecomputeDownstream() throws {
        let engine = try FloatEngine(model: smallClassifier())
        let recorded = try engine.runRecordingValues(inputs: input(batch: 2))
        XCTAssertEqual(Set(recorded.keys), ["x", "conv.out", "relu.out", "pool.out", "flat", "logits", "probabilities"])

        // Replace the pooled activations and drop what depends on them.
        var edited = recorded
        edited["pool.out"] = floats([2, 2, 2, 2], Array(repeating: 0, count: 16))
        let downstream = engine.valuesDownstream(of: ["pool.out"])
        XCTAssertEqual(downstream, ["flat", "logits", "probabilities"])
        for name in downstream { edited[name] = nil }
        let resumed = try engine.resume(from: edited)
        XCTAssertEqual(resumed["conv.out"], recorded["conv.out"])
        XCTAssertEqual(values(try XCTUnwrap(resumed["logits"])), [0, 0.5, -0.5, 0, 0.5, -0.5])
        XCTAssertNil(resumed["fc.w"])
    }

    func testInputShapeMismatchShowsBothShapes() throws {
        let engine = try FloatEngine(model: smallClassifier())
        XCTAssertThrowsError(try engine.run(inputs: ["x": floats([2, 3, 4, 4], Array(repeating: 0, count: 96))])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("[2, 3, 4, 4]"), message)
            XCTAssertTrue(message.contains("[N, 1, 4, 4]"), message)
        }
        XCTAssertThrowsError(try engine.run(inputs: [:])) { error in
            XCTAssertEqual(error as? EngineError, .missingGraphInput(name: "x"))
        }
    }

    func testUnsupportedOperatorIsRejectedAtLoad() {
        var model = smallClassifier()
        model.graph.nodes[1] = Node(name: "act", opType: "Gelu", inputs: ["conv.out"], outputs: ["relu.out"])
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("Gelu"), message)
            XCTAssertTrue(message.contains("node act"), message)
            XCTAssertTrue(message.contains("opset 13"), message)
            XCTAssertTrue(message.contains("Conv (1-22)"), message)
        }
    }

    func testCustomDomainIsRejected() {
        var model = smallClassifier()
        model.graph.nodes[1].domain = "com.microsoft"
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            XCTAssertTrue("\(error)".contains("com.microsoft"), "\(error)")
        }
    }

    func testNodesOutOfOrderAreRejected() {
        var model = smallClassifier()
        model.graph.nodes.swapAt(0, 1)
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            XCTAssertEqual(error as? EngineError, .undefinedValue(node: "relu", opType: "Relu", value: "conv.out"))
        }
    }

    func testValueWithTwoProducersIsRejected() {
        var model = smallClassifier()
        model.graph.nodes[1].outputs = ["conv.out"]
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            XCTAssertEqual(error as? EngineError, .duplicateValue(node: "relu", opType: "Relu", value: "conv.out"))
        }
    }

    func testNodeOverwritingAnInitializerIsRejected() {
        var model = smallClassifier()
        model.graph.nodes[1].outputs = ["fc.w"]
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            XCTAssertEqual(error as? EngineError, .duplicateValue(node: "relu", opType: "Relu", value: "fc.w"))
        }
    }

    func testMissingGraphOutputIsRejected() {
        var model = smallClassifier()
        model.graph.outputs.append(ValueInfo(name: "nowhere", shape: nil))
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            XCTAssertEqual(error as? EngineError, .missingGraphOutput(name: "nowhere"))
        }
    }

    func testHugeConvPaddingIsRejectedAtLoad() {
        var model = smallClassifier()
        model.graph.nodes[0].attributes["pads"] = .ints([1 << 30, 1 << 30, 0, 0])
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            guard case EngineError.invalidShape("conv", "Conv", _, let reason)? = error as? EngineError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(reason.contains("more than the limit"), reason)
        }
    }

    func testOverflowingConvAttributesAreRejectedAtLoad() {
        for attribute in ["pads", "dilations"] {
            var model = smallClassifier()
            let count = attribute == "pads" ? 4 : 2
            model.graph.nodes[0].attributes[attribute] = .ints(Array(repeating: 1 << 62, count: count))
            XCTAssertThrowsError(try FloatEngine(model: model)) { error in
                guard case EngineError.invalidAttribute("conv", "Conv", let name, _, _)? = error as? EngineError else {
                    return XCTFail("unexpected error \(error)")
                }
                XCTAssertEqual(name, attribute)
            }
        }
    }

    func testHugeDeclaredInputIsRejectedAtLoad() {
        for size in [100_000, Int(Int32.max)] {
            var model = smallClassifier()
            model.graph.inputs = [ValueInfo(name: "x", shape: [.value(1), .value(size), .value(size), .value(size)])]
            XCTAssertThrowsError(try FloatEngine(model: model), "size \(size)")
        }
    }

    func testShapeErrorSurfacesAtLoad() {
        var model = smallClassifier()
        model.graph.initializers["fc.w"] = floats([3, 7], Array(repeating: 0, count: 21))
        XCTAssertThrowsError(try FloatEngine(model: model)) { error in
            guard case EngineError.invalidShape(let node, "Gemm", _, _)? = error as? EngineError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(node, "fc")
        }
    }

    func testModelSummaryCountsParametersAndMACs() throws {
        let summary = try ModelSummary.make(for: smallClassifier())
        XCTAssertEqual(summary.layers.map(\.opType), ["Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Softmax"])
        XCTAssertEqual(summary.layers[0].outputShapes, [[1, 2, 4, 4]])
        XCTAssertEqual(summary.layers[0].parameterCount, 20)
        XCTAssertEqual(summary.layers[0].macs, 32 * 9)
        XCTAssertEqual(summary.layers[4].parameterCount, 27)
        XCTAssertEqual(summary.layers[4].macs, 3 * 8)
        XCTAssertEqual(summary.layers[1].macs, 0)
        XCTAssertEqual(summary.totalParameters, 47)
        XCTAssertEqual(summary.inputShapes["x"], [1, 1, 4, 4])
    }
}

import Evaluation
import Foundation
import QuantCore
import XCTest

final class LoadedModelTests: XCTestCase {
    /// x [1, 1, 2, 2] -> Reshape to `shape` -> Gemm [4 -> 3] with graph outputs
    /// `outputs`, saved to a temporary file.
    private func writeFixedBatchModel(reshapeTo shape: [Int64], outputs: [String] = ["logits"],
                                      metadata: [String: String] = [:],
                                      inputShape: [QuantCore.Dimension] = [.value(1), .value(1), .value(2), .value(2)]) throws -> String {
        let initializers: [String: Tensor] = [
            "shape": try Tensor(shape: [2], data: .int64(shape)),
            "w": Tensor(shape: [3, 4], floats: (0..<12).map { Float($0) / 10 }),
        ]
        let nodes = [
            Node(name: "reshape", opType: "Reshape", inputs: ["x", "shape"], outputs: ["flat"]),
            Node(name: "fc", opType: "Gemm", inputs: ["flat", "w"], outputs: ["logits"],
                 attributes: ["transB": .int(1)]),
        ]
        let graph = Graph(name: "fixed", nodes: nodes, initializers: initializers,
                          inputs: [ValueInfo(name: "x", shape: inputShape)],
                          outputs: outputs.map { ValueInfo(name: $0, shape: nil) })
        var model = Model(opsetImports: [OpsetImport(domain: "", version: 13)], graph: graph)
        model.metadataProps = metadata.map { (key: $0.key, value: $0.value) }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixed-batch-\(UUID().uuidString).onnx").path
        try ONNXWriter.writeModel(model, to: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testFixedBatchBecomesSymbolic() throws {
        let loaded = try LoadedModel(path: try writeFixedBatchModel(reshapeTo: [-1, 4]))
        XCTAssertEqual(loaded.model.graph.inputs[0].shape?.first, .parameter("N"))
        let batch = Tensor(shape: [5, 1, 2, 2], floats: Array(repeating: 1, count: 20))
        XCTAssertEqual(try loaded.floatLogits(batch).shape, [5, 3])
    }

    func testConstantBatchInGraphIsRejected() throws {
        let path = try writeFixedBatchModel(reshapeTo: [1, 4])
        XCTAssertThrowsError(try LoadedModel(path: path)) { error in
            guard case LoadError.fixedBatch(path, "x", 1, _)? = error as? LoadError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue("\(error)".contains("dynamic batch axis"), "\(error)")
        }
    }

    func testModelWithoutOutputsIsRejected() throws {
        let path = try writeFixedBatchModel(reshapeTo: [-1, 4], outputs: [])
        XCTAssertThrowsError(try LoadedModel(path: path)) { error in
            guard case LoadError.noOutputs(path)? = error as? LoadError else {
                return XCTFail("unexpected error \(error)")
            }
        }
    }

    func testOutputThatIsNotClassScoresIsRejected() throws {
        let path = try writeFixedBatchModel(reshapeTo: [-1, 4], outputs: ["x"])
        XCTAssertThrowsError(try LoadedModel(path: path)) { error in
            guard case LoadError.notAClassifier(path, "x", let shape)? = error as? LoadError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(shape.count, 4)
        }
    }

    func testInvalidMetadataNamesModelAndKey() throws {
        let path = try writeFixedBatchModel(reshapeTo: [-1, 4], metadata: ["quantscope.input_std": "0"])
        XCTAssertThrowsError(try LoadedModel(path: path)) { error in
            guard case LoadError.metadata(path, _)? = error as? LoadError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix("\(path): model metadata quantscope.input_std"), "\(error)")
        }
    }

    func testUnknownImageDimensionIsNamedFirst() throws {
        let path = try writeFixedBatchModel(reshapeTo: [-1, 4],
                                            inputShape: [.value(1), .value(1), .unknown, .value(2)])
        XCTAssertThrowsError(try LoadedModel(path: path)) { error in
            guard case LoadError.unknownInputShape(path, "x", _)? = error as? LoadError else {
                return XCTFail("unexpected error \(error)")
            }
        }
    }
}

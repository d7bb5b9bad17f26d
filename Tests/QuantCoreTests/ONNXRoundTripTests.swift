import Foundation
import XCTest
@testable import QuantCore

/// Encodes models and tensors with ONNXWriter and decodes them with
/// ONNXReader.
final class ONNXRoundTripTests: XCTestCase {
    /// Returns one tensor of every element type the reader keeps (float16 is
    /// widened to float32 on reading, so it has its own test).
    static func tensorsOfEveryType() throws -> [(String, Tensor)] {
        [
            ("weights", try Tensor(shape: [2, 3], data: .float32([1.5, -2, 0, .infinity, -0.0, 3.25e-7]))),
            ("shape", try Tensor(shape: [3], data: .int64([1, -1, Int64.max]))),
            ("indices", try Tensor(shape: [2, 2], data: .int32([Int32.min, -1, 0, Int32.max]))),
            ("zero_point", try Tensor(shape: [4], data: .int8([-128, -1, 0, 127]))),
            ("pixels", try Tensor(shape: [1, 3], data: .uint8([0, 128, 255]))),
            ("mask", try Tensor(shape: [2], data: .bool([true, false]))),
            ("scalar", try Tensor(shape: [], data: .float32([0.125]))),
            ("empty", try Tensor(shape: [0, 4], data: .float32([]))),
        ]
    }

    static func modelUsingEveryFeature() throws -> Model {
        let tensors = try tensorsOfEveryType()
        let branch = Graph(
            name: "branch",
            nodes: [Node(opType: "Identity", inputs: ["x"], outputs: ["branch_out"])],
            outputs: [ValueInfo(name: "branch_out", shape: nil)])
        let attributes: [String: Attribute] = [
            "alpha": .float(0.2),
            "axis": .int(-1),
            "mode": .string(Array("constant".utf8)),
            "value": .tensor(tensors[0].1),
            "body": .graph(branch),
            "scales": .floats([1, 0.5, -3]),
            "pads": .ints([0, 1, Int64.min, Int64.max]),
            "names": .strings([Array("a".utf8), [], [0xFF, 0x00]]),
            "tables": .tensors([tensors[1].1, tensors[5].1]),
            "branches": .graphs([branch, Graph(name: "empty")]),
            "sparse": .sparseTensor([0x0A, 0x00]),
            "sparses": .sparseTensors([[0x0A, 0x00], []]),
            "type": .typeProto([0x0A, 0x02, 0x08, 0x01]),
            "types": .typeProtos([[0x0A, 0x02, 0x08, 0x07]]),
        ]
        let nodes = [
            Node(name: "everything", opType: "Custom", domain: "com.example",
                 inputs: ["input", "", "weights"], outputs: ["hidden"], attributes: attributes,
                 docString: "a node with every attribute kind"),
            Node(opType: "Relu", inputs: ["hidden"], outputs: ["output"]),
        ]
        let graph = Graph(
            name: "main",
            nodes: nodes,
            initializers: Dictionary(uniqueKeysWithValues: tensors),
            initializerOrder: tensors.map(\.0),
            inputs: [
                ValueInfo(name: "input", shape: [.parameter("batch"), .value(3), .unknown, .value(0)]),
                ValueInfo(name: "weights", shape: [.value(2), .value(3)]),
            ],
            outputs: [ValueInfo(name: "output", elementType: .float32, shape: [], docString: "result")],
            valueInfo: [
                ValueInfo(name: "hidden", elementType: nil, rawElementType: 11, shape: nil),
                ValueInfo(name: "untyped", elementType: nil, rawElementType: 0, shape: nil),
                ValueInfo(name: "mask_value", elementType: .bool, shape: [.value(2)]),
            ],
            docString: "graph doc")
        return Model(irVersion: 9,
                     opsetImports: [OpsetImport(domain: "", version: 13), OpsetImport(domain: "com.example", version: 2)],
                     producerName: "quantscope-tests", producerVersion: "1.0", domain: "org.example",
                     modelVersion: 7, docString: "round trip", graph: graph,
                     metadataProps: [(key: "k", value: "1"), (key: "k", value: "2"), (key: "", value: "")])
    }

    func testModelRoundTripsExactly() throws {
        let model = try Self.modelUsingEveryFeature()
        let bytes = ONNXWriter.encode(model)
        let decoded = try ONNXReader.decodeModel(bytes, source: "memory")
        XCTAssertEqual(decoded, model)
        XCTAssertEqual(decoded.graph.initializerOrder, model.graph.initializerOrder)
        XCTAssertEqual(decoded.metadata("k"), "2")
        XCTAssertEqual(ONNXWriter.encode(decoded), bytes)
    }

    func testTensorsOfEveryTypeRoundTrip() throws {
        for (name, tensor) in try Self.tensorsOfEveryType() {
            let decoded = try ONNXReader.decodeTensor(ONNXWriter.encodeTensor(tensor, name: name), source: name)
            XCTAssertEqual(decoded.name, name)
            XCTAssertEqual(decoded.tensor, tensor, name)
        }
    }

    func testNaNPayloadSurvivesRoundTrip() throws {
        let nan = Float(bitPattern: 0x7FC0_1234)
        let tensor = try Tensor(shape: [1], data: .float32([nan]))
        let decoded = try ONNXReader.decodeTensor(ONNXWriter.encodeTensor(tensor, name: "n"), source: "n")
        XCTAssertEqual(try decoded.tensor.floats().first?.bitPattern, 0x7FC0_1234)
    }

    func testRealModelRereadsAfterWriting() throws {
        let path = ONNXReaderFixtureTests.fixturePath("test_qlinearconv/model.onnx")
        let original = try ONNXReader.readModel(at: path)
        let rewritten = try ONNXReader.decodeModel(ONNXWriter.encode(original), source: "rewritten")
        XCTAssertEqual(rewritten, original)
    }

    func testWriteModelReplacesFileAtomically() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("onnx-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.onnx").path

        let model = try Self.modelUsingEveryFeature()
        try ONNXWriter.writeModel(model, to: path)
        var second = model
        second.producerName = "second"
        try ONNXWriter.writeModel(second, to: path)

        XCTAssertEqual(try ONNXReader.readModel(at: path), second)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.onnx"])
    }

    func testWriteIntoMissingDirectoryFails() throws {
        let path = "/nonexistent-\(UUID().uuidString)/model.onnx"
        XCTAssertThrowsError(try ONNXWriter.writeModel(try Self.modelUsingEveryFeature(), to: path)) { error in
            guard case .writeFailed(let failedPath, _) = error as? ModelLoadError else {
                return XCTFail("expected writeFailed, got \(error)")
            }
            XCTAssertEqual(failedPath, path)
        }
    }

    func testIRVersion3InputsKeepInitializers() throws {
        let weights = try Tensor(shape: [1], data: .float32([2]))
        let graph = Graph(nodes: [Node(opType: "Mul", inputs: ["x", "w"], outputs: ["y"])],
                          initializers: ["w": weights],
                          inputs: [ValueInfo(name: "x", shape: [.value(1)]), ValueInfo(name: "w", shape: [.value(1)])],
                          outputs: [ValueInfo(name: "y", shape: [.value(1)])])
        let model = Model(irVersion: 3, opsetImports: [OpsetImport(domain: "", version: 7)], graph: graph)
        let decoded = try ONNXReader.decodeModel(ONNXWriter.encode(model), source: "ir3")
        XCTAssertEqual(decoded.irVersion, 3)
        XCTAssertEqual(decoded.graph.inputs.map(\.name), ["x", "w"])
        XCTAssertEqual(decoded.graph.runtimeInputs.map(\.name), ["x"])
    }
}

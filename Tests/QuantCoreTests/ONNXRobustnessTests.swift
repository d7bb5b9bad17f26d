import Foundation
import XCTest
@testable import QuantCore

/// Hostile and damaged input: every outcome must be a model or a typed
/// error, never a crash or an oversized allocation.
final class ONNXRobustnessTests: XCTestCase {
    /// SplitMix64, a small seeded generator so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    static let fixtureModels = ["test_conv_with_strides_padding", "test_qlinearconv", "test_if", "test_constant"]

    static func fixtureBytes(_ name: String) throws -> [UInt8] {
        let path = ONNXReaderFixtureTests.fixturePath("\(name)/model.onnx")
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Each fixture ends with its opset_import field, so no proper prefix is
    /// a complete model.
    func testEveryTruncationIsRejected() throws {
        for name in Self.fixtureModels {
            let bytes = try Self.fixtureBytes(name)
            XCTAssertNoThrow(try ONNXReader.decodeModel(bytes, source: name))
            for length in 0..<bytes.count {
                XCTAssertThrowsError(try ONNXReader.decodeModel(Array(bytes[..<length]), source: name),
                                     "\(name) cut to \(length) bytes")
            }
        }
    }

    func testRandomByteFlipsNeverCrash() throws {
        var generator = SeededGenerator(state: 20_261_204)
        var decodedCount = 0
        var errorCount = 0
        for name in Self.fixtureModels {
            let original = try Self.fixtureBytes(name)
            for _ in 0..<1_000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                do {
                    _ = try ONNXReader.decodeModel(bytes, source: name)
                    decodedCount += 1
                } catch {
                    XCTAssertFalse(error.description.isEmpty)
                    errorCount += 1
                }
            }
        }
        XCTAssertEqual(decodedCount + errorCount, 4_000)
        // Both outcomes occur; a reader that rejected everything would fail here.
        XCTAssertGreaterThan(decodedCount, 0)
        XCTAssertGreaterThan(errorCount, 0)
    }

    func testDamagedTensorFilesNeverCrash() throws {
        var generator = SeededGenerator(state: 7)
        let files = ["test_qlinearconv/test_data_set_0/input_0.pb",
                     "test_conv_with_strides_padding/test_data_set_0/output_0.pb",
                     "test_cast_FLOAT16_to_FLOAT/test_data_set_0/input_0.pb"]
        for file in files {
            let path = ONNXReaderFixtureTests.fixturePath(file)
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // A TensorProto has no required field, so a prefix that ends at a
            // field boundary may decode. The test checks only for a clean outcome.
            for length in 0..<original.count {
                _ = try? ONNXReader.decodeTensor(Array(original[..<length]), source: file)
            }
            for _ in 0..<500 {
                var bytes = original
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
                _ = try? ONNXReader.decodeTensor(bytes, source: file)
            }
            XCTAssertNoThrow(try ONNXReader.decodeTensor(original, source: file))
        }
    }

    // MARK: Deep nesting

    /// Appends `prefix` to a message that is being built back to front.
    private static func prepend(_ prefix: [UInt8], to reversed: inout [UInt8]) {
        reversed.append(contentsOf: prefix.reversed())
    }

    private static func varint(_ value: Int) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writeVarint(UInt64(value))
        return writer.bytes
    }

    /// Builds a model whose graph nests `depth` If nodes, each holding the next
    /// graph in a GRAPH attribute, back to front so that the cost is linear
    /// in `depth`.
    static func nestedGraphModel(depth: Int) -> [UInt8] {
        var reversed: [UInt8] = []  // the innermost graph is empty
        for _ in 0..<depth {
            // AttributeProto: name "g", type GRAPH (5), g = the graph so far.
            prepend([0x0A, 0x01, UInt8(ascii: "g"), 0xA0, 0x01, 0x05, 0x32] + varint(reversed.count), to: &reversed)
            // NodeProto: op_type "If", attribute = the attribute above.
            prepend([0x22, 0x02, UInt8(ascii: "I"), UInt8(ascii: "f"), 0x2A] + varint(reversed.count), to: &reversed)
            // GraphProto: node = the node above.
            prepend([0x0A] + varint(reversed.count), to: &reversed)
        }
        // ModelProto: ir_version 8, graph, opset_import { version 13 }.
        prepend([0x08, 0x08, 0x3A] + varint(reversed.count), to: &reversed)
        return reversed.reversed() + [0x42, 0x02, 0x10, 0x0D]
    }

    func testShallowNestedGraphsDecode() throws {
        let model = try ONNXReader.decodeModel(Self.nestedGraphModel(depth: 10), source: "nested")
        var graph = model.graph
        var depth = 0
        while case .graph(let inner)? = graph.nodes.first?.attributes["g"] {
            graph = inner
            depth += 1
        }
        XCTAssertEqual(depth, 10)
    }

    func testDeeplyNestedGraphsAreRejected() {
        XCTAssertThrowsError(try ONNXReader.decodeModel(Self.nestedGraphModel(depth: 10_000), source: "nested")) { error in
            guard case .nestingTooDeep(let source, let element, let limit) = error as? ModelLoadError else {
                return XCTFail("expected nestingTooDeep, got \(error)")
            }
            XCTAssertEqual(source, "nested")
            XCTAssertEqual(limit, ONNXGraphDecoding.maxGraphDepth)
            XCTAssertTrue(element.hasPrefix("graph.node[0].attribute 'g'.node[0]"), element)
        }
    }

    /// TypeProto nested 10,000 levels through sequence_type.elem_type.
    func testDeeplyNestedTypeProtoIsSkipped() throws {
        // Innermost TypeProto: tensor_type { elem_type 1 }.
        var reversed: [UInt8] = []
        Self.prepend([0x0A, 0x02, 0x08, 0x01], to: &reversed)
        for _ in 0..<10_000 {
            // Sequence { elem_type = TypeProto so far }, then TypeProto { sequence_type = Sequence }.
            Self.prepend([0x0A] + Self.varint(reversed.count), to: &reversed)
            Self.prepend([0x22] + Self.varint(reversed.count), to: &reversed)
        }
        // ValueInfoProto { name "s", type }, GraphProto { input }.
        Self.prepend([0x0A, 0x01, UInt8(ascii: "s"), 0x12] + Self.varint(reversed.count), to: &reversed)
        Self.prepend([0x5A] + Self.varint(reversed.count), to: &reversed)
        Self.prepend([0x08, 0x08, 0x3A] + Self.varint(reversed.count), to: &reversed)
        let bytes = reversed.reversed() + [0x42, 0x02, 0x10, 0x0D]

        let model = try ONNXReader.decodeModel(bytes, source: "types")
        XCTAssertEqual(model.graph.inputs.map(\.name), ["s"])
        XCTAssertNil(model.graph.inputs[0].elementType)
        XCTAssertNil(model.graph.inputs[0].shape)
    }

    // MARK: Element paths in errors

    private static func model(initializer: [UInt8]? = nil, node: [UInt8]? = nil,
                              input: [UInt8]? = nil) -> [UInt8] {
        var graph = ProtobufWriter()
        if let node { graph.writeBytes(1, node) }
        if let initializer { graph.writeBytes(5, initializer) }
        if let input { graph.writeBytes(11, input) }
        var model = ProtobufWriter()
        model.writeInt64(1, 8)
        model.writeMessage(7, graph)
        var opset = ProtobufWriter()
        opset.writeInt64(2, 13)
        model.writeMessage(8, opset)
        return model.bytes
    }

    func testInitializerErrorNamesInitializer() {
        let tensor = ONNXTensorDecodingTests.tensorProto(dims: [1_000_000, 1_000_000], type: 1, name: "conv1.weight")
        XCTAssertThrowsError(try ONNXReader.decodeModel(Self.model(initializer: tensor), source: "m.onnx")) { error in
            guard case .tensorTooLarge(let source, let element, let name, _, let claimed, _) = error as? ModelLoadError else {
                return XCTFail("expected tensorTooLarge, got \(error)")
            }
            XCTAssertEqual(source, "m.onnx")
            XCTAssertEqual(element, "graph.initializer 'conv1.weight'")
            XCTAssertEqual(name, "conv1.weight")
            XCTAssertEqual(claimed, 1_000_000_000_000)
        }
    }

    func testUnsupportedInitializerTypeIsRejected() {
        let tensor = ONNXTensorDecodingTests.tensorProto(dims: [1], type: 8, name: "labels")
        XCTAssertThrowsError(try ONNXReader.decodeModel(Self.model(initializer: tensor), source: "m.onnx")) { error in
            XCTAssertEqual(error as? ModelLoadError,
                           .unsupportedElementType(source: "m.onnx", element: "graph.initializer 'labels'",
                                                   tensor: "labels", rawType: 8))
        }
    }

    func testUnsupportedValueInfoTypeIsKept() throws {
        var input = ProtobufWriter()
        input.writeString(1, "x")
        input.writeBytes(2, [0x0A, 0x02, 0x08, 0x0B])  // tensor_type { elem_type 11 (double) }
        let model = try ONNXReader.decodeModel(Self.model(input: input.bytes), source: "m.onnx")
        XCTAssertEqual(model.graph.inputs[0].rawElementType, 11)
        XCTAssertNil(model.graph.inputs[0].elementType)
    }

    func testMalformedAttributeNamesNodeAndAttribute() {
        var attribute = ProtobufWriter()
        attribute.writeString(1, "pads")
        attribute.writeInt64(20, 7)
        attribute.writeKey(8, .lengthDelimited)
        attribute.writeVarint(50)  // claims 50 bytes, none follow
        var node = ProtobufWriter()
        node.writeString(4, "Pad")
        node.writeBytes(5, attribute.bytes)
        XCTAssertThrowsError(try ONNXReader.decodeModel(Self.model(node: node.bytes), source: "m.onnx")) { error in
            guard case .malformed(let source, let element, let problem) = error as? ModelLoadError else {
                return XCTFail("expected malformed, got \(error)")
            }
            XCTAssertEqual(source, "m.onnx")
            XCTAssertEqual(element, "graph.node[0].attribute 'pads'")
            XCTAssertTrue(problem.contains("length 50"), problem)
        }
    }

    func testDuplicateInitializerIsRejected() {
        let tensor = ONNXTensorDecodingTests.tensorProto(dims: [1], type: 1, name: "w") { $0.writePackedFloats(4, [1]) }
        var graph = ProtobufWriter()
        graph.writeBytes(5, tensor)
        graph.writeBytes(5, tensor)
        var model = ProtobufWriter()
        model.writeInt64(1, 8)
        model.writeMessage(7, graph)
        XCTAssertThrowsError(try ONNXReader.decodeModel(model.bytes, source: "m.onnx")) { error in
            guard case .invalidModel(_, let element, _) = error as? ModelLoadError else {
                return XCTFail("expected invalidModel, got \(error)")
            }
            XCTAssertEqual(element, "graph.initializer 'w'")
        }
    }

    // MARK: Files

    func testMissingFileIsRejected() {
        XCTAssertThrowsError(try ONNXReader.readModel(at: "/nonexistent/model.onnx")) { error in
            XCTAssertEqual(error as? ModelLoadError, .fileNotFound(path: "/nonexistent/model.onnx"))
        }
    }

    func testDirectoryIsRejected() {
        let path = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try ONNXReader.readModel(at: path)) { error in
            XCTAssertEqual(error as? ModelLoadError, .notAFile(path: path))
        }
    }

    func testEmptyFileIsRejected() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).onnx")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try ONNXReader.readModel(at: url.path)) { error in
            XCTAssertEqual(error as? ModelLoadError, .emptyFile(path: url.path))
        }
    }

    func testOversizedFileIsRejectedUnread() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString).onnx")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: url) }
        // A sparse file: its size is set without writing 2 GiB.
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(ONNXReader.maxFileSize) + 1)
        try handle.close()
        XCTAssertThrowsError(try ONNXReader.readModel(at: url.path)) { error in
            XCTAssertEqual(error as? ModelLoadError,
                           .fileTooLarge(path: url.path, size: ONNXReader.maxFileSize + 1, limit: ONNXReader.maxFileSize))
        }
    }

    func testUnnamedAttributeTensorErrorNamesAttribute() {
        let tensor = ONNXTensorDecodingTests.tensorProto(dims: [-1], type: 1, name: "")
        var attribute = ProtobufWriter()
        attribute.writeString(1, "value")
        attribute.writeBytes(5, tensor)
        attribute.writeInt64(20, 4)
        var node = ProtobufWriter()
        node.writeString(4, "Constant")
        node.writeBytes(5, attribute.bytes)
        XCTAssertThrowsError(try ONNXReader.decodeModel(Self.model(node: node.bytes), source: "m.onnx")) { error in
            XCTAssertEqual(error as? ModelLoadError,
                           .negativeDimension(source: "m.onnx", element: "graph.node[0].attribute 'value'",
                                              tensor: "", dims: [-1]))
            XCTAssertEqual(String(describing: error),
                           "m.onnx: graph.node[0].attribute 'value' has a negative dimension in [-1]; the file is corrupt")
        }
    }

    func testTensorFileIsNotAModel() throws {
        let path = ONNXReaderFixtureTests.fixturePath("test_conv_with_strides_padding/test_data_set_0/input_0.pb")
        // The tensor's data_type (field 2, a varint) lands on the model's
        // producer_name (field 2, a string) at byte 8.
        XCTAssertThrowsError(try ONNXReader.readModel(at: path)) { error in
            XCTAssertEqual(error as? ModelLoadError,
                           .malformed(source: path, element: "model",
                                      problem: ProtobufError.unexpectedWireType(.varint, field: 2, offset: 8).description))
        }
    }
}

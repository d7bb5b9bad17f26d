import Foundation

/// Writes models as ONNX `ModelProto` files and tensors as standalone
/// `TensorProto` files.
///
/// Tensor data is written as `raw_data` (little-endian). Float16 tensors
/// were widened on reading and are written as float32. Attributes are
/// written in name order, so equal models encode to equal bytes.
public enum ONNXWriter {
    /// Serializes `model` as a `ModelProto`.
    public static func encode(_ model: Model) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writeInt64(1, model.irVersion)
        writeIfPresent(&writer, 2, model.producerName)
        writeIfPresent(&writer, 3, model.producerVersion)
        writeIfPresent(&writer, 4, model.domain)
        if model.modelVersion != 0 { writer.writeInt64(5, model.modelVersion) }
        writeIfPresent(&writer, 6, model.docString)
        writer.writeMessage(7, graph(model.graph))
        for opset in model.opsetImports {
            var entry = ProtobufWriter()
            writeIfPresent(&entry, 1, opset.domain)
            entry.writeInt64(2, opset.version)
            writer.writeMessage(8, entry)
        }
        for (key, value) in model.metadataProps {
            var entry = ProtobufWriter()
            entry.writeString(1, key)
            entry.writeString(2, value)
            writer.writeMessage(14, entry)
        }
        return writer.bytes
    }

    /// Serializes `tensor` as a standalone `TensorProto` named `name`.
    public static func encodeTensor(_ tensor: Tensor, name: String) -> [UInt8] {
        self.tensor(tensor, name: name).bytes
    }

    /// Writes `model` to `path` atomically: the bytes go to a temporary
    /// file in the same directory, which then replaces `path` by rename, so
    /// readers never see a partly written model.
    public static func writeModel(_ model: Model, to path: String) throws(ModelLoadError) {
        try writeAtomically(encode(model), to: path)
    }

    /// Writes `tensor` to `path` atomically as a standalone `TensorProto`.
    public static func writeTensor(_ tensor: Tensor, name: String, to path: String) throws(ModelLoadError) {
        try writeAtomically(encodeTensor(tensor, name: name), to: path)
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ModelLoadError) {
        do {
            try AtomicFileWriter.write(bytes, to: path)
        } catch {
            throw .writeFailed(path: path, reason: error.reason)
        }
    }

    // MARK: Messages

    private static func graph(_ graph: Graph) -> ProtobufWriter {
        var writer = ProtobufWriter()
        for node in graph.nodes { writer.writeMessage(1, self.node(node)) }
        writeIfPresent(&writer, 2, graph.name)
        // Initializers missing from `initializerOrder` follow in name order,
        // so none is lost when a caller edits the dictionary alone.
        let listed = Set(graph.initializerOrder)
        let unlisted = graph.initializers.keys.filter { !listed.contains($0) }.sorted()
        for name in graph.initializerOrder + unlisted {
            guard let value = graph.initializers[name] else { continue }
            writer.writeMessage(5, tensor(value, name: name))
        }
        writeIfPresent(&writer, 10, graph.docString)
        for input in graph.inputs { writer.writeMessage(11, valueInfo(input)) }
        for output in graph.outputs { writer.writeMessage(12, valueInfo(output)) }
        for info in graph.valueInfo { writer.writeMessage(13, valueInfo(info)) }
        return writer
    }

    private static func node(_ node: Node) -> ProtobufWriter {
        var writer = ProtobufWriter()
        // Every input is written, empty ones too: position matters, and an
        // empty name marks an omitted optional input.
        for input in node.inputs { writer.writeString(1, input) }
        for output in node.outputs { writer.writeString(2, output) }
        writeIfPresent(&writer, 3, node.name)
        writer.writeString(4, node.opType)
        for name in node.attributes.keys.sorted() {
            writer.writeMessage(5, attribute(node.attributes[name]!, name: name))
        }
        writeIfPresent(&writer, 6, node.docString)
        writeIfPresent(&writer, 7, node.domain)
        return writer
    }

    /// `AttributeProto`: the name, the value in the field of its kind, and
    /// the `type` field (`AttributeProto.AttributeType`).
    private static func attribute(_ attribute: Attribute, name: String) -> ProtobufWriter {
        var writer = ProtobufWriter()
        writer.writeString(1, name)
        let kind: Int64
        switch attribute {
        case .float(let value): writer.writeFloat(2, value); kind = 1
        case .int(let value): writer.writeInt64(3, value); kind = 2
        case .string(let value): writer.writeBytes(4, value); kind = 3
        case .tensor(let value): writer.writeMessage(5, tensor(value, name: "")); kind = 4
        case .graph(let value): writer.writeMessage(6, graph(value)); kind = 5
        case .floats(let values): writer.writePackedFloats(7, values); kind = 6
        case .ints(let values): writer.writePackedInt64s(8, values); kind = 7
        case .strings(let values): for value in values { writer.writeBytes(9, value) }; kind = 8
        case .tensors(let values): for value in values { writer.writeMessage(10, tensor(value, name: "")) }; kind = 9
        case .graphs(let values): for value in values { writer.writeMessage(11, graph(value)) }; kind = 10
        case .sparseTensor(let value): writer.writeBytes(22, value); kind = 11
        case .sparseTensors(let values): for value in values { writer.writeBytes(23, value) }; kind = 12
        case .typeProto(let value): writer.writeBytes(14, value); kind = 13
        case .typeProtos(let values): for value in values { writer.writeBytes(15, value) }; kind = 14
        }
        writer.writeInt64(20, kind)
        return writer
    }

    private static func tensor(_ tensor: Tensor, name: String) -> ProtobufWriter {
        var writer = ProtobufWriter()
        writer.writePackedInt64s(1, tensor.shape.map(Int64.init))
        writer.writeInt64(2, Int64(tensor.elementType.rawValue))
        writeIfPresent(&writer, 8, name)
        writer.writeBytes(9, rawData(tensor.data))
        return writer
    }

    /// Returns the elements as `raw_data`: little-endian, back to back, one
    /// byte per bool.
    private static func rawData(_ data: TensorData) -> [UInt8] {
        #if _endian(little)
        // The in-memory layout already is the file layout.
        switch data {
        case .float32(let values): return values.withUnsafeBytes { Array($0) }
        case .int64(let values): return values.withUnsafeBytes { Array($0) }
        case .int32(let values): return values.withUnsafeBytes { Array($0) }
        case .int8(let values): return values.withUnsafeBytes { Array($0) }
        case .uint8(let values): return values
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        }
        #else
        var raw = ProtobufWriter()
        switch data {
        case .float32(let values): for value in values { raw.appendLittleEndian(value.bitPattern) }
        case .int64(let values): for value in values { raw.appendLittleEndian(value) }
        case .int32(let values): for value in values { raw.appendLittleEndian(value) }
        case .int8(let values): for value in values { raw.appendLittleEndian(value) }
        case .uint8(let values): return values
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        }
        return raw.bytes
        #endif
    }

    /// `ValueInfoProto`. The type is written as a `TypeProto.Tensor` when the
    /// element type or the shape is known.
    // NOTE: a value whose type is not a tensor (a sequence or map) was read
    // with an unknown element type and shape, so its type is not written back.
    private static func valueInfo(_ info: ValueInfo) -> ProtobufWriter {
        var writer = ProtobufWriter()
        writer.writeString(1, info.name)
        if info.rawElementType != 0 || info.shape != nil {
            var tensorType = ProtobufWriter()
            if info.rawElementType != 0 { tensorType.writeInt64(1, Int64(info.rawElementType)) }
            if let shape = info.shape {
                var shapeWriter = ProtobufWriter()
                for dimension in shape {
                    var dimensionWriter = ProtobufWriter()
                    switch dimension {
                    case .value(let size): dimensionWriter.writeInt64(1, Int64(size))
                    case .parameter(let name): dimensionWriter.writeString(2, name)
                    case .unknown: break
                    }
                    shapeWriter.writeMessage(1, dimensionWriter)
                }
                tensorType.writeMessage(2, shapeWriter)
            }
            var type = ProtobufWriter()
            type.writeMessage(1, tensorType)
            writer.writeMessage(2, type)
        }
        writeIfPresent(&writer, 3, info.docString)
        return writer
    }

    /// Writes a string field unless it is empty, the protobuf default.
    private static func writeIfPresent(_ writer: inout ProtobufWriter, _ number: Int, _ value: String) {
        if !value.isEmpty { writer.writeString(number, value) }
    }
}

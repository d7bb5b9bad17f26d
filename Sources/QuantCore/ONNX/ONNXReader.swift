import Foundation

/// Reads ONNX models (`ModelProto`) and standalone tensors (`TensorProto`,
/// as the ONNX test data sets store inputs and expected outputs).
///
/// Supports IR version 3 and later. Tensor data must be embedded in the
/// file. Models saved with external data are rejected with a message that
/// explains how to re-save them.
public enum ONNXReader {
    /// Largest file accepted: 2 GiB, the protobuf message size limit.
    public static let maxFileSize = 1 << 31

    /// Reads and decodes the model file at `path`.
    public static func readModel(at path: String) throws(ModelLoadError) -> Model {
        try decodeModel(try readFile(at: path), source: path)
    }

    /// Reads and decodes the standalone `TensorProto` file at `path`.
    public static func readTensor(at path: String) throws(ModelLoadError) -> (name: String, tensor: Tensor) {
        try decodeTensor(try readFile(at: path), source: path)
    }

    /// Decodes a serialized `ModelProto`; `source` names it in errors.
    public static func decodeModel(_ bytes: [UInt8], source: String) throws(ModelLoadError) -> Model {
        guard !bytes.isEmpty else { throw .emptyFile(path: source) }
        var cursor = ONNXMessageCursor(ProtobufReader(bytes), source: source, element: "model")
        var model = Model(irVersion: 0, opsetImports: [], producerName: "", graph: Graph())
        var hasGraph = false
        while let field = try cursor.nextField() {
            switch field.number {
            case 1: model.irVersion = try cursor.int64(field)
            case 2: model.producerName = try cursor.string(field)
            case 3: model.producerVersion = try cursor.string(field)
            case 4: model.domain = try cursor.string(field)
            case 5: model.modelVersion = try cursor.int64(field)
            case 6: model.docString = try cursor.string(field)
            case 7:
                model.graph = try ONNXGraphDecoding.graph(try cursor.message(field, element: "graph"), depth: 0)
                hasGraph = true
            case 8:
                let element = "model.opset_import[\(model.opsetImports.count)]"
                model.opsetImports.append(try opsetImport(try cursor.message(field, element: element)))
            case 14:
                let element = "model.metadata_props[\(model.metadataProps.count)]"
                model.metadataProps.append(try stringEntry(try cursor.message(field, element: element)))
            default:
                try cursor.skip(field)
            }
        }
        guard hasGraph else {
            throw cursor.invalid("the file has no graph; it is not an ONNX model (for a tensor file, "
                                 + "read it with decodeTensor)")
        }
        guard model.irVersion >= 3 else {
            throw cursor.invalid("IR version \(model.irVersion) is not supported; "
                                 + "convert the model to IR version 3 or later with onnx.version_converter")
        }
        guard !model.opsetImports.isEmpty else {
            throw cursor.invalid("opset_import is empty, so the operator versions are unknown; "
                                 + "re-export the model with its opset version set")
        }
        return model
    }

    /// Decodes a serialized standalone `TensorProto`.
    public static func decodeTensor(_ bytes: [UInt8], source: String) throws(ModelLoadError) -> (name: String, tensor: Tensor) {
        let cursor = ONNXMessageCursor(ProtobufReader(bytes), source: source, element: "tensor")
        let name = cursor.peekString(8)
        return try ONNXTensorDecoding.decode(
            ONNXMessageCursor(cursor.reader, source: source, element: "tensor '\(name)'"))
    }

    private static func opsetImport(_ start: ONNXMessageCursor) throws(ModelLoadError) -> OpsetImport {
        var cursor = start
        var opset = OpsetImport(domain: "", version: 0)
        while let field = try cursor.nextField() {
            switch field.number {
            case 1: opset.domain = try cursor.string(field)
            case 2: opset.version = try cursor.int64(field)
            default: try cursor.skip(field)
            }
        }
        return opset
    }

    private static func stringEntry(_ start: ONNXMessageCursor) throws(ModelLoadError) -> (key: String, value: String) {
        var cursor = start
        var entry = (key: "", value: "")
        while let field = try cursor.nextField() {
            switch field.number {
            case 1: entry.key = try cursor.string(field)
            case 2: entry.value = try cursor.string(field)
            default: try cursor.skip(field)
            }
        }
        return entry
    }

    /// Reads a whole file, rejecting missing files, directories, empty files
    /// and files above `maxFileSize` before reading any content.
    static func readFile(at path: String) throws(ModelLoadError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw .notAFile(path: path) }
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        guard size <= maxFileSize else { throw .fileTooLarge(path: path, size: size, limit: maxFileSize) }
        guard size > 0 else { throw .emptyFile(path: path) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or not a regular file")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        guard data.count <= maxFileSize else {
            throw .fileTooLarge(path: path, size: data.count, limit: maxFileSize)
        }
        guard !data.isEmpty else { throw .emptyFile(path: path) }
        return [UInt8](data)
    }
}

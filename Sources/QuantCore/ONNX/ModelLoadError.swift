/// Errors in reading or writing an ONNX file. Cases about the content carry
/// the file (`source`), the element path inside the model, such as
/// `graph.node[3].attribute 'pads'` or `graph.initializer 'conv1.weight'`,
/// and the offending value.
public enum ModelLoadError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case notAFile(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case fileTooLarge(path: String, size: Int, limit: Int)
    /// The bytes are not valid protobuf; `problem` names the byte offset.
    case malformed(source: String, element: String, problem: String)
    /// A value that is valid protobuf but not a valid ONNX model.
    case invalidModel(source: String, element: String, problem: String)
    case externalData(source: String, element: String, tensor: String)
    case unsupportedElementType(source: String, element: String, tensor: String, rawType: Int32)
    case negativeDimension(source: String, element: String, tensor: String, dims: [Int64])
    /// The dims claim more elements than a tensor may hold; `claimedElements`
    /// is nil when their product overflows 64 bits.
    case tensorTooLarge(source: String, element: String, tensor: String, dims: [Int64],
                        claimedElements: Int?, limit: Int)
    case tensorDataMismatch(source: String, element: String, tensor: String,
                            expectedElements: Int, actualElements: Int, field: String)
    case nestingTooDeep(source: String, element: String, limit: Int)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found; check the path"
        case .notAFile(let path):
            return "\(path) is a directory, not an ONNX file; pass the path of the .onnx file"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason)); check its permissions"
        case .emptyFile(let path):
            return "\(path): the file is empty; re-export the model"
        case .fileTooLarge(let path, let size, let limit):
            return "\(path): the file has \(size) bytes, more than the \(limit)-byte protobuf limit, "
                + "so it is not a valid ONNX file; models with external data are not supported"
        case .malformed(let source, let element, let problem):
            return "\(source): \(element): invalid protobuf: \(problem); "
                + "the file is corrupt or not an ONNX file, re-export it"
        case .invalidModel(let source, let element, let problem):
            return "\(source): \(element): \(problem)"
        case .externalData(let source, let element, let tensor):
            return "\(source): \(ModelLoadError.subject(element, tensor)) stores its data in an external file, "
                + "which is not supported; re-save the model with the data embedded, e.g. "
                + "onnx.save(model, path, save_as_external_data=False)"
        case .unsupportedElementType(let source, let element, let tensor, let rawType):
            return "\(source): \(ModelLoadError.subject(element, tensor)) has element type "
                + "\(ModelLoadError.dataTypeName(rawType)) (\(rawType)), which is not supported; "
                + "convert it to float32, float16, int64, int32, int8, uint8 or bool before exporting"
        case .negativeDimension(let source, let element, let tensor, let dims):
            return "\(source): \(ModelLoadError.subject(element, tensor)) has a negative dimension in \(dims); the file is corrupt"
        case .tensorTooLarge(let source, let element, let tensor, let dims, let claimed, let limit):
            let count = claimed.map(String.init) ?? "more than 2^63"
            return "\(source): \(ModelLoadError.subject(element, tensor)) with dims \(dims) claims \(count) "
                + "elements, more than the limit of \(limit); the file is corrupt"
        case .tensorDataMismatch(let source, let element, let tensor, let expected, let actual, let field):
            return "\(source): \(ModelLoadError.subject(element, tensor)) needs \(expected) elements for its dims, "
                + "but \(field) contains \(actual); the file is corrupt"
        case .nestingTooDeep(let source, let element, let limit):
            return "\(source): \(element): subgraphs are nested more than \(limit) levels deep, "
                + "far deeper than real models; the file is corrupt or crafted"
        case .writeFailed(let path, let reason):
            return "\(path): writing failed (\(reason)); check that the directory exists and is writable"
        }
    }

    /// Returns the element path, followed by the tensor name unless the name
    /// is empty or the path already ends with it.
    static func subject(_ element: String, _ tensor: String) -> String {
        if tensor.isEmpty || element.hasSuffix("'\(tensor)'") { return element }
        return "\(element) (tensor '\(tensor)')"
    }

    /// Name of an ONNX `TensorProto.DataType` number.
    static func dataTypeName(_ rawType: Int32) -> String {
        let names: [Int32: String] = [
            0: "undefined", 1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16",
            6: "int32", 7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "double",
            12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
            17: "float8e4m3fn", 18: "float8e4m3fnuz", 19: "float8e5m2", 20: "float8e5m2fnuz",
            21: "uint4", 22: "int4", 23: "float4e2m1",
        ]
        return names[rawType] ?? "unknown"
    }
}

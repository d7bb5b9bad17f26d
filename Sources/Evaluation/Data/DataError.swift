/// Errors in reading or preparing a data set. Each case names the file (or
/// the metadata key or flag), the element inside it, and the offending value.
public enum DataError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    /// The file's extension and first bytes match no supported format.
    case unsupportedFormat(path: String, reason: String)
    /// The file ends before `element` is complete.
    case truncated(path: String, element: String, expectedBytes: Int, actualBytes: Int)
    /// The bytes of `element` are invalid: a wrong magic number, a failed
    /// checksum, a malformed header, a decoder error.
    case corrupted(path: String, element: String, reason: String)
    case unsupportedElementType(path: String, element: String, found: String, supported: String)
    case shapeMismatch(path: String, element: String, expected: [Int], actual: [Int])
    /// Declared sizes would need more than `limit` bytes.
    case tooLarge(path: String, element: String, bytes: Int, limit: Int)
    /// A metadata value or command-line value that cannot be parsed.
    case invalidValue(source: String, value: String, reason: String)
    case labelCountMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    case invalidLabel(path: String, index: Int, value: String)
    case arrayNotFound(path: String, name: String, available: [String])
    case emptyDataSet(path: String)
    /// Image `image` holds a NaN or infinite value at flat index `element`.
    case nonFiniteValue(path: String, image: Int, element: Int, value: Float)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found; check the path or the model's quantscope.data metadata"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot be written: \(reason); check that the folder exists, is writable and has free space"
        case .unsupportedFormat(let path, let reason):
            return "\(path): unsupported data format: \(reason). Supported: IDX (.idx, -ubyte, raw or gzip), "
                + ".npy, .npz, and folders of PNG or JPEG images with one subfolder per class"
        case .truncated(let path, let element, let expected, let actual):
            return "\(path): \(element) is truncated: needs \(expected) bytes, the file has \(actual)"
        case .corrupted(let path, let element, let reason):
            return "\(path): \(element) is invalid: \(reason)"
        case .unsupportedElementType(let path, let element, let found, let supported):
            return "\(path): \(element) has element type \(found); supported: \(supported)"
        case .shapeMismatch(let path, let element, let expected, let actual):
            return "\(path): \(element) has shape \(actual), expected \(expected)"
        case .tooLarge(let path, let element, let bytes, let limit):
            return "\(path): \(element) declares \(bytes) bytes, more than the limit of \(limit); "
                + "the header is probably corrupt"
        case .invalidValue(let source, let value, let reason):
            return "\(source): invalid value \"\(value)\": \(reason)"
        case .labelCountMismatch(let imagesPath, let images, let labelsPath, let labels):
            return "\(imagesPath) has \(images) images but \(labelsPath) has \(labels) labels; "
                + "pass the labels file that belongs to these images"
        case .invalidLabel(let path, let index, let value):
            return "\(path): label \(index) is \(value); labels must be integers >= 0"
        case .arrayNotFound(let path, let name, let available):
            return "\(path): no array named \"\(name)\"; the archive has \(available.joined(separator: ", ")). "
                + "Choose one with PATH.npz#NAME"
        case .emptyDataSet(let path):
            return "\(path): contains no images"
        case .nonFiniteValue(let path, let image, let element, let value):
            return "\(path): image \(image) has the value \(value) at element \(element); every input value "
                + "must be finite, so replace NaN and infinity (e.g. numpy.nan_to_num) before evaluating"
        }
    }
}

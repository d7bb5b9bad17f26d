import QuantCore

/// Reader for NumPy `.npy` files, format versions 1.0, 2.0 and 3.0.
///
/// Layout: the magic string `\x93NUMPY`, a major and a minor version byte, the
/// header length (uint16 little-endian in 1.0, uint32 in 2.0 and 3.0), then
/// the header: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (10, 28, 28), }`
/// (latin-1 in 1.0 and 2.0, UTF-8 in 3.0), padded with spaces and a newline.
/// The array data follows in the order the header states.
///
/// Supported `descr` values and the tensor element type they become:
///
///     u1 -> uint8     i1 -> int8     i4 -> int32     i8 -> int64
///     f4 -> float32   f8 -> float32 (rounded to nearest)
///
/// with byte-order prefix `<` (little-endian), `>` (big-endian, byte-swapped
/// on read), `|` (not applicable) or `=` (native, little-endian on every
/// platform quantscope builds for). Only C order is read: `fortran_order:
/// True` is rejected, as are object arrays (`|O`), strings and structured
/// dtypes.
public enum NPYReader {
    /// Reads an `.npy` file into a tensor with the array's shape.
    public static func read(path: String) throws(DataError) -> Tensor {
        try decode(readFileBytes(path)[...], path: path, element: "array")
    }

    /// Decodes `.npy` bytes. `path` and `element` only name the array in errors
    /// (for an archive member, `element` is its name).
    public static func decode(_ bytes: ArraySlice<UInt8>, path: String, element: String) throws(DataError) -> Tensor {
        let bytes = Array(bytes)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
        guard bytes.count >= 10 else {
            throw .truncated(path: path, element: "\(element) header", expectedBytes: 10, actualBytes: bytes.count)
        }
        guard Array(bytes[0..<6]) == magic else {
            throw .corrupted(path: path, element: "\(element) header",
                             reason: "missing the \\x93NUMPY magic string; this is not a .npy file")
        }
        let major = bytes[6]
        let lengthWidth: Int
        switch major {
        case 1: lengthWidth = 2
        case 2, 3: lengthWidth = 4
        default:
            throw .corrupted(path: path, element: "\(element) header",
                             reason: "format version \(major).\(bytes[7]) is not supported; versions 1.0, 2.0 and 3.0 are")
        }
        let headerStart = 8 + lengthWidth
        guard bytes.count >= headerStart else {
            throw .truncated(path: path, element: "\(element) header", expectedBytes: headerStart,
                             actualBytes: bytes.count)
        }
        let headerLength = Int(bytes.littleEndianInteger(at: 8, width: lengthWidth))
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart else {
            throw .truncated(path: path, element: "\(element) header", expectedBytes: dataStart,
                             actualBytes: bytes.count)
        }
        let headerBytes = bytes[headerStart..<dataStart]
        let headerText = major == 3
            ? String(decoding: headerBytes, as: UTF8.self)
            : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        let header = try NPYHeader(parsing: headerText, path: path, element: element)

        guard !header.fortranOrder else {
            throw .corrupted(path: path, element: element,
                             reason: "fortran_order is True; only C-order arrays are read. "
                                 + "Save it with numpy.ascontiguousarray(array)")
        }
        let dtype = try NPYDataType(descr: header.descr, path: path, element: element)
        guard let count = checkedProduct(header.shape),
              let byteCount = checkedProduct([count, dtype.width]), byteCount <= maximumDecodedBytes else {
            throw .tooLarge(path: path, element: "\(element) of shape \(header.shape)",
                            bytes: checkedProduct(header.shape + [dtype.width]) ?? Int.max,
                            limit: maximumDecodedBytes)
        }
        let available = bytes.count - dataStart
        guard available >= byteCount else {
            throw .truncated(path: path, element: "\(element) of shape \(header.shape)",
                             expectedBytes: dataStart + byteCount, actualBytes: bytes.count)
        }
        guard available == byteCount else {
            throw .corrupted(path: path, element: "\(element) of shape \(header.shape)",
                             reason: "has \(available) data bytes, the shape and dtype \(header.descr) need \(byteCount)")
        }
        let data = dtype.convert(bytes[dataStart...], count: count)
        do {
            return try Tensor(shape: header.shape, data: data)
        } catch {
            throw .corrupted(path: path, element: element, reason: error.description)
        }
    }
}

/// The three entries of a `.npy` header dict.
struct NPYHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Parses the Python dict literal of a `.npy` header. Accepts exactly the
    /// keys `descr` (a string), `fortran_order` (True or False) and `shape` (a
    /// tuple of non-negative integers), in any order, with optional trailing
    /// commas.
    init(parsing text: String, path: String, element: String) throws(DataError) {
        var scanner = LiteralScanner(text: text)
        func malformed(_ reason: String) -> DataError {
            .corrupted(path: path, element: "\(element) header", reason: "\(reason) in \(text.debugDescription)")
        }
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        guard scanner.consume("{") else { throw malformed("expected '{'") }
        while !scanner.consume("}") {
            guard let key = scanner.string() else { throw malformed("expected a quoted key") }
            guard scanner.consume(":") else { throw malformed("expected ':' after '\(key)'") }
            switch key {
            case "descr":
                guard let value = scanner.string() else {
                    throw malformed("descr is not a string (structured dtypes with named fields are not supported)")
                }
                descr = value
            case "fortran_order":
                if scanner.consume("True") {
                    fortranOrder = true
                } else if scanner.consume("False") {
                    fortranOrder = false
                } else {
                    throw malformed("fortran_order is not True or False")
                }
            case "shape":
                guard let value = scanner.integerTuple() else {
                    throw malformed("shape is not a tuple of non-negative integers")
                }
                shape = value
            default:
                throw malformed("unexpected key '\(key)'")
            }
            if !scanner.consume(",") {
                guard scanner.consume("}") else { throw malformed("expected ',' or '}'") }
                break
            }
        }
        guard let descr else { throw malformed("missing key 'descr'") }
        guard let fortranOrder else { throw malformed("missing key 'fortran_order'") }
        guard let shape else { throw malformed("missing key 'shape'") }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }
}

/// A cursor over a Python literal that skips whitespace before each token.
private struct LiteralScanner {
    private let characters: [Character]
    private var position = 0

    init(text: String) {
        characters = Array(text)
    }

    private mutating func skipWhitespace() {
        while position < characters.count && characters[position].isWhitespace { position += 1 }
    }

    mutating func consume(_ token: String) -> Bool {
        skipWhitespace()
        let tokenCharacters = Array(token)
        guard characters.count - position >= tokenCharacters.count,
              Array(characters[position..<position + tokenCharacters.count]) == tokenCharacters else {
            return false
        }
        position += tokenCharacters.count
        return true
    }

    /// Scans a string in single or double quotes, without escape sequences (a
    /// `.npy` header never needs them).
    mutating func string() -> String? {
        skipWhitespace()
        guard position < characters.count, characters[position] == "'" || characters[position] == "\"" else {
            return nil
        }
        let quote = characters[position]
        guard let end = characters[(position + 1)...].firstIndex(of: quote) else { return nil }
        let value = String(characters[(position + 1)..<end])
        position = end + 1
        return value
    }

    mutating func integer() -> Int? {
        skipWhitespace()
        var digits = ""
        while position < characters.count, let digit = characters[position].wholeNumberValue,
              characters[position].isASCII {
            digits.append(String(digit))
            position += 1
        }
        if position < characters.count && characters[position] == "L" { position += 1 }  // Python 2 long
        return Int(digits)
    }

    /// `()`, `(n,)` or `(n, m, ...)`, trailing comma allowed.
    mutating func integerTuple() -> [Int]? {
        guard consume("(") else { return nil }
        var values: [Int] = []
        while !consume(")") {
            guard let value = integer() else { return nil }
            values.append(value)
            if !consume(",") {
                guard consume(")") else { return nil }
                break
            }
        }
        return values
    }
}

/// A supported `.npy` element type with its byte order.
private struct NPYDataType {
    enum Kind { case uint8, int8, int32, int64, float32, float64 }

    var kind: Kind
    var width: Int
    var bigEndian: Bool

    init(descr: String, path: String, element: String) throws(DataError) {
        let supported = "u1, i1, i4, i8, f4, f8 with byte order <, >, | or ="
        var code = Substring(descr)
        bigEndian = false
        if let first = code.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            code = code.dropFirst()
        }
        switch code {
        case "u1": (kind, width) = (.uint8, 1)
        case "i1": (kind, width) = (.int8, 1)
        case "i4": (kind, width) = (.int32, 4)
        case "i8": (kind, width) = (.int64, 8)
        case "f4": (kind, width) = (.float32, 4)
        case "f8": (kind, width) = (.float64, 8)
        case "O":
            throw .unsupportedElementType(path: path, element: element,
                                          found: "'\(descr)' (Python objects, saved with allow_pickle)",
                                          supported: supported)
        default:
            throw .unsupportedElementType(path: path, element: element, found: "'\(descr)'", supported: supported)
        }
    }

    /// Converts `count` elements starting at the slice's start.
    func convert(_ bytes: ArraySlice<UInt8>, count: Int) -> TensorData {
        let bigEndian = self.bigEndian
        return bytes.withUnsafeBytes { raw -> TensorData in
            func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
                let value = raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)
                return bigEndian ? T(bigEndian: value) : T(littleEndian: value)
            }
            switch kind {
            case .uint8:
                return .uint8(Array(raw.prefix(count)))
            case .int8:
                return .int8(raw.prefix(count).map { Int8(bitPattern: $0) })
            case .int32:
                return .int32((0..<count).map { load(Int32.self, $0) })
            case .int64:
                return .int64((0..<count).map { load(Int64.self, $0) })
            case .float32:
                return .float32((0..<count).map { Float(bitPattern: load(UInt32.self, $0)) })
            case .float64:
                return .float32((0..<count).map { Float(Double(bitPattern: load(UInt64.self, $0))) })
            }
        }
    }
}

import QuantCore

/// Reader for IDX files, the format of MNIST, Fashion-MNIST and EMNIST.
///
/// Layout (all integers big-endian):
///
///     offset 0   2 zero bytes
///     offset 2   element type: 0x08 uint8 (the only type accepted here),
///                0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
///     offset 3   rank r
///     offset 4   r dimension sizes, 4 bytes each
///     then       the elements in row-major order
///
/// The file may be gzip-compressed as distributed (`*.gz`); compression is
/// detected from the first two bytes (1F 8B), not from the name. Only uint8
/// is accepted because every IDX image and label set in use stores uint8;
/// other types are rejected with `DataError.unsupportedElementType`.
public enum IDXReader {
    /// Reads an IDX file into a uint8 tensor with the file's shape, e.g.
    /// `[N, 28, 28]` for images and `[N]` for labels. With `limit`, only the
    /// first `limit` items along the first axis are returned.
    public static func read(path: String, limit: Int? = nil) throws(DataError) -> Tensor {
        let bytes = try readFileBytes(path)
        return try decode(bytes, path: path, limit: limit)
    }

    /// Decodes IDX bytes, raw or gzip-compressed; `path` only names the file in
    /// errors.
    public static func decode(_ bytes: [UInt8], path: String, limit: Int? = nil) throws(DataError) -> Tensor {
        if hasGzipMagic(bytes) {
            let inflater = try Inflater(bytes: bytes[...], framing: .gzip, path: path, element: "gzip stream")
            return try decode(source: .compressed(inflater, compressedCount: bytes.count), path: path, limit: limit)
        }
        return try decode(source: .raw(bytes), path: path, limit: limit)
    }

    private enum Source {
        case raw([UInt8])
        case compressed(Inflater, compressedCount: Int)
    }

    private static func decode(source: Source, path: String, limit: Int?) throws(DataError) -> Tensor {
        var consumed = 0
        func take(_ count: Int, _ element: String) throws(DataError) -> [UInt8] {
            switch source {
            case .raw(let bytes):
                guard bytes.count - consumed >= count else {
                    throw .truncated(path: path, element: element, expectedBytes: consumed + count,
                                     actualBytes: bytes.count)
                }
                defer { consumed += count }
                return Array(bytes[consumed..<consumed + count])
            case .compressed(let inflater, _):
                let chunk = try inflater.read(count: count)
                guard chunk.count == count else {
                    throw .truncated(path: path, element: element + " (after gzip decompression)",
                                     expectedBytes: consumed + count, actualBytes: consumed + chunk.count)
                }
                consumed += count
                return chunk
            }
        }

        let magic = try take(4, "magic number")
        guard magic[0] == 0 && magic[1] == 0 else {
            throw .corrupted(path: path, element: "magic number",
                             reason: "starts with \(hex(magic)), an IDX file starts with 00 00")
        }
        guard magic[2] == 0x08 else {
            throw .unsupportedElementType(path: path, element: "IDX data", found: elementTypeName(magic[2]),
                                          supported: "uint8 (type byte 0x08)")
        }
        let rank = Int(magic[3])
        guard rank >= 1 else {
            throw .corrupted(path: path, element: "magic number", reason: "rank is 0, expected at least 1")
        }
        let header = try take(4 * rank, "dimension sizes")
        var shape = (0..<rank).map { Int(header.bigEndianUInt32(at: 4 * $0)) }
        guard let payloadCount = checkedProduct(shape), payloadCount <= maximumDecodedBytes else {
            throw .tooLarge(path: path, element: "IDX data of shape \(shape)", bytes: checkedProduct(shape) ?? Int.max,
                            limit: maximumDecodedBytes)
        }
        if case .compressed(_, let compressedCount) = source,
           payloadCount > compressedCount * Inflater.maximumRatio {
            throw .corrupted(path: path, element: "IDX data of shape \(shape)",
                             reason: "declares \(payloadCount) bytes, more than the \(compressedCount) compressed "
                                 + "bytes can inflate to; the header or the file is damaged")
        }

        let itemSize = shape.dropFirst().reduce(1, *)
        let itemCount = min(shape[0], max(limit ?? shape[0], 0))
        if case .raw(let bytes) = source {
            // Check the whole declared payload so a truncated file is reported
            // even when `limit` reads only its start.
            let expected = consumed + payloadCount
            guard bytes.count >= expected else {
                throw .truncated(path: path, element: "IDX data of shape \(shape)", expectedBytes: expected,
                                 actualBytes: bytes.count)
            }
        }
        let payload = try take(itemCount * itemSize, "IDX data of shape \(shape)")
        if case .compressed(let inflater, _) = source, itemCount == shape[0] {
            // Inflate to the end of the stream so that the gzip trailer's
            // CRC-32 and length are checked. NOTE: a read with `limit` stops
            // early and leaves the rest of a compressed file unchecked.
            let extra = try inflater.read(count: 1)
            guard extra.isEmpty else {
                throw .corrupted(path: path, element: "IDX data of shape \(shape)",
                                 reason: "the decompressed file is longer than the header declares")
            }
        }
        shape[0] = itemCount
        do {
            return try Tensor(shape: shape, data: .uint8(payload))
        } catch {
            throw .corrupted(path: path, element: "IDX data", reason: error.description)
        }
    }

    private static func elementTypeName(_ code: UInt8) -> String {
        switch code {
        case 0x08: return "uint8 (0x08)"
        case 0x09: return "int8 (0x09)"
        case 0x0B: return "int16 (0x0B)"
        case 0x0C: return "int32 (0x0C)"
        case 0x0D: return "float32 (0x0D)"
        case 0x0E: return "float64 (0x0E)"
        default: return "unknown type byte 0x" + String(code, radix: 16, uppercase: true)
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }
}

import CZlib

/// Framing of a deflate stream: gzip (RFC 1952), zlib (RFC 1950) or raw
/// deflate (RFC 1951, as stored inside ZIP archives).
enum DeflateFraming {
    case gzip
    case zlib
    case raw

    /// zlib's `windowBits` for `inflateInit2`: 15 is the 32 KiB window, +16
    /// selects gzip framing, and a negative value selects raw deflate.
    var windowBits: Int32 {
        switch self {
        case .gzip: return 15 + 16
        case .zlib: return 15
        case .raw: return -15
        }
    }
}

/// Streaming zlib inflate over bytes held in memory. Output is produced only
/// in the amounts the caller requests, so a corrupt size in a header can never
/// make it allocate more than the caller has checked.
///
/// Concatenated gzip members (as `cat a.gz b.gz` produces) are read as one
/// stream.
final class Inflater {
    /// The largest ratio of inflated to deflated size that deflate can reach,
    /// because a 258-byte match takes at least about 2 bits. A declared size
    /// above `compressedCount * maximumRatio` cannot be real.
    static let maximumRatio = 1032

    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let framing: DeflateFraming
    private let path: String
    private let element: String
    private(set) var isFinished = false

    init(bytes: ArraySlice<UInt8>, framing: DeflateFraming, path: String, element: String) throws(DataError) {
        guard bytes.count <= Int(UInt32.max) else {
            // NOTE: zlib's avail_in is 32 bits; inputs of 4 GiB or more would
            // need refilling, and no supported data file is that large.
            throw .tooLarge(path: path, element: element, bytes: bytes.count, limit: Int(UInt32.max))
        }
        self.framing = framing
        self.path = path
        self.element = element
        input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        stream.pointee.next_in = input.baseAddress
        stream.pointee.avail_in = UInt32(clamping: bytes.count)
        let status = inflateInit2_(stream, framing.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw .corrupted(path: path, element: element, reason: "zlib could not start inflating (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Inflates up to `count` bytes, fewer only when the compressed stream
    /// ends properly before that. Throws `corrupted` when the input ends inside
    /// the stream, on invalid deflate data and on a failed checksum.
    func read(count: Int) throws(DataError) -> [UInt8] {
        var produced = 0
        var failure: DataError?
        let output = [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            while produced < count && !isFinished {
                let chunk = min(count - produced, Int(UInt32.max))
                stream.pointee.next_out = buffer.baseAddress! + produced
                stream.pointee.avail_out = UInt32(chunk)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                produced += chunk - Int(stream.pointee.avail_out)
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    if !startNextGzipMember() { isFinished = true }
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    failure = .corrupted(path: path, element: element,
                                         reason: "the compressed data ends inside the deflate stream after "
                                             + "\(stream.pointee.total_in) bytes; the file is truncated")
                case Z_NEED_DICT:
                    failure = .corrupted(path: path, element: element,
                                         reason: "the deflate stream needs a preset dictionary")
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    failure = .corrupted(path: path, element: element, reason: "inflate failed: \(message)")
                }
                if failure != nil { break }
            }
            initializedCount = produced
        }
        if let failure { throw failure }
        return output
    }

    /// Restarts inflation when another gzip member follows the one that just
    /// ended. Returns false at the real end of the data.
    private func startNextGzipMember() -> Bool {
        guard framing == .gzip, stream.pointee.avail_in >= 2 else { return false }
        let next = stream.pointee.next_in!
        guard next[0] == 0x1F && next[1] == 0x8B else { return false }
        return inflateReset(stream) == Z_OK
    }

    /// Inflates a whole stream whose inflated size is known in advance (ZIP
    /// entries), checking that it is exactly `expectedCount` bytes.
    static func inflateAll(_ bytes: ArraySlice<UInt8>, framing: DeflateFraming, expectedCount: Int,
                           path: String, element: String) throws(DataError) -> [UInt8] {
        guard expectedCount <= max(bytes.count, 1) * maximumRatio else {
            throw .corrupted(path: path, element: element,
                             reason: "declares \(expectedCount) inflated bytes from \(bytes.count) compressed bytes, "
                                 + "more than deflate can encode")
        }
        let inflater = try Inflater(bytes: bytes, framing: framing, path: path, element: element)
        let output = try inflater.read(count: expectedCount)
        guard output.count == expectedCount else {
            throw .truncated(path: path, element: element, expectedBytes: expectedCount, actualBytes: output.count)
        }
        let extra = try inflater.read(count: 1)
        guard extra.isEmpty else {
            throw .corrupted(path: path, element: element,
                             reason: "inflates to more than the declared \(expectedCount) bytes")
        }
        return output
    }
}

/// True when `bytes` start with the gzip magic number 1F 8B.
func hasGzipMagic(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
}

/// Appends protobuf wire-format fields to a byte buffer.
///
/// Nested messages are built in their own writer and appended with
/// `writeMessage`, which prefixes their length. Repeated scalars are written
/// packed, which every protobuf parser accepts for proto2 and proto3 fields.
public struct ProtobufWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends `value` as a base-128 varint, 7 bits per byte, least
    /// significant group first; the high bit marks that more bytes follow.
    public mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    public mutating func writeKey(_ number: Int, _ wireType: WireType) {
        writeVarint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    /// Writes an `int64`, `int32` or enum field; negative values take 10
    /// bytes, sign-extended to 64 bits as protobuf specifies.
    public mutating func writeInt64(_ number: Int, _ value: Int64) {
        writeKey(number, .varint)
        writeVarint(UInt64(bitPattern: value))
    }

    public mutating func writeFloat(_ number: Int, _ value: Float) {
        writeKey(number, .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    public mutating func writeBytes<Payload: Collection<UInt8>>(_ number: Int, _ payload: Payload) {
        writeKey(number, .lengthDelimited)
        writeVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    public mutating func writeString(_ number: Int, _ value: String) {
        writeBytes(number, value.utf8)
    }

    public mutating func writeMessage(_ number: Int, _ message: ProtobufWriter) {
        writeBytes(number, message.bytes)
    }

    /// Writes a packed repeated `int64` field; nothing when `values` is empty.
    public mutating func writePackedInt64s(_ number: Int, _ values: [Int64]) {
        guard !values.isEmpty else { return }
        var payload = ProtobufWriter()
        for value in values { payload.writeVarint(UInt64(bitPattern: value)) }
        writeMessage(number, payload)
    }

    /// Writes a packed repeated `float` field; nothing when `values` is empty.
    public mutating func writePackedFloats(_ number: Int, _ values: [Float]) {
        guard !values.isEmpty else { return }
        var payload = ProtobufWriter()
        for value in values { payload.appendLittleEndian(value.bitPattern) }
        writeMessage(number, payload)
    }

    /// Appends the bytes of `value`, least significant first, with no key.
    public mutating func appendLittleEndian<Word: FixedWidthInteger>(_ value: Word) {
        for index in 0..<(Word.bitWidth / 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index)))
        }
    }
}

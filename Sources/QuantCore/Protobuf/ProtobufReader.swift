/// The protobuf wire types. Types 3 and 4 (groups) are deprecated and
/// rejected, and 6 and 7 are undefined.
public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// A field key: `key = (fieldNumber << 3) | wireType`, stored as a varint.
public struct ProtobufField: Sendable, Equatable {
    public var number: Int
    public var wireType: WireType
    /// Offset of the key's first byte in the buffer, for messages.
    public var offset: Int
}

/// Wire-format errors. Each case names the absolute byte offset where the
/// problem starts.
public enum ProtobufError: Error, Equatable, CustomStringConvertible {
    case truncated(offset: Int, needed: Int, available: Int)
    case varintTooLong(offset: Int)
    case invalidWireType(Int, offset: Int)
    case invalidFieldNumber(UInt64, offset: Int)
    case lengthExceedsMessage(length: UInt64, offset: Int, available: Int)
    case packedLengthNotMultiple(length: Int, elementSize: Int, offset: Int)
    case unexpectedWireType(WireType, field: Int, offset: Int)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed, let available):
            return "truncated field at byte \(offset): needs \(needed) bytes, \(available) remain"
        case .varintTooLong(let offset):
            return "varint at byte \(offset) is longer than 10 bytes"
        case .invalidWireType(let type, let offset):
            return "invalid wire type \(type) at byte \(offset) (groups and types 6, 7 are not valid)"
        case .invalidFieldNumber(let number, let offset):
            return "invalid field number \(number) at byte \(offset)"
        case .lengthExceedsMessage(let length, let offset, let available):
            return "length \(length) at byte \(offset) exceeds the \(available) bytes left in the message"
        case .packedLengthNotMultiple(let length, let elementSize, let offset):
            return "packed field at byte \(offset) has length \(length), not a multiple of \(elementSize)"
        case .unexpectedWireType(let type, let field, let offset):
            return "field \(field) at byte \(offset) has unexpected wire type \(type.rawValue)"
        }
    }
}

/// A cursor over one protobuf message inside a shared byte buffer.
///
/// Offsets are absolute positions in `bytes`, so errors from nested messages
/// point at the right byte of the file. Every length read from the input is
/// checked against the bytes left in the current message before it is used,
/// so a hostile length never causes an allocation or an out-of-bounds read.
public struct ProtobufReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    public let end: Int

    /// Creates a reader over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    /// Creates a reader over `range` of `bytes`, which must lie inside `bytes`.
    public init(_ bytes: [UInt8], range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count)
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    public var isAtEnd: Bool { offset >= end }
    public var remaining: Int { end - offset }

    /// Reads the next field key, or returns nil at the end of the message.
    public mutating func nextField() throws(ProtobufError) -> ProtobufField? {
        guard offset < end else { return nil }
        let start = offset
        let key = try readVarint()
        let rawType = Int(key & 7)
        let number = key >> 3
        // Field numbers are 1 ... 2^29 - 1.
        guard number >= 1, number <= (1 << 29) - 1 else {
            throw .invalidFieldNumber(number, offset: start)
        }
        guard let wireType = WireType(rawValue: UInt8(rawType)) else {
            throw .invalidWireType(rawType, offset: start)
        }
        return ProtobufField(number: Int(number), wireType: wireType, offset: start)
    }

    /// Reads a base-128 varint of at most 10 bytes, least significant group first.
    public mutating func readVarint() throws(ProtobufError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else {
                throw .truncated(offset: start, needed: offset - start + 1, available: end - start)
            }
            guard offset - start < 10 else { throw .varintTooLong(offset: start) }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte can contribute only bit 63, so its higher bits
            // fall off the shift and are ignored.
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        try readLittleEndian(UInt32.self)
    }

    public mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        try readLittleEndian(UInt64.self)
    }

    private mutating func readLittleEndian<Word: FixedWidthInteger & UnsignedInteger>(
        _: Word.Type
    ) throws(ProtobufError) -> Word {
        let width = Word.bitWidth / 8
        try require(width)
        var value: Word = 0
        for index in 0..<width { value |= Word(bytes[offset + index]) << (8 * index) }
        offset += width
        return value
    }

    /// Reads a length prefix and returns the range of the payload, checked
    /// to lie inside the current message, and moves past it.
    public mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(end - offset) else {
            throw .lengthExceedsMessage(length: length, offset: start, available: end - offset)
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// Reads a length-delimited payload as bytes.
    public mutating func readBytes() throws(ProtobufError) -> [UInt8] {
        Array(bytes[try readLengthDelimited()])
    }

    /// Reads a length-delimited payload as UTF-8 text; invalid sequences
    /// become U+FFFD.
    public mutating func readString() throws(ProtobufError) -> String {
        String(decoding: bytes[try readLengthDelimited()], as: UTF8.self)
    }

    /// Returns a reader over the nested message whose length prefix is at the cursor.
    public mutating func readMessage() throws(ProtobufError) -> ProtobufReader {
        ProtobufReader(bytes, range: try readLengthDelimited())
    }

    /// Skips the value of `field`, whatever its wire type.
    public mutating func skip(_ field: ProtobufField) throws(ProtobufError) {
        switch field.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: try require(8); offset += 8
        case .fixed32: try require(4); offset += 4
        case .lengthDelimited: _ = try readLengthDelimited()
        }
    }

    // MARK: Repeated scalars, packed or not

    /// Appends the varints of a repeated field: one value when the field is
    /// unpacked (wire type 0), all values of a packed run (wire type 2).
    public mutating func appendVarints(of field: ProtobufField,
                                       to values: inout [UInt64]) throws(ProtobufError) {
        switch field.wireType {
        case .varint:
            values.append(try readVarint())
        case .lengthDelimited:
            var packed = try readMessage()
            while !packed.isAtEnd { values.append(try packed.readVarint()) }
        default:
            throw .unexpectedWireType(field.wireType, field: field.number, offset: field.offset)
        }
    }

    /// Appends the 32-bit values of a repeated fixed32 or float field,
    /// unpacked (wire type 5) or packed (wire type 2).
    public mutating func appendFixed32s(of field: ProtobufField,
                                        to values: inout [UInt32]) throws(ProtobufError) {
        switch field.wireType {
        case .fixed32:
            values.append(try readFixed32())
        case .lengthDelimited:
            let lengthOffset = offset
            var packed = try readMessage()
            guard packed.remaining % 4 == 0 else {
                throw .packedLengthNotMultiple(length: packed.remaining, elementSize: 4, offset: lengthOffset)
            }
            values.reserveCapacity(values.count + packed.remaining / 4)
            while !packed.isAtEnd { values.append(try packed.readFixed32()) }
        default:
            throw .unexpectedWireType(field.wireType, field: field.number, offset: field.offset)
        }
    }

    /// Throws unless the value of `field` has `expected` wire type.
    public func expect(_ field: ProtobufField, _ expected: WireType) throws(ProtobufError) {
        guard field.wireType == expected else {
            throw .unexpectedWireType(field.wireType, field: field.number, offset: field.offset)
        }
    }

    private func require(_ count: Int) throws(ProtobufError) {
        guard end - offset >= count else {
            throw .truncated(offset: offset, needed: count, available: end - offset)
        }
    }
}

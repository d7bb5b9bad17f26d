import XCTest
@testable import QuantCore

final class ProtobufWireTests: XCTestCase {
    private func encodedVarint(_ value: UInt64) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writeVarint(value)
        return writer.bytes
    }

    func testVarintEdgeValuesRoundTrip() throws {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]),
            (1, [0x01]),
            (127, [0x7F]),
            (128, [0x80, 0x01]),
            (300, [0xAC, 0x02]),
            (16_383, [0xFF, 0x7F]),
            (16_384, [0x80, 0x80, 0x01]),
            (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases {
            XCTAssertEqual(encodedVarint(value), bytes, "encoding \(value)")
            var reader = ProtobufReader(bytes)
            XCTAssertEqual(try reader.readVarint(), value, "decoding \(bytes)")
            XCTAssertTrue(reader.isAtEnd, "decoding \(bytes) consumes every byte")
        }
    }

    func testNegativeInt64TakesTenBytes() throws {
        var writer = ProtobufWriter()
        writer.writeInt64(3, -1)
        XCTAssertEqual(writer.bytes, [0x18] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        var reader = ProtobufReader(writer.bytes)
        let field = try XCTUnwrap(try reader.nextField())
        XCTAssertEqual(field.number, 3)
        XCTAssertEqual(Int64(bitPattern: try reader.readVarint()), -1)
    }

    func testVarintLongerThanTenBytesIsRejected() {
        var reader = ProtobufReader([0x05] + [UInt8](repeating: 0x80, count: 10) + [0x01])
        _ = try? reader.readVarint()
        XCTAssertThrowsError(try reader.readVarint()) { error in
            XCTAssertEqual(error as? ProtobufError, .varintTooLong(offset: 1))
        }
    }

    func testTruncatedVarintNamesOffset() {
        var reader = ProtobufReader([0x08, 0x96])
        XCTAssertNotNil(try? reader.nextField())
        XCTAssertThrowsError(try reader.readVarint()) { error in
            XCTAssertEqual(error as? ProtobufError, .truncated(offset: 1, needed: 2, available: 1))
        }
    }

    func testTruncatedFixedFields() {
        var fixed32 = ProtobufReader([0x01, 0x02, 0x03])
        XCTAssertThrowsError(try fixed32.readFixed32()) { error in
            XCTAssertEqual(error as? ProtobufError, .truncated(offset: 0, needed: 4, available: 3))
        }
        var fixed64 = ProtobufReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07])
        XCTAssertThrowsError(try fixed64.readFixed64()) { error in
            XCTAssertEqual(error as? ProtobufError, .truncated(offset: 0, needed: 8, available: 7))
        }
    }

    func testFixedFieldsAreLittleEndian() throws {
        var reader = ProtobufReader([0x78, 0x56, 0x34, 0x12, 0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01])
        XCTAssertEqual(try reader.readFixed32(), 0x1234_5678)
        XCTAssertEqual(try reader.readFixed64(), 0x0123_4567_89AB_CDEF)
    }

    func testInvalidWireTypesAreRejected() {
        for wireType in [3, 4, 6, 7] {
            var reader = ProtobufReader([0x08, 0x01, UInt8(1 << 3 | wireType)])
            XCTAssertNoThrow(try reader.skip(XCTUnwrap(try reader.nextField())))
            XCTAssertThrowsError(try reader.nextField(), "wire type \(wireType)") { error in
                XCTAssertEqual(error as? ProtobufError, .invalidWireType(wireType, offset: 2))
            }
        }
    }

    func testFieldNumberZeroIsRejected() {
        var reader = ProtobufReader([0x00, 0x01])
        XCTAssertThrowsError(try reader.nextField()) { error in
            XCTAssertEqual(error as? ProtobufError, .invalidFieldNumber(0, offset: 0))
        }
    }

    func testLengthBeyondMessageIsRejectedBeforeReading() {
        // A length of 2^62 followed by two bytes.
        var reader = ProtobufReader([0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00, 0x00])
        XCTAssertNotNil(try? reader.nextField())
        XCTAssertThrowsError(try reader.readBytes()) { error in
            XCTAssertEqual(error as? ProtobufError,
                           .lengthExceedsMessage(length: 1 << 62, offset: 1, available: 2))
        }
    }

    func testNestedMessageCannotReadPastItsEnd() throws {
        // Field 1 contains a 2-byte message whose inner field claims 5 bytes.
        // The 5 bytes exist in the buffer but lie outside the message.
        var reader = ProtobufReader([0x0A, 0x02, 0x0A, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05])
        _ = try reader.nextField()
        var inner = try reader.readMessage()
        _ = try inner.nextField()
        XCTAssertThrowsError(try inner.readBytes()) { error in
            XCTAssertEqual(error as? ProtobufError, .lengthExceedsMessage(length: 5, offset: 3, available: 0))
        }
    }

    func testPackedAndUnpackedVarintsDecodeAlike() throws {
        var packed = ProtobufWriter()
        packed.writePackedInt64s(8, [1, -2, 300])
        var unpacked = ProtobufWriter()
        for value: Int64 in [1, -2, 300] { unpacked.writeInt64(8, value) }
        XCTAssertNotEqual(packed.bytes, unpacked.bytes)

        for bytes in [packed.bytes, unpacked.bytes, packed.bytes + unpacked.bytes] {
            var reader = ProtobufReader(bytes)
            var values: [UInt64] = []
            while let field = try reader.nextField() {
                XCTAssertEqual(field.number, 8)
                try reader.appendVarints(of: field, to: &values)
            }
            let expected: [Int64] = bytes.count == packed.bytes.count + unpacked.bytes.count
                ? [1, -2, 300, 1, -2, 300] : [1, -2, 300]
            XCTAssertEqual(values.map { Int64(bitPattern: $0) }, expected)
        }
    }

    func testPackedAndUnpackedFloatsDecodeAlike() throws {
        var packed = ProtobufWriter()
        packed.writePackedFloats(7, [1.5, -0.25, .infinity])
        var unpacked = ProtobufWriter()
        for value: Float in [1.5, -0.25, .infinity] { unpacked.writeFloat(7, value) }

        for bytes in [packed.bytes, unpacked.bytes] {
            var reader = ProtobufReader(bytes)
            var values: [UInt32] = []
            while let field = try reader.nextField() { try reader.appendFixed32s(of: field, to: &values) }
            XCTAssertEqual(values.map(Float.init(bitPattern:)), [1.5, -0.25, .infinity])
        }
    }

    func testPackedFloatLengthMustBeMultipleOfFour() throws {
        var reader = ProtobufReader([0x3A, 0x03, 0x00, 0x00, 0x00])
        let field = try XCTUnwrap(try reader.nextField())
        var values: [UInt32] = []
        XCTAssertThrowsError(try reader.appendFixed32s(of: field, to: &values)) { error in
            XCTAssertEqual(error as? ProtobufError, .packedLengthNotMultiple(length: 3, elementSize: 4, offset: 1))
        }
    }

    func testSkipPassesEveryWireType() throws {
        var writer = ProtobufWriter()
        writer.writeInt64(1, 150)
        writer.writeKey(2, .fixed64)
        writer.appendLittleEndian(UInt64(7))
        writer.writeString(3, "skipped")
        writer.writeFloat(4, 2)
        writer.writeInt64(5, 42)

        var reader = ProtobufReader(writer.bytes)
        var lastValue: UInt64?
        while let field = try reader.nextField() {
            if field.number == 5 { lastValue = try reader.readVarint() } else { try reader.skip(field) }
        }
        XCTAssertEqual(lastValue, 42)
    }
}

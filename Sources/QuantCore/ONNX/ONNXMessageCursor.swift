/// A protobuf reader that knows which file and which model element it is
/// reading, so that wire-format errors become `ModelLoadError.malformed`
/// naming both.
struct ONNXMessageCursor {
    var reader: ProtobufReader
    let source: String
    let element: String

    init(_ reader: ProtobufReader, source: String, element: String) {
        self.reader = reader
        self.source = source
        self.element = element
    }

    func malformed(_ error: ProtobufError) -> ModelLoadError {
        .malformed(source: source, element: element, problem: error.description)
    }

    func invalid(_ problem: String) -> ModelLoadError {
        .invalidModel(source: source, element: element, problem: problem)
    }

    mutating func nextField() throws(ModelLoadError) -> ProtobufField? {
        do { return try reader.nextField() } catch { throw malformed(error) }
    }

    mutating func skip(_ field: ProtobufField) throws(ModelLoadError) {
        do { try reader.skip(field) } catch { throw malformed(error) }
    }

    mutating func int64(_ field: ProtobufField) throws(ModelLoadError) -> Int64 {
        do {
            try reader.expect(field, .varint)
            return Int64(bitPattern: try reader.readVarint())
        } catch { throw malformed(error) }
    }

    /// Reads an `int32` or enum field; protobuf sign-extends negative values
    /// to 64 bits, so the value is truncated to its low 32 bits.
    mutating func int32(_ field: ProtobufField) throws(ModelLoadError) -> Int32 {
        Int32(truncatingIfNeeded: try int64(field))
    }

    mutating func float(_ field: ProtobufField) throws(ModelLoadError) -> Float {
        do {
            try reader.expect(field, .fixed32)
            return Float(bitPattern: try reader.readFixed32())
        } catch { throw malformed(error) }
    }

    mutating func string(_ field: ProtobufField) throws(ModelLoadError) -> String {
        do {
            try reader.expect(field, .lengthDelimited)
            return try reader.readString()
        } catch { throw malformed(error) }
    }

    mutating func bytes(_ field: ProtobufField) throws(ModelLoadError) -> [UInt8] {
        do {
            try reader.expect(field, .lengthDelimited)
            return try reader.readBytes()
        } catch { throw malformed(error) }
    }

    /// Returns the range of a length-delimited payload, without copying it.
    mutating func range(_ field: ProtobufField) throws(ModelLoadError) -> Range<Int> {
        do {
            try reader.expect(field, .lengthDelimited)
            return try reader.readLengthDelimited()
        } catch { throw malformed(error) }
    }

    /// Returns a cursor over a nested message that reports errors under `element`.
    mutating func message(_ field: ProtobufField, element: String) throws(ModelLoadError) -> ONNXMessageCursor {
        let payload = try range(field)
        return ONNXMessageCursor(ProtobufReader(reader.bytes, range: payload), source: source, element: element)
    }

    mutating func appendInt64s(_ field: ProtobufField, to values: inout [Int64]) throws(ModelLoadError) {
        var raw: [UInt64] = []
        do { try reader.appendVarints(of: field, to: &raw) } catch { throw malformed(error) }
        values.append(contentsOf: raw.lazy.map { Int64(bitPattern: $0) })
    }

    mutating func appendFloats(_ field: ProtobufField, to values: inout [Float]) throws(ModelLoadError) {
        var raw: [UInt32] = []
        do { try reader.appendFixed32s(of: field, to: &raw) } catch { throw malformed(error) }
        values.append(contentsOf: raw.lazy.map { Float(bitPattern: $0) })
    }

    /// Reads the string field `number` of this message without moving the
    /// cursor, so that a path can name an element whose name field comes
    /// after its other fields. Returns "" when the field is absent, and the
    /// name found so far when the message is malformed: decoding it properly
    /// reports that error.
    func peekString(_ number: Int) -> String {
        var scan = self
        var found = ""
        while let field = try? scan.nextField() {
            if field.number == number, field.wireType == .lengthDelimited {
                guard let name = try? scan.string(field) else { break }
                found = name
            } else {
                guard (try? scan.skip(field)) != nil else { break }
            }
        }
        return found
    }
}

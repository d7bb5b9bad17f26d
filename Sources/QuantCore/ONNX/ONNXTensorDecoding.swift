/// Decoding of `TensorProto` into `Tensor`.
///
/// A tensor's data is either `raw_data` (elements little-endian, packed
/// back to back) or one typed repeated field: `float_data` for float32,
/// `int64_data` for int64, and `int32_data` for int32, int8, uint8, bool and
/// float16 (whose bit pattern is stored in the low 16 bits). The dims are
/// checked first, and the element count they claim is compared with the
/// data the message contains before any element array is allocated.
enum ONNXTensorDecoding {
    /// Largest element count accepted in one tensor (2^31).
    static let maxElements = 1 << 31

    private enum Field {
        static let dims = 1
        static let dataType = 2
        static let segment = 3
        static let floatData = 4
        static let int32Data = 5
        static let int64Data = 7
        static let name = 8
        static let rawData = 9
        static let externalData = 13
        static let dataLocation = 14
    }

    /// Decodes the `TensorProto` that `start` covers.
    static func decode(_ start: ONNXMessageCursor) throws(ModelLoadError) -> (name: String, tensor: Tensor) {
        var cursor = start
        var dims: [Int64] = []
        var rawType: Int32 = 0
        var name = ""
        var rawData: Range<Int>?
        var floatCount = 0
        var int32Count = 0
        var int64Count = 0
        var hasExternalData = false
        var dataLocation: Int32 = 0
        var hasSegment = false

        // First pass: metadata and element counts, no element storage.
        while let field = try cursor.nextField() {
            switch field.number {
            case Field.dims: try cursor.appendInt64s(field, to: &dims)
            case Field.dataType: rawType = try cursor.int32(field)
            case Field.name: name = try cursor.string(field)
            case Field.rawData: rawData = try cursor.range(field)
            case Field.floatData: floatCount += try countFixed32s(field, &cursor)
            case Field.int32Data: int32Count += try countVarints(field, &cursor)
            case Field.int64Data: int64Count += try countVarints(field, &cursor)
            case Field.externalData: hasExternalData = true; try cursor.skip(field)
            case Field.dataLocation: dataLocation = try cursor.int32(field)
            case Field.segment: hasSegment = true; try cursor.skip(field)
            default: try cursor.skip(field)
            }
        }

        let source = start.source
        let element = start.element
        if hasExternalData || dataLocation == 1 {
            throw .externalData(source: source, element: element, tensor: name)
        }
        if hasSegment {
            throw start.invalid("the tensor is a segment of a larger tensor, which is not supported; "
                                + "re-save the model with whole tensors")
        }
        guard let elementType = ElementType(rawValue: rawType) else {
            throw .unsupportedElementType(source: source, element: element, tensor: name, rawType: rawType)
        }
        let count = try checkedElementCount(dims, start, tensor: name)
        let shape = dims.map { Int($0) }

        let data: TensorData
        if let rawData {
            let width = elementType.byteWidth
            guard rawData.count == count * width else {
                throw .tensorDataMismatch(source: source, element: element, tensor: name,
                                          expectedElements: count, actualElements: rawData.count / width,
                                          field: "raw_data (\(rawData.count) bytes)")
            }
            data = decodeRaw(start.reader.bytes[rawData], as: elementType, count: count)
        } else {
            let (field, available): (String, Int)
            switch elementType {
            case .float32: (field, available) = ("float_data", floatCount)
            case .int64: (field, available) = ("int64_data", int64Count)
            default: (field, available) = ("int32_data", int32Count)
            }
            guard available == count else {
                throw .tensorDataMismatch(source: source, element: element, tensor: name,
                                          expectedElements: count, actualElements: available, field: field)
            }
            data = try decodeTyped(start, as: elementType, count: count)
        }

        do {
            return (name, try Tensor(shape: shape, data: data))
        } catch {
            throw start.invalid("invalid tensor: \(error)")
        }
    }

    /// Product of `dims`, rejecting negative dimensions, overflow and counts
    /// above `maxElements`.
    static func checkedElementCount(_ dims: [Int64], _ cursor: ONNXMessageCursor,
                                    tensor name: String) throws(ModelLoadError) -> Int {
        guard dims.allSatisfy({ $0 >= 0 }) else {
            throw .negativeDimension(source: cursor.source, element: cursor.element, tensor: name, dims: dims)
        }
        var count = 1
        for dimension in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dimension))
            guard !overflow else {
                throw .tensorTooLarge(source: cursor.source, element: cursor.element, tensor: name,
                                      dims: dims, claimedElements: nil, limit: maxElements)
            }
            count = product
        }
        guard count <= maxElements else {
            throw .tensorTooLarge(source: cursor.source, element: cursor.element, tensor: name,
                                  dims: dims, claimedElements: count, limit: maxElements)
        }
        return count
    }

    /// Counts the values of one occurrence of a float field and moves past it.
    private static func countFixed32s(_ field: ProtobufField,
                                      _ cursor: inout ONNXMessageCursor) throws(ModelLoadError) -> Int {
        switch field.wireType {
        case .fixed32:
            try cursor.skip(field)
            return 1
        case .lengthDelimited:
            let payload = try cursor.range(field)
            guard payload.count % 4 == 0 else {
                throw cursor.malformed(.packedLengthNotMultiple(length: payload.count, elementSize: 4,
                                                                offset: field.offset))
            }
            return payload.count / 4
        default:
            throw cursor.malformed(.unexpectedWireType(field.wireType, field: field.number, offset: field.offset))
        }
    }

    /// Counts the values of one occurrence of a varint field and moves past
    /// it. A packed run contains one value per byte without the continuation
    /// bit. A run that ends inside a varint is rejected here.
    private static func countVarints(_ field: ProtobufField,
                                     _ cursor: inout ONNXMessageCursor) throws(ModelLoadError) -> Int {
        switch field.wireType {
        case .varint:
            try cursor.skip(field)
            return 1
        case .lengthDelimited:
            let payload = try cursor.range(field)
            let bytes = cursor.reader.bytes
            var count = 0
            for index in payload where bytes[index] & 0x80 == 0 { count += 1 }
            if let last = payload.last, bytes[last] & 0x80 != 0 {
                throw cursor.malformed(.truncated(offset: last, needed: 1, available: 0))
            }
            return count
        default:
            throw cursor.malformed(.unexpectedWireType(field.wireType, field: field.number, offset: field.offset))
        }
    }

    /// Decodes little-endian elements; `bytes.count` is `count * byteWidth`.
    private static func decodeRaw(_ bytes: ArraySlice<UInt8>, as type: ElementType, count: Int) -> TensorData {
        let base = bytes.startIndex
        func word16(_ index: Int) -> UInt16 {
            UInt16(bytes[base + 2 * index]) | UInt16(bytes[base + 2 * index + 1]) << 8
        }
        func word32(_ index: Int) -> UInt32 {
            var value: UInt32 = 0
            for byte in 0..<4 { value |= UInt32(bytes[base + 4 * index + byte]) << (8 * UInt32(byte)) }
            return value
        }
        func word64(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in 0..<8 { value |= UInt64(bytes[base + 8 * index + byte]) << (8 * UInt64(byte)) }
            return value
        }
        switch type {
        case .float32: return .float32((0..<count).map { Float(bitPattern: word32($0)) })
        case .float16: return .float32((0..<count).map { floatFromHalfBits(word16($0)) })
        case .int32: return .int32((0..<count).map { Int32(bitPattern: word32($0)) })
        case .int64: return .int64((0..<count).map { Int64(bitPattern: word64($0)) })
        case .int8: return .int8(bytes.map { Int8(bitPattern: $0) })
        case .uint8: return .uint8(Array(bytes))
        case .bool: return .bool(bytes.map { $0 != 0 })
        }
    }

    /// Decodes the typed repeated field of `type`, which contains `count` values.
    private static func decodeTyped(_ start: ONNXMessageCursor, as type: ElementType,
                                    count: Int) throws(ModelLoadError) -> TensorData {
        var cursor = start
        var floats: [Float] = []
        var integers: [Int64] = []
        let dataField: Int
        switch type {
        case .float32: dataField = Field.floatData; floats.reserveCapacity(count)
        case .int64: dataField = Field.int64Data; integers.reserveCapacity(count)
        default: dataField = Field.int32Data; integers.reserveCapacity(count)
        }
        while let field = try cursor.nextField() {
            guard field.number == dataField else { try cursor.skip(field); continue }
            if type == .float32 {
                try cursor.appendFloats(field, to: &floats)
            } else {
                try cursor.appendInt64s(field, to: &integers)
            }
        }

        // int32_data contains int32 values, and narrower types must fit their range.
        func narrowed<T: FixedWidthInteger>(_: T.Type, _ typeName: String) throws(ModelLoadError) -> [T] {
            var values: [T] = []
            values.reserveCapacity(integers.count)
            for value in integers {
                let value32 = Int32(truncatingIfNeeded: value)
                guard let narrow = T(exactly: value32) else {
                    throw start.invalid("int32_data value \(value32) is out of range "
                                        + "for \(typeName); the file is corrupt")
                }
                values.append(narrow)
            }
            return values
        }

        switch type {
        case .float32: return .float32(floats)
        case .int64: return .int64(integers)
        case .int32: return .int32(integers.map { Int32(truncatingIfNeeded: $0) })
        case .int8: return .int8(try narrowed(Int8.self, "int8"))
        case .uint8: return .uint8(try narrowed(UInt8.self, "uint8"))
        case .bool: return .bool(integers.map { Int32(truncatingIfNeeded: $0) != 0 })
        case .float16: return .float32(try narrowed(UInt16.self, "float16 bits").map(floatFromHalfBits))
        }
    }
}

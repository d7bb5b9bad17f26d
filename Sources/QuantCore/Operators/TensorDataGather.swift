extension TensorData {
    /// Returns the elements at `indices`, in that order, with the same element type.
    func gathered(_ indices: [Int]) -> TensorData {
        switch self {
        case .float32(let values): return .float32(indices.map { values[$0] })
        case .int64(let values): return .int64(indices.map { values[$0] })
        case .int32(let values): return .int32(indices.map { values[$0] })
        case .int8(let values): return .int8(indices.map { values[$0] })
        case .uint8(let values): return .uint8(indices.map { values[$0] })
        case .bool(let values): return .bool(indices.map { values[$0] })
        }
    }

    /// Returns `parts` joined end to end, or nil when their element types differ.
    static func concatenated(_ parts: [TensorData]) -> TensorData? {
        guard let first = parts.first else { return nil }
        switch first {
        case .float32:
            var result: [Float] = []
            for part in parts { guard case .float32(let values) = part else { return nil }; result += values }
            return .float32(result)
        case .int64:
            var result: [Int64] = []
            for part in parts { guard case .int64(let values) = part else { return nil }; result += values }
            return .int64(result)
        case .int32:
            var result: [Int32] = []
            for part in parts { guard case .int32(let values) = part else { return nil }; result += values }
            return .int32(result)
        case .int8:
            var result: [Int8] = []
            for part in parts { guard case .int8(let values) = part else { return nil }; result += values }
            return .int8(result)
        case .uint8:
            var result: [UInt8] = []
            for part in parts { guard case .uint8(let values) = part else { return nil }; result += values }
            return .uint8(result)
        case .bool:
            var result: [Bool] = []
            for part in parts { guard case .bool(let values) = part else { return nil }; result += values }
            return .bool(result)
        }
    }
}

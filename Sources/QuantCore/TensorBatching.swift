extension Tensor {
    /// Number of samples along the leading (batch) axis; 1 for a scalar.
    public var batchCount: Int { shape.first ?? 1 }

    /// Samples `range` of the leading axis, as a new tensor that shares no
    /// storage with this one. `range` must lie inside `0..<batchCount`.
    public func batch(_ range: Range<Int>) -> Tensor {
        precondition(!shape.isEmpty, "a scalar has no batch axis")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "batch range \(range) outside 0..<\(shape[0])")
        let sampleSize = shape.dropFirst().reduce(1, *)
        let elements = (range.lowerBound * sampleSize)..<(range.upperBound * sampleSize)
        var newShape = shape
        newShape[0] = range.count
        let sliced: TensorData
        switch data {
        case .float32(let values): sliced = .float32(Array(values[elements]))
        case .int64(let values): sliced = .int64(Array(values[elements]))
        case .int32(let values): sliced = .int32(Array(values[elements]))
        case .int8(let values): sliced = .int8(Array(values[elements]))
        case .uint8(let values): sliced = .uint8(Array(values[elements]))
        case .bool(let values): sliced = .bool(Array(values[elements]))
        }
        return Tensor(uncheckedShape: newShape, data: sliced)
    }

    /// Creates a tensor whose element count the caller has already checked.
    init(uncheckedShape shape: [Int], data: TensorData) {
        self.shape = shape
        self.data = data
    }
}

import QuantCore

extension Int8Gemm {
    /// Computes `C[i][j] = sum_k (A[i][k] - Za) * (B[k][j] - Zb)` directly,
    /// one product at a time in checked Int32 arithmetic, from unpacked
    /// weights: the scalar reference that every `multiply` path must match
    /// bit for bit. Rejects the same inputs as `multiply`, so no sum can trap.
    public static func reference<Activation: Int8GemmElement, Weight: Int8GemmElement>(
        _ activations: [Activation], rowCount: Int, zeroPoint: Int32,
        weights: [Weight], depth: Int, columnCount: Int, layout: GemmWeightLayout, weightZeroPoint: Int32
    ) throws -> [Int32] {
        try validateDimension("M (rows)", rowCount, minimum: 0)
        try validateDimension("K (depth)", depth, minimum: 1)
        try validateDimension("N (columns)", columnCount, minimum: 1)
        try validateZeroPoint(zeroPoint, of: Activation.self, operand: "activations")
        try validateZeroPoint(weightZeroPoint, of: Weight.self, operand: "weights")
        guard activations.count == rowCount * depth else {
            throw GemmError.bufferSizeMismatch(operand: "activations", expected: rowCount * depth,
                                               actual: activations.count)
        }
        guard weights.count == depth * columnCount else {
            throw GemmError.bufferSizeMismatch(operand: "weights", expected: depth * columnCount, actual: weights.count)
        }
        let weightMagnitude = weights.map { abs(Int32($0) - weightZeroPoint) }.max() ?? 0
        let limit = maximumDepth(activationMagnitude: maximumMagnitude(of: Activation.self, zeroPoint: zeroPoint),
                                 weightMagnitude: weightMagnitude)
        guard depth <= limit else {
            throw GemmError.depthExceedsAccumulatorHeadroom(depth: depth, maximumDepth: limit)
        }

        var accumulators = [Int32](repeating: 0, count: rowCount * columnCount)
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                var sum: Int32 = 0
                for k in 0..<depth {
                    let activation = Int32(activations[row * depth + k]) - zeroPoint
                    let weight = Int32(weights[layout.index(k: k, n: column, depth: depth, columnCount: columnCount)])
                        - weightZeroPoint
                    sum += activation * weight
                }
                accumulators[row * columnCount + column] = sum
            }
        }
        return accumulators
    }
}

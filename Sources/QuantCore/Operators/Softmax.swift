import Foundation

/// Softmax: `Y_i = exp(X_i - max) / sum_j exp(X_j - max)` over a set of elements.
///
/// The set differs by opset. Before 13, X is coerced to a matrix
/// [prod(shape[..<axis]), prod(shape[axis...])] (axis 1 by default) and each
/// row is normalized. From 13, each 1-D slice along `axis` (by default -1)
/// is normalized.
enum Softmax {
    static func softmax(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let x = try context.floats(0)
        let rank = input.rank
        let coercesToMatrix = context.opset < 13
        let axisAttribute = try context.int("axis", default: coercesToMatrix ? 1 : -1)
        let axis: Int
        if coercesToMatrix {
            axis = try context.normalizedAxis(axisAttribute, rank: rank, inclusiveEnd: true)
        } else {
            axis = try context.normalizedAxis(axisAttribute, rank: max(rank, 1))
        }
        let outer = input.shape[..<axis].reduce(1, *)
        let length = coercesToMatrix ? input.shape[axis...].reduce(1, *) : (rank == 0 ? 1 : input.shape[axis])
        let inner = coercesToMatrix || rank == 0 ? 1 : input.shape[(axis + 1)...].reduce(1, *)

        var output = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xBuffer in
            output.withUnsafeMutableBufferPointer { yBuffer in
                for outerIndex in 0..<outer {
                    for innerIndex in 0..<inner {
                        let base = outerIndex * length * inner + innerIndex
                        var maximum = -Float.infinity
                        for index in 0..<length { maximum = max(maximum, xBuffer[base + index * inner]) }
                        var sum: Float = 0
                        for index in 0..<length {
                            let value = exp(xBuffer[base + index * inner] - maximum)
                            yBuffer[base + index * inner] = value
                            sum += value
                        }
                        for index in 0..<length { yBuffer[base + index * inner] /= sum }
                    }
                }
            }
        }
        return [try context.tensor(shape: input.shape, data: .float32(output))]
    }
}

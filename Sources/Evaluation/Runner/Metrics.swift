import QuantCore

/// Classification metrics over logits of shape [N, classes].
public enum Metrics {
    /// Index of the largest logit of each row of a [N, classes] tensor. Ties
    /// go to the lower index, as numpy's argmax does.
    public static func argmax(_ logits: Tensor) throws(TensorError) -> [Int] {
        let values = try logits.floats("logits")
        let rows = logits.batchCount
        guard rows > 0 else { return [] }
        let classes = values.count / rows
        var predictions = [Int]()
        predictions.reserveCapacity(rows)
        for row in 0..<rows {
            var best = 0
            var bestValue = -Float.infinity
            for column in 0..<classes {
                let value = values[row * classes + column]
                // A NaN logit never wins, so a NaN row predicts class 0.
                if value > bestValue {
                    bestValue = value
                    best = column
                }
            }
            predictions.append(best)
        }
        return predictions
    }

    /// The first row of a [N, classes] tensor holding a NaN or infinite
    /// logit, with that value, or nil when every logit is finite.
    public static func firstNonFiniteRow(_ logits: Tensor) -> (row: Int, value: Float)? {
        guard case .float32(let values) = logits.data, logits.batchCount > 0,
              let index = values.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (index / max(1, values.count / logits.batchCount), values[index])
    }

    /// Fraction of positions where `predictions` equals `reference`, in [0, 1];
    /// 0 for empty input.
    public static func matchingFraction(_ predictions: [Int], _ reference: [Int]) -> Double {
        let count = min(predictions.count, reference.count)
        guard count > 0 else { return 0 }
        var matches = 0
        for index in 0..<count where predictions[index] == reference[index] {
            matches += 1
        }
        return Double(matches) / Double(count)
    }
}

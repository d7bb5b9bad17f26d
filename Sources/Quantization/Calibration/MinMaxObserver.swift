/// Min/max calibration: the clip range is the smallest and largest finite
/// value over every batch seen, `a = min_t min(X_t)`, `b = max_t max(X_t)`.
public struct MinMaxObserver: Sendable, Equatable {
    public private(set) var minimum: Float?
    public private(set) var maximum: Float?

    public init() {}

    /// Folds the finite values of `batch` into the running minimum and maximum.
    public mutating func observe<Values: Sequence>(_ batch: Values) where Values.Element == Float {
        guard let (batchMin, batchMax) = finiteExtremes(of: batch) else { return }
        minimum = Swift.min(minimum ?? batchMin, batchMin)
        maximum = Swift.max(maximum ?? batchMax, batchMax)
    }

    /// The observed range, or nil before the first finite value.
    public var range: ClipRange? {
        guard let minimum, let maximum else { return nil }
        return ClipRange(lower: minimum, upper: maximum)
    }
}

/// Smallest and largest finite element of `values`, or nil when it has none.
func finiteExtremes<Values: Sequence>(of values: Values) -> (Float, Float)? where Values.Element == Float {
    var low = Float.infinity
    var high = -Float.infinity
    for value in values where value.isFinite {
        low = min(low, value)
        high = max(high, value)
    }
    return low <= high ? (low, high) : nil
}

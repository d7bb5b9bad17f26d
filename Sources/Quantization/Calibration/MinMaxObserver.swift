/// Min/max calibration: the clip range is the smallest and largest finite
/// value over every batch seen, `a = min_t min(X_t)`, `b = max_t max(X_t)`.
public struct MinMaxObserver: Sendable, Equatable {
    public private(set) var minimum: Float?
    public private(set) var maximum: Float?

    public init() {}

    /// Folds the finite values of `batch` into the running minimum and maximum.
    public mutating func observe<Values: Sequence>(_ batch: Values) where Values.Element == Float {
        guard let (batchMin, batchMax) = finiteExtremes(of: batch) else { return }
        fold(batchMin, batchMax)
    }

    /// Folds a batch summarized by `extremes`; a batch without finite values changes nothing.
    mutating func observe(_ extremes: FiniteExtremes) {
        guard let (batchMin, batchMax) = extremes.range else { return }
        fold(batchMin, batchMax)
    }

    private mutating func fold(_ batchMin: Float, _ batchMax: Float) {
        minimum = Swift.min(minimum ?? batchMin, batchMin)
        maximum = Swift.max(maximum ?? batchMax, batchMax)
    }

    /// The observed range, or nil before the first finite value.
    public var range: ClipRange? {
        guard let minimum, let maximum else { return nil }
        return ClipRange(lower: minimum, upper: maximum)
    }
}

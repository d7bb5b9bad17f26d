/// Moving-average min/max calibration: an exponential moving average of the
/// per-batch minimum and maximum,
///
///     a_1 = min(X_1),  a_t = a_{t-1} + c * (min(X_t) - a_{t-1})
///     b_1 = max(X_1),  b_t = b_{t-1} + c * (max(X_t) - b_{t-1})
///
/// with averaging constant `c`. The default `c = 0.01` is the default
/// `averaging_constant` of PyTorch's
/// `torch.ao.quantization.MovingAverageMinMaxObserver`. A rare extreme batch
/// moves the range by only `c` of its excess, which is why this method is
/// used to track ranges during quantization-aware training.
public struct MovingAverageMinMaxObserver: Sendable, Equatable {
    public static let defaultAveragingConstant = 0.01

    /// Weight `c` of the newest batch, in (0, 1].
    public let averagingConstant: Double
    public private(set) var averageMinimum: Double?
    public private(set) var averageMaximum: Double?
    public private(set) var batchCount = 0

    /// Creates an observer; `averagingConstant` is clamped into (0, 1], and a
    /// non-finite or non-positive value falls back to the default.
    public init(averagingConstant: Double = MovingAverageMinMaxObserver.defaultAveragingConstant) {
        if averagingConstant.isFinite && averagingConstant > 0 {
            self.averagingConstant = Swift.min(averagingConstant, 1)
        } else {
            self.averagingConstant = Self.defaultAveragingConstant
        }
    }

    /// Updates the averages with one batch. A batch without finite values is
    /// skipped and does not count.
    public mutating func observe<Values: Sequence>(_ batch: Values) where Values.Element == Float {
        guard let (batchMin, batchMax) = finiteExtremes(of: batch) else { return }
        fold(batchMin, batchMax)
    }

    /// Updates the averages with a batch summarized by `extremes`.
    mutating func observe(_ extremes: FiniteExtremes) {
        guard let (batchMin, batchMax) = extremes.range else { return }
        fold(batchMin, batchMax)
    }

    private mutating func fold(_ batchMin: Float, _ batchMax: Float) {
        let low = Double(batchMin)
        let high = Double(batchMax)
        if let previousMin = averageMinimum, let previousMax = averageMaximum {
            averageMinimum = previousMin + averagingConstant * (low - previousMin)
            averageMaximum = previousMax + averagingConstant * (high - previousMax)
        } else {
            averageMinimum = low
            averageMaximum = high
        }
        batchCount += 1
    }

    /// The averaged range, or nil before the first batch with a finite value.
    public var range: ClipRange? {
        guard let averageMinimum, let averageMaximum else { return nil }
        return ClipRange(lower: Float(averageMinimum), upper: Float(averageMaximum))
    }
}

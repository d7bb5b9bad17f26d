/// Percentile calibration, clipping each tail on its own: for percentile
/// `p` the range is
///
///     a = Q((100 - p) / 100),  b = Q(p / 100)
///
/// where `Q` is the histogram's quantile function (linear inside a bin), so
/// each tail loses `(100 - p)` percent of the values. It is not symmetric
/// around 0: a ReLU output keeps `a` near 0 and only its upper tail is cut.
/// Bounds never leave the exact observed `[min, max]`.
public enum PercentileClipping {
    public static let defaultPercentile = 99.99

    /// Valid percentiles: above 50 (so that `a <= b`) up to 100 (no clipping).
    public static func isValid(percentile: Double) -> Bool {
        percentile.isFinite && percentile > 50 && percentile <= 100
    }

    /// Computes the clip range of `histogram` at `percentile`, or nil when
    /// the histogram is empty. An invalid percentile is clamped into (50, 100].
    public static func range(of histogram: Histogram, percentile: Double) -> ClipRange? {
        let clamped = percentile.isFinite ? Swift.min(Swift.max(percentile, 50), 100) : 100
        let tail = (100 - clamped) / 100
        guard let lower = histogram.quantile(tail), let upper = histogram.quantile(1 - tail) else { return nil }
        return ClipRange(lower: Float(lower), upper: Float(upper))
    }
}

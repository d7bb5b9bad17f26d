/// MSE-optimal clipping: the range `[a, b]` with `a <= 0 <= b` that
/// minimizes the expected squared error of clipping and then rounding to
/// `L = 2^bits` levels,
///
///     E(a, b) = sum_{x < a} (x - a)^2 + sum_{x > b} (x - b)^2 + n_in(a, b) * S^2 / 12,
///     S = (b - a) / (L - 1),
///
/// where `n_in` counts the values inside `[a, b]` and `S^2 / 12` is the
/// variance of a rounding error spread uniformly over one step. The sums
/// are taken on the histogram, with values spread uniformly inside each bin
/// (so a bin cut by a threshold contributes its cut part exactly).
///
/// The search is exhaustive over a grid. `a` takes `binCount + 1` evenly
/// spaced points from `min(lowerBound, 0)` to 0, and `b` likewise from 0 to
/// `max(upperBound, 0)`. The two ends are chosen independently, so a far
/// outlier on one side does not shrink the other side. Prefix and suffix
/// sums make each pair O(1).
///
/// The answer depends on the number of values: a lone outlier costs its
/// full squared distance when clipped, while keeping it widens S for every
/// value. At 8 bits a single outlier is clipped only among roughly a million
/// values or more.
public enum MSEClipping {
    /// Finds the optimal range for `bitWidth` bits. Returns nil when
    /// `histogram` is empty or `bitWidth` is not positive.
    public static func range(of histogram: Histogram, bitWidth: Int) -> ClipRange? {
        guard histogram.count > 0, bitWidth > 0 else { return nil }
        let tails = TailSums(histogram)
        let steps = Double((1 << bitWidth) - 1)
        let total = Double(histogram.count)

        let lowest = Swift.min(histogram.lowerBound, 0)
        let highest = Swift.max(histogram.upperBound, 0)
        let lowerCandidates = gridPoints(from: lowest, to: 0, count: lowest < 0 ? histogram.binCount + 1 : 1)
        let upperCandidates = gridPoints(from: 0, to: highest, count: highest > 0 ? histogram.binCount + 1 : 1)
        let below = lowerCandidates.map { tails.below($0) }
        let above = upperCandidates.map { tails.above($0) }

        var best = (error: Double.infinity, lower: lowest, upper: highest)
        for (lowerIndex, lower) in lowerCandidates.enumerated() {
            let (massBelow, errorBelow) = below[lowerIndex]
            for (upperIndex, upper) in upperCandidates.enumerated() {
                let (massAbove, errorAbove) = above[upperIndex]
                let step = (upper - lower) / steps
                let inside = Swift.max(0, total - massBelow - massAbove)
                let error = errorBelow + errorAbove + inside * step * step / 12
                if error < best.error { best = (error, lower, upper) }
            }
        }
        return ClipRange(lower: Float(best.lower), upper: Float(best.upper))
    }

    /// Computes `E(a, b)` above for a given range and `bitWidth` bits, so
    /// that tests and reports can show how far a range is from the optimum.
    public static func expectedSquaredError(of histogram: Histogram, range: ClipRange, bitWidth: Int) -> Double {
        let tails = TailSums(histogram)
        let lower = Double(range.lower)
        let upper = Double(range.upper)
        let (massBelow, errorBelow) = tails.below(lower)
        let (massAbove, errorAbove) = tails.above(upper)
        let step = (upper - lower) / Double((1 << bitWidth) - 1)
        let inside = Swift.max(0, Double(histogram.count) - massBelow - massAbove)
        return errorBelow + errorAbove + inside * step * step / 12
    }

    private static func gridPoints(from start: Double, to end: Double, count: Int) -> [Double] {
        guard count > 1 else { return [start] }
        return (0..<count).map { start + (end - start) * Double($0) / Double(count - 1) }
    }
}

/// Suffix and prefix sums of a histogram's bins, each bin taken as a
/// uniform distribution with center `c`, so `E[x] = c` and
/// `E[x^2] = c^2 + w^2 / 12`. They give the mass beyond a threshold `t` and
/// its squared distance to `t` in O(1).
private struct TailSums {
    let lowerBound: Double
    let width: Double
    let counts: [Double]
    /// Sums over bins `i...` (suffix) and `..<i` (prefix) of n, n*E[x], n*E[x^2].
    let suffix: [(mass: Double, first: Double, second: Double)]
    let prefix: [(mass: Double, first: Double, second: Double)]

    init(_ histogram: Histogram) {
        lowerBound = histogram.lowerBound
        width = histogram.binWidth
        counts = histogram.counts.map(Double.init)
        let binCount = counts.count
        var suffix = [(mass: Double, first: Double, second: Double)](repeating: (0, 0, 0), count: binCount + 1)
        var prefix = suffix
        for index in 0..<binCount {
            let center = lowerBound + (Double(index) + 0.5) * width
            let moment = (counts[index], counts[index] * center,
                          counts[index] * (center * center + width * width / 12))
            prefix[index + 1] = (prefix[index].mass + moment.0, prefix[index].first + moment.1,
                                 prefix[index].second + moment.2)
        }
        for index in stride(from: binCount - 1, through: 0, by: -1) {
            let center = lowerBound + (Double(index) + 0.5) * width
            suffix[index] = (suffix[index + 1].mass + counts[index], suffix[index + 1].first + counts[index] * center,
                             suffix[index + 1].second + counts[index] * (center * center + width * width / 12))
        }
        self.suffix = suffix
        self.prefix = prefix
    }

    /// Mass above `threshold` and the sum of `(x - threshold)^2` over it.
    func above(_ threshold: Double) -> (mass: Double, error: Double) {
        let binCount = counts.count
        guard width > 0 else { return (0, 0) }
        let position = (threshold - lowerBound) / width
        if position >= Double(binCount) { return (0, 0) }
        let bin = Swift.max(-1, Int(position.rounded(.down)))
        let full = suffix[bin + 1]
        var mass = full.mass
        var error = full.second - 2 * threshold * full.first + threshold * threshold * full.mass
        if bin >= 0 {
            let cut = lowerBound + Double(bin + 1) * width - threshold
            mass += counts[bin] * cut / width
            error += counts[bin] * cut * cut * cut / (3 * width)
        }
        return (mass, Swift.max(0, error))
    }

    /// Mass below `threshold` and the sum of `(threshold - x)^2` over it.
    func below(_ threshold: Double) -> (mass: Double, error: Double) {
        let binCount = counts.count
        guard width > 0 else { return (0, 0) }
        let position = (threshold - lowerBound) / width
        if position <= 0 { return (0, 0) }
        let bin = Swift.min(binCount, Int(position.rounded(.down)))
        let full = prefix[bin]
        var mass = full.mass
        var error = full.second - 2 * threshold * full.first + threshold * threshold * full.mass
        if bin < binCount {
            let cut = threshold - (lowerBound + Double(bin) * width)
            mass += counts[bin] * cut / width
            error += counts[bin] * cut * cut * cut / (3 * width)
        }
        return (mass, Swift.max(0, error))
    }
}

import Foundation

/// Entropy (KL-divergence) calibration in the manner of TensorRT's int8
/// calibrator: for each tail, pick the threshold whose quantized
/// distribution loses the least information.
///
/// For one tail with `N = binCount` bins `h` over `[0, m]` and `L` levels,
/// every candidate `i` in `L...N` (threshold `t_i = i * m / N`) is scored:
///
///     P = h[0..<i] with the clipped mass sum(h[i...]) added to P[i - 1]
///     Q = h[0..<i] merged into L groups of about i / L adjacent bins, each
///         group's total spread evenly over its bins where P > 0 (0 elsewhere)
///     KL(P || Q) = sum_k p_k * ln(p_k / q_k),  p = P / sum P,  q = Q / sum Q
///
/// and the `t_i` with the smallest KL wins (the first one on a tie). Q is
/// built from the unclipped bins, so the clipped mass is what P has and Q
/// lacks: that is the cost of clipping, weighed against the cost of merging.
/// Q takes P's pattern of empty bins, so `q_k = 0` where `p_k > 0` happens
/// only when a whole group of `h` is empty. Such a candidate has infinite
/// divergence and is skipped, so no smoothing is needed.
///
/// Negative values: each side of 0 is a tail of its own. The positive tail
/// is the histogram's mass on `[0, max]`, the negative tail the mirrored mass
/// on `[min, 0]`, each spread over `N` bins assuming values are uniform
/// inside a source bin. When the data has both signs, each tail gets
/// `L = 2^(bits - 1)` levels, which is 128 at 8 bits, the positive half that
/// TensorRT uses. When the data has one sign, that side gets all
/// `L = 2^bits - 1` levels and the other bound is the data's own extreme. This picks the two
/// thresholds independently, so the range may be asymmetric.
///
/// NOTE: when `L > N` (13 bits and more with 2048 bins) there is nothing to
/// merge and the tail is not clipped.
public enum KLDivergenceClipping {
    /// Computes the range for `bitWidth` bits. Returns nil when `histogram`
    /// is empty or `bitWidth` is not positive.
    public static func range(of histogram: Histogram, bitWidth: Int) -> ClipRange? {
        guard let minimum = histogram.min, let maximum = histogram.max, bitWidth > 0 else { return nil }
        let twoSided = minimum < 0 && maximum > 0
        let levels = twoSided ? 1 << (bitWidth - 1) : (1 << bitWidth) - 1
        let binCount = histogram.binCount

        var upper = maximum
        if maximum > 0 {
            let tail = histogram.redistributed(over: 0, maximum, binCount: binCount)
            upper = threshold(tail: tail, extent: maximum, levels: levels)
        }
        var lower = minimum
        if minimum < 0 {
            let tail = histogram.redistributed(over: minimum, 0, binCount: binCount).reversed()
            lower = -threshold(tail: Array(tail), extent: -minimum, levels: levels)
        }
        return ClipRange(lower: Float(lower), upper: Float(upper))
    }

    /// Finds the KL-optimal threshold on `tail` (bin counts over `[0, extent]`).
    static func threshold(tail: [Double], extent: Double, levels: Int) -> Double {
        let binCount = tail.count
        guard levels >= 1, levels < binCount else { return extent }
        var beyond = [Double](repeating: 0, count: binCount + 1)
        for index in stride(from: binCount - 1, through: 0, by: -1) { beyond[index] = beyond[index + 1] + tail[index] }
        guard beyond[0] > 0 else { return extent }

        var bestDivergence = Double.infinity
        var bestBins = binCount
        var reference = [Double](repeating: 0, count: binCount)
        for candidate in levels...binCount {
            for index in 0..<candidate { reference[index] = tail[index] }
            reference[candidate - 1] += beyond[candidate]
            let divergence = klDivergence(reference: reference, unclipped: tail, count: candidate, levels: levels)
            if divergence < bestDivergence {
                bestDivergence = divergence
                bestBins = candidate
            }
        }
        return extent * Double(bestBins) / Double(binCount)
    }

    /// KL(P || Q) for `P = reference[0..<count]` and Q the merge of
    /// `unclipped[0..<count]` into `levels` groups; infinity when some
    /// `p_k > 0` meets `q_k = 0`.
    private static func klDivergence(reference: [Double], unclipped: [Double], count: Int, levels: Int) -> Double {
        var referenceTotal = 0.0
        var mergedTotal = 0.0
        for index in 0..<count {
            referenceTotal += reference[index]
            mergedTotal += unclipped[index]
        }
        guard referenceTotal > 0, mergedTotal > 0 else { return .infinity }

        var divergence = 0.0
        for group in 0..<levels {
            let start = group * count / levels
            let end = (group + 1) * count / levels
            var groupMass = 0.0
            var occupied = 0
            for index in start..<end {
                groupMass += unclipped[index]
                if reference[index] > 0 { occupied += 1 }
            }
            guard occupied > 0 else { continue }
            guard groupMass > 0 else { return .infinity }
            let merged = groupMass / Double(occupied) / mergedTotal
            for index in start..<end where reference[index] > 0 {
                let probability = reference[index] / referenceTotal
                divergence += probability * log(probability / merged)
            }
        }
        return divergence
    }
}

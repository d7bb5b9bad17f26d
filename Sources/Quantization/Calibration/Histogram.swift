import CKernels

/// Distribution of the values of one tensor over many batches: `binCount`
/// equal-width bins over `[lowerBound, upperBound]`, plus the exact count,
/// minimum, maximum, sum and sum of squares of every finite value seen.
///
/// Bin `i` covers `[lowerBound + i * w, lowerBound + (i + 1) * w)` with
/// `w = (upperBound - lowerBound) / binCount`. The last bin also contains
/// `upperBound`.
///
/// Growing the range: the first batch sets the range to its own
/// `[min, max]`. When a later value falls outside, the range doubles its width
/// until the value fits, keeping the end on the opposite side fixed. Each
/// doubling merges bins `2k` and `2k + 1` into one bin and fills the new half
/// with empty bins, so every count lands in a bin that contains its old bin:
/// counts are moved, never interpolated, and the total is preserved exactly.
/// The price is resolution: a histogram whose range grew by 2^k has bins 2^k
/// times wider than one built on the final range.
///
/// Non-finite values (NaN, infinities) are counted in `nonFiniteCount` and
/// otherwise ignored.
public struct Histogram: Sendable, Equatable {
    /// Default number of bins, as in TensorRT's entropy calibrator.
    public static let defaultBinCount = 2048

    public let binCount: Int
    public private(set) var counts: [Int]
    public private(set) var lowerBound: Double = 0
    public private(set) var upperBound: Double = 0
    /// Number of finite values seen.
    public private(set) var count: Int = 0
    public private(set) var nonFiniteCount: Int = 0
    /// Smallest finite value seen, or nil before the first one.
    public private(set) var min: Double?
    public private(set) var max: Double?
    public private(set) var sum: Double = 0
    public private(set) var sumOfSquares: Double = 0

    /// Largest bin count; the bin fill indexes bins with 32-bit integers.
    public static let maxBinCount = 1 << 30

    /// Creates an empty histogram. `binCount` is clamped to
    /// `2...maxBinCount` and rounded up to an even number, because a doubling
    /// merges bins in pairs.
    public init(binCount: Int = Histogram.defaultBinCount) {
        let bounded = Swift.min(Swift.max(2, binCount), Histogram.maxBinCount)
        let even = bounded + bounded % 2
        self.binCount = even
        self.counts = [Int](repeating: 0, count: even)
    }

    /// Width of one bin; 0 before the first finite value.
    public var binWidth: Double { (upperBound - lowerBound) / Double(binCount) }

    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Population variance, `sumOfSquares / count - mean^2`, clamped at 0
    /// against rounding.
    public var variance: Double? {
        guard let mean else { return nil }
        return Swift.max(0, sumOfSquares / Double(count) - mean * mean)
    }

    /// Lower edge of bin `index`; `index == binCount` is `upperBound`.
    public func edge(_ index: Int) -> Double {
        lowerBound + Double(index) * binWidth
    }

    /// Adds every value of `batch`.
    public mutating func add<Values: Sequence>(_ batch: Values) where Values.Element == Float {
        let added: Void? = batch.withContiguousStorageIfAvailable { values in
            add(values, extremes: FiniteExtremes(values))
        }
        if added == nil {
            Array(batch).withUnsafeBufferPointer { values in add(values, extremes: FiniteExtremes(values)) }
        }
    }

    /// Adds every value of `values`, whose finite extremes the caller has
    /// already computed. Bin `floor((v - lowerBound) / binWidth)`, clamped to
    /// the bins, and the sums run in Double in element order
    /// (`ck_f32_histogram_fill`).
    mutating func add(_ values: UnsafeBufferPointer<Float>, extremes: FiniteExtremes,
                      path: CalibrationScanPath = .fastest) {
        nonFiniteCount += values.count - extremes.finiteCount
        guard let (low, high) = extremes.range, let base = values.baseAddress else { return }
        let batchMin = Double(low)
        let batchMax = Double(high)

        if count == 0 {
            setInitialRange(lower: batchMin, upper: batchMax)
        } else {
            grow(toInclude: batchMin)
            grow(toInclude: batchMax)
        }

        let (lower, width, bins) = (lowerBound, binWidth, Int32(binCount))
        counts.withUnsafeMutableBufferPointer { countBuffer in
            countBuffer.withMemoryRebound(to: Int64.self) { counts64 in
                ck_f32_histogram_fill(path.kernelISA, base, values.count, lower, width, counts64.baseAddress!, bins,
                                      &sum, &sumOfSquares)
            }
        }
        count += extremes.finiteCount
        min = Swift.min(min ?? batchMin, batchMin)
        max = Swift.max(max ?? batchMax, batchMax)
    }

    /// Sets the range from the first batch. When all its values equal `v`,
    /// the range is `[v, v + max(|v|, 1) * 2^-10]`, so the bin width is never 0.
    private mutating func setInitialRange(lower: Double, upper: Double) {
        lowerBound = lower
        upperBound = upper > lower ? upper : lower + Swift.max(Swift.abs(lower), 1) * 0x1p-10
    }

    /// Doubles the range until it contains `value`, merging bin pairs in place.
    private mutating func grow(toInclude value: Double) {
        let half = binCount / 2
        while value < lowerBound || value > upperBound {
            let width = upperBound - lowerBound
            if value > upperBound {
                // Bin i takes bins 2i and 2i + 1, which no earlier step overwrote (2i >= i).
                for index in 0..<half { counts[index] = counts[2 * index] + counts[2 * index + 1] }
                for index in half..<binCount { counts[index] = 0 }
                upperBound = lowerBound + 2 * width
            } else {
                // Bin half + i takes bins 2i and 2i + 1; going down, every
                // write lands above the bins still to be read (2i + 1 <= half + i).
                for index in (0..<half).reversed() {
                    counts[half + index] = counts[2 * index] + counts[2 * index + 1]
                }
                for index in 0..<half { counts[index] = 0 }
                lowerBound = upperBound - 2 * width
            }
        }
    }

    /// Spreads the counts over `targetBinCount` equal bins on `[lower, upper]`,
    /// assuming values are uniform inside each source bin: a source bin
    /// gives each target bin the fraction of its width that overlaps it.
    /// Mass outside `[lower, upper]` is dropped.
    public func redistributed(over lower: Double, _ upper: Double, binCount targetBinCount: Int) -> [Double] {
        var target = [Double](repeating: 0, count: Swift.max(targetBinCount, 0))
        guard count > 0, targetBinCount > 0, upper > lower else { return target }
        let sourceWidth = binWidth
        let targetWidth = (upper - lower) / Double(targetBinCount)
        for (index, binCountValue) in counts.enumerated() where binCountValue > 0 {
            let binLower = edge(index)
            let binUpper = binLower + sourceWidth
            let clippedLower = Swift.max(binLower, lower)
            let clippedUpper = Swift.min(binUpper, upper)
            guard clippedUpper > clippedLower else { continue }
            let first = Swift.max(0, Int(((clippedLower - lower) / targetWidth).rounded(.down)))
            let last = Swift.min(targetBinCount - 1, Int(((clippedUpper - lower) / targetWidth).rounded(.down)))
            guard first <= last else { continue }
            let density = Double(binCountValue) / sourceWidth
            for targetIndex in first...last {
                let targetLower = lower + Double(targetIndex) * targetWidth
                let overlap = Swift.min(clippedUpper, targetLower + targetWidth) - Swift.max(clippedLower, targetLower)
                if overlap > 0 { target[targetIndex] += density * overlap }
            }
        }
        return target
    }

    /// Sums the counts into `targetBinCount` groups of adjacent bins, for
    /// drawing. Group `g` covers bins `g * binCount / targetBinCount` up to
    /// `(g + 1) * binCount / targetBinCount` (exclusive). The range is
    /// unchanged. A `targetBinCount` at or above `binCount` returns the counts.
    public func downsampled(to targetBinCount: Int) -> [Int] {
        guard targetBinCount > 0 else { return [] }
        guard targetBinCount < binCount else { return counts }
        return (0..<targetBinCount).map { group in
            let start = group * binCount / targetBinCount
            let end = (group + 1) * binCount / targetBinCount
            return counts[start..<end].reduce(0, +)
        }
    }

    /// Computes the value below which `fraction` (0...1) of the binned values lie,
    /// interpolating linearly inside the bin where the cumulative count
    /// crosses `fraction * count`, and clamped to the exact `[min, max]`.
    /// Nil when the histogram is empty.
    public func quantile(_ fraction: Double) -> Double? {
        guard count > 0, let min, let max else { return nil }
        let target = Swift.min(Swift.max(fraction, 0), 1) * Double(count)
        var cumulative = 0.0
        for (index, binCountValue) in counts.enumerated() where binCountValue > 0 {
            let next = cumulative + Double(binCountValue)
            if next >= target {
                let inside = (target - cumulative) / Double(binCountValue)
                let value = edge(index) + inside * binWidth
                return Swift.min(Swift.max(value, min), max)
            }
            cumulative = next
        }
        return max
    }
}

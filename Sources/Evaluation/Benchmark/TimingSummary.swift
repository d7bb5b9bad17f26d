/// Repeated wall-clock measurements of one piece of work, in seconds.
///
/// The median is the middle sample of the sorted list, or the mean of the
/// two middle samples when the count is even. It is the figure every
/// benchmark report quotes, because one slow run (a page fault, another
/// process taking the core) moves it far less than it moves the mean.
public struct TimingSummary: Sendable, Equatable, Codable {
    public var samples: [Double]
    public var medianSeconds: Double
    public var minSeconds: Double
    public var maxSeconds: Double

    /// Summarizes `samples`. Returns nil when there are none.
    public init?(samples: [Double]) {
        guard let median = Self.median(samples), let low = samples.min(), let high = samples.max() else {
            return nil
        }
        self.samples = samples
        self.medianSeconds = median
        self.minSeconds = low
        self.maxSeconds = high
    }

    /// Returns the median of `values`, or nil for an empty list.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[middle] }
        return (sorted[middle - 1] + sorted[middle]) / 2
    }

    enum CodingKeys: String, CodingKey {
        case samples
        case medianSeconds = "median_seconds"
        case minSeconds = "min_seconds"
        case maxSeconds = "max_seconds"
    }
}

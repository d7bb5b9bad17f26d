/// Measured GEMM throughput against the arithmetic peak the user states.
///
/// A square `size x size x size` product counts `2 * size^3` operations (one
/// multiply and one add per multiply-accumulate). The fraction of peak is
///
///     fraction = measured GOP/s / peak GOP/s
///
/// and is left out when no peak is given: the program does not guess the
/// peak of the processor it runs on.
public struct GemmFigures: Sendable, Equatable, Codable {
    public var size: Int
    public var threads: Int
    /// Instruction sets of the int8 and float kernels, such as `avx512vnni / float avx512f`.
    public var instructionSet: String
    public var int8GigaOpsPerSecond: Double
    public var floatGigaFlopsPerSecond: Double
    /// Peak for all `threads` together, as given; nil when none was given.
    public var int8PeakGigaOps: Double?
    public var floatPeakGigaFlops: Double?
    /// Source of the peak figures, as given by the user.
    public var peakSource: String?

    public init(size: Int, threads: Int, instructionSet: String, int8GigaOpsPerSecond: Double,
                floatGigaFlopsPerSecond: Double, int8PeakGigaOps: Double?, floatPeakGigaFlops: Double?,
                peakSource: String?) {
        self.size = size
        self.threads = threads
        self.instructionSet = instructionSet
        self.int8GigaOpsPerSecond = int8GigaOpsPerSecond
        self.floatGigaFlopsPerSecond = floatGigaFlopsPerSecond
        self.int8PeakGigaOps = int8PeakGigaOps
        self.floatPeakGigaFlops = floatPeakGigaFlops
        self.peakSource = peakSource
    }

    /// Returns `2 * size^3`, the operation count of a square GEMM.
    public static func operations(size: Int) -> Double {
        2 * Double(size) * Double(size) * Double(size)
    }

    /// Returns `measured / peak`, or nil without a positive peak.
    public static func fraction(_ measured: Double, of peak: Double?) -> Double? {
        guard let peak, peak > 0 else { return nil }
        return measured / peak
    }

    public var int8FractionOfPeak: Double? { Self.fraction(int8GigaOpsPerSecond, of: int8PeakGigaOps) }
    public var floatFractionOfPeak: Double? { Self.fraction(floatGigaFlopsPerSecond, of: floatPeakGigaFlops) }

    enum CodingKeys: String, CodingKey {
        case size, threads
        case instructionSet = "instruction_set"
        case int8GigaOpsPerSecond = "int8_gops"
        case floatGigaFlopsPerSecond = "float_gflops"
        case int8PeakGigaOps = "int8_peak_gops"
        case floatPeakGigaFlops = "float_peak_gflops"
        case peakSource = "peak_source"
        case int8FractionOfPeak = "int8_fraction_of_peak"
        case floatFractionOfPeak = "float_fraction_of_peak"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(size, forKey: .size)
        try container.encode(threads, forKey: .threads)
        try container.encode(instructionSet, forKey: .instructionSet)
        try container.encode(int8GigaOpsPerSecond, forKey: .int8GigaOpsPerSecond)
        try container.encode(floatGigaFlopsPerSecond, forKey: .floatGigaFlopsPerSecond)
        try container.encode(int8PeakGigaOps, forKey: .int8PeakGigaOps)
        try container.encode(floatPeakGigaFlops, forKey: .floatPeakGigaFlops)
        try container.encode(peakSource, forKey: .peakSource)
        try container.encode(int8FractionOfPeak, forKey: .int8FractionOfPeak)
        try container.encode(floatFractionOfPeak, forKey: .floatFractionOfPeak)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        size = try container.decode(Int.self, forKey: .size)
        threads = try container.decode(Int.self, forKey: .threads)
        instructionSet = try container.decode(String.self, forKey: .instructionSet)
        int8GigaOpsPerSecond = try container.decode(Double.self, forKey: .int8GigaOpsPerSecond)
        floatGigaFlopsPerSecond = try container.decode(Double.self, forKey: .floatGigaFlopsPerSecond)
        int8PeakGigaOps = try container.decodeIfPresent(Double.self, forKey: .int8PeakGigaOps)
        floatPeakGigaFlops = try container.decodeIfPresent(Double.self, forKey: .floatPeakGigaFlops)
        peakSource = try container.decodeIfPresent(String.self, forKey: .peakSource)
    }
}

/// Everything `quantscope bench` measured in one run, as printed with
/// `--json`.
public struct BenchmarkReport: Sendable, Equatable, Codable {
    public var model: String
    public var batch: Int
    public var threads: Int
    public var warmup: Int
    public var repeats: Int
    public var machine: MachineDescription
    /// The speed model's latency formula, for the simulated columns.
    public var formula: String
    /// The profile that produced the simulated columns, with every fitted
    /// parameter, so the comparison can be recomputed from the report.
    public var profile: TargetProfile?
    public var float: EngineTiming
    /// Nil while the integer engine cannot run the model; `int8Status` gives the reason.
    public var int8: EngineTiming?
    /// `measured`, or the reason the int8 engine was not timed.
    public var int8Status: String
    public var gemm: GemmFigures?
    /// Measured against simulated per layer, one entry per timed precision.
    public var simulated: [SimulatedComparison]
    /// Toggle latency of a quantization session, when requested.
    public var toggleLatency: ToggleLatency?
    /// Peak resident set size of the whole run, in bytes.
    public var peakResidentBytes: Int?

    public init(model: String, batch: Int, threads: Int, warmup: Int, repeats: Int, machine: MachineDescription,
                formula: String, profile: TargetProfile? = nil, float: EngineTiming, int8: EngineTiming?, int8Status: String, gemm: GemmFigures?,
                simulated: [SimulatedComparison], toggleLatency: ToggleLatency? = nil, peakResidentBytes: Int? = nil) {
        self.model = model
        self.batch = batch
        self.threads = threads
        self.warmup = warmup
        self.repeats = repeats
        self.machine = machine
        self.formula = formula
        self.profile = profile
        self.float = float
        self.int8 = int8
        self.int8Status = int8Status
        self.gemm = gemm
        self.simulated = simulated
        self.toggleLatency = toggleLatency
        self.peakResidentBytes = peakResidentBytes
    }

    /// int8 images/s divided by float images/s, or nil without an int8 figure.
    public var int8OverFloatThroughput: Double? {
        Self.throughputRatio(int8: int8?.imagesPerSecond, float: float.imagesPerSecond)
    }

    /// Returns `int8 / float`, or nil when either is missing or not positive.
    public static func throughputRatio(int8: Double?, float: Double?) -> Double? {
        guard let int8, let float, int8 > 0, float > 0 else { return nil }
        return int8 / float
    }

    enum CodingKeys: String, CodingKey {
        case model, batch, threads, warmup, repeats, machine, formula, profile, float, int8, gemm, simulated
        case int8Status = "int8_status"
        case int8OverFloatThroughput = "int8_over_float_throughput"
        case toggleLatency = "toggle_latency"
        case peakResidentBytes = "peak_resident_bytes"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(batch, forKey: .batch)
        try container.encode(threads, forKey: .threads)
        try container.encode(warmup, forKey: .warmup)
        try container.encode(repeats, forKey: .repeats)
        try container.encode(machine, forKey: .machine)
        try container.encode(formula, forKey: .formula)
        try container.encodeIfPresent(profile, forKey: .profile)
        try container.encode(float, forKey: .float)
        try container.encode(int8, forKey: .int8)
        try container.encode(int8Status, forKey: .int8Status)
        try container.encode(int8OverFloatThroughput, forKey: .int8OverFloatThroughput)
        try container.encode(gemm, forKey: .gemm)
        try container.encode(simulated, forKey: .simulated)
        try container.encode(toggleLatency, forKey: .toggleLatency)
        try container.encode(peakResidentBytes, forKey: .peakResidentBytes)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        batch = try container.decode(Int.self, forKey: .batch)
        threads = try container.decode(Int.self, forKey: .threads)
        warmup = try container.decode(Int.self, forKey: .warmup)
        repeats = try container.decode(Int.self, forKey: .repeats)
        machine = try container.decode(MachineDescription.self, forKey: .machine)
        formula = try container.decode(String.self, forKey: .formula)
        profile = try container.decodeIfPresent(TargetProfile.self, forKey: .profile)
        float = try container.decode(EngineTiming.self, forKey: .float)
        int8 = try container.decodeIfPresent(EngineTiming.self, forKey: .int8)
        int8Status = try container.decode(String.self, forKey: .int8Status)
        gemm = try container.decodeIfPresent(GemmFigures.self, forKey: .gemm)
        simulated = try container.decode([SimulatedComparison].self, forKey: .simulated)
        toggleLatency = try container.decodeIfPresent(ToggleLatency.self, forKey: .toggleLatency)
        peakResidentBytes = try container.decodeIfPresent(Int.self, forKey: .peakResidentBytes)
    }
}

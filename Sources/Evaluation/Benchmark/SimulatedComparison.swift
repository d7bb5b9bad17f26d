/// Measured per-layer times next to the speed model's figures for the same
/// layers, precision and batch.
///
/// A layer is *within tolerance* when
///
///     |measured - simulated| <= max(tolerance * simulated, allowanceSeconds)
///
/// so a tolerance of 0.3 accepts measured / simulated in [0.7, 1.3]. The
/// absolute allowance only matters for layers of a few microseconds (a
/// flatten, a 10-output classifier), whose run-to-run spread is as large as
/// 30 % of the layer itself.
///
/// The simulated time of a unit includes the quantize and dequantize steps
/// the int8 program places in it (`SpeedReport.unitSeconds`).
public struct SimulatedComparison: Sendable, Equatable, Codable {
    public struct Row: Sendable, Equatable, Codable {
        public var name: String
        public var measuredSeconds: Double
        public var simulatedSeconds: Double
        /// measured / simulated; 0 when the simulated time is 0.
        public var ratio: Double
        public var withinTolerance: Bool

        enum CodingKeys: String, CodingKey {
            case name, ratio
            case measuredSeconds = "measured_seconds"
            case simulatedSeconds = "simulated_seconds"
            case withinTolerance = "within_tolerance"
        }
    }

    /// Identifier of the target profile that produced the simulated figures.
    public var profile: String
    /// `float` or `int8`.
    public var precision: String
    public var tolerance: Double
    /// Absolute difference always accepted, in seconds.
    public var allowanceSeconds: Double
    public var rows: [Row]
    /// Measured layers that the simulation does not list, by name.
    public var unmatched: [String]

    public var withinCount: Int { rows.count { $0.withinTolerance } }

    /// Pairs each measured layer with the simulated unit of the same name.
    public init(measured: [LayerTiming], simulated: SpeedReport, precision: String, tolerance: Double = 0.3,
                allowanceSeconds: Double = 0) {
        let simulatedByName = simulated.unitSeconds
        var rows: [Row] = []
        var unmatched: [String] = []
        for layer in measured {
            guard let simulatedSeconds = simulatedByName[layer.name] else {
                unmatched.append(layer.name)
                continue
            }
            rows.append(Self.row(name: layer.name, measured: layer.medianSeconds, simulated: simulatedSeconds,
                                 tolerance: tolerance, allowanceSeconds: allowanceSeconds))
        }
        self.profile = simulated.profile.identifier
        self.precision = precision
        self.tolerance = tolerance
        self.allowanceSeconds = allowanceSeconds
        self.rows = rows
        self.unmatched = unmatched
    }

    /// Returns the comparison row of one layer.
    public static func row(name: String, measured: Double, simulated: Double, tolerance: Double,
                           allowanceSeconds: Double = 0) -> Row {
        let ratio = simulated > 0 ? measured / simulated : 0
        let within = abs(measured - simulated) <= max(tolerance * simulated, allowanceSeconds)
        return Row(name: name, measuredSeconds: measured, simulatedSeconds: simulated, ratio: ratio,
                   withinTolerance: within)
    }

    enum CodingKeys: String, CodingKey {
        case profile, precision, tolerance, rows, unmatched
        case allowanceSeconds = "allowance_seconds"
        case withinCount = "within_count"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encode(precision, forKey: .precision)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(allowanceSeconds, forKey: .allowanceSeconds)
        try container.encode(rows, forKey: .rows)
        try container.encode(unmatched, forKey: .unmatched)
        try container.encode(withinCount, forKey: .withinCount)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        profile = try container.decode(String.self, forKey: .profile)
        precision = try container.decode(String.self, forKey: .precision)
        tolerance = try container.decode(Double.self, forKey: .tolerance)
        allowanceSeconds = try container.decodeIfPresent(Double.self, forKey: .allowanceSeconds) ?? 0
        rows = try container.decode([Row].self, forKey: .rows)
        unmatched = try container.decode([String].self, forKey: .unmatched)
    }
}

extension SimulatedComparison {
    /// Relative tolerance of `quantscope bench` and the committed check.
    public static let defaultTolerance = 0.3
    /// Absolute allowance of `quantscope bench` and the committed check,
    /// 5 µs. At batch 16 a flatten or a 10-output classifier takes 0.3 to
    /// 10 µs. On a loaded two-core machine its median moved by up to 4 µs
    /// between runs, more than 30 % of the layer.
    public static let defaultAllowanceSeconds = 5e-6

    /// Simulates `network` on `profile` in float and, when `int8` is given,
    /// with every layer that can in int8, and pairs each measured layer
    /// with its simulated unit.
    public static func compare(_ network: NetworkGeometry, float: [LayerTiming], int8: [LayerTiming]?,
                               on profile: TargetProfile, tolerance: Double = defaultTolerance,
                               allowanceSeconds: Double = defaultAllowanceSeconds) throws(SpeedModelError)
        -> [SimulatedComparison] {
        let simulatedFloat = try SpeedModel.simulate(network, precisions: network.layers.map { _ in .float },
                                                     on: profile)
        var comparisons = [SimulatedComparison(measured: float, simulated: simulatedFloat, precision: "float",
                                               tolerance: tolerance, allowanceSeconds: allowanceSeconds)]
        if let int8 {
            let plan = network.layers.map { $0.kind.supportsInt8 ? SimulatedPrecision.int8 : .float }
            let simulatedInt8 = try SpeedModel.simulate(network, precisions: plan, on: profile)
            comparisons.append(SimulatedComparison(measured: int8, simulated: simulatedInt8, precision: "int8",
                                                   tolerance: tolerance, allowanceSeconds: allowanceSeconds))
        }
        return comparisons
    }
}

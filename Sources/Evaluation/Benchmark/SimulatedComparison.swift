/// Measured per-layer times next to the speed model's figures for the same
/// layers, precision and batch.
///
/// A layer is *within tolerance* when
///
///     |measured - simulated| <= tolerance * simulated
///
/// so a tolerance of 0.3 accepts measured / simulated in [0.7, 1.3].
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
    public var rows: [Row]
    /// Measured layers that the simulation does not list, by name.
    public var unmatched: [String]

    public var withinCount: Int { rows.count { $0.withinTolerance } }

    /// Pairs each measured layer with the simulated layer of the same name.
    public init(measured: [LayerTiming], simulated: SpeedReport, precision: String, tolerance: Double = 0.3) {
        let simulatedByName = Dictionary(simulated.layers.map { ($0.name, $0.seconds) },
                                         uniquingKeysWith: { first, _ in first })
        var rows: [Row] = []
        var unmatched: [String] = []
        for layer in measured {
            guard let simulatedSeconds = simulatedByName[layer.name] else {
                unmatched.append(layer.name)
                continue
            }
            rows.append(Self.row(name: layer.name, measured: layer.medianSeconds, simulated: simulatedSeconds,
                                 tolerance: tolerance))
        }
        self.profile = simulated.profile.identifier
        self.precision = precision
        self.tolerance = tolerance
        self.rows = rows
        self.unmatched = unmatched
    }

    /// Returns the comparison row of one layer.
    public static func row(name: String, measured: Double, simulated: Double, tolerance: Double) -> Row {
        let ratio = simulated > 0 ? measured / simulated : 0
        let within = abs(measured - simulated) <= tolerance * simulated
        return Row(name: name, measuredSeconds: measured, simulatedSeconds: simulated, ratio: ratio,
                   withinTolerance: within)
    }

    enum CodingKeys: String, CodingKey {
        case profile, precision, tolerance, rows, unmatched
        case withinCount = "within_count"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encode(precision, forKey: .precision)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(rows, forKey: .rows)
        try container.encode(unmatched, forKey: .unmatched)
        try container.encode(withinCount, forKey: .withinCount)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        profile = try container.decode(String.self, forKey: .profile)
        precision = try container.decode(String.self, forKey: .precision)
        tolerance = try container.decode(Double.self, forKey: .tolerance)
        rows = try container.decode([Row].self, forKey: .rows)
        unmatched = try container.decode([String].self, forKey: .unmatched)
    }
}

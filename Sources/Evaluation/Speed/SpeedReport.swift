/// Simulated latency and size of one precision plan on one target, as the
/// command line and the explorer print it. Encodes to JSON with stable
/// snake_case keys; times are in seconds, sizes in bytes.
public struct SpeedReport: Sendable, Equatable, Codable {
    /// Whether a layer's time is set by arithmetic or by memory traffic, or
    /// by neither because it moves no values (a reshape).
    public enum Bound: String, Sendable, Equatable, Codable {
        case compute
        case memory
        case overhead
    }

    public struct Layer: Sendable, Equatable, Codable {
        public var name: String
        public var kind: LayerGeometry.Kind
        /// `float` or `int8`.
        public var precision: String
        /// Nil for float layers.
        public var weightBits: Int?
        public var activationBits: Int?
        public var cost: LayerCost
        public var bytes: Int
        public var computeSeconds: Double
        public var memorySeconds: Double
        public var overheadSeconds: Double
        /// `max(computeSeconds, memorySeconds) + overheadSeconds`.
        public var seconds: Double
        public var bound: Bound

        enum CodingKeys: String, CodingKey {
            case name, kind, precision, cost, bytes, seconds, bound
            case weightBits = "weight_bits"
            case activationBits = "activation_bits"
            case computeSeconds = "compute_seconds"
            case memorySeconds = "memory_seconds"
            case overheadSeconds = "overhead_seconds"
        }
    }

    public struct Conversion: Sendable, Equatable, Codable {
        public var conversion: PrecisionConversion
        public var bytesRead: Int
        public var bytesWritten: Int
        public var computeSeconds: Double
        public var memorySeconds: Double
        public var overheadSeconds: Double
        public var seconds: Double
        public var bound: Bound

        enum CodingKeys: String, CodingKey {
            case conversion, seconds, bound
            case bytesRead = "bytes_read"
            case bytesWritten = "bytes_written"
            case computeSeconds = "compute_seconds"
            case memorySeconds = "memory_seconds"
            case overheadSeconds = "overhead_seconds"
        }
    }

    /// Sum over all quantize and dequantize steps: the overhead line.
    public struct ConversionTotal: Sendable, Equatable, Codable {
        public var quantizeCount: Int
        public var dequantizeCount: Int
        public var elements: Int
        public var bytes: Int
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case elements, bytes, seconds
            case quantizeCount = "quantize_count"
            case dequantizeCount = "dequantize_count"
        }
    }

    public struct Totals: Sendable, Equatable, Codable {
        /// Layers plus conversions.
        public var latencySeconds: Double
        /// The same network with every layer in float.
        public var floatLatencySeconds: Double
        /// `floatLatencySeconds / latencySeconds`; above 1 means faster.
        public var speedup: Double
        /// Weight bytes plus bias bytes of the plan. Integer layers count one
        /// byte per weight at any bit width (8-bit containers) and four per
        /// int32 bias element.
        public var modelSizeBytes: Int
        public var floatModelSizeBytes: Int
        /// `modelSizeBytes / floatModelSizeBytes`; 1 when the model has no weights.
        public var sizeRatio: Double

        enum CodingKeys: String, CodingKey {
            case speedup
            case latencySeconds = "latency_seconds"
            case floatLatencySeconds = "float_latency_seconds"
            case modelSizeBytes = "model_size_bytes"
            case floatModelSizeBytes = "float_model_size_bytes"
            case sizeRatio = "size_ratio"
        }
    }

    public var profile: TargetProfile
    /// `SpeedModel.formulaDescription`, so a saved report explains itself.
    public var formula: String
    public var layers: [Layer]
    public var conversions: [Conversion]
    public var conversionTotal: ConversionTotal
    public var totals: Totals

    enum CodingKeys: String, CodingKey {
        case profile, formula, layers, conversions, totals
        case conversionTotal = "conversion_total"
    }

    /// Name of the unit that contains the final dequantize steps in the
    /// int8 engine's program.
    public static let graphOutputsUnit = "graph outputs"

    /// Seconds of each unit as the int8 engine's program groups the work.
    /// A layer's unit adds the quantize or dequantize steps whose first
    /// consumer it is. The dequantize steps that only the graph output reads
    /// form the unit `graphOutputsUnit`.
    public var unitSeconds: [String: Double] {
        var seconds = Dictionary(layers.map { ($0.name, $0.seconds) }, uniquingKeysWith: { first, _ in first })
        for conversion in conversions {
            let unit = conversion.conversion.consumers.first ?? Self.graphOutputsUnit
            seconds[unit, default: 0] += conversion.seconds
        }
        return seconds
    }
}

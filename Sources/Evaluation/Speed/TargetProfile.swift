/// Throughput figures of one processor core, from which the speed model
/// prices a layer:
///
///     latency = max(compute, memory) + operatorOverheadSeconds
///     compute = MACs / MAC rate of the precision       (conv, FC)
///             = operations / elementwiseOperationsPerSecond   (other layers)
///     memory  = bytes / memoryBandwidthBytesPerSecond
///
/// Rates are sustained single-thread rates of a real kernel library, not
/// instruction peaks. Each built-in profile documents its peak, the
/// fraction assumed to be reached, and where the figures come from.
/// Depthwise convolutions run at `depthwiseEfficiency` times the MAC rate,
/// because their per-channel loops are too short to keep a GEMM-shaped
/// kernel's registers full.
///
/// A profile with `kernelCosts` (the measured "this machine" profile)
/// prices each kernel of a layer by its fitted `KernelCost` instead:
///
///     compute  = sum over the layer's kernels k of workSeconds(k)
///     overhead = sum over the layer's kernels k of overheadSeconds(k)
///
/// with the same `latency = max(compute, memory) + overhead`.
public struct TargetProfile: Sendable, Equatable, Codable {
    /// Stable identifier, as accepted on the command line (`sd835-big`).
    public var identifier: String
    public var name: String
    /// Origin of the parameters, in one or two sentences.
    public var source: String
    /// Clock frequency, when known; only shown, never used in a formula.
    public var clockHertz: Double?
    public var floatMACsPerSecond: Double
    public var int8MACsPerSecond: Double
    /// Fraction of the MAC rate a depthwise convolution reaches, in (0, 1].
    public var depthwiseEfficiency: Double
    /// Additions, comparisons, copies and conversions per second, for
    /// layers without weights and for quantize/dequantize steps.
    public var elementwiseOperationsPerSecond: Double
    public var memoryBandwidthBytesPerSecond: Double
    /// Fixed cost of running one operator (dispatch, buffer setup).
    public var operatorOverheadSeconds: Double
    /// Fitted per-kernel costs; nil for profiles priced by the rates alone.
    public var kernelCosts: KernelCostTable?

    /// Throws when a rate or the depthwise efficiency is not finite and
    /// positive, or the overhead is negative.
    public init(identifier: String, name: String, source: String, clockHertz: Double?,
                floatMACsPerSecond: Double, int8MACsPerSecond: Double, depthwiseEfficiency: Double,
                elementwiseOperationsPerSecond: Double, memoryBandwidthBytesPerSecond: Double,
                operatorOverheadSeconds: Double, kernelCosts: KernelCostTable? = nil) throws(SpeedModelError) {
        let positive: [(String, Double)] = [
            ("float_macs_per_second", floatMACsPerSecond), ("int8_macs_per_second", int8MACsPerSecond),
            ("depthwise_efficiency", depthwiseEfficiency),
            ("elementwise_operations_per_second", elementwiseOperationsPerSecond),
            ("memory_bandwidth_bytes_per_second", memoryBandwidthBytesPerSecond),
        ]
        for (parameter, value) in positive where !(value.isFinite && value > 0) {
            throw .invalidProfileParameter(profile: identifier, parameter: parameter, value: value)
        }
        guard depthwiseEfficiency <= 1 else {
            throw .invalidProfileParameter(profile: identifier, parameter: "depthwise_efficiency",
                                           value: depthwiseEfficiency)
        }
        guard operatorOverheadSeconds.isFinite, operatorOverheadSeconds >= 0 else {
            throw .invalidProfileParameter(profile: identifier, parameter: "operator_overhead_seconds",
                                           value: operatorOverheadSeconds)
        }
        self.identifier = identifier
        self.name = name
        self.source = source
        self.clockHertz = clockHertz
        self.floatMACsPerSecond = floatMACsPerSecond
        self.int8MACsPerSecond = int8MACsPerSecond
        self.depthwiseEfficiency = depthwiseEfficiency
        self.elementwiseOperationsPerSecond = elementwiseOperationsPerSecond
        self.memoryBandwidthBytesPerSecond = memoryBandwidthBytesPerSecond
        self.operatorOverheadSeconds = operatorOverheadSeconds
        self.kernelCosts = kernelCosts
    }

    /// Multiply-accumulates per second for a layer of `kind` at `precision`.
    public func macsPerSecond(kind: LayerGeometry.Kind, precision: SimulatedPrecision) -> Double {
        let rate = precision.isInteger ? int8MACsPerSecond : floatMACsPerSecond
        return kind == .depthwiseConvolution ? rate * depthwiseEfficiency : rate
    }

    enum CodingKeys: String, CodingKey {
        case identifier, name, source
        case clockHertz = "clock_hertz"
        case floatMACsPerSecond = "float_macs_per_second"
        case int8MACsPerSecond = "int8_macs_per_second"
        case depthwiseEfficiency = "depthwise_efficiency"
        case elementwiseOperationsPerSecond = "elementwise_operations_per_second"
        case memoryBandwidthBytesPerSecond = "memory_bandwidth_bytes_per_second"
        case operatorOverheadSeconds = "operator_overhead_seconds"
        case kernelCosts = "kernel_costs"
    }

    /// Decodes a profile and checks it like `init(identifier:...)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(identifier: container.decode(String.self, forKey: .identifier),
                      name: container.decode(String.self, forKey: .name),
                      source: container.decode(String.self, forKey: .source),
                      clockHertz: container.decodeIfPresent(Double.self, forKey: .clockHertz),
                      floatMACsPerSecond: container.decode(Double.self, forKey: .floatMACsPerSecond),
                      int8MACsPerSecond: container.decode(Double.self, forKey: .int8MACsPerSecond),
                      depthwiseEfficiency: container.decode(Double.self, forKey: .depthwiseEfficiency),
                      elementwiseOperationsPerSecond: container.decode(Double.self,
                                                                       forKey: .elementwiseOperationsPerSecond),
                      memoryBandwidthBytesPerSecond: container.decode(Double.self,
                                                                      forKey: .memoryBandwidthBytesPerSecond),
                      operatorOverheadSeconds: container.decode(Double.self, forKey: .operatorOverheadSeconds),
                      kernelCosts: container.decodeIfPresent(KernelCostTable.self, forKey: .kernelCosts))
    }
}

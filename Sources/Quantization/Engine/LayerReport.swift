/// What the preparation chose for one layer under a plan: ranges, (S, Z),
/// fixed-point multipliers and clamps. Reports and the explorer show it.
public struct LayerReport: Sendable, Equatable {
    public var name: String
    public var opType: String
    public var kind: LayerKind
    /// Precision the layer runs in (float when the plan asks for float or
    /// when the integer engine cannot run the layer; see `fallbackReason`).
    public var precision: LayerPrecision
    public var settings: LayerQuantization
    /// Why an int8 request runs in float, or nil.
    public var fallbackReason: String?
    /// Clip range of each activation input, by the layer's calibration method.
    public var inputRanges: [ClipRange] = []
    public var inputParameters: [QuantizationParameters] = []
    public var outputRange: ClipRange?
    public var outputParameters: QuantizationParameters?
    /// min/max of the (folded) weights, per tensor.
    public var weightRange: ClipRange?
    /// One entry per tensor or one per output channel.
    public var weightParameters: [QuantizationParameters] = []
    /// M = S_in * S_w / S_out as (M0, shift), per tensor or per channel.
    public var multipliers: [QuantizedMultiplier] = []
    public var outputClamp: ActivationClamp?
    /// Reduction depth N of a convolution or fully connected layer.
    public var reductionDepth: Int?
    /// N_max of the int32 accumulator for the layer's bit widths.
    public var accumulatorLimit: Int?

    public init(name: String, opType: String, kind: LayerKind, precision: LayerPrecision,
                settings: LayerQuantization, fallbackReason: String? = nil) {
        self.name = name
        self.opType = opType
        self.kind = kind
        self.precision = precision
        self.settings = settings
        self.fallbackReason = fallbackReason
    }
}

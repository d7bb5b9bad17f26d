/// An activation function fused into the preceding layer's output clamp.
public enum FusedActivation: String, Sendable, Equatable, Hashable, CaseIterable {
    case none
    case relu
    case relu6

    /// The clamp [qmin', qmax'] for an output with parameters (S, Z):
    /// none is [qmin, qmax]; ReLU is [max(qmin, Z), qmax]; ReLU6 is
    /// [max(qmin, Z), min(qmax, Z + round(6 / S))]. The quantized images
    /// of 0 and 6 use `QuantizationParameters.quantize`.
    public func clamp(for output: QuantizationParameters) -> ActivationClamp {
        let full = output.range.clamp
        switch self {
        case .none:
            return full
        case .relu:
            return ActivationClamp(lower: max(full.lower, output.quantize(0)), upper: full.upper)
        case .relu6:
            return ActivationClamp(lower: max(full.lower, output.quantize(0)),
                                   upper: min(full.upper, output.quantize(6)))
        }
    }
}

extension FusedActivation {
    /// The clamp [qmin', qmax'] of an output with parameters (S, Z): each
    /// finite bound b of the activation becomes quantize(b) = Z + round(b / S),
    /// intersected with the container's [qmin, qmax]. So none is
    /// [qmin, qmax], ReLU is [max(qmin, Z), qmax] and ReLU6 is
    /// [max(qmin, Z), min(qmax, Z + round(6 / S))].
    public func clamp(for output: QuantizationParameters) -> ActivationClamp {
        let full = output.range.clamp
        let (lowerBound, upperBound) = bounds
        let lower = lowerBound.isFinite ? max(full.lower, output.quantize(lowerBound)) : full.lower
        let upper = upperBound.isFinite ? min(full.upper, output.quantize(upperBound)) : full.upper
        return ActivationClamp(lower: lower, upper: upper)
    }
}

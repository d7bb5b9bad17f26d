// Preparation of the integer parameters each kernel takes, from the float
// (S, Z) of its tensors. All real arithmetic happens here, in Double, as
// TFLite computes its effective scales.

extension AccumulatingLayerParameters {
    /// Prepares a convolution or fully connected layer:
    /// M[c] = S1 * S2[c] / S3 decomposed into (M0, shift), Z2 per tensor or
    /// channel, and the output clamp of `activation`. Checks the reduction
    /// depth against the int32 accumulator headroom of `scheme`.
    public init(input: QuantizationParameters, weights: [QuantizationParameters], output: QuantizationParameters,
                activation: FusedActivation, reductionDepth: Int, layer: String,
                scheme: QuantizationScheme) throws(QuantizationError) {
        try AccumulatorHeadroom.check(depth: reductionDepth, layer: layer, scheme: scheme)
        var multipliers: [QuantizedMultiplier] = []
        multipliers.reserveCapacity(weights.count)
        for weight in weights {
            let real = Double(input.scale) * Double(weight.scale) / Double(output.scale)
            multipliers.append(try QuantizedMultiplier(approximating: real))
        }
        self.init(inputZeroPoint: input.zeroPoint, weightZeroPoints: weights.map(\.zeroPoint),
                  outputZeroPoint: output.zeroPoint, outputMultipliers: multipliers,
                  outputClamp: activation.clamp(for: output))
    }
}

extension RequantizeParameters {
    /// Prepares the move from `input`'s (S1, Z1) to `output`'s (S2, Z2):
    /// M = S1 / S2, clamped to the output range (and `activation`).
    public init(from input: QuantizationParameters, to output: QuantizationParameters,
                activation: FusedActivation = .none) throws(QuantizationError) {
        let multiplier = try QuantizedMultiplier(approximating: Double(input.scale) / Double(output.scale))
        self.init(inputZeroPoint: input.zeroPoint, outputZeroPoint: output.zeroPoint,
                  multiplier: multiplier, outputClamp: activation.clamp(for: output))
    }
}

extension AddParameters {
    /// Prepares an Add: with S = 2 * max(S1, S2), M1 = S1 / S, M2 = S2 / S and
    /// M3 = S / (2^20 * S3).
    public init(input1: QuantizationParameters, input2: QuantizationParameters, output: QuantizationParameters,
                activation: FusedActivation = .none) throws(QuantizationError) {
        let commonScale = 2 * max(Double(input1.scale), Double(input2.scale))
        let shiftFactor = Double(Int64(1) << Int64(AddParameters.inputLeftShift))
        self.init(input1ZeroPoint: input1.zeroPoint, input2ZeroPoint: input2.zeroPoint,
                  outputZeroPoint: output.zeroPoint,
                  input1Multiplier: try QuantizedMultiplier(approximating: Double(input1.scale) / commonScale),
                  input2Multiplier: try QuantizedMultiplier(approximating: Double(input2.scale) / commonScale),
                  outputMultiplier: try QuantizedMultiplier(approximating: commonScale / (shiftFactor * Double(output.scale))),
                  outputClamp: activation.clamp(for: output))
    }
}

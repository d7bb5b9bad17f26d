/// Weights quantized for an integer kernel: q[c, j] = clamp(Z[c] + round(w[c, j] / S[c]))
/// with one (S, Z) for the tensor or one per output channel c (the first
/// dimension of [Cout, ...] weights).
public struct QuantizedWeights<Element: QuantizedValue>: Sendable, Equatable {
    /// Quantized values, in the layout of the float weights.
    public var values: [Element]
    /// One entry per tensor, or one per output channel.
    public var parameters: [QuantizationParameters]

    /// Quantizes `weights`, laid out as [outputChannels, ...], under
    /// `scheme`, choosing (S, Z) from each channel's (or the tensor's)
    /// min and max. `Element` must match the scheme's container.
    public init(weights: [Float], outputChannels: Int, scheme: QuantizationScheme) throws(QuantizationError) {
        guard outputChannels > 0, weights.count % outputChannels == 0 else {
            throw .weightCountMismatch(count: weights.count, outputChannels: outputChannels)
        }
        let range = try scheme.weightRange()
        guard range.qmin >= Int32(Element.min) && range.qmax <= Int32(Element.max) else {
            throw .unsupportedBitWidth(scheme.weightBits)
        }
        let groupCount = scheme.weightGranularity == .perChannel ? outputChannels : 1
        let groupSize = weights.count / groupCount
        var values = [Element](repeating: 0, count: weights.count)
        var parameters: [QuantizationParameters] = []
        parameters.reserveCapacity(groupCount)
        for group in 0..<groupCount {
            let slice = weights[(group * groupSize)..<((group + 1) * groupSize)]
            let lower = slice.min() ?? 0
            let upper = slice.max() ?? 0
            let groupParameters = try scheme.weightParameters(min: lower, max: upper)
            for index in slice.indices {
                values[index] = Element(truncatingIfNeeded: groupParameters.quantize(weights[index]))
            }
            parameters.append(groupParameters)
        }
        self.values = values
        self.parameters = parameters
    }

    /// Z2 per tensor or per channel, as the kernels take them.
    public var zeroPoints: [Int32] { parameters.map(\.zeroPoint) }
}

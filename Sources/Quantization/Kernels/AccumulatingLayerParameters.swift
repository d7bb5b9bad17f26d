/// Integer parameters of a layer that accumulates products, a convolution or
/// a fully connected layer: q3 = clamp(Z3 + M[c] * (sum (q1 - Z1) * (q2[c] - Z2[c]) + bias[c])).
///
/// `weightZeroPoints` and `outputMultipliers` hold either one entry (per
/// tensor) or one per output channel c. TFLite's int8 scheme has every
/// weight zero-point 0. The uint8 scheme of Jacob et al. (2018) has one
/// nonzero Z2 per tensor.
public struct AccumulatingLayerParameters: Sendable, Equatable {
    /// Z1, the input zero-point.
    public var inputZeroPoint: Int32
    /// Z2 per tensor or per output channel.
    public var weightZeroPoints: [Int32]
    /// Z3, the output zero-point.
    public var outputZeroPoint: Int32
    /// M = S1 * S2 / S3 per tensor or per output channel.
    public var outputMultipliers: [QuantizedMultiplier]
    /// [qmin', qmax'] of the output, with any fused activation.
    public var outputClamp: ActivationClamp

    public init(inputZeroPoint: Int32, weightZeroPoints: [Int32], outputZeroPoint: Int32,
                outputMultipliers: [QuantizedMultiplier], outputClamp: ActivationClamp) {
        self.inputZeroPoint = inputZeroPoint
        self.weightZeroPoints = weightZeroPoints
        self.outputZeroPoint = outputZeroPoint
        self.outputMultipliers = outputMultipliers
        self.outputClamp = outputClamp
    }

    /// Checks counts and ranges against `channels` output channels.
    func validate<Element: QuantizedValue>(_ kernel: String, channels: Int, biasCount: Int?,
                                           _ type: Element.Type) throws(KernelError) {
        try checkZeroPoint(kernel, "input", inputZeroPoint, Element.self)
        try checkZeroPoint(kernel, "output", outputZeroPoint, Element.self)
        try checkPerChannelCount(kernel, "weightZeroPoints", channels: channels, actual: weightZeroPoints.count)
        for zeroPoint in weightZeroPoints {
            try checkZeroPoint(kernel, "weight", zeroPoint, Element.self)
        }
        try checkPerChannelCount(kernel, "outputMultipliers", channels: channels, actual: outputMultipliers.count)
        try checkMultipliers(kernel, outputMultipliers)
        try checkClamp(kernel, outputClamp, Element.self)
        if let biasCount {
            try checkCount(kernel, "bias", expected: channels, actual: biasCount)
        }
    }
}

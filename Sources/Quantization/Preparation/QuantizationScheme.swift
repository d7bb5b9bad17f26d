/// The integer scheme a network is quantized with, and its bit widths.
///
/// - `paper`: uint8 containers, weights and activations asymmetric
///   (Jacob et al. 2018, arXiv:1712.05877). Activation range [0, 2^b - 1], weight range
///   [0, 2^b - 1].
/// - `tflite`: int8 containers, activations asymmetric in
///   [-2^(b-1), 2^(b-1) - 1], weights symmetric in
///   [-(2^(b-1) - 1), 2^(b-1) - 1] with Z = 0.
///
/// Weights get one (S, Z) per tensor or one per output channel.
public struct QuantizationScheme: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, Equatable, Hashable, CaseIterable {
        case paper
        case tflite
    }

    public enum WeightGranularity: String, Sendable, Equatable, Hashable, CaseIterable {
        case perTensor
        case perChannel
    }

    public var kind: Kind
    public var weightGranularity: WeightGranularity
    /// Bits of the weights, 2...8.
    public var weightBits: Int
    /// Bits of the activations, 2...8.
    public var activationBits: Int

    public init(kind: Kind, weightGranularity: WeightGranularity, weightBits: Int = 8, activationBits: Int = 8) {
        self.kind = kind
        self.weightGranularity = weightGranularity
        self.weightBits = weightBits
        self.activationBits = activationBits
    }

    /// uint8, asymmetric, per-tensor weights, 8 bits.
    public static let paper = QuantizationScheme(kind: .paper, weightGranularity: .perTensor)
    /// int8, symmetric per-channel weights, asymmetric activations, 8 bits.
    public static let tflite = QuantizationScheme(kind: .tflite, weightGranularity: .perChannel)

    /// Whether the 8-bit container is signed (`Int8`) rather than `UInt8`.
    public var usesSignedContainer: Bool { kind == .tflite }

    /// Whether weights have Z = 0 and a range symmetric around it.
    public var weightsAreSymmetric: Bool { kind == .tflite }

    /// Returns [qmin, qmax] of activations.
    public func activationRange() throws(QuantizationError) -> QuantizedRange {
        try QuantizedRange.asymmetric(bits: activationBits, signed: usesSignedContainer)
    }

    /// Returns [qmin, qmax] of weights.
    public func weightRange() throws(QuantizationError) -> QuantizedRange {
        weightsAreSymmetric ? try QuantizedRange.symmetric(bits: weightBits)
                            : try QuantizedRange.asymmetric(bits: weightBits, signed: false)
    }

    /// Chooses (S, Z) for an activation observed in [min, max].
    public func activationParameters(min lower: Float, max upper: Float) throws(QuantizationError) -> QuantizationParameters {
        try QuantizationParameters.asymmetric(min: lower, max: upper, range: activationRange())
    }

    /// Chooses (S, Z) for weights (or one channel of them) in [min, max].
    public func weightParameters(min lower: Float, max upper: Float) throws(QuantizationError) -> QuantizationParameters {
        weightsAreSymmetric
            ? try QuantizationParameters.symmetric(min: lower, max: upper, range: weightRange())
            : try QuantizationParameters.asymmetric(min: lower, max: upper, range: weightRange())
    }
}

/// The integer interval [qmin, qmax] that quantized values of a tensor use
/// inside their 8-bit container.
///
/// For b bits: unsigned asymmetric [0, 2^b - 1], signed asymmetric
/// [-2^(b-1), 2^(b-1) - 1], signed symmetric [-(2^(b-1) - 1), 2^(b-1) - 1]
/// (TFLite's narrow weight range, so that Z = 0 sits in the middle).
public struct QuantizedRange: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var qmin: Int32
    public var qmax: Int32

    /// Bit widths the product supports; all live in 8-bit containers.
    public static let supportedBitWidths: ClosedRange<Int> = 2...8

    public init(qmin: Int32, qmax: Int32) {
        self.qmin = qmin
        self.qmax = qmax
    }

    /// Returns [0, 2^b - 1] (unsigned) or [-2^(b-1), 2^(b-1) - 1] (signed).
    public static func asymmetric(bits: Int, signed: Bool) throws(QuantizationError) -> QuantizedRange {
        guard supportedBitWidths.contains(bits) else { throw .unsupportedBitWidth(bits) }
        let levels = Int32(1) << Int32(bits)
        return signed ? QuantizedRange(qmin: -levels / 2, qmax: levels / 2 - 1)
                      : QuantizedRange(qmin: 0, qmax: levels - 1)
    }

    /// Returns [-(2^(b-1) - 1), 2^(b-1) - 1], symmetric around Z = 0.
    public static func symmetric(bits: Int) throws(QuantizationError) -> QuantizedRange {
        guard supportedBitWidths.contains(bits) else { throw .unsupportedBitWidth(bits) }
        let half = (Int32(1) << Int32(bits - 1)) - 1
        return QuantizedRange(qmin: -half, qmax: half)
    }

    /// The integer nearest to 0 inside [qmin, qmax].
    public var clampedZero: Int32 { min(max(0, qmin), qmax) }

    /// Number of steps, qmax - qmin.
    public var steps: Int32 { qmax - qmin }

    /// The range as a kernel clamp with no fused activation.
    public var clamp: ActivationClamp { ActivationClamp(lower: qmin, upper: qmax) }

    public var description: String { "[\(qmin), \(qmax)]" }
}

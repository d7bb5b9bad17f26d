import Foundation

/// The affine map of one tensor (or one channel): r = S * (q - Z), with q in
/// [qmin, qmax].
///
/// Choosing (S, Z) from a real range [a, b] (`asymmetric`): the range is
/// first widened to contain 0, then S = (b - a) / (qmax - qmin) and
/// Z = round(qmin - a / S) clamped into [qmin, qmax] ("nudging"), so real 0
/// is exactly q = Z. The symmetric form (`symmetric`) uses Z = 0 and
/// S = max(|a|, |b|) / qmax.
///
/// A zero-width range (a = b = 0 after widening) would divide by zero. It
/// gets S = 1 and Z = 0 clamped into [qmin, qmax]: every value of such a
/// tensor is 0 and maps to Z exactly, and S = 1 keeps the multipliers of
/// neighbouring layers finite.
public struct QuantizationParameters: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// S, positive. Stored as Float, as TFLite and ONNX store scales.
    public var scale: Float
    /// Z, in `range`.
    public var zeroPoint: Int32
    /// [qmin, qmax] of the quantized values.
    public var range: QuantizedRange

    public init(scale: Float, zeroPoint: Int32, range: QuantizedRange) throws(QuantizationError) {
        guard scale > 0 && scale.isFinite else { throw .invalidScale(scale) }
        guard (range.qmin...range.qmax).contains(zeroPoint) else {
            throw .zeroPointOutOfRange(zeroPoint, range: range)
        }
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.range = range
    }

    /// Chooses (S, Z) for real values in [min, max], asymmetric and nudged.
    public static func asymmetric(min lower: Float, max upper: Float,
                                  range: QuantizedRange) throws(QuantizationError) -> QuantizationParameters {
        guard lower.isFinite && upper.isFinite && lower <= upper else {
            throw .invalidRange(min: lower, max: upper)
        }
        let widenedMin = Double(Swift.min(lower, 0))
        let widenedMax = Double(Swift.max(upper, 0))
        guard widenedMax > widenedMin else {
            return try QuantizationParameters(scale: 1, zeroPoint: range.clampedZero, range: range)
        }
        let scale = (widenedMax - widenedMin) / Double(range.steps)
        let zeroPoint = (Double(range.qmin) - widenedMin / scale).rounded(.toNearestOrAwayFromZero)
        let nudged = Swift.min(Swift.max(zeroPoint, Double(range.qmin)), Double(range.qmax))
        return try QuantizationParameters(scale: Float(scale), zeroPoint: Int32(nudged), range: range)
    }

    /// Chooses S for real values in [min, max] with Z = 0:
    /// S = max(|min|, |max|) / qmax, or 1 when both bounds are 0.
    public static func symmetric(min lower: Float, max upper: Float,
                                 range: QuantizedRange) throws(QuantizationError) -> QuantizationParameters {
        guard lower.isFinite && upper.isFinite && lower <= upper else {
            throw .invalidRange(min: lower, max: upper)
        }
        let magnitude = Swift.max(abs(lower), abs(upper))
        guard magnitude > 0 else {
            return try QuantizationParameters(scale: 1, zeroPoint: range.clampedZero, range: range)
        }
        return try QuantizationParameters(scale: magnitude / Float(range.qmax), zeroPoint: 0, range: range)
    }

    /// Returns q = clamp(Z + round(r / S), qmin, qmax), with r / S computed
    /// in Float and rounded half away from zero, as TFLite's reference
    /// quantizer does. NaN maps to Z.
    public func quantize(_ real: Float) -> Int32 {
        let steps = (real / scale).rounded(.toNearestOrAwayFromZero)
        guard !steps.isNaN else { return zeroPoint }
        let shifted = Double(steps) + Double(zeroPoint)
        return Int32(Swift.min(Swift.max(shifted, Double(range.qmin)), Double(range.qmax)))
    }

    /// Returns r = S * (q - Z).
    public func dequantize(_ quantized: Int32) -> Float {
        scale * Float(quantized - zeroPoint)
    }

    /// Quantizes every value into an 8-bit container; see `quantize(_:)`.
    /// `range` must fit in `Element`, which the scheme's container type ensures.
    public func quantize<Element: QuantizedValue>(_ reals: [Float], as type: Element.Type) -> [Element] {
        reals.map { Element(truncatingIfNeeded: quantize($0)) }
    }

    /// Dequantizes every value of an 8-bit container: r = S * (q - Z).
    public func dequantize<Element: QuantizedValue>(_ values: [Element]) -> [Float] {
        values.map { dequantize(Int32($0)) }
    }

    /// The real interval the integers [qmin, qmax] represent.
    public var representableRange: ClosedRange<Float> {
        dequantize(range.qmin)...dequantize(range.qmax)
    }

    public var description: String { "S=\(scale) Z=\(zeroPoint) q in \(range)" }
}

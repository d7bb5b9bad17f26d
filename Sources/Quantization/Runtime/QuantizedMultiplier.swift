/// A real multiplier M > 0 stored for integer-only arithmetic as
/// `M = M0 * 2^(shift - 31)`: M0 is a Q31 value in [2^30, 2^31) (the real
/// number M0 / 2^31 lies in [0.5, 1)) and `shift` is a left shift.
///
/// Jacob et al. (2018) write M = M0 * 2^-n, so n = -shift. TFLite uses this sign
/// convention: a positive shift (M >= 1) shifts left before the high
/// multiply, a negative one shifts right after it. M = 0 is stored as
/// M0 = 0, shift = 0. The decomposition from a real M lives with the float
/// preparation code.
public struct QuantizedMultiplier: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Q31 mantissa M0, in [2^30, 2^31) or 0.
    public var m0: Int32
    /// Power-of-two exponent; positive shifts left, negative shifts right.
    public var shift: Int32

    /// Shifts that `multiplyByQuantizedMultiplier` accepts.
    public static let validShifts: ClosedRange<Int32> = -31...30

    public init(m0: Int32, shift: Int32) {
        self.m0 = m0
        self.shift = shift
    }

    /// The multiplier 1 (M0 = 2^30, shift = 1).
    public static let one = QuantizedMultiplier(m0: 1 << 30, shift: 1)

    /// Whether kernels can apply this multiplier: M0 is 0 or in
    /// [2^30, 2^31), and the shift is in `validShifts`.
    public var isValid: Bool {
        (m0 == 0 || m0 >= 1 << 30) && QuantizedMultiplier.validShifts.contains(shift)
    }

    public var description: String { "M0=\(m0) shift=\(shift)" }
}

/// Returns round(x * M) for M = M0 * 2^(shift - 31), in integer arithmetic
/// only: x is shifted left by max(shift, 0), high-multiplied by M0 with
/// `saturatingRoundingDoublingHighMultiply`, then divided by 2^max(-shift, 0)
/// with `roundingDivideByPowerOfTwo`.
///
/// - Rounding: twice, as TFLite does: ties up in the high multiply, then ties
///   away from zero in the shift. The result can differ by one from the
///   exactly rounded product.
/// - Saturation: only in the high multiply. The left shift wraps, so
///   x * 2^shift must fit in `Int32` when shift > 0.
/// - Domain: `multiplier.isValid`.
@inline(__always)
public func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: QuantizedMultiplier) -> Int32 {
    let leftShift = multiplier.shift > 0 ? multiplier.shift : 0
    let rightShift = multiplier.shift > 0 ? 0 : -multiplier.shift
    let shifted = x &<< leftShift
    let product = saturatingRoundingDoublingHighMultiply(shifted, multiplier.m0)
    return roundingDivideByPowerOfTwo(product, exponent: rightShift)
}

/// Returns the high 32 bits of 2 * a * b, rounded, as the ARM instruction
/// VQRDMULH computes it: `floor((2 * a * b + 2^31) / 2^32)`.
///
/// Read as Q31 fixed point, the result is the product a * b of two numbers in
/// [-1, 1).
///
/// - Rounding: to nearest, with ties rounded up (toward +infinity). For
///   example a * b = -2^30 is exactly -0.5 units of the result and gives 0.
/// - Saturation: the only product that does not fit is
///   `Int32.min * Int32.min` (real value +1), which returns `Int32.max`.
/// - Domain: every pair of `Int32` values.
@inline(__always)
public func saturatingRoundingDoublingHighMultiply(_ a: Int32, _ b: Int32) -> Int32 {
    if a == Int32.min && b == Int32.min {
        return Int32.max
    }
    let product = Int64(a) * Int64(b)
    // Dividing by 2^31 truncates toward zero, so a negative product gets a
    // nudge one smaller than half a unit; both branches then round ties up.
    let half: Int64 = 1 << 30
    let nudge: Int64 = product >= 0 ? half : 1 - half
    return Int32(truncatingIfNeeded: (product + nudge) / (1 << 31))
}

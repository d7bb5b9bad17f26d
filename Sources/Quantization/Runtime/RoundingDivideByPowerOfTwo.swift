/// Returns x / 2^exponent rounded to the nearest integer, with ties rounded
/// away from zero (gemmlowp's RoundingDivideByPOT).
///
/// Examples with exponent 1: 5 gives 3, -5 gives -3, 3 gives 2, -3 gives -2.
///
/// - Rounding: to nearest, ties away from zero.
/// - Saturation: none is needed, because the magnitude never grows.
/// - Domain: every `Int32` x and `exponent` in 0...31. Kernels check their
///   shifts before they run, so an exponent outside that range is a
///   programming error caught by an assertion in debug builds.
@inline(__always)
public func roundingDivideByPowerOfTwo(_ x: Int32, exponent: Int32) -> Int32 {
    assert((0...31).contains(exponent), "exponent \(exponent) is outside 0...31")
    let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1)
    let remainder = x & mask
    // A remainder above half the divisor rounds up. For negative x the
    // arithmetic shift has already rounded down, so an exact half must also
    // round up (toward zero from below), hence the larger threshold.
    let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
    return (x >> exponent) + (remainder > threshold ? 1 : 0)
}

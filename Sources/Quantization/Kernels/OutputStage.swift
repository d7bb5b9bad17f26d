/// The epilogue every accumulating kernel ends with:
/// `q3 = clamp(Z3 + M * (acc + bias), qmin', qmax')`, where `acc` is the
/// int32 sum of (q1 - Z1) * (q2 - Z2), `bias` is int32 with scale S1 * S2 and
/// zero-point 0, and M = S1 * S2 / S3 is applied as a `QuantizedMultiplier`.
///
/// The bias add wraps, which is exact whenever the true sum fits in int32;
/// `AccumulatorHeadroom` checks that in preparation. Adding Z3 is done in
/// 64 bits so that a saturated product cannot wrap before the clamp.
@inline(__always)
func outputStage(accumulator: Int32, bias: Int32, multiplier: QuantizedMultiplier,
                 outputZeroPoint: Int32, clamp: ActivationClamp) -> Int32 {
    let biased = accumulator &+ bias
    let scaled = multiplyByQuantizedMultiplier(biased, multiplier)
    let shifted = Int64(scaled) + Int64(outputZeroPoint)
    return Int32(min(max(shifted, Int64(clamp.lower)), Int64(clamp.upper)))
}

/// Returns `value` clamped into `clamp`.
@inline(__always)
func clamped(_ value: Int32, to clamp: ActivationClamp) -> Int32 {
    min(max(value, clamp.lower), clamp.upper)
}

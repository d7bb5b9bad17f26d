/// Returns numerator / denominator rounded to the nearest integer, with ties
/// rounded away from zero: (n + d/2) / d for n > 0, else (n - d/2) / d, both
/// divisions truncating.
///
/// - Domain: denominator > 0 and |numerator| + denominator / 2 <= Int32.max.
///   Callers bound the numerator; outside the domain the result wraps.
@inline(__always)
func roundingDivide(_ numerator: Int32, by denominator: Int32) -> Int32 {
    let half = denominator / 2
    return numerator > 0 ? (numerator &+ half) / denominator : (numerator &- half) / denominator
}

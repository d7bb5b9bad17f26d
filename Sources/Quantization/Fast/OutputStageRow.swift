/// The integer epilogue `q3 = clamp(Z3 + M * (acc + bias))` of `outputStage`
/// over a run of accumulators of one output channel, written without
/// branches or trapping arithmetic so that the compiler vectorizes it. It
/// gives the same values as `outputStage` for every valid multiplier:
///
/// - `x = (acc + bias) << max(shift, 0)`, wrapping, as `multiplyByQuantizedMultiplier` does.
/// - The doubling high multiply `round(x * M0 / 2^31)` cannot saturate,
///   because a valid M0 is 0 or in [2^30, 2^31) and so never `Int32.min`.
///   The division truncates toward zero: negative sums get `2^31 - 1` added
///   before the arithmetic shift.
/// - The rounding right shift by `max(-shift, 0)` rounds half away from
///   zero, as `roundingDivideByPowerOfTwo` does.
/// - Clamping to `[lower - Z3, upper - Z3]` before adding Z3 equals
///   clamping after it in 64 bits, since every bound and Z3 lie in [-255, 255].
///
/// `output[i * outputStride]` receives the value of `accumulators[i]`.
@inline(__always)
func outputStageRow<Element: QuantizedValue>(
    _ accumulators: UnsafePointer<Int32>, count: Int, bias: Int32, multiplier: QuantizedMultiplier,
    outputZeroPoint: Int32, clamp: ActivationClamp, output: UnsafeMutablePointer<Element>, outputStride: Int
) {
    let leftShift = max(multiplier.shift, 0)
    let rightShift = max(-multiplier.shift, 0)
    let m0 = Int64(multiplier.m0)
    let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(rightShift)) &- 1)
    let halfMask = mask >> 1
    let lower = clamp.lower &- outputZeroPoint
    let upper = clamp.upper &- outputZeroPoint
    let half: Int64 = 1 << 30
    for index in 0..<count {
        let shifted = (accumulators[index] &+ bias) &<< leftShift
        let product = Int64(shifted) &* m0
        let nudged = product &+ (product >= 0 ? half : 1 &- half)
        let high = Int32(truncatingIfNeeded: (nudged &+ ((nudged >> 63) & 0x7FFF_FFFF)) >> 31)
        let threshold = halfMask &+ ((high >> 31) & 1)
        let rounded = (high >> rightShift) &+ ((high & mask) > threshold ? 1 : 0)
        let value = min(max(rounded, lower), upper) &+ outputZeroPoint
        output[index &* outputStride] = Element(truncatingIfNeeded: value)
    }
}

/// Copies the row-major `rowCount x columnCount` matrix `source` into
/// `destination` as its `columnCount x rowCount` transpose, in square tiles
/// so that both sides stay in cache.
@inline(__always)
func transpose(_ source: UnsafePointer<Int32>, rowCount: Int, columnCount: Int,
               into destination: UnsafeMutablePointer<Int32>) {
    let tile = 16
    for rowStart in stride(from: 0, to: rowCount, by: tile) {
        let rowEnd = min(rowStart + tile, rowCount)
        for columnStart in stride(from: 0, to: columnCount, by: tile) {
            let columnEnd = min(columnStart + tile, columnCount)
            for row in rowStart..<rowEnd {
                for column in columnStart..<columnEnd {
                    destination[column * rowCount + row] = source[row * columnCount + column]
                }
            }
        }
    }
}

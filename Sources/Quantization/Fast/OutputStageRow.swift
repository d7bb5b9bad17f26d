import CKernels

/// Applies the integer epilogue `q3 = clamp(Z3 + M * (acc + bias))` of
/// `outputStage` to a run of accumulators of one output channel, without
/// branches or trapping arithmetic, so that it vectorizes. It gives the same
/// values as `outputStage` for every valid multiplier:
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
///
/// The loop itself is `ck_output_stage_row` in CKernels, compiled for AVX2
/// and AVX-512, whose 64-bit vector multiplies the x86-64 baseline lacks.
@inline(__always)
func outputStageRow<Element: QuantizedValue>(
    _ accumulators: UnsafePointer<Int32>, count: Int, bias: Int32, multiplier: QuantizedMultiplier,
    outputZeroPoint: Int32, clamp: ActivationClamp, output: UnsafeMutablePointer<Element>, outputStride: Int
) {
    ck_output_stage_row(accumulators, count, bias, multiplier.m0, multiplier.shift, outputZeroPoint,
                        clamp.lower, clamp.upper, UnsafeMutableRawPointer(output), outputStride)
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

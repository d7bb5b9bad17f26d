import CKernels

/// The output stage `q3 = clamp(Z3 + M[c] * (acc + bias[c]))` of one layer,
/// with its per-channel bias, M0 and shift spread into int32 arrays (in the
/// scratch) for `ck_output_stage_channels`, which applies it to channels-last
/// blocks of accumulators in vector registers, without branches or
/// trapping arithmetic. It gives the same values as `outputStage` for every
/// valid multiplier:
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
/// The loop is C because it needs the 64-bit vector multiplies and per-lane
/// shifts of AVX2 and AVX-512, which the x86-64 baseline Swift code is
/// compiled without. It picks the widest at run time and has a portable path.
struct ChannelOutputStage {
    private let bias: UnsafeMutablePointer<Int32>
    private let multipliers: UnsafeMutablePointer<Int32>
    private let shifts: UnsafeMutablePointer<Int32>
    private let outputZeroPoint: Int32
    private let clamp: ActivationClamp

    /// Spreads `parameters` (one multiplier, or one per channel) and `bias`
    /// (nil for none) over `channels` output channels.
    init(parameters: AccumulatingLayerParameters, bias: UnsafeBufferPointer<Int32>?, channels: Int,
         scratch: IntegerScratch) {
        self.bias = scratch.buffer(.channelBias, Int32.self, count: channels).baseAddress!
        self.multipliers = scratch.buffer(.channelMultipliers, Int32.self, count: channels).baseAddress!
        self.shifts = scratch.buffer(.channelShifts, Int32.self, count: channels).baseAddress!
        let perChannel = parameters.outputMultipliers.count != 1
        for channel in 0..<channels {
            let multiplier = parameters.outputMultipliers[perChannel ? channel : 0]
            self.bias[channel] = bias?[channel] ?? 0
            self.multipliers[channel] = multiplier.m0
            self.shifts[channel] = multiplier.shift
        }
        self.outputZeroPoint = parameters.outputZeroPoint
        self.clamp = parameters.outputClamp
    }

    /// Writes `output[r * outputStride + j]` for the accumulator
    /// `accumulators[r * accumulatorStride + j]` of channel `firstChannel + j`,
    /// for r < `rows` and j < `channelCount`.
    @inline(__always)
    func apply<Element: QuantizedValue>(
        _ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, firstChannel: Int,
        channelCount: Int, output: UnsafeMutablePointer<Element>, outputStride: Int
    ) {
        ck_output_stage_channels(accumulators, accumulatorStride, rows, channelCount, bias + firstChannel,
                                 multipliers + firstChannel, shifts + firstChannel, outputZeroPoint,
                                 clamp.lower, clamp.upper, UnsafeMutableRawPointer(output), outputStride)
    }
}

#include "CKernels.h"

/*
 * The integer output stage over a block of accumulators laid out
 * [row][channel], with one bias, M0 and shift per channel (column). The
 * arithmetic per value, which ChannelOutputStage.swift explains: wrapping
 * bias add and left shift, a rounding
 * doubling high multiply that cannot saturate for a valid M0, a rounding
 * right shift that rounds half away from zero, then the clamp and Z3.
 * Written branch-free over the channel axis so that clang vectorizes it with
 * per-lane variable shifts (AVX2 vpsllvd, AVX-512 vpsravq).
 */
static inline __attribute__((always_inline))
void output_stage_channels_body(const int32_t *accumulators, size_t accumulator_stride, size_t rows,
                                size_t channels, const int32_t *bias, const int32_t *m0, const int32_t *shift,
                                int32_t output_zero_point, int32_t lower, int32_t upper,
                                uint8_t *output, size_t output_stride) {
    const int32_t low = lower - output_zero_point;
    const int32_t high_bound = upper - output_zero_point;
    const int64_t half = (int64_t)1 << 30;
    for (size_t row = 0; row < rows; row++) {
        const int32_t *source = accumulators + row * accumulator_stride;
        uint8_t *target = output + row * output_stride;
        for (size_t channel = 0; channel < channels; channel++) {
            const int32_t channel_shift = shift[channel];
            const int32_t left = channel_shift > 0 ? channel_shift : 0;
            const int32_t right = channel_shift > 0 ? 0 : -channel_shift;
            const int32_t mask = (int32_t)(((int64_t)1 << right) - 1);
            const int32_t half_mask = mask >> 1;
            const int32_t shifted = (int32_t)(((uint32_t)source[channel] + (uint32_t)bias[channel]) << left);
            const int64_t product = (int64_t)shifted * (int64_t)m0[channel];
            const int64_t nudged = product + (product >= 0 ? half : 1 - half);
            const int32_t high = (int32_t)((nudged + ((nudged >> 63) & 0x7FFFFFFF)) >> 31);
            const int32_t threshold = half_mask + ((high >> 31) & 1);
            const int32_t rounded = (high >> right) + ((high & mask) > threshold ? 1 : 0);
            int32_t value = rounded < low ? low : rounded;
            value = value > high_bound ? high_bound : value;
            target[channel] = (uint8_t)(value + output_zero_point);
        }
    }
}

#if defined(__x86_64__)

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void output_stage_channels_avx512(const int32_t *accumulators, size_t accumulator_stride, size_t rows,
                                         size_t channels, const int32_t *bias, const int32_t *m0,
                                         const int32_t *shift, int32_t output_zero_point, int32_t lower,
                                         int32_t upper, uint8_t *output, size_t output_stride) {
    output_stage_channels_body(accumulators, accumulator_stride, rows, channels, bias, m0, shift,
                               output_zero_point, lower, upper, output, output_stride);
}

__attribute__((target("avx2")))
static void output_stage_channels_avx2(const int32_t *accumulators, size_t accumulator_stride, size_t rows,
                                       size_t channels, const int32_t *bias, const int32_t *m0,
                                       const int32_t *shift, int32_t output_zero_point, int32_t lower,
                                       int32_t upper, uint8_t *output, size_t output_stride) {
    output_stage_channels_body(accumulators, accumulator_stride, rows, channels, bias, m0, shift,
                               output_zero_point, lower, upper, output, output_stride);
}

#endif

void ck_output_stage_channels(const int32_t *accumulators, size_t accumulator_stride, size_t rows,
                              size_t channels, const int32_t *bias, const int32_t *m0, const int32_t *shift,
                              int32_t output_zero_point, int32_t lower, int32_t upper,
                              void *output, size_t output_stride) {
#if defined(__x86_64__)
    switch (ck_vector_level()) {
    case 2:
        output_stage_channels_avx512(accumulators, accumulator_stride, rows, channels, bias, m0, shift,
                                     output_zero_point, lower, upper, (uint8_t *)output, output_stride);
        return;
    case 1:
        output_stage_channels_avx2(accumulators, accumulator_stride, rows, channels, bias, m0, shift,
                                   output_zero_point, lower, upper, (uint8_t *)output, output_stride);
        return;
    default:
        break;
    }
#endif
    output_stage_channels_body(accumulators, accumulator_stride, rows, channels, bias, m0, shift,
                               output_zero_point, lower, upper, (uint8_t *)output, output_stride);
}

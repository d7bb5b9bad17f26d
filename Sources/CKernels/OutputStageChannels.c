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

#include <immintrin.h>

/*
 * AVX-512, 16 channels per step, written out because clang's own
 * vectorization of the body above widens every lane to 64 bits. Two facts
 * keep it short:
 *
 * - The doubling high multiply needs 64-bit products: vpmuldq multiplies
 *   the even 32-bit lanes, and the odd lanes after a 32-bit shift.
 * - Its nudge and truncating division fold into one floor shift:
 *   trunc((p + nudge) / 2^31) = (p + 2^30) >> 31 for every p. For p >= 0
 *   both sides are floor((p + 2^30) / 2^31). For p < 0 the sum
 *   p + 1 - 2^30 is negative, and truncating it toward zero is flooring
 *   p + 1 - 2^30 + (2^31 - 1) = p + 2^30.
 */
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void output_stage_channels_avx512(const int32_t *accumulators, size_t accumulator_stride, size_t rows,
                                         size_t channels, const int32_t *bias, const int32_t *m0,
                                         const int32_t *shift, int32_t output_zero_point, int32_t lower,
                                         int32_t upper, uint8_t *output, size_t output_stride) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i half = _mm512_set1_epi64((int64_t)1 << 30);
    const __m512i low = _mm512_set1_epi32(lower - output_zero_point);
    const __m512i high_bound = _mm512_set1_epi32(upper - output_zero_point);
    const __m512i zero_point = _mm512_set1_epi32(output_zero_point);
    for (size_t start = 0; start < channels; start += 16) {
        const size_t lanes = channels - start;
        const __mmask16 active = lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1u);
        const __m512i channel_bias = _mm512_maskz_loadu_epi32(active, bias + start);
        const __m512i multiplier = _mm512_maskz_loadu_epi32(active, m0 + start);
        const __m512i odd_multiplier = _mm512_srli_epi64(multiplier, 32);
        const __m512i channel_shift = _mm512_maskz_loadu_epi32(active, shift + start);
        const __m512i left = _mm512_max_epi32(channel_shift, zero);
        const __m512i right = _mm512_max_epi32(_mm512_sub_epi32(zero, channel_shift), zero);
        const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, right), one);
        const __m512i half_mask = _mm512_srai_epi32(mask, 1);
        for (size_t row = 0; row < rows; row++) {
            const __m512i sums = _mm512_maskz_loadu_epi32(active, accumulators + row * accumulator_stride + start);
            const __m512i shifted = _mm512_sllv_epi32(_mm512_add_epi32(sums, channel_bias), left);
            __m512i even = _mm512_mul_epi32(shifted, multiplier);
            __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(shifted, 32), odd_multiplier);
            even = _mm512_srai_epi64(_mm512_add_epi64(even, half), 31);
            odd = _mm512_srai_epi64(_mm512_add_epi64(odd, half), 31);
            const __m512i product = _mm512_mask_blend_epi32((__mmask16)0xAAAA, even, _mm512_slli_epi64(odd, 32));
            const __m512i remainder = _mm512_and_si512(product, mask);
            const __m512i threshold = _mm512_add_epi32(half_mask, _mm512_srli_epi32(product, 31));
            __m512i rounded = _mm512_srav_epi32(product, right);
            rounded = _mm512_mask_add_epi32(rounded, _mm512_cmpgt_epi32_mask(remainder, threshold), rounded, one);
            rounded = _mm512_min_epi32(_mm512_max_epi32(rounded, low), high_bound);
            /* Narrowing in a register and storing the 16 bytes is much faster than vpmovdb to memory. */
            const __m128i bytes = _mm512_cvtepi32_epi8(_mm512_add_epi32(rounded, zero_point));
            if (active == (__mmask16)0xFFFF) {
                _mm_storeu_si128((__m128i *)(output + row * output_stride + start), bytes);
            } else {
                _mm_mask_storeu_epi8(output + row * output_stride + start, active, bytes);
            }
        }
    }
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

#include "CKernels.h"

/*
 * One output row of a convolution whose input has a single channel (a first
 * layer on grayscale images), on int32 data:
 *
 *   acc[x][c] = sum_{ky, kx} window[ky * dh * row_stride + x * sw + kx * dw] * weights[(ky * kw + kx) * channels + c]
 *
 * `window` contains centered inputs (q1 - Z1, zero in the padding), one value
 * per pixel, so each tap is one value broadcast against a vector of
 * output-channel weights. Products and sums wrap modulo 2^32 through uint32.
 */
static inline __attribute__((always_inline))
void single_channel_row_body(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                             size_t stride_width, size_t kernel_height, size_t kernel_width,
                             size_t dilation_height, size_t dilation_width, const int32_t *weights,
                             int32_t *accumulators) {
    for (size_t x = 0; x < output_width; x++) {
        uint32_t *target = (uint32_t *)(accumulators + x * channels);
        for (size_t c = 0; c < channels; c++) target[c] = 0;
        for (size_t ky = 0; ky < kernel_height; ky++) {
            for (size_t kx = 0; kx < kernel_width; kx++) {
                const uint32_t value = (uint32_t)window[ky * dilation_height * row_stride + x * stride_width
                                                       + kx * dilation_width];
                const int32_t *filter = weights + (ky * kernel_width + kx) * channels;
                for (size_t c = 0; c < channels; c++) target[c] += value * (uint32_t)filter[c];
            }
        }
    }
}

#if defined(__x86_64__)

#include <immintrin.h>

#define CK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

/* AVX-512: up to 64 output channels of one pixel in four registers over all taps. */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void single_channel_pixel_avx512(const int32_t *source, size_t row_stride, size_t channels, size_t kernel_height,
                                 size_t kernel_width, size_t dilation_height, size_t dilation_width,
                                 const int32_t *weights, int32_t *target, const int vectors,
                                 const __mmask16 *masks) {
    __m512i sums[4];
    for (int vector = 0; vector < vectors; vector++) sums[vector] = _mm512_setzero_si512();
    for (size_t ky = 0; ky < kernel_height; ky++) {
        for (size_t kx = 0; kx < kernel_width; kx++) {
            const __m512i value = _mm512_set1_epi32(source[ky * dilation_height * row_stride + kx * dilation_width]);
            const int32_t *filter = weights + (ky * kernel_width + kx) * channels;
            for (int vector = 0; vector < vectors; vector++) {
                const __m512i factors = _mm512_maskz_loadu_epi32(masks[vector], filter + 16 * vector);
                sums[vector] = _mm512_add_epi32(sums[vector], _mm512_mullo_epi32(value, factors));
            }
        }
    }
    for (int vector = 0; vector < vectors; vector++) {
        _mm512_mask_storeu_epi32(target + 16 * vector, masks[vector], sums[vector]);
    }
}

/*
 * Kernels of up to 32 taps go through vpmaddwd, with half the multiplies
 * of vpmulld. The centered inputs and weights both lie in [-255, 255], so a
 * pair of taps fits two int16 lanes. One vpmaddwd then adds both products
 * (at most 2 * 255^2 in magnitude) exactly into each int32 lane.
 */
#define CK_PAIRED_TAPS_MAX 32

CK_TARGET_AVX512 static inline __attribute__((always_inline))
void single_channel_pixel_paired(const int32_t *source, const ptrdiff_t *offsets, size_t taps,
                                 const __m512i (*pairs)[4], int32_t *target, const int vectors,
                                 const __mmask16 *masks) {
    __m512i sums[4];
    for (int vector = 0; vector < vectors; vector++) sums[vector] = _mm512_setzero_si512();
    for (size_t tap = 0; tap < taps; tap += 2) {
        const uint32_t first = (uint16_t)source[offsets[tap]];
        const uint32_t second = tap + 1 < taps ? (uint32_t)(uint16_t)source[offsets[tap + 1]] << 16 : 0;
        const __m512i values = _mm512_set1_epi32((int32_t)(first | second));
        for (int vector = 0; vector < vectors; vector++) {
            sums[vector] = _mm512_add_epi32(sums[vector], _mm512_madd_epi16(values, pairs[tap / 2][vector]));
        }
    }
    for (int vector = 0; vector < vectors; vector++) {
        _mm512_mask_storeu_epi32(target + 16 * vector, masks[vector], sums[vector]);
    }
}

CK_TARGET_AVX512
static void single_channel_row_avx512(const int32_t *window, size_t row_stride, size_t channels,
                                      size_t output_width, size_t stride_width, size_t kernel_height,
                                      size_t kernel_width, size_t dilation_height, size_t dilation_width,
                                      const int32_t *weights, int32_t *accumulators) {
    const size_t taps = kernel_height * kernel_width;
    const int paired = taps <= CK_PAIRED_TAPS_MAX;
    ptrdiff_t offsets[CK_PAIRED_TAPS_MAX];
    if (paired) {
        for (size_t ky = 0; ky < kernel_height; ky++) {
            for (size_t kx = 0; kx < kernel_width; kx++) {
                offsets[ky * kernel_width + kx] = (ptrdiff_t)(ky * dilation_height * row_stride + kx * dilation_width);
            }
        }
    }
    for (size_t start = 0; start < channels; start += 64) {
        const size_t remaining = channels - start < 64 ? channels - start : 64;
        const int vectors = (int)((remaining + 15) / 16);
        __mmask16 masks[4];
        for (int vector = 0; vector < 4; vector++) {
            const size_t lanes = remaining > 16 * (size_t)vector ? remaining - 16 * (size_t)vector : 0;
            masks[vector] = lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1u);
        }
        /* Weights of taps 2p and 2p + 1 as the int16 halves of each channel's lane. */
        __m512i pairs[CK_PAIRED_TAPS_MAX / 2][4];
        if (paired) {
            const __m512i low_half = _mm512_set1_epi32(0xFFFF);
            for (size_t tap = 0; tap < taps; tap += 2) {
                for (int vector = 0; vector < vectors; vector++) {
                    const size_t column = start + 16 * (size_t)vector;
                    const __m512i first = _mm512_maskz_loadu_epi32(masks[vector], weights + tap * channels + column);
                    const __m512i second = tap + 1 < taps
                        ? _mm512_maskz_loadu_epi32(masks[vector], weights + (tap + 1) * channels + column)
                        : _mm512_setzero_si512();
                    pairs[tap / 2][vector] = _mm512_or_si512(_mm512_and_si512(first, low_half),
                                                             _mm512_slli_epi32(second, 16));
                }
            }
        }
        for (size_t x = 0; x < output_width; x++) {
            const int32_t *source = window + x * stride_width;
            int32_t *target = accumulators + x * channels + start;
            if (paired) {
                /* One copy per width, so the accumulators stay in registers. */
                switch (vectors) {
                case 1: single_channel_pixel_paired(source, offsets, taps, pairs, target, 1, masks); break;
                case 2: single_channel_pixel_paired(source, offsets, taps, pairs, target, 2, masks); break;
                case 3: single_channel_pixel_paired(source, offsets, taps, pairs, target, 3, masks); break;
                default: single_channel_pixel_paired(source, offsets, taps, pairs, target, 4, masks); break;
                }
                continue;
            }
            switch (vectors) {
            case 1: single_channel_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                                dilation_height, dilation_width, weights + start, target, 1, masks);
                    break;
            case 2: single_channel_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                                dilation_height, dilation_width, weights + start, target, 2, masks);
                    break;
            case 3: single_channel_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                                dilation_height, dilation_width, weights + start, target, 3, masks);
                    break;
            default: single_channel_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                                 dilation_height, dilation_width, weights + start, target, 4,
                                                 masks);
                    break;
            }
        }
    }
}

__attribute__((target("avx2")))
static void single_channel_row_avx2(const int32_t *window, size_t row_stride, size_t channels,
                                    size_t output_width, size_t stride_width, size_t kernel_height,
                                    size_t kernel_width, size_t dilation_height, size_t dilation_width,
                                    const int32_t *weights, int32_t *accumulators) {
    single_channel_row_body(window, row_stride, channels, output_width, stride_width, kernel_height,
                            kernel_width, dilation_height, dilation_width, weights, accumulators);
}

#endif

void ck_single_channel_row(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                           size_t stride_width, size_t kernel_height, size_t kernel_width,
                           size_t dilation_height, size_t dilation_width, const int32_t *weights,
                           int32_t *accumulators) {
#if defined(__x86_64__)
    switch (ck_vector_level()) {
    case 2:
        single_channel_row_avx512(window, row_stride, channels, output_width, stride_width, kernel_height,
                                  kernel_width, dilation_height, dilation_width, weights, accumulators);
        return;
    case 1:
        single_channel_row_avx2(window, row_stride, channels, output_width, stride_width, kernel_height,
                                kernel_width, dilation_height, dilation_width, weights, accumulators);
        return;
    default:
        break;
    }
#endif
    single_channel_row_body(window, row_stride, channels, output_width, stride_width, kernel_height,
                            kernel_width, dilation_height, dilation_width, weights, accumulators);
}

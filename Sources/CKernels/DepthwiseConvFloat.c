#include "CKernels.h"

#include <math.h>

/* The sums must round exactly like the FloatGemm path they replace: fused
 * multiply-adds where that path fuses them, separate ones elsewhere. */
#pragma STDC FP_CONTRACT OFF

/* One output row: acc[ox] accumulates weight[k] * row_k[ox * stride] for
 * every tap k in order, from +0. */
__attribute__((always_inline))
static inline void depthwise_rows(const float *padded, size_t padded_width, const float *weights,
                                  size_t kernel_height, size_t kernel_width, size_t stride_y, size_t stride_x,
                                  size_t dilation_y, size_t dilation_x, float *output, size_t output_height,
                                  size_t output_width, int fused) {
    for (size_t oy = 0; oy < output_height; oy++) {
        float *out = output + oy * output_width;
        for (size_t ox = 0; ox < output_width; ox++) out[ox] = 0.0f;
        for (size_t ky = 0; ky < kernel_height; ky++) {
            const float *row = padded + (oy * stride_y + ky * dilation_y) * padded_width;
            for (size_t kx = 0; kx < kernel_width; kx++) {
                const float weight = weights[ky * kernel_width + kx];
                const float *taps = row + kx * dilation_x;
                if (fused) {
                    for (size_t ox = 0; ox < output_width; ox++) out[ox] = fmaf(weight, taps[ox * stride_x], out[ox]);
                } else {
                    for (size_t ox = 0; ox < output_width; ox++) out[ox] = out[ox] + weight * taps[ox * stride_x];
                }
            }
        }
    }
}

static void depthwise_portable(const float *padded, size_t padded_width, const float *weights,
                               size_t kernel_height, size_t kernel_width, size_t stride_y, size_t stride_x,
                               size_t dilation_y, size_t dilation_x, float *output, size_t output_height,
                               size_t output_width) {
    depthwise_rows(padded, padded_width, weights, kernel_height, kernel_width, stride_y, stride_x, dilation_y,
                   dilation_x, output, output_height, output_width, 0);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* 16 outputs of a row at a time, each in its own lane, so every output sees
 * the same sequence of fused multiply-adds as in depthwise_rows. Strided
 * taps are gathered; the last chunk of a row is masked. */
__attribute__((target("avx512f")))
static void depthwise_avx512(const float *padded, size_t padded_width, const float *weights,
                             size_t kernel_height, size_t kernel_width, size_t stride_y, size_t stride_x,
                             size_t dilation_y, size_t dilation_x, float *output, size_t output_height,
                             size_t output_width) {
    const __m512i lane_offsets = _mm512_mullo_epi32(
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32((int)stride_x));
    for (size_t oy = 0; oy < output_height; oy++) {
        float *out = output + oy * output_width;
        const float *window_rows = padded + oy * stride_y * padded_width;
        for (size_t ox = 0; ox < output_width; ox += 16) {
            const size_t remaining = output_width - ox;
            const __mmask16 lanes = remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
            __m512 sum = _mm512_setzero_ps();
            for (size_t ky = 0; ky < kernel_height; ky++) {
                const float *row = window_rows + ky * dilation_y * padded_width + ox * stride_x;
                for (size_t kx = 0; kx < kernel_width; kx++) {
                    const float *taps = row + kx * dilation_x;
                    const __m512 inputs = stride_x == 1
                        ? _mm512_maskz_loadu_ps(lanes, taps)
                        : _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, lane_offsets, taps, 4);
                    sum = _mm512_fmadd_ps(_mm512_set1_ps(weights[ky * kernel_width + kx]), inputs, sum);
                }
            }
            _mm512_mask_storeu_ps(out + ox, lanes, sum);
        }
    }
}

__attribute__((target("avx2,fma")))
static void depthwise_avx2(const float *padded, size_t padded_width, const float *weights,
                           size_t kernel_height, size_t kernel_width, size_t stride_y, size_t stride_x,
                           size_t dilation_y, size_t dilation_x, float *output, size_t output_height,
                           size_t output_width) {
    depthwise_rows(padded, padded_width, weights, kernel_height, kernel_width, stride_y, stride_x, dilation_y,
                   dilation_x, output, output_height, output_width, 1);
}
#endif

void ck_f32_depthwise_plane(ck_isa isa, const float *padded, size_t padded_width, const float *weights,
                            size_t kernel_height, size_t kernel_width, size_t stride_y, size_t stride_x,
                            size_t dilation_y, size_t dilation_x, float *output, size_t output_height,
                            size_t output_width) {
#if defined(__x86_64__) || defined(__i386__)
    if (isa == CK_ISA_AVX512F && ck_isa_supported(CK_ISA_AVX512F)) {
        depthwise_avx512(padded, padded_width, weights, kernel_height, kernel_width, stride_y, stride_x,
                         dilation_y, dilation_x, output, output_height, output_width);
        return;
    }
    if (isa == CK_ISA_AVX2_FMA && ck_isa_supported(CK_ISA_AVX2_FMA)) {
        depthwise_avx2(padded, padded_width, weights, kernel_height, kernel_width, stride_y, stride_x,
                       dilation_y, dilation_x, output, output_height, output_width);
        return;
    }
#endif
    depthwise_portable(padded, padded_width, weights, kernel_height, kernel_width, stride_y, stride_x,
                       dilation_y, dilation_x, output, output_height, output_width);
}

#include "CKernels.h"

/*
 * One output row of a depthwise convolution on channels-last int32 data:
 *
 *   acc[x][c] = sum_{ky, kx} window[(ky * dh) * row_stride + (x * sw + kx * dw) * channels + c]
 *                            * weights[(ky * kw + kx) * channels + c]
 *
 * `window` points at the padded input row oy * sh, already centered
 * (q1 - Z1, zero in the padding), so padded taps add nothing. Products and
 * sums wrap modulo 2^32 through uint32, as the reference kernel's &* and &+
 * do. The channel loop is innermost so that it vectorizes.
 */
static inline __attribute__((always_inline))
void depthwise_row_body(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                        size_t stride_width, size_t kernel_height, size_t kernel_width,
                        size_t dilation_height, size_t dilation_width, const int32_t *weights,
                        int32_t *accumulators) {
    for (size_t x = 0; x < output_width; x++) {
        uint32_t *target = (uint32_t *)(accumulators + x * channels);
        for (size_t c = 0; c < channels; c++) target[c] = 0;
        for (size_t ky = 0; ky < kernel_height; ky++) {
            for (size_t kx = 0; kx < kernel_width; kx++) {
                const int32_t *source = window + ky * dilation_height * row_stride
                                      + (x * stride_width + kx * dilation_width) * channels;
                const int32_t *filter = weights + (ky * kernel_width + kx) * channels;
                for (size_t c = 0; c < channels; c++) {
                    target[c] += (uint32_t)source[c] * (uint32_t)filter[c];
                }
            }
        }
    }
}

#if defined(__x86_64__)

#include <immintrin.h>

#define CK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

/*
 * AVX-512: up to 64 channels of one output pixel stay in four registers
 * while every tap is added, so each tap costs one load of inputs, one of
 * weights and one vpmulld per 16 channels, with no accumulator traffic.
 * Lanes past `channels` are masked off in the loads and the store.
 */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void depthwise_pixel_avx512(const int32_t *source, size_t row_stride, size_t channels, size_t kernel_height,
                            size_t kernel_width, size_t dilation_height, size_t dilation_width,
                            const int32_t *weights, int32_t *target, const int vectors, const __mmask16 *masks) {
    __m512i sums[4];
    for (int vector = 0; vector < vectors; vector++) sums[vector] = _mm512_setzero_si512();
    for (size_t ky = 0; ky < kernel_height; ky++) {
        for (size_t kx = 0; kx < kernel_width; kx++) {
            const int32_t *tap = source + ky * dilation_height * row_stride + kx * dilation_width * channels;
            const int32_t *filter = weights + (ky * kernel_width + kx) * channels;
            for (int vector = 0; vector < vectors; vector++) {
                const __m512i values = _mm512_maskz_loadu_epi32(masks[vector], tap + 16 * vector);
                const __m512i factors = _mm512_maskz_loadu_epi32(masks[vector], filter + 16 * vector);
                sums[vector] = _mm512_add_epi32(sums[vector], _mm512_mullo_epi32(values, factors));
            }
        }
    }
    for (int vector = 0; vector < vectors; vector++) {
        _mm512_mask_storeu_epi32(target + 16 * vector, masks[vector], sums[vector]);
    }
}

CK_TARGET_AVX512
static void depthwise_row_avx512(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                                 size_t stride_width, size_t kernel_height, size_t kernel_width,
                                 size_t dilation_height, size_t dilation_width, const int32_t *weights,
                                 int32_t *accumulators) {
    for (size_t start = 0; start < channels; start += 64) {
        const size_t remaining = channels - start < 64 ? channels - start : 64;
        const int vectors = (int)((remaining + 15) / 16);
        __mmask16 masks[4];
        for (int vector = 0; vector < 4; vector++) {
            const size_t lanes = remaining > 16 * (size_t)vector ? remaining - 16 * (size_t)vector : 0;
            masks[vector] = lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1u);
        }
        for (size_t x = 0; x < output_width; x++) {
            const int32_t *source = window + x * stride_width * channels + start;
            int32_t *target = accumulators + x * channels + start;
            /* One copy per width, so the accumulators stay in registers. */
            switch (vectors) {
            case 1: depthwise_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                           dilation_height, dilation_width, weights + start, target, 1, masks);
                    break;
            case 2: depthwise_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                           dilation_height, dilation_width, weights + start, target, 2, masks);
                    break;
            case 3: depthwise_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                           dilation_height, dilation_width, weights + start, target, 3, masks);
                    break;
            default: depthwise_pixel_avx512(source, row_stride, channels, kernel_height, kernel_width,
                                            dilation_height, dilation_width, weights + start, target, 4, masks);
                    break;
            }
        }
    }
}

__attribute__((target("avx2")))
static void depthwise_row_avx2(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                               size_t stride_width, size_t kernel_height, size_t kernel_width,
                               size_t dilation_height, size_t dilation_width, const int32_t *weights,
                               int32_t *accumulators) {
    depthwise_row_body(window, row_stride, channels, output_width, stride_width, kernel_height, kernel_width,
                       dilation_height, dilation_width, weights, accumulators);
}

#endif

void ck_depthwise_row(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                      size_t stride_width, size_t kernel_height, size_t kernel_width,
                      size_t dilation_height, size_t dilation_width, const int32_t *weights,
                      int32_t *accumulators) {
#if defined(__x86_64__)
    switch (ck_vector_level()) {
    case 2:
        depthwise_row_avx512(window, row_stride, channels, output_width, stride_width, kernel_height,
                             kernel_width, dilation_height, dilation_width, weights, accumulators);
        return;
    case 1:
        depthwise_row_avx2(window, row_stride, channels, output_width, stride_width, kernel_height,
                           kernel_width, dilation_height, dilation_width, weights, accumulators);
        return;
    default:
        break;
    }
#endif
    depthwise_row_body(window, row_stride, channels, output_width, stride_width, kernel_height, kernel_width,
                       dilation_height, dilation_width, weights, accumulators);
}

/*
 * target[i] = source[i] - zero_point for `count` bytes read as int8 when
 * is_signed, else as uint8: the centered inputs of a depthwise row.
 */
static inline __attribute__((always_inline))
void center_bytes_body(const void *source, size_t count, int is_signed, int32_t zero_point, int32_t *target) {
    if (is_signed) {
        const int8_t *values = (const int8_t *)source;
        for (size_t index = 0; index < count; index++) target[index] = (int32_t)values[index] - zero_point;
    } else {
        const uint8_t *values = (const uint8_t *)source;
        for (size_t index = 0; index < count; index++) target[index] = (int32_t)values[index] - zero_point;
    }
}

#if defined(__x86_64__)

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void center_bytes_avx512(const void *source, size_t count, int is_signed, int32_t zero_point,
                                int32_t *target) {
    center_bytes_body(source, count, is_signed, zero_point, target);
}

__attribute__((target("avx2")))
static void center_bytes_avx2(const void *source, size_t count, int is_signed, int32_t zero_point,
                              int32_t *target) {
    center_bytes_body(source, count, is_signed, zero_point, target);
}

#endif

void ck_center_bytes(const void *source, size_t count, int is_signed, int32_t zero_point, int32_t *target) {
#if defined(__x86_64__)
    switch (ck_vector_level()) {
    case 2: center_bytes_avx512(source, count, is_signed, zero_point, target); return;
    case 1: center_bytes_avx2(source, count, is_signed, zero_point, target); return;
    default: break;
    }
#endif
    center_bytes_body(source, count, is_signed, zero_point, target);
}

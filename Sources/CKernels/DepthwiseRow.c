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

/* Taps whose weights stay in registers for a whole row: a 3x3 window. */
#define CK_DEPTHWISE_REGISTER_TAPS 9

/*
 * 16 centered values, all of them when `full` (a constant after inlining,
 * so that the load folds into its multiply-add), else the lanes of `mask`.
 */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
__m512i depthwise_load_avx512(const int32_t *values, __mmask16 mask, const int full) {
    return full ? _mm512_loadu_si512(values) : _mm512_maskz_loadu_epi32(mask, values);
}

/*
 * AVX-512 product of one tap for 16 channels: vpmaddwd adds
 * lo16(v) * lo16(w) + hi16(v) * hi16(w) per 32-bit lane. A centered value
 * v in [-255, 255] is its own low 16 bits, and the weight lanes were
 * prepared with a zero high half, so the lane gets exactly v * w in one
 * uop instead of vpmulld's two.
 */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
__m512i depthwise_tap_avx512(const int32_t *values, __mmask16 mask, const int full, __m512i factors) {
    return _mm512_madd_epi16(depthwise_load_avx512(values, mask, full), factors);
}

/* The weights of `taps` taps for the channels of `mask`, each with a zero high half. */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void depthwise_factors_avx512(const int32_t *weights, size_t taps, size_t channels, __mmask16 mask,
                              __m512i *factors) {
    const __m512i low_half = _mm512_set1_epi32(0xFFFF);
    for (size_t tap = 0; tap < taps; tap++) {
        factors[tap] = _mm512_and_si512(_mm512_maskz_loadu_epi32(mask, weights + tap * channels), low_half);
    }
}

/*
 * One output pixel of one block of up to 16 channels, its taps `offsets`
 * away from `source`.
 */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void depthwise_pixel_avx512(const int32_t *source, const ptrdiff_t *offsets, size_t taps,
                            const __m512i *factors, __mmask16 mask, const int full, int32_t *target) {
    __m512i sum = _mm512_setzero_si512();
    for (size_t tap = 0; tap < taps; tap++) {
        sum = _mm512_add_epi32(sum, depthwise_tap_avx512(source + offsets[tap], mask, full, factors[tap]));
    }
    _mm512_mask_storeu_epi32(target, mask, sum);
}

/* The sums of four neighboring output pixels, `channels` apart. */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void depthwise_store_four_avx512(int32_t *target, size_t channels, __mmask16 mask, __m512i sum0, __m512i sum1,
                                 __m512i sum2, __m512i sum3) {
    _mm512_mask_storeu_epi32(target, mask, sum0);
    _mm512_mask_storeu_epi32(target + channels, mask, sum1);
    _mm512_mask_storeu_epi32(target + 2 * channels, mask, sum2);
    _mm512_mask_storeu_epi32(target + 3 * channels, mask, sum3);
}

/*
 * One block of up to 16 channels for a whole output row. The weights of
 * every tap are loaded once per row (into registers when `taps` is at most
 * CK_DEPTHWISE_REGISTER_TAPS and known at compile time), and four output
 * pixels are summed together so that each weight register serves four
 * independent multiply-adds.
 */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void depthwise_block_avx512(const int32_t *window, const ptrdiff_t *offsets, size_t taps, size_t channels,
                            size_t output_width, size_t pixel_step, const int32_t *weights, __mmask16 mask,
                            const int full, int32_t *accumulators) {
    __m512i factors[CK_DEPTHWISE_REGISTER_TAPS];
    depthwise_factors_avx512(weights, taps, channels, mask, factors);
    /* A row of four or more pixels ends with a group that overlaps the one before it, which
     * rewrites identical sums instead of taking the last pixels one at a time. */
    const size_t grouped = output_width >= 4 ? output_width : 0;
    for (size_t group = 0; group < grouped; group += 4) {
        const size_t x = group + 4 <= grouped ? group : grouped - 4;
        const int32_t *source = window + x * pixel_step;
        __m512i sum0 = _mm512_setzero_si512(), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        for (size_t tap = 0; tap < taps; tap++) {
            const int32_t *values = source + offsets[tap];
            sum0 = _mm512_add_epi32(sum0, depthwise_tap_avx512(values, mask, full, factors[tap]));
            sum1 = _mm512_add_epi32(sum1, depthwise_tap_avx512(values + pixel_step, mask, full, factors[tap]));
            sum2 = _mm512_add_epi32(sum2, depthwise_tap_avx512(values + 2 * pixel_step, mask, full,
                                                               factors[tap]));
            sum3 = _mm512_add_epi32(sum3, depthwise_tap_avx512(values + 3 * pixel_step, mask, full,
                                                               factors[tap]));
        }
        depthwise_store_four_avx512(accumulators + x * channels, channels, mask, sum0, sum1, sum2, sum3);
    }
    for (size_t x = grouped; x < output_width; x++) {
        depthwise_pixel_avx512(window + x * pixel_step, offsets, taps, factors, mask, full,
                               accumulators + x * channels);
    }
}

/*
 * The block for a 3x3 window with horizontal dilation 1 and a horizontal
 * stride of 1 or 2 (`stride`, a constant after inlining). Four neighboring
 * output pixels read 3 * stride + 3 input pixels per kernel row, so each
 * input vector is loaded once and feeds up to three multiply-adds.
 */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void depthwise_block_3x3_avx512(const int32_t *window, const ptrdiff_t *offsets, size_t channels,
                                size_t output_width, const size_t stride, const int32_t *weights, __mmask16 mask,
                                const int full, int32_t *accumulators) {
    __m512i factors[9];
    depthwise_factors_avx512(weights, 9, channels, mask, factors);
    /* The last group overlaps the one before it, as in depthwise_block_avx512. */
    const size_t grouped = output_width >= 4 ? output_width : 0;
    for (size_t group = 0; group < grouped; group += 4) {
        const size_t x = group + 4 <= grouped ? group : grouped - 4;
        __m512i sum0 = _mm512_setzero_si512(), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        for (size_t ky = 0; ky < 3; ky++) {
            /* offsets[3 * ky] is the start of kernel row ky, and its taps follow one pixel apart. */
            const int32_t *row = window + x * stride * channels + offsets[3 * ky];
            const __m512i *row_factors = factors + 3 * ky;
            __m512i values[9];
            for (size_t pixel = 0; pixel < 3 * stride + 3; pixel++) {
                values[pixel] = depthwise_load_avx512(row + pixel * channels, mask, full);
            }
            for (size_t kx = 0; kx < 3; kx++) {
                sum0 = _mm512_add_epi32(sum0, _mm512_madd_epi16(values[kx], row_factors[kx]));
                sum1 = _mm512_add_epi32(sum1, _mm512_madd_epi16(values[kx + stride], row_factors[kx]));
                sum2 = _mm512_add_epi32(sum2, _mm512_madd_epi16(values[kx + 2 * stride], row_factors[kx]));
                sum3 = _mm512_add_epi32(sum3, _mm512_madd_epi16(values[kx + 3 * stride], row_factors[kx]));
            }
        }
        depthwise_store_four_avx512(accumulators + x * channels, channels, mask, sum0, sum1, sum2, sum3);
    }
    for (size_t x = grouped; x < output_width; x++) {
        depthwise_pixel_avx512(window + x * stride * channels, offsets, 9, factors, mask, full,
                               accumulators + x * channels);
    }
}

/*
 * The same block for windows of more than CK_DEPTHWISE_REGISTER_TAPS taps,
 * which reloads each weight vector per pixel.
 */
CK_TARGET_AVX512 static void depthwise_wide_block_avx512(const int32_t *window, const ptrdiff_t *offsets,
                                                         size_t taps, size_t channels, size_t output_width,
                                                         size_t pixel_step, const int32_t *weights,
                                                         __mmask16 mask, int32_t *accumulators) {
    const __m512i low_half = _mm512_set1_epi32(0xFFFF);
    for (size_t x = 0; x < output_width; x++) {
        const int32_t *source = window + x * pixel_step;
        __m512i sum = _mm512_setzero_si512();
        for (size_t tap = 0; tap < taps; tap++) {
            const __m512i factors =
                _mm512_and_si512(_mm512_maskz_loadu_epi32(mask, weights + tap * channels), low_half);
            sum = _mm512_add_epi32(sum, depthwise_tap_avx512(source + offsets[tap], mask, 0, factors));
        }
        _mm512_mask_storeu_epi32(accumulators + x * channels, mask, sum);
    }
}

/*
 * AVX-512: 16 channels at a time across the whole row. It relies on
 * inputs and weights in [-255, 255] (see depthwise_tap_avx512), and its
 * sums wrap modulo 2^32 like the portable path's.
 */
CK_TARGET_AVX512
static void depthwise_row_avx512(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                                 size_t stride_width, size_t kernel_height, size_t kernel_width,
                                 size_t dilation_height, size_t dilation_width, const int32_t *weights,
                                 int32_t *accumulators) {
    const size_t taps = kernel_height * kernel_width;
    ptrdiff_t offsets[taps];
    for (size_t ky = 0; ky < kernel_height; ky++) {
        for (size_t kx = 0; kx < kernel_width; kx++) {
            offsets[ky * kernel_width + kx] =
                (ptrdiff_t)(ky * dilation_height * row_stride + kx * dilation_width * channels);
        }
    }
    const size_t pixel_step = stride_width * channels;
    for (size_t start = 0; start < channels; start += 16) {
        const size_t lanes = channels - start;
        const __mmask16 mask = lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1u);
        const int32_t *block_window = window + start;
        const int32_t *block_weights = weights + start;
        int32_t *block_accumulators = accumulators + start;
        /* Separate copies for the 3x3 window and for whole blocks, so that loops unroll fully and loads fold. */
        const int full = lanes >= 16;
        const int window_3x3 = kernel_height == 3 && kernel_width == 3 && dilation_width == 1;
        if (window_3x3 && stride_width == 1 && full) {
            depthwise_block_3x3_avx512(block_window, offsets, channels, output_width, 1, block_weights, mask, 1,
                                       block_accumulators);
        } else if (window_3x3 && stride_width == 1) {
            depthwise_block_3x3_avx512(block_window, offsets, channels, output_width, 1, block_weights, mask, 0,
                                       block_accumulators);
        } else if (window_3x3 && stride_width == 2 && full) {
            depthwise_block_3x3_avx512(block_window, offsets, channels, output_width, 2, block_weights, mask, 1,
                                       block_accumulators);
        } else if (window_3x3 && stride_width == 2) {
            depthwise_block_3x3_avx512(block_window, offsets, channels, output_width, 2, block_weights, mask, 0,
                                       block_accumulators);
        } else if (taps == CK_DEPTHWISE_REGISTER_TAPS && full) {
            depthwise_block_avx512(block_window, offsets, CK_DEPTHWISE_REGISTER_TAPS, channels, output_width,
                                   pixel_step, block_weights, mask, 1, block_accumulators);
        } else if (taps == CK_DEPTHWISE_REGISTER_TAPS) {
            depthwise_block_avx512(block_window, offsets, CK_DEPTHWISE_REGISTER_TAPS, channels, output_width,
                                   pixel_step, block_weights, mask, 0, block_accumulators);
        } else if (taps < CK_DEPTHWISE_REGISTER_TAPS) {
            depthwise_block_avx512(block_window, offsets, taps, channels, output_width, pixel_step,
                                   block_weights, mask, 0, block_accumulators);
        } else {
            depthwise_wide_block_avx512(block_window, offsets, taps, channels, output_width, pixel_step,
                                        block_weights, mask, block_accumulators);
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

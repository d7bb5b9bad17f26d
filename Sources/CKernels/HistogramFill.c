#include "CKernels.h"

#include <math.h>

/* Bin positions and sums must round exactly like the Swift reference
 * (`Histogram.add`), so no multiply-add may be fused. */
#pragma STDC FP_CONTRACT OFF

/* Elements per chunk of the histogram fill: the bin indices of one chunk
 * live on the stack (2 KiB) between the vector pass and the counting pass. */
#define CK_HISTOGRAM_CHUNK 512

/* Returns `isa` when the scans have a path for it and this CPU runs it,
 * else CK_ISA_SCALAR. Support is detected once per instruction set. */
static ck_isa supported_scan_isa(ck_isa isa) {
    static int avx512f = -1;
    static int avx2 = -1;
    int *slot;
    switch (isa) {
    case CK_ISA_AVX512F: slot = &avx512f; break;
    case CK_ISA_AVX2: slot = &avx2; break;
    default: return CK_ISA_SCALAR;
    }
    int known = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if (known < 0) {
        known = ck_isa_supported(isa);
        __atomic_store_n(slot, known, __ATOMIC_RELAXED);
    }
    return known ? isa : CK_ISA_SCALAR;
}

/* Replaces a zero extreme by the zero that a sequential scan keeps: Swift's
 * `min(x, y)` returns x on ties and `max(x, y)` returns y, so a running
 * minimum keeps the first of -0 and +0 and a running maximum the last. The
 * vector passes compare out of order and may return either sign. */
static void settle_zero_signs(const float *values, size_t count, float *minimum, float *maximum) {
    if (*minimum == 0.0f) {
        for (size_t i = 0; i < count; i++) {
            if (values[i] == 0.0f) {
                *minimum = values[i];
                break;
            }
        }
    }
    if (*maximum == 0.0f) {
        for (size_t i = count; i > 0; i--) {
            if (values[i - 1] == 0.0f) {
                *maximum = values[i - 1];
                break;
            }
        }
    }
}

static size_t extremes_portable(const float *values, size_t count, float *minimum, float *maximum) {
    float low = INFINITY;
    float high = -INFINITY;
    size_t finite = 0;
    for (size_t i = 0; i < count; i++) {
        const float value = values[i];
        if (!(fabsf(value) < INFINITY)) continue;
        finite += 1;
        if (value < low) low = value;
        if (value > high) high = value;
    }
    *minimum = low;
    *maximum = high;
    return finite;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static size_t extremes_avx512(const float *values, size_t count, float *minimum, float *maximum) {
    const __m512 infinity = _mm512_set1_ps(INFINITY);
    __m512 low = infinity;
    __m512 high = _mm512_set1_ps(-INFINITY);
    size_t finite = 0;
    for (size_t i = 0; i < count; i += 16) {
        const size_t remaining = count - i;
        const __mmask16 loaded = remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
        const __m512 value = _mm512_maskz_loadu_ps(loaded, values + i);
        /* |value| < inf is false for NaN and for both infinities. */
        const __mmask16 lanes = _mm512_mask_cmp_ps_mask(loaded, _mm512_abs_ps(value), infinity, _CMP_LT_OQ);
        low = _mm512_mask_min_ps(low, lanes, low, value);
        high = _mm512_mask_max_ps(high, lanes, high, value);
        finite += (size_t)__builtin_popcount((unsigned)lanes);
    }
    *minimum = _mm512_reduce_min_ps(low);
    *maximum = _mm512_reduce_max_ps(high);
    return finite;
}

__attribute__((target("avx2")))
static size_t extremes_avx2(const float *values, size_t count, float *minimum, float *maximum) {
    const __m256 infinity = _mm256_set1_ps(INFINITY);
    const __m256 magnitude_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 low = infinity;
    __m256 high = _mm256_set1_ps(-INFINITY);
    size_t finite = 0;
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 value = _mm256_loadu_ps(values + i);
        const __m256 lanes = _mm256_cmp_ps(_mm256_and_ps(value, magnitude_mask), infinity, _CMP_LT_OQ);
        low = _mm256_min_ps(low, _mm256_blendv_ps(infinity, value, lanes));
        high = _mm256_max_ps(high, _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), value, lanes));
        finite += (size_t)__builtin_popcount((unsigned)_mm256_movemask_ps(lanes));
    }
    float lows[8];
    float highs[8];
    _mm256_storeu_ps(lows, low);
    _mm256_storeu_ps(highs, high);
    float tail_low;
    float tail_high;
    finite += extremes_portable(values + i, count - i, &tail_low, &tail_high);
    for (int lane = 0; lane < 8; lane++) {
        if (lows[lane] < tail_low) tail_low = lows[lane];
        if (highs[lane] > tail_high) tail_high = highs[lane];
    }
    *minimum = tail_low;
    *maximum = tail_high;
    return finite;
}
#endif

size_t ck_f32_finite_extremes(ck_isa isa, const float *values, size_t count, float *minimum, float *maximum) {
    size_t finite;
    switch (supported_scan_isa(isa)) {
#if defined(__x86_64__) || defined(__i386__)
    case CK_ISA_AVX512F:
        finite = extremes_avx512(values, count, minimum, maximum);
        break;
    case CK_ISA_AVX2:
        finite = extremes_avx2(values, count, minimum, maximum);
        break;
#endif
    default:
        finite = extremes_portable(values, count, minimum, maximum);
        break;
    }
    if (finite > 0) settle_zero_signs(values, count, minimum, maximum);
    return finite;
}

/* Writes the bin of every element of a chunk, or -1 for a non-finite one.
 * The loop has no branches, so the compiler vectorizes it for each target
 * that inlines it. The selects keep NaN and infinities away from the
 * double-to-int conversion. */
__attribute__((always_inline))
static inline void chunk_bins(const float *values, size_t count, double lower, double width,
                              double last_bin, int32_t *bins) {
    for (size_t i = 0; i < count; i++) {
        const float value = values[i];
        double position = floor(((double)value - lower) / width);
        position = position >= 0.0 ? position : 0.0;
        position = position <= last_bin ? position : last_bin;
        bins[i] = fabsf(value) < INFINITY ? (int32_t)position : -1;
    }
}

__attribute__((always_inline))
static inline void fill(const float *values, size_t count, double lower, double width,
                        int64_t *counts, int32_t bin_count, double *sum, double *sum_of_squares) {
    int32_t bins[CK_HISTOGRAM_CHUNK];
    const double last_bin = (double)(bin_count - 1);
    double running_sum = *sum;
    double running_squares = *sum_of_squares;
    for (size_t start = 0; start < count; start += CK_HISTOGRAM_CHUNK) {
        const size_t length = count - start < CK_HISTOGRAM_CHUNK ? count - start : CK_HISTOGRAM_CHUNK;
        const float *chunk = values + start;
        chunk_bins(chunk, length, lower, width, last_bin, bins);
        /* Sequential on purpose: the sums must add in element order. */
        for (size_t i = 0; i < length; i++) {
            const int32_t bin = bins[i];
            if (bin < 0) continue;
            const double value = (double)chunk[i];
            counts[bin] += 1;
            running_sum += value;
            running_squares += value * value;
        }
    }
    *sum = running_sum;
    *sum_of_squares = running_squares;
}

static void fill_portable(const float *values, size_t count, double lower, double width,
                          int64_t *counts, int32_t bin_count, double *sum, double *sum_of_squares) {
    fill(values, count, lower, width, counts, bin_count, sum, sum_of_squares);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx512f")))
static void fill_avx512(const float *values, size_t count, double lower, double width,
                        int64_t *counts, int32_t bin_count, double *sum, double *sum_of_squares) {
    fill(values, count, lower, width, counts, bin_count, sum, sum_of_squares);
}

__attribute__((target("avx2")))
static void fill_avx2(const float *values, size_t count, double lower, double width,
                      int64_t *counts, int32_t bin_count, double *sum, double *sum_of_squares) {
    fill(values, count, lower, width, counts, bin_count, sum, sum_of_squares);
}
#endif

void ck_f32_histogram_fill(ck_isa isa, const float *values, size_t count, double lower, double width,
                           int64_t *counts, int32_t bin_count, double *sum, double *sum_of_squares) {
    if (bin_count < 1) return;
    switch (supported_scan_isa(isa)) {
#if defined(__x86_64__) || defined(__i386__)
    case CK_ISA_AVX512F:
        fill_avx512(values, count, lower, width, counts, bin_count, sum, sum_of_squares);
        return;
    case CK_ISA_AVX2:
        fill_avx2(values, count, lower, width, counts, bin_count, sum, sum_of_squares);
        return;
#endif
    default:
        fill_portable(values, count, lower, width, counts, bin_count, sum, sum_of_squares);
        return;
    }
}

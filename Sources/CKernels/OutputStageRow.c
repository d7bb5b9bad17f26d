#include "CKernels.h"

/*
 * The integer output stage over one output channel's run of accumulators;
 * OutputStageRow.swift documents the arithmetic and the tests hold it equal
 * to the Swift `outputStage`. Written branch-free in C so that clang can use
 * the 32x32->64-bit vector multiply of AVX2 (vpmuldq) or AVX-512, which the
 * x86-64 baseline Swift code is compiled without. Sums wrap through uint32,
 * as Swift's &+ and &<< do.
 */
static inline __attribute__((always_inline))
void output_stage_row_body(const int32_t *accumulators, size_t count, int32_t bias, int32_t m0, int32_t shift,
                           int32_t output_zero_point, int32_t lower, int32_t upper,
                           uint8_t *output, ptrdiff_t output_stride) {
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int32_t mask = (int32_t)(((int64_t)1 << right) - 1);
    const int32_t half_mask = mask >> 1;
    const int32_t low = lower - output_zero_point;
    const int32_t high_bound = upper - output_zero_point;
    const int64_t half = (int64_t)1 << 30;
    for (size_t index = 0; index < count; index++) {
        const int32_t shifted = (int32_t)(((uint32_t)accumulators[index] + (uint32_t)bias) << left);
        const int64_t product = (int64_t)shifted * (int64_t)m0;
        const int64_t nudged = product + (product >= 0 ? half : 1 - half);
        const int32_t high = (int32_t)((nudged + ((nudged >> 63) & 0x7FFFFFFF)) >> 31);
        const int32_t threshold = half_mask + ((high >> 31) & 1);
        const int32_t rounded = (high >> right) + ((high & mask) > threshold ? 1 : 0);
        int32_t value = rounded < low ? low : rounded;
        value = value > high_bound ? high_bound : value;
        output[(ptrdiff_t)index * output_stride] = (uint8_t)(value + output_zero_point);
    }
}

#if defined(__x86_64__)

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void output_stage_row_avx512(const int32_t *accumulators, size_t count, int32_t bias, int32_t m0,
                                    int32_t shift, int32_t output_zero_point, int32_t lower, int32_t upper,
                                    uint8_t *output, ptrdiff_t output_stride) {
    output_stage_row_body(accumulators, count, bias, m0, shift, output_zero_point, lower, upper, output,
                          output_stride);
}

__attribute__((target("avx2")))
static void output_stage_row_avx2(const int32_t *accumulators, size_t count, int32_t bias, int32_t m0,
                                  int32_t shift, int32_t output_zero_point, int32_t lower, int32_t upper,
                                  uint8_t *output, ptrdiff_t output_stride) {
    output_stage_row_body(accumulators, count, bias, m0, shift, output_zero_point, lower, upper, output,
                          output_stride);
}

#endif

void ck_output_stage_row(const int32_t *accumulators, size_t count, int32_t bias, int32_t m0, int32_t shift,
                         int32_t output_zero_point, int32_t lower, int32_t upper,
                         void *output, ptrdiff_t output_stride) {
#if defined(__x86_64__)
    static int level = -1;
    if (level < 0) {
        /* A benign race: every thread computes the same value. */
        level = (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                 && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) ? 2
              : __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    if (level == 2) {
        output_stage_row_avx512(accumulators, count, bias, m0, shift, output_zero_point, lower, upper,
                                (uint8_t *)output, output_stride);
        return;
    }
    if (level == 1) {
        output_stage_row_avx2(accumulators, count, bias, m0, shift, output_zero_point, lower, upper,
                              (uint8_t *)output, output_stride);
        return;
    }
#endif
    output_stage_row_body(accumulators, count, bias, m0, shift, output_zero_point, lower, upper,
                          (uint8_t *)output, output_stride);
}

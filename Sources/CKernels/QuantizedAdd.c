#include "CKernels.h"

/*
 * The integer elementwise Add, element by element:
 *
 *     x1 = M1 * ((q1 - Z1) << 20),  x2 = M2 * ((q2 - Z2) << 20)
 *     q3 = clamp(Z3 + M3 * (x1 + x2), lower, upper)
 *
 * where each M * v is a wrapping left shift by max(shift, 0), a rounding
 * doubling high multiply by m0, and a rounding right shift by
 * max(-shift, 0) that rounds half away from zero, as the Swift
 * `multiplyByQuantizedMultiplier` computes it. Each m0 is 0 or in
 * [2^30, 2^31), so the high multiply never saturates. The body is
 * branch-free so that clang vectorizes the element loop in the AVX-512 and
 * AVX2 builds below.
 */
static inline __attribute__((always_inline))
int32_t scale_by_multiplier(int32_t x, int32_t m0, int32_t shift) {
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int32_t mask = (int32_t)(((int64_t)1 << right) - 1);
    const int32_t threshold_base = mask >> 1;
    const int32_t shifted = (int32_t)((uint32_t)x << left);
    const int64_t product = (int64_t)shifted * (int64_t)m0;
    const int64_t nudged = product + (product >= 0 ? ((int64_t)1 << 30) : 1 - ((int64_t)1 << 30));
    const int32_t high = (int32_t)((nudged + ((nudged >> 63) & 0x7FFFFFFF)) >> 31);
    const int32_t threshold = threshold_base + ((high >> 31) & 1);
    return (high >> right) + ((high & mask) > threshold ? 1 : 0);
}

static inline __attribute__((always_inline))
void quantized_add_body(int is_signed, const uint8_t *input1, const uint8_t *input2, size_t count,
                        int32_t z1, int32_t z2, int32_t m0_1, int32_t shift_1, int32_t m0_2, int32_t shift_2,
                        int32_t m0_3, int32_t shift_3, int32_t output_zero_point, int32_t lower, int32_t upper,
                        uint8_t *output) {
    /* Signed bytes are read as their bit patterns. Flipping the top bit
     * maps int8 v to v + 128, so the zero-points move by 128 as well. */
    const uint8_t flip = is_signed ? 0x80 : 0;
    const int32_t offset = is_signed ? 128 : 0;
    const int32_t centered_z1 = z1 + offset;
    const int32_t centered_z2 = z2 + offset;
    for (size_t index = 0; index < count; index++) {
        const int32_t a = (int32_t)(uint8_t)(input1[index] ^ flip) - centered_z1;
        const int32_t b = (int32_t)(uint8_t)(input2[index] ^ flip) - centered_z2;
        const int32_t x1 = scale_by_multiplier(a * (1 << 20), m0_1, shift_1);
        const int32_t x2 = scale_by_multiplier(b * (1 << 20), m0_2, shift_2);
        const int32_t sum = (int32_t)((uint32_t)x1 + (uint32_t)x2);
        int32_t value = scale_by_multiplier(sum, m0_3, shift_3) + output_zero_point;
        value = value < lower ? lower : value;
        value = value > upper ? upper : value;
        output[index] = (uint8_t)value;
    }
}

#if defined(__x86_64__)

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void quantized_add_avx512(int is_signed, const uint8_t *input1, const uint8_t *input2, size_t count,
                                 int32_t z1, int32_t z2, int32_t m0_1, int32_t shift_1, int32_t m0_2,
                                 int32_t shift_2, int32_t m0_3, int32_t shift_3, int32_t output_zero_point,
                                 int32_t lower, int32_t upper, uint8_t *output) {
    quantized_add_body(is_signed, input1, input2, count, z1, z2, m0_1, shift_1, m0_2, shift_2, m0_3, shift_3,
                       output_zero_point, lower, upper, output);
}

__attribute__((target("avx2")))
static void quantized_add_avx2(int is_signed, const uint8_t *input1, const uint8_t *input2, size_t count,
                               int32_t z1, int32_t z2, int32_t m0_1, int32_t shift_1, int32_t m0_2,
                               int32_t shift_2, int32_t m0_3, int32_t shift_3, int32_t output_zero_point,
                               int32_t lower, int32_t upper, uint8_t *output) {
    quantized_add_body(is_signed, input1, input2, count, z1, z2, m0_1, shift_1, m0_2, shift_2, m0_3, shift_3,
                       output_zero_point, lower, upper, output);
}

#endif

void ck_quantized_add(int is_signed, const void *input1, const void *input2, size_t count,
                      int32_t z1, int32_t z2, int32_t m0_1, int32_t shift_1, int32_t m0_2, int32_t shift_2,
                      int32_t m0_3, int32_t shift_3, int32_t output_zero_point, int32_t lower, int32_t upper,
                      void *output) {
#if defined(__x86_64__)
    switch (ck_vector_level()) {
    case 2:
        quantized_add_avx512(is_signed, input1, input2, count, z1, z2, m0_1, shift_1, m0_2, shift_2, m0_3,
                             shift_3, output_zero_point, lower, upper, output);
        return;
    case 1:
        quantized_add_avx2(is_signed, input1, input2, count, z1, z2, m0_1, shift_1, m0_2, shift_2, m0_3,
                           shift_3, output_zero_point, lower, upper, output);
        return;
    default:
        break;
    }
#endif
    quantized_add_body(is_signed, input1, input2, count, z1, z2, m0_1, shift_1, m0_2, shift_2, m0_3, shift_3,
                       output_zero_point, lower, upper, output);
}

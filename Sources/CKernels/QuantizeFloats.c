#include "CKernels.h"

#include <math.h>

/*
 * The float-to-integer boundary of the integer program:
 *
 *   q = clamp(Z + round(r / S), qmin, qmax),   NaN -> Z
 *
 * with r / S computed in float32 and rounded half away from zero, the rule
 * of QuantizationParameters.quantize. Written so that every step is exact
 * in float32 and vectorizes:
 *
 * - For |a| < 2^23, t = trunc(a) and the fraction a - t are exact, and
 *   rounding half away from zero adds the sign when |a - t| >= 0.5. From
 *   2^23 on every float is an integer already (and so is infinity).
 * - Z + t is exact while |t| < 2^24 - 255, and beyond that it is clamped to
 *   qmin or qmax anyway, so the float sum clamps to the same integer as the
 *   Swift code's double sum.
 */
static inline __attribute__((always_inline))
void quantize_floats_body(const float *values, size_t count, float scale, int32_t zero_point, int32_t qmin,
                          int32_t qmax, uint8_t *output) {
    const float lower = (float)qmin, upper = (float)qmax, offset = (float)zero_point;
    for (size_t index = 0; index < count; index++) {
        const float steps = values[index] / scale;
        const float truncated = truncf(steps);
        const float fraction = steps - truncated;
        float rounded = truncated + (fraction >= 0.5f ? 1.0f : 0.0f) - (fraction <= -0.5f ? 1.0f : 0.0f);
        rounded = fabsf(steps) < 8388608.0f ? rounded : steps;
        float shifted = rounded + offset;
        shifted = shifted < lower ? lower : shifted;
        shifted = shifted > upper ? upper : shifted;
        /* NaN fails every comparison above; it maps to Z. */
        const int32_t quantized = steps == steps ? (int32_t)shifted : zero_point;
        output[index] = (uint8_t)quantized;
    }
}

#if defined(__x86_64__)

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void quantize_floats_avx512(const float *values, size_t count, float scale, int32_t zero_point,
                                   int32_t qmin, int32_t qmax, uint8_t *output) {
    quantize_floats_body(values, count, scale, zero_point, qmin, qmax, output);
}

__attribute__((target("avx2")))
static void quantize_floats_avx2(const float *values, size_t count, float scale, int32_t zero_point,
                                 int32_t qmin, int32_t qmax, uint8_t *output) {
    quantize_floats_body(values, count, scale, zero_point, qmin, qmax, output);
}

#endif

void ck_quantize_floats(const float *values, size_t count, float scale, int32_t zero_point, int32_t qmin,
                        int32_t qmax, void *output) {
#if defined(__x86_64__)
    switch (ck_vector_level()) {
    case 2: quantize_floats_avx512(values, count, scale, zero_point, qmin, qmax, (uint8_t *)output); return;
    case 1: quantize_floats_avx2(values, count, scale, zero_point, qmin, qmax, (uint8_t *)output); return;
    default: break;
    }
#endif
    quantize_floats_body(values, count, scale, zero_point, qmin, qmax, (uint8_t *)output);
}

#include "CKernels.h"

/*
 * Max pooling over channels-last bytes: for each output pixel, the
 * elementwise max of the channel runs of its valid taps (taps in the
 * padding are skipped), clamped to [lower, upper]; a window entirely in the
 * padding yields `lower`. The channel loops are innermost and contiguous,
 * so clang vectorizes them with byte max instructions.
 */
#define CK_MAX_POOL_BODY(type)                                                                              \
    const type low = (type)lower, high = (type)upper;                                                      \
    const type *source = (const type *)input;                                                              \
    type *target = (type *)output;                                                                         \
    for (size_t image = 0; image < batch; image++) {                                                       \
        const type *plane = source + image * height * width * channels;                                    \
        for (size_t y = 0; y < output_height; y++) {                                                       \
            const ptrdiff_t origin_y = (ptrdiff_t)(y * stride_height) - (ptrdiff_t)pad_top;                \
            const ptrdiff_t first_y = origin_y < 0 ? -origin_y : 0;                                       \
            ptrdiff_t end_y = (ptrdiff_t)height - origin_y;                                                \
            end_y = end_y > (ptrdiff_t)kernel_height ? (ptrdiff_t)kernel_height : end_y;                   \
            for (size_t x = 0; x < output_width; x++) {                                                    \
                const ptrdiff_t origin_x = (ptrdiff_t)(x * stride_width) - (ptrdiff_t)pad_left;            \
                const ptrdiff_t first_x = origin_x < 0 ? -origin_x : 0;                                   \
                ptrdiff_t end_x = (ptrdiff_t)width - origin_x;                                             \
                end_x = end_x > (ptrdiff_t)kernel_width ? (ptrdiff_t)kernel_width : end_x;                 \
                if (first_y >= end_y || first_x >= end_x) {                                                \
                    for (size_t c = 0; c < channels; c++) target[c] = low;                                 \
                } else {                                                                                   \
                    const type *first = plane + ((size_t)(origin_y + first_y) * width                      \
                                                 + (size_t)(origin_x + first_x)) * channels;               \
                    for (size_t c = 0; c < channels; c++) target[c] = first[c];                            \
                    for (ptrdiff_t ky = first_y; ky < end_y; ky++) {                                       \
                        const type *row = plane + ((size_t)(origin_y + ky) * width) * channels;            \
                        for (ptrdiff_t kx = first_x; kx < end_x; kx++) {                                   \
                            const type *tap = row + (size_t)(origin_x + kx) * channels;                    \
                            for (size_t c = 0; c < channels; c++) {                                        \
                                target[c] = tap[c] > target[c] ? tap[c] : target[c];                       \
                            }                                                                              \
                        }                                                                                  \
                    }                                                                                      \
                    for (size_t c = 0; c < channels; c++) {                                                \
                        type value = target[c] < low ? low : target[c];                                    \
                        target[c] = value > high ? high : value;                                           \
                    }                                                                                      \
                }                                                                                          \
                target += channels;                                                                        \
            }                                                                                              \
        }                                                                                                  \
    }

#define CK_MAX_POOL_PARAMETERS                                                                              \
    const void *input, size_t batch, size_t height, size_t width, size_t channels, size_t kernel_height,   \
    size_t kernel_width, size_t stride_height, size_t stride_width, size_t pad_top, size_t pad_left,       \
    size_t output_height, size_t output_width, int32_t lower, int32_t upper, void *output

#define CK_MAX_POOL_ARGUMENTS                                                                               \
    input, batch, height, width, channels, kernel_height, kernel_width, stride_height, stride_width,       \
    pad_top, pad_left, output_height, output_width, lower, upper, output

static inline __attribute__((always_inline)) void max_pool_signed(CK_MAX_POOL_PARAMETERS) {
    CK_MAX_POOL_BODY(int8_t)
}

static inline __attribute__((always_inline)) void max_pool_unsigned(CK_MAX_POOL_PARAMETERS) {
    CK_MAX_POOL_BODY(uint8_t)
}

#if defined(__x86_64__)

#include <immintrin.h>

/*
 * AVX-512: up to 64 channels of one output pixel per register, loaded with
 * a lane mask. The max runs over the window in the register, which is
 * stored once. `is_signed` picks vpmaxsb or vpmaxub.
 */
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void max_pool_avx512(int is_signed, CK_MAX_POOL_PARAMETERS) {
    const uint8_t *source = (const uint8_t *)input;
    uint8_t *target = (uint8_t *)output;
    const __m512i low = _mm512_set1_epi8((char)lower), high = _mm512_set1_epi8((char)upper);
    for (size_t image = 0; image < batch; image++) {
        const uint8_t *plane = source + image * height * width * channels;
        for (size_t y = 0; y < output_height; y++) {
            const ptrdiff_t origin_y = (ptrdiff_t)(y * stride_height) - (ptrdiff_t)pad_top;
            const ptrdiff_t first_y = origin_y < 0 ? -origin_y : 0;
            ptrdiff_t end_y = (ptrdiff_t)height - origin_y;
            end_y = end_y > (ptrdiff_t)kernel_height ? (ptrdiff_t)kernel_height : end_y;
            for (size_t x = 0; x < output_width; x++) {
                const ptrdiff_t origin_x = (ptrdiff_t)(x * stride_width) - (ptrdiff_t)pad_left;
                const ptrdiff_t first_x = origin_x < 0 ? -origin_x : 0;
                ptrdiff_t end_x = (ptrdiff_t)width - origin_x;
                end_x = end_x > (ptrdiff_t)kernel_width ? (ptrdiff_t)kernel_width : end_x;
                const int empty = first_y >= end_y || first_x >= end_x;
                for (size_t start = 0; start < channels; start += 64) {
                    const size_t remaining = channels - start;
                    const __mmask64 mask = remaining >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << remaining) - 1);
                    __m512i maximum = low;
                    if (!empty) {
                        maximum = _mm512_maskz_loadu_epi8(mask, plane + ((size_t)(origin_y + first_y) * width
                                                                         + (size_t)(origin_x + first_x)) * channels
                                                                        + start);
                        for (ptrdiff_t ky = first_y; ky < end_y; ky++) {
                            const uint8_t *row = plane + (size_t)(origin_y + ky) * width * channels + start;
                            for (ptrdiff_t kx = first_x; kx < end_x; kx++) {
                                const __m512i tap = _mm512_maskz_loadu_epi8(mask, row + (size_t)(origin_x + kx)
                                                                                      * channels);
                                maximum = is_signed ? _mm512_max_epi8(maximum, tap) : _mm512_max_epu8(maximum, tap);
                            }
                        }
                        maximum = is_signed ? _mm512_min_epi8(_mm512_max_epi8(maximum, low), high)
                                            : _mm512_min_epu8(_mm512_max_epu8(maximum, low), high);
                    }
                    _mm512_mask_storeu_epi8(target + start, mask, maximum);
                }
                target += channels;
            }
        }
    }
}

__attribute__((target("avx2")))
static void max_pool_avx2(int is_signed, CK_MAX_POOL_PARAMETERS) {
    if (is_signed) max_pool_signed(CK_MAX_POOL_ARGUMENTS);
    else max_pool_unsigned(CK_MAX_POOL_ARGUMENTS);
}

#endif

void ck_max_pool_channels_last(int is_signed, CK_MAX_POOL_PARAMETERS) {
#if defined(__x86_64__)
    switch (ck_vector_level()) {
    case 2: max_pool_avx512(is_signed, CK_MAX_POOL_ARGUMENTS); return;
    case 1: max_pool_avx2(is_signed, CK_MAX_POOL_ARGUMENTS); return;
    default: break;
    }
#endif
    if (is_signed) max_pool_signed(CK_MAX_POOL_ARGUMENTS);
    else max_pool_unsigned(CK_MAX_POOL_ARGUMENTS);
}

#include "CKernels.h"

#include <string.h>

/*
 * Gathers im2col rows from channels-last bytes. Row p = (n * OH + oy) * OW + ox
 * of the patch matrix contains the taps of output pixel p in tap-major order,
 * each tap `channels` bytes starting at channel `first_channel` of input
 * pixel (oy * sh + ky * dh - pad_top, ox * sw + kx * dw - pad_left), or
 * `pad_value` where that pixel lies in the padding.
 */
#define CK_IM2COL_PARAMETERS                                                                                 \
    const uint8_t *input, size_t height, size_t width, size_t input_channels, size_t first_channel,         \
    size_t channels, size_t kernel_height, size_t kernel_width, size_t stride_height, size_t stride_width,  \
    size_t dilation_height, size_t dilation_width, size_t pad_top, size_t pad_left, size_t output_height,   \
    size_t output_width, size_t first_row, size_t rows, uint8_t pad_value, uint8_t *matrix

#define CK_IM2COL_ARGUMENTS                                                                                  \
    input, height, width, input_channels, first_channel, channels, kernel_height, kernel_width,             \
    stride_height, stride_width, dilation_height, dilation_width, pad_top, pad_left, output_height,         \
    output_width, first_row, rows, pad_value, matrix

#define CK_IM2COL_BODY(copy, fill)                                                                           \
    const size_t plane = output_height * output_width;                                                       \
    uint8_t *target = matrix;                                                                                \
    for (size_t row = first_row; row < first_row + rows; row++) {                                           \
        const size_t image = row / plane;                                                                    \
        const size_t pixel = row - image * plane;                                                            \
        const size_t output_y = pixel / output_width;                                                        \
        const size_t output_x = pixel - output_y * output_width;                                             \
        const uint8_t *image_base = input + image * height * width * input_channels + first_channel;         \
        for (size_t ky = 0; ky < kernel_height; ky++) {                                                      \
            const ptrdiff_t y = (ptrdiff_t)(output_y * stride_height + ky * dilation_height)                 \
                              - (ptrdiff_t)pad_top;                                                          \
            const int row_inside = y >= 0 && y < (ptrdiff_t)height;                                          \
            for (size_t kx = 0; kx < kernel_width; kx++) {                                                   \
                const ptrdiff_t x = (ptrdiff_t)(output_x * stride_width + kx * dilation_width)               \
                                  - (ptrdiff_t)pad_left;                                                     \
                if (row_inside && x >= 0 && x < (ptrdiff_t)width) {                                          \
                    copy(target, image_base + ((size_t)y * width + (size_t)x) * input_channels, channels);   \
                } else {                                                                                     \
                    fill(target, pad_value, channels);                                                       \
                }                                                                                            \
                target += channels;                                                                          \
            }                                                                                                \
        }                                                                                                    \
    }

static inline __attribute__((always_inline)) void copy_portable(uint8_t *target, const uint8_t *source,
                                                                 size_t count) {
    memcpy(target, source, count);
}

static inline __attribute__((always_inline)) void fill_portable(uint8_t *target, uint8_t value, size_t count) {
    memset(target, value, count);
}

static void im2col_portable(CK_IM2COL_PARAMETERS) {
    CK_IM2COL_BODY(copy_portable, fill_portable)
}

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

/* AVX-512: a tap of up to 64 channels is one masked load and store, with no call. */
CK_TARGET_AVX512 static inline __attribute__((always_inline))
void copy_avx512(uint8_t *target, const uint8_t *source, size_t count) {
    for (size_t offset = 0; offset < count; offset += 64) {
        const size_t remaining = count - offset;
        const __mmask64 mask = remaining >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << remaining) - 1);
        _mm512_mask_storeu_epi8(target + offset, mask, _mm512_maskz_loadu_epi8(mask, source + offset));
    }
}

CK_TARGET_AVX512 static inline __attribute__((always_inline))
void fill_avx512(uint8_t *target, uint8_t value, size_t count) {
    const __m512i values = _mm512_set1_epi8((char)value);
    for (size_t offset = 0; offset < count; offset += 64) {
        const size_t remaining = count - offset;
        const __mmask64 mask = remaining >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << remaining) - 1);
        _mm512_mask_storeu_epi8(target + offset, mask, values);
    }
}

CK_TARGET_AVX512 static void im2col_avx512(CK_IM2COL_PARAMETERS) {
    CK_IM2COL_BODY(copy_avx512, fill_avx512)
}

#endif

void ck_im2col_channels_last(CK_IM2COL_PARAMETERS) {
#if defined(__x86_64__)
    if (ck_vector_level() == 2) {
        im2col_avx512(CK_IM2COL_ARGUMENTS);
        return;
    }
#endif
    im2col_portable(CK_IM2COL_ARGUMENTS);
}

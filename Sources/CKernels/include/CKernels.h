#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * SIMD microkernels that Swift cannot express: an int8 matrix-multiply tile
 * for AVX-512 VNNI (vpdpbusd), for AVX2 (vpmovzxbw/vpmovsxbw + vpmaddwd) and
 * a portable scalar fallback, and a float tile for AVX-512 F and AVX2 with
 * FMA. Zero-point algebra, validation and threading live in Swift: the int8
 * GEMM in Sources/Quantization/Fast, the float GEMM in Sources/QuantCore/Gemm.
 *
 * The channels-last int8 layers add elementwise kernels (activation
 * packing, im2col, output stage, depthwise and single-channel rows, max
 * pooling, input quantization). Each picks an AVX-512, AVX2 or portable
 * path from ck_vector_level(), and every path computes the same bits as the
 * Swift reference kernels of Sources/Quantization/Kernels.
 *
 * Shape letters: M rows of activations (im2col rows or fully connected
 * inputs), N output columns (output channels), K reduction depth.
 *
 * Packed operand layouts (both padded with zeros, so padding adds nothing):
 *   A panel: CK_TILE_ROWS rows; for each depth group g (4 consecutive k),
 *            the 4 bytes of row 0, then row 1, ...: a[g][row][4], uint8.
 *   B panel: up to CK_PANEL_COLUMNS columns, a multiple of 16 wide; for each
 *            depth group g, the 4 bytes of column 0, then column 1, ...:
 *            b[g][column][4], int8. One 32-bit lane of a vpdpbusd operand
 *            is one column's 4 weights.
 */

#define CK_TILE_ROWS 4
#define CK_PANEL_COLUMNS 64
#define CK_COLUMN_VECTOR 16
#define CK_DEPTH_GROUP 4

typedef enum {
    CK_ISA_SCALAR = 0,
    /* int8 path: AVX2 */
    CK_ISA_AVX2 = 1,
    /* int8 path: AVX-512 F, BW and VNNI */
    CK_ISA_AVX512_VNNI = 2,
    /* float path: AVX2 with FMA */
    CK_ISA_AVX2_FMA = 3,
    /* float path: AVX-512 F */
    CK_ISA_AVX512F = 4,
} ck_isa;

/* Returns 1 when this CPU and operating system can run `isa`, else 0. The
 * scalar path is always supported; the x86 paths only on x86-64 builds. */
int ck_isa_supported(ck_isa isa);

/*
 * Computes one tile of C = row_offsets[r] + column_offsets[j]
 *                          + sum_k A[r][k] * B[k][j]
 * with A uint8 and B int8 in the packed layouts above, in wrapping int32
 * arithmetic (the vpdpbusd and vpmaddwd accumulations wrap modulo 2^32, so
 * the result is exact whenever the true sum fits in int32).
 *
 *   depth_groups    number of 4-deep groups in both panels (K rounded up / 4)
 *   a_panel         depth_groups * CK_TILE_ROWS * 4 bytes
 *   b_panel         depth_groups * vector_count * 16 * 4 bytes
 *   vector_count    panel width in units of 16 columns, 1...4
 *   row_offsets     CK_TILE_ROWS values
 *   column_offsets  vector_count * 16 values
 *   c, ldc          output, row stride in elements
 *   rows, columns   how much of the tile to store: rows <= CK_TILE_ROWS,
 *                   columns <= vector_count * 16
 *
 * An isa that ck_isa_supported rejects falls back to the scalar path.
 */
void ck_u8s8_gemm_tile(ck_isa isa, size_t depth_groups,
                       const uint8_t *a_panel, const int8_t *b_panel,
                       size_t vector_count,
                       const int32_t *row_offsets, const int32_t *column_offsets,
                       int32_t *c, size_t ldc, size_t rows, size_t columns);

/*
 * Float tile: C[r][j] (+)= sum_k A[r][k] * B[k][j] for r < rows <= 6 and
 * j < columns <= 32, with fused multiply-adds (one rounding per step, so the
 * result can differ from a separate multiply and add in the last bits).
 *
 *   a, lda          rows of A, row stride in elements; rows past `rows`
 *                   are never read
 *   b_panel         depth x CK_FLOAT_PANEL_COLUMNS floats, b[k][column]
 *   accumulate      0: C = tile, else C += tile
 *
 * isa must be CK_ISA_AVX512F or CK_ISA_AVX2_FMA and supported; anything
 * else runs a portable loop.
 */
#define CK_FLOAT_TILE_ROWS 6
#define CK_FLOAT_PANEL_COLUMNS 32

void ck_f32_gemm_tile(ck_isa isa, size_t depth, const float *a, size_t lda,
                      const float *b_panel, float *c, size_t ldc,
                      size_t rows, size_t columns, int accumulate);


/* Returns 2 for AVX-512 (F, BW, DQ, VL), 1 for AVX2, 0 otherwise: the path
 * the elementwise kernels below take on this CPU, detected once. */
int ck_vector_level(void);

/* Caps ck_vector_level at `limit` (2 lifts the cap), so that tests can run
 * the AVX2 and portable paths of the elementwise kernels on any CPU. */
void ck_limit_vector_level(int limit);

/*
 * The integer output stage over a rows x channels block laid out
 * channels-last: output[r * output_stride + c] = clamp(Z3 + M_c *
 * (accumulators[r * accumulator_stride + c] + bias[c]), lower, upper) as
 * bytes (int8 or uint8 bit patterns), with M_c = m0[c] * 2^shift[c] / 2^31
 * applied as a rounding doubling high multiply and a rounding right shift;
 * each m0 must be 0 or in [2^30, 2^31), each shift in -31...30, and the
 * zero-point and bounds in [-128, 255]. Bit-exact with the Swift
 * `outputStage`.
 */
void ck_output_stage_channels(const int32_t *accumulators, size_t accumulator_stride, size_t rows,
                              size_t channels, const int32_t *bias, const int32_t *m0, const int32_t *shift,
                              int32_t output_zero_point, int32_t lower, int32_t upper,
                              void *output, size_t output_stride);

/*
 * The integer elementwise Add of two byte tensors of `count` elements
 * (int8 bit patterns when is_signed, else uint8): output[i] = clamp(Z3 +
 * M3 * (M1 * ((input1[i] - Z1) << 20) + M2 * ((input2[i] - Z2) << 20)),
 * lower, upper), each M applied from its m0 and shift as in
 * ck_output_stage_channels (m0 0 or in [2^30, 2^31), shift in -31...30).
 * Bit-exact with the Swift `add` kernel.
 */
void ck_quantized_add(int is_signed, const void *input1, const void *input2, size_t count,
                      int32_t z1, int32_t z2, int32_t m0_1, int32_t shift_1, int32_t m0_2, int32_t shift_2,
                      int32_t m0_3, int32_t shift_3, int32_t output_zero_point, int32_t lower, int32_t upper,
                      void *output);

/*
 * One output row of a depthwise convolution on channels-last int32 data:
 * accumulators[x * channels + c] = sum over (ky, kx) of
 * window[ky * dilation_height * row_stride + (x * stride_width + kx * dilation_width) * channels + c]
 * * weights[(ky * kernel_width + kx) * channels + c], for x < output_width,
 * wrapping modulo 2^32. `window` contains centered inputs (q1 - Z1, 0 in
 * the padding) from the first input row of the output row on, and
 * `row_stride` is the number of elements per padded input row. Inputs and
 * weights must lie in [-255, 255] (centered 8-bit values), which lets the
 * AVX-512 path multiply them as int16.
 */
void ck_depthwise_row(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                      size_t stride_width, size_t kernel_height, size_t kernel_width,
                      size_t dilation_height, size_t dilation_width, const int32_t *weights,
                      int32_t *accumulators);

/*
 * The row of ck_depthwise_row for an input with one channel feeding all
 * `channels` outputs: accumulators[x * channels + c] = sum over (ky, kx) of
 * window[ky * dilation_height * row_stride + x * stride_width + kx * dilation_width]
 * * weights[(ky * kernel_width + kx) * channels + c], wrapping modulo 2^32.
 * `window` contains one centered value per padded pixel. Inputs and weights
 * must lie in [-255, 255] (centered 8-bit values), which lets the AVX-512
 * path add two taps per int16 multiply-add.
 */
void ck_single_channel_row(const int32_t *window, size_t row_stride, size_t channels, size_t output_width,
                           size_t stride_width, size_t kernel_height, size_t kernel_width,
                           size_t dilation_height, size_t dilation_width, const int32_t *weights,
                           int32_t *accumulators);

/* target[i] = source[i] - zero_point for i < count, the bytes read as int8
 * when is_signed, else as uint8. */
void ck_center_bytes(const void *source, size_t count, int is_signed, int32_t zero_point, int32_t *target);

/*
 * Packs `rows` <= CK_TILE_ROWS activation rows (row r at source + r *
 * row_stride, `depth` bytes each) into one A panel of ck_u8s8_gemm_tile:
 * a'[group][row][4] with a' = a ^ flip (0x80 adds 128 to int8 bytes, 0
 * keeps uint8), zero bytes for the depth padding and for rows past `rows`.
 * Stores sum_k a'[row][k] of each of the CK_TILE_ROWS rows in row_sums
 * (0 for the padding rows); these sums are below 2^31 whenever depth is.
 */
void ck_pack_activation_tile(const uint8_t *source, size_t row_stride, size_t rows, size_t depth, uint8_t flip,
                             uint8_t *packed, int32_t *row_sums);

/*
 * Quantizes float32 values to bytes (int8 or uint8 bit patterns):
 * output[i] = clamp(Z + round(values[i] / scale), qmin, qmax), the quotient
 * rounded half away from zero, NaN to Z. qmin, qmax and Z must lie in
 * [-128, 255]. Bit-exact with QuantizationParameters.quantize.
 */
void ck_quantize_floats(const float *values, size_t count, float scale, int32_t zero_point, int32_t qmin,
                        int32_t qmax, void *output);

/*
 * Max pooling over channels-last bytes (int8 when is_signed, else uint8):
 * input [batch][height][width][channels], output
 * [batch][output_height][output_width][channels], each output the max of
 * its window's taps inside the input, clamped to [lower, upper] (both in the
 * element type), or `lower` for a window entirely in the padding. The
 * caller has validated the geometry.
 */
void ck_max_pool_channels_last(int is_signed, const void *input, size_t batch, size_t height, size_t width,
                               size_t channels, size_t kernel_height, size_t kernel_width, size_t stride_height,
                               size_t stride_width, size_t pad_top, size_t pad_left, size_t output_height,
                               size_t output_width, int32_t lower, int32_t upper, void *output);

/*
 * Writes rows first_row ..< first_row + rows of the im2col matrix of a
 * channels-last byte input [N][height][width][input_channels] into
 * `matrix`, one after the other. Row p = (n * OH + oy) * OW + ox holds, for
 * each tap (ky, kx) in row-major order, the `channels` bytes from channel
 * `first_channel` of input pixel (oy * stride_height + ky * dilation_height
 * - pad_top, ox * stride_width + kx * dilation_width - pad_left), or
 * `pad_value` bytes where that pixel is outside the input.
 */
void ck_im2col_channels_last(const uint8_t *input, size_t height, size_t width, size_t input_channels,
                             size_t first_channel, size_t channels, size_t kernel_height, size_t kernel_width,
                             size_t stride_height, size_t stride_width, size_t dilation_height,
                             size_t dilation_width, size_t pad_top, size_t pad_left, size_t output_height,
                             size_t output_width, size_t first_row, size_t rows, uint8_t pad_value,
                             uint8_t *matrix);

/*
 * Calibration statistics over float32 tensors (HistogramFill.c). isa is
 * CK_ISA_AVX512F, CK_ISA_AVX2 or CK_ISA_SCALAR; any other value, or one
 * this CPU does not support, runs the portable loop. Every path returns
 * the same bits.
 *
 * ck_f32_finite_extremes: stores the smallest and largest finite element of
 * values[0..<count] in *minimum and *maximum and returns how many elements
 * are finite (not NaN, not infinite). With no finite element it returns 0
 * and stores +inf and -inf. Of -0 and +0 the minimum is the first in
 * element order and the maximum the last, as a sequential Swift `min`/`max`
 * scan returns.
 *
 * ck_f32_histogram_fill: for every finite element v, in element order,
 * adds 1 to counts[clamp(floor((v - lower) / width), 0, bin_count - 1)]
 * (computed in double), v to *sum and v * v to *sum_of_squares. Non-finite
 * elements are skipped. bin_count < 1 does nothing.
 */
size_t ck_f32_finite_extremes(ck_isa isa, const float *values, size_t count, float *minimum, float *maximum);

void ck_f32_histogram_fill(ck_isa isa, const float *values, size_t count, double lower, double width,
                           int64_t *counts, int32_t bin_count, double *sum, double *sum_of_squares);

/*
 * Depthwise convolution of one channel plane (DepthwiseConvFloat.c), the
 * float engine's path for Conv with one input and one output channel per
 * group:
 *   output[oy][ox] = sum over ky < kernel_height, kx < kernel_width, in
 *                    that order from +0, of
 *                    weights[ky * kernel_width + kx]
 *                    * padded[(oy * stride_y + ky * dilation_y) * padded_width
 *                             + ox * stride_x + kx * dilation_x]
 * where padded is the input plane with its zero padding already in place.
 * isa CK_ISA_AVX512F or CK_ISA_AVX2_FMA fuses each multiply-add, as the
 * float GEMM tiles of that isa do; anything else multiplies and adds
 * separately, as the Swift GEMM kernel does. The result is bit-identical to
 * that GEMM on the im2col matrix when the kernel has at most 128 taps (one
 * depth block).
 */
void ck_f32_depthwise_plane(ck_isa isa, const float *padded, size_t padded_width, const float *weights,
                            size_t kernel_height, size_t kernel_width, size_t stride_y, size_t stride_x,
                            size_t dilation_y, size_t dilation_x, float *output, size_t output_height,
                            size_t output_width);

#endif

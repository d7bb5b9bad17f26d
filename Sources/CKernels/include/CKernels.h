#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * SIMD microkernels that Swift cannot express: an int8 matrix-multiply tile
 * for AVX-512 VNNI (vpdpbusd), for AVX2 (vpmovzxbw/vpmovsxbw + vpmaddwd) and
 * a portable scalar fallback, and a float tile for AVX-512 F and AVX2 with
 * FMA. Packing, zero-point algebra and threading live in Swift: the int8
 * GEMM in Sources/Quantization/Fast, the float GEMM in Sources/QuantCore/Gemm.
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

/*
 * Writes output[i * output_stride] = clamp(Z3 + M * (accumulators[i] + bias),
 * lower, upper) for i < count as bytes (int8 or uint8 bit patterns), with
 * M = m0 * 2^shift / 2^31 applied as a rounding doubling high multiply and
 * a rounding right shift; m0 must be 0 or in [2^30, 2^31), shift in -31...30,
 * and the zero-point and bounds in [-128, 255]. Bit-exact with the Swift
 * `outputStage` of the integer kernels.
 */
void ck_output_stage_row(const int32_t *accumulators, size_t count, int32_t bias, int32_t m0, int32_t shift,
                         int32_t output_zero_point, int32_t lower, int32_t upper,
                         void *output, ptrdiff_t output_stride);

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

#include "CKernels.h"

#include <string.h>

static void float_tile_portable(size_t depth, const float *a, size_t lda, const float *b_panel,
                                float *c, size_t ldc, size_t rows, size_t columns, int accumulate) {
    for (size_t row = 0; row < rows; row++) {
        for (size_t column = 0; column < columns; column++) {
            float sum = accumulate ? c[row * ldc + column] : 0.0f;
            for (size_t k = 0; k < depth; k++) {
                sum += a[row * lda + k] * b_panel[k * CK_FLOAT_PANEL_COLUMNS + column];
            }
            c[row * ldc + column] = sum;
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* Row pointers of a tile, with missing rows aliased to row 0 so the inner
 * loop needs no bounds checks; their results are never stored. */
#define CK_TILE_ROW_POINTERS(a, lda, rows)            \
    const float *a0 = (a);                            \
    const float *a1 = (rows) > 1 ? a0 + (lda) : a0;  \
    const float *a2 = (rows) > 2 ? a0 + 2 * (lda) : a0; \
    const float *a3 = (rows) > 3 ? a0 + 3 * (lda) : a0; \
    const float *a4 = (rows) > 4 ? a0 + 4 * (lda) : a0; \
    const float *a5 = (rows) > 5 ? a0 + 5 * (lda) : a0

/* AVX-512: 6 rows x 32 columns in 12 zmm accumulators; per depth 2 weight
 * loads, 6 broadcast loads, 12 FMAs. */
__attribute__((target("avx512f")))
static void float_tile_avx512(size_t depth, const float *a, size_t lda, const float *b_panel,
                              float *c, size_t ldc, size_t rows, size_t columns, int accumulate) {
    CK_TILE_ROW_POINTERS(a, lda, rows);
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    const float *b = b_panel;
    for (size_t k = 0; k < depth; k++) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = _mm512_loadu_ps(b + 16);
        __m512 broadcast = _mm512_set1_ps(a0[k]);
        c00 = _mm512_fmadd_ps(broadcast, b0, c00); c01 = _mm512_fmadd_ps(broadcast, b1, c01);
        broadcast = _mm512_set1_ps(a1[k]);
        c10 = _mm512_fmadd_ps(broadcast, b0, c10); c11 = _mm512_fmadd_ps(broadcast, b1, c11);
        broadcast = _mm512_set1_ps(a2[k]);
        c20 = _mm512_fmadd_ps(broadcast, b0, c20); c21 = _mm512_fmadd_ps(broadcast, b1, c21);
        broadcast = _mm512_set1_ps(a3[k]);
        c30 = _mm512_fmadd_ps(broadcast, b0, c30); c31 = _mm512_fmadd_ps(broadcast, b1, c31);
        broadcast = _mm512_set1_ps(a4[k]);
        c40 = _mm512_fmadd_ps(broadcast, b0, c40); c41 = _mm512_fmadd_ps(broadcast, b1, c41);
        broadcast = _mm512_set1_ps(a5[k]);
        c50 = _mm512_fmadd_ps(broadcast, b0, c50); c51 = _mm512_fmadd_ps(broadcast, b1, c51);
        b += CK_FLOAT_PANEL_COLUMNS;
    }

    const __m512 tile[CK_FLOAT_TILE_ROWS][2] = {
        { c00, c01 }, { c10, c11 }, { c20, c21 }, { c30, c31 }, { c40, c41 }, { c50, c51 },
    };
    for (size_t row = 0; row < rows; row++) {
        for (size_t half = 0; half < 2; half++) {
            const size_t start = half * 16;
            if (start >= columns) break;
            const size_t remaining = columns - start;
            const __mmask16 mask = remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
            float *target = c + row * ldc + start;
            __m512 values = tile[row][half];
            if (accumulate) values = _mm512_add_ps(values, _mm512_maskz_loadu_ps(mask, target));
            _mm512_mask_storeu_ps(target, mask, values);
        }
    }
}

/* AVX2 + FMA: the 32-column panel in two passes of 6 rows x 16 columns,
 * 12 ymm accumulators each. */
__attribute__((target("avx2,fma")))
static void float_tile_avx2(size_t depth, const float *a, size_t lda, const float *b_panel,
                            float *c, size_t ldc, size_t rows, size_t columns, int accumulate) {
    CK_TILE_ROW_POINTERS(a, lda, rows);
    for (size_t pass = 0; pass < 2; pass++) {
        const size_t first = pass * 16;
        if (first >= columns) break;
        __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
        __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
        __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
        __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
        __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
        __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
        const float *b = b_panel + first;
        for (size_t k = 0; k < depth; k++) {
            const __m256 b0 = _mm256_loadu_ps(b);
            const __m256 b1 = _mm256_loadu_ps(b + 8);
            __m256 broadcast = _mm256_broadcast_ss(a0 + k);
            c00 = _mm256_fmadd_ps(broadcast, b0, c00); c01 = _mm256_fmadd_ps(broadcast, b1, c01);
            broadcast = _mm256_broadcast_ss(a1 + k);
            c10 = _mm256_fmadd_ps(broadcast, b0, c10); c11 = _mm256_fmadd_ps(broadcast, b1, c11);
            broadcast = _mm256_broadcast_ss(a2 + k);
            c20 = _mm256_fmadd_ps(broadcast, b0, c20); c21 = _mm256_fmadd_ps(broadcast, b1, c21);
            broadcast = _mm256_broadcast_ss(a3 + k);
            c30 = _mm256_fmadd_ps(broadcast, b0, c30); c31 = _mm256_fmadd_ps(broadcast, b1, c31);
            broadcast = _mm256_broadcast_ss(a4 + k);
            c40 = _mm256_fmadd_ps(broadcast, b0, c40); c41 = _mm256_fmadd_ps(broadcast, b1, c41);
            broadcast = _mm256_broadcast_ss(a5 + k);
            c50 = _mm256_fmadd_ps(broadcast, b0, c50); c51 = _mm256_fmadd_ps(broadcast, b1, c51);
            b += CK_FLOAT_PANEL_COLUMNS;
        }

        const __m256 tile[CK_FLOAT_TILE_ROWS][2] = {
            { c00, c01 }, { c10, c11 }, { c20, c21 }, { c30, c31 }, { c40, c41 }, { c50, c51 },
        };
        const size_t count = columns - first < 16 ? columns - first : 16;
        for (size_t row = 0; row < rows; row++) {
            float values[16];
            _mm256_storeu_ps(values, tile[row][0]);
            _mm256_storeu_ps(values + 8, tile[row][1]);
            float *target = c + row * ldc + first;
            for (size_t column = 0; column < count; column++) {
                target[column] = accumulate ? target[column] + values[column] : values[column];
            }
        }
    }
}

void ck_f32_gemm_tile(ck_isa isa, size_t depth, const float *a, size_t lda,
                      const float *b_panel, float *c, size_t ldc,
                      size_t rows, size_t columns, int accumulate) {
    switch (isa) {
    case CK_ISA_AVX512F:
        float_tile_avx512(depth, a, lda, b_panel, c, ldc, rows, columns, accumulate);
        return;
    case CK_ISA_AVX2_FMA:
        float_tile_avx2(depth, a, lda, b_panel, c, ldc, rows, columns, accumulate);
        return;
    default:
        float_tile_portable(depth, a, lda, b_panel, c, ldc, rows, columns, accumulate);
        return;
    }
}

#else

void ck_f32_gemm_tile(ck_isa isa, size_t depth, const float *a, size_t lda,
                      const float *b_panel, float *c, size_t ldc,
                      size_t rows, size_t columns, int accumulate) {
    (void)isa;
    float_tile_portable(depth, a, lda, b_panel, c, ldc, rows, columns, accumulate);
}

#endif

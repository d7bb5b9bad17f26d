#include "CKernels.h"

#include <string.h>

/*
 * Why the activations are uint8: vpdpbusd multiplies an UNSIGNED byte by a
 * SIGNED byte, and the AVX2 widening path below assumes the same signs. The
 * TFLite scheme stores activations as int8, so the Swift driver adds 128
 * while packing (a' = a + 128, a bit flip of the sign bit) and folds the
 * compensation into the zero-point correction:
 *
 *   sum_k (a_k - Za) * (b_k - Zb) = sum_k (a'_k - Za') * (b_k - Zb),
 *   Za' = Za + 128,
 *
 * which expands to the terms the caller passes as offsets:
 *
 *   sum_k a'_k b_k  -  Zb * sum_k a'_k  -  Za' * sum_k b_k  +  K * Za' * Zb
 *   (this kernel)      (row_offsets)       (column_offsets, both last terms)
 *
 * Equivalently sum_k (a_k + 128) * b_k = sum_k a_k b_k + 128 * sum_k b_k:
 * the extra 128 * colsum(B) is removed by the Za' term. This is the x86 twin
 * of keeping ARM operands in a range where the fast instruction is exact.
 */

static inline int32_t load_group(const void *source) {
    int32_t value;
    memcpy(&value, source, sizeof value);
    return value;
}

/* Portable path: the same packed layouts, one multiply-add at a time. */
static void tile_scalar(size_t depth_groups, const uint8_t *a_panel, const int8_t *b_panel,
                        size_t vector_count, const int32_t *row_offsets,
                        const int32_t *column_offsets, int32_t *c, size_t ldc,
                        size_t rows, size_t columns) {
    const size_t panel_width = vector_count * CK_COLUMN_VECTOR;
    for (size_t row = 0; row < rows; row++) {
        for (size_t column = 0; column < columns; column++) {
            uint32_t sum = (uint32_t)row_offsets[row] + (uint32_t)column_offsets[column];
            for (size_t group = 0; group < depth_groups; group++) {
                const uint8_t *a = a_panel + (group * CK_TILE_ROWS + row) * CK_DEPTH_GROUP;
                const int8_t *b = b_panel + (group * panel_width + column) * CK_DEPTH_GROUP;
                for (size_t lane = 0; lane < CK_DEPTH_GROUP; lane++) {
                    /* Unsigned arithmetic wraps like the SIMD paths do. */
                    sum += (uint32_t)((int32_t)a[lane] * (int32_t)b[lane]);
                }
            }
            c[row * ldc + column] = (int32_t)sum;
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define CK_TARGET_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define CK_TARGET_AVX2 __attribute__((target("avx2")))
#define CK_INLINE static inline __attribute__((always_inline))

/*
 * AVX-512 VNNI: a 4 x (16 * vector_count) register tile. Each vpdpbusd adds,
 * per 32-bit lane, the four products of 4 uint8 activations (one row's depth
 * group, broadcast) and 4 int8 weights (one column's depth group). With
 * vector_count = 4 that is 16 accumulators, 4 weight loads and 4 broadcasts
 * per 16 vpdpbusd. The accumulate wraps modulo 2^32 (no saturation; the
 * saturating form is vpdpbusds).
 */
CK_TARGET_VNNI CK_INLINE void tile_vnni(size_t depth_groups, const uint8_t *a_panel,
                                        const int8_t *b_panel, const size_t vector_count,
                                        const int32_t *row_offsets,
                                        const int32_t *column_offsets, int32_t *c,
                                        size_t ldc, size_t rows, size_t columns) {
    __m512i acc[CK_TILE_ROWS][4];
    for (size_t vector = 0; vector < vector_count; vector++) {
        const __m512i column_offset = _mm512_loadu_si512(column_offsets + vector * CK_COLUMN_VECTOR);
        for (size_t row = 0; row < CK_TILE_ROWS; row++) {
            acc[row][vector] = _mm512_add_epi32(column_offset, _mm512_set1_epi32(row_offsets[row]));
        }
    }

    const size_t b_group_stride = vector_count * CK_COLUMN_VECTOR * CK_DEPTH_GROUP;
    const uint8_t *a = a_panel;
    const int8_t *b = b_panel;
    for (size_t group = 0; group < depth_groups; group++) {
        __m512i weights[4];
        for (size_t vector = 0; vector < vector_count; vector++) {
            weights[vector] = _mm512_loadu_si512(b + vector * CK_COLUMN_VECTOR * CK_DEPTH_GROUP);
        }
        _mm_prefetch((const char *)(b + 8 * b_group_stride), _MM_HINT_T0);
        for (size_t row = 0; row < CK_TILE_ROWS; row++) {
            const __m512i activations = _mm512_set1_epi32(load_group(a + row * CK_DEPTH_GROUP));
            for (size_t vector = 0; vector < vector_count; vector++) {
                acc[row][vector] = _mm512_dpbusd_epi32(acc[row][vector], activations, weights[vector]);
            }
        }
        a += CK_TILE_ROWS * CK_DEPTH_GROUP;
        b += b_group_stride;
    }

    for (size_t row = 0; row < rows; row++) {
        for (size_t vector = 0; vector < vector_count; vector++) {
            const size_t start = vector * CK_COLUMN_VECTOR;
            if (start >= columns) break;
            const size_t remaining = columns - start;
            const __mmask16 mask = remaining >= CK_COLUMN_VECTOR
                ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
            _mm512_mask_storeu_epi32(c + row * ldc + start, mask, acc[row][vector]);
        }
    }
}

CK_TARGET_VNNI static void tile_vnni_dispatch(size_t depth_groups, const uint8_t *a_panel,
                                              const int8_t *b_panel, size_t vector_count,
                                              const int32_t *row_offsets,
                                              const int32_t *column_offsets, int32_t *c,
                                              size_t ldc, size_t rows, size_t columns) {
    /* One copy per width, so each keeps its accumulators in registers. */
    switch (vector_count) {
    case 1: tile_vnni(depth_groups, a_panel, b_panel, 1, row_offsets, column_offsets, c, ldc, rows, columns); break;
    case 2: tile_vnni(depth_groups, a_panel, b_panel, 2, row_offsets, column_offsets, c, ldc, rows, columns); break;
    case 3: tile_vnni(depth_groups, a_panel, b_panel, 3, row_offsets, column_offsets, c, ldc, rows, columns); break;
    default: tile_vnni(depth_groups, a_panel, b_panel, 4, row_offsets, column_offsets, c, ldc, rows, columns); break;
    }
}

/*
 * AVX2 without VNNI. vpmaddubsw would multiply uint8 by int8 and add pairs
 * into int16 with saturation: 255 * 127 + 255 * 127 = 64770 does not fit in
 * int16, so it is not exact for the full operand range. Instead both operands
 * are widened to int16 (activations zero-extended, weights sign-extended) and
 * multiplied with vpmaddwd, which adds pairs into int32: a pair is at most
 * 2 * 255 * 128 = 65280 in magnitude, exact. Each 8-column chunk keeps two
 * int32 partial sums per column (depth lanes 0+1 and 2+3) until the end,
 * where vphaddd adds them and vpermq puts the columns back in order.
 */
CK_TARGET_AVX2 static void tile_avx2(size_t depth_groups, const uint8_t *a_panel,
                                     const int8_t *b_panel, size_t vector_count,
                                     const int32_t *row_offsets, const int32_t *column_offsets,
                                     int32_t *c, size_t ldc, size_t rows, size_t columns) {
    const size_t panel_width = vector_count * CK_COLUMN_VECTOR;
    const size_t b_group_stride = panel_width * CK_DEPTH_GROUP;

    for (size_t chunk = 0; chunk < panel_width; chunk += 8) {
        if (chunk >= columns) break;
        /* low: columns chunk+0...3, high: chunk+4...7; two lanes per column */
        __m256i low[CK_TILE_ROWS], high[CK_TILE_ROWS];
        for (size_t row = 0; row < CK_TILE_ROWS; row++) {
            low[row] = _mm256_setzero_si256();
            high[row] = _mm256_setzero_si256();
        }
        const uint8_t *a = a_panel;
        const int8_t *b = b_panel + chunk * CK_DEPTH_GROUP;
        for (size_t group = 0; group < depth_groups; group++) {
            const __m256i weights_low = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)b));
            const __m256i weights_high = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + 16)));
            for (size_t row = 0; row < CK_TILE_ROWS; row++) {
                const __m128i group_bytes = _mm_set1_epi32(load_group(a + row * CK_DEPTH_GROUP));
                const __m256i activations = _mm256_cvtepu8_epi16(group_bytes);
                low[row] = _mm256_add_epi32(low[row], _mm256_madd_epi16(activations, weights_low));
                high[row] = _mm256_add_epi32(high[row], _mm256_madd_epi16(activations, weights_high));
            }
            a += CK_TILE_ROWS * CK_DEPTH_GROUP;
            b += b_group_stride;
        }

        const __m256i column_offset = _mm256_loadu_si256((const __m256i *)(column_offsets + chunk));
        int32_t stored[8];
        for (size_t row = 0; row < rows; row++) {
            /* hadd gives columns 0 1 4 5 | 2 3 6 7; vpermq 0 2 1 3 restores 0...7 */
            const __m256i pairs = _mm256_hadd_epi32(low[row], high[row]);
            __m256i sums = _mm256_permute4x64_epi64(pairs, 0xD8);
            sums = _mm256_add_epi32(sums, column_offset);
            sums = _mm256_add_epi32(sums, _mm256_set1_epi32(row_offsets[row]));
            const size_t count = columns - chunk < 8 ? columns - chunk : 8;
            if (count == 8) {
                _mm256_storeu_si256((__m256i *)(c + row * ldc + chunk), sums);
            } else {
                _mm256_storeu_si256((__m256i *)stored, sums);
                memcpy(c + row * ldc + chunk, stored, count * sizeof(int32_t));
            }
        }
    }
}

int ck_isa_supported(ck_isa isa) {
    switch (isa) {
    case CK_ISA_SCALAR:
        return 1;
    case CK_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") ? 1 : 0;
    case CK_ISA_AVX512_VNNI:
        /* __builtin_cpu_supports also checks XCR0, that the OS saves zmm state. */
        __builtin_cpu_init();
        return (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                && __builtin_cpu_supports("avx512vnni")) ? 1 : 0;
    case CK_ISA_AVX2_FMA:
        __builtin_cpu_init();
        return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
    case CK_ISA_AVX512F:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") ? 1 : 0;
    }
    return 0;
}

void ck_u8s8_gemm_tile(ck_isa isa, size_t depth_groups,
                       const uint8_t *a_panel, const int8_t *b_panel, size_t vector_count,
                       const int32_t *row_offsets, const int32_t *column_offsets,
                       int32_t *c, size_t ldc, size_t rows, size_t columns) {
    static int supported[3] = { -1, -1, -1 };
    const int index = (int)isa;
    if (index < 0 || index > 2) {
        /* The float instruction sets have no int8 tile. */
        isa = CK_ISA_SCALAR;
    } else {
        /* A benign race: every thread computes the same value. */
        int known = __atomic_load_n(&supported[index], __ATOMIC_RELAXED);
        if (known < 0) {
            known = ck_isa_supported(isa);
            __atomic_store_n(&supported[index], known, __ATOMIC_RELAXED);
        }
        if (!known) isa = CK_ISA_SCALAR;
    }

    switch (isa) {
    case CK_ISA_AVX512_VNNI:
        tile_vnni_dispatch(depth_groups, a_panel, b_panel, vector_count, row_offsets,
                           column_offsets, c, ldc, rows, columns);
        return;
    case CK_ISA_AVX2:
        tile_avx2(depth_groups, a_panel, b_panel, vector_count, row_offsets,
                  column_offsets, c, ldc, rows, columns);
        return;
    default:
        tile_scalar(depth_groups, a_panel, b_panel, vector_count, row_offsets,
                    column_offsets, c, ldc, rows, columns);
        return;
    }
}

#else

int ck_isa_supported(ck_isa isa) {
    return isa == CK_ISA_SCALAR ? 1 : 0;
}

void ck_u8s8_gemm_tile(ck_isa isa, size_t depth_groups,
                       const uint8_t *a_panel, const int8_t *b_panel, size_t vector_count,
                       const int32_t *row_offsets, const int32_t *column_offsets,
                       int32_t *c, size_t ldc, size_t rows, size_t columns) {
    (void)isa;
    tile_scalar(depth_groups, a_panel, b_panel, vector_count, row_offsets,
                column_offsets, c, ldc, rows, columns);
}

#endif

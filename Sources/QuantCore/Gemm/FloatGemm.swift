import CKernels
import Dispatch
import Foundation

/// Single-precision matrix multiply `C[M][N] = sum_k A[M][K] * B[K][N]` with
/// B packed once (`PackedFloatWeights`), for the float engine's Conv (after
/// im2col), Gemm and MatMul, and the float side of `GemmBenchmark`.
///
/// Blocking: the depth is cut into blocks of `depthBlock` so that one packed
/// B panel slice (`depthBlock x panelWidth` floats, 16 KiB) stays in L1 while
/// `rowBlock` rows of A stay in L2; register tiles are `tileRows` rows high.
/// Rows are split across threads with `DispatchQueue.concurrentPerform` when
/// the product is large enough to pay for the fork.
///
/// NOTE: Swift compiles for the baseline x86-64 target (SSE2, no FMA), so the
/// Swift kernel issues separate 4-wide multiplies and adds. It measured about
/// 30 GFLOP/s of thread CPU time on one Zen 4 core at M = N = K = 2048 (Dec
/// 2026), a quarter of that core's AVX-512 FMA peak. x86 machines therefore
/// use the C tiles in CKernels, and the Swift kernel is the portable path.
public enum FloatGemm {
    /// Columns per packed B panel.
    public static let panelWidth = Int(CK_FLOAT_PANEL_COLUMNS)
    static let tileRows = Int(CK_FLOAT_TILE_ROWS)
    /// Columns per Swift register tile.
    static let swiftTileWidth = 8
    static let depthBlock = 128
    static let rowBlock = 72
    /// Products with fewer multiply-adds than this run on the calling thread.
    static let parallelWorkThreshold = 1 << 21

    /// Computes `C = A * B` into `c` (`rowCount x weights.columnCount`,
    /// row-major) from `a` (`rowCount x weights.depth`, row-major), on up to
    /// `threadCount` threads with `instructionSet`.
    public static func multiply(_ a: UnsafeBufferPointer<Float>, rowCount: Int,
                                weights: PackedFloatWeights,
                                into c: UnsafeMutableBufferPointer<Float>,
                                threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                                instructionSet: FloatGemmInstructionSet = .fastest) throws {
        let depth = weights.depth
        let columnCount = weights.columnCount
        guard rowCount >= 0 else { throw GemmError.invalidDimension(name: "M (rows)", value: rowCount, minimum: 0) }
        guard a.count == rowCount * depth else {
            throw GemmError.bufferSizeMismatch(operand: "A", expected: rowCount * depth, actual: a.count)
        }
        guard c.count == rowCount * columnCount else {
            throw GemmError.bufferSizeMismatch(operand: "C", expected: rowCount * columnCount, actual: c.count)
        }
        guard threadCount >= 1 else { throw GemmError.invalidDimension(name: "thread count", value: threadCount, minimum: 1) }
        guard FloatGemmInstructionSet.available.contains(instructionSet) else {
            throw GemmError.unavailableInstructionSet(requested: instructionSet.rawValue,
                                                      available: FloatGemmInstructionSet.available.map(\.rawValue))
        }
        guard rowCount > 0, let aBase = a.baseAddress, let cBase = c.baseAddress else { return }

        let tileCount = (rowCount + tileRows - 1) / tileRows
        let work = rowCount * columnCount * depth
        let threads = work < parallelWorkThreshold ? 1 : max(1, min(threadCount, tileCount))
        weights.packed.withUnsafeBufferPointer { packed in
            let bBase = packed.baseAddress!
            if threads == 1 {
                multiplyRows(0..<rowCount, a: aBase, b: bBase, c: cBase, weights: weights,
                             instructionSet: instructionSet)
                return
            }
            let shared = UncheckedSendable((a: aBase, b: bBase, c: cBase))
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                let (aBase, bBase, cBase) = shared.value
                let firstTile = tileCount * thread / threads
                let endTile = tileCount * (thread + 1) / threads
                let rows = (firstTile * tileRows)..<min(endTile * tileRows, rowCount)
                if !rows.isEmpty {
                    multiplyRows(rows, a: aBase, b: bBase, c: cBase, weights: weights,
                                 instructionSet: instructionSet)
                }
            }
        }
    }

    /// Returns `A * B` for row-major `a` (`rowCount x weights.depth`).
    public static func multiply(_ a: [Float], rowCount: Int, weights: PackedFloatWeights,
                                threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                                instructionSet: FloatGemmInstructionSet = .fastest) throws -> [Float] {
        var c = [Float](repeating: 0, count: max(0, rowCount) * weights.columnCount)
        try a.withUnsafeBufferPointer { aBuffer in
            try c.withUnsafeMutableBufferPointer { cBuffer in
                try multiply(aBuffer, rowCount: rowCount, weights: weights, into: cBuffer, threadCount: threadCount,
                             instructionSet: instructionSet)
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

    /// Computes the rows `rows` of C, depth block by depth block, with the
    /// C tile of `instructionSet` reading A in place.
    private static func multiplyRows(_ rows: Range<Int>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                     c: UnsafeMutablePointer<Float>, weights: PackedFloatWeights,
                                     instructionSet: FloatGemmInstructionSet) {
        guard let kernelISA = instructionSet.kernelISA else {
            return multiplyRowsInSwift(rows, a: a, b: b, c: c, weights: weights)
        }
        let depth = weights.depth
        let columnCount = weights.columnCount
        forEachBlock(rows: rows, depth: depth) { depthStart, depthCount, blockStart, blockEnd in
            for panel in 0..<weights.panelCount {
                let column = panel * panelWidth
                let bPanel = b + (panel * depth + depthStart) * panelWidth
                var row = blockStart
                while row < blockEnd {
                    let tileRowCount = min(tileRows, blockEnd - row)
                    ck_f32_gemm_tile(kernelISA, depthCount, a + row * depth + depthStart, depth, bPanel,
                                     c + row * columnCount + column, columnCount, tileRowCount,
                                     min(panelWidth, columnCount - column), depthStart > 0 ? 1 : 0)
                    row += tileRowCount
                }
            }
        }
    }

    /// Calls `body(depthStart, depthCount, blockStart, blockEnd)` for every
    /// `depthBlock`-deep slice of every `rowBlock`-row block of `rows`, depth
    /// slices outermost, so each slice finishes before the next adds to C.
    @inline(__always)
    private static func forEachBlock(rows: Range<Int>, depth: Int, _ body: (Int, Int, Int, Int) -> Void) {
        var depthStart = 0
        while depthStart < depth {
            let depthCount = min(depthBlock, depth - depthStart)
            var blockStart = rows.lowerBound
            while blockStart < rows.upperBound {
                let blockEnd = min(blockStart + rowBlock, rows.upperBound)
                body(depthStart, depthCount, blockStart, blockEnd)
                blockStart = blockEnd
            }
            depthStart += depthCount
        }
    }

    /// Computes the rows `rows` of C with the Swift kernel. Each block of A is first packed into
    /// `tileRows`-row tiles with every value repeated in all four lanes
    /// (`a[tile][k][row] x 4`), so the inner loop loads its broadcasts instead
    /// of shuffling (SSE2 has no broadcast load). The packing buffer is
    /// allocated once per call and thread.
    private static func multiplyRowsInSwift(_ rows: Range<Int>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                            c: UnsafeMutablePointer<Float>, weights: PackedFloatWeights) {
        let depth = weights.depth
        let columnCount = weights.columnCount
        let tilesPerBlock = (rowBlock + tileRows - 1) / tileRows
        let packedCount = tilesPerBlock * min(depthBlock, depth) * tileRows
        let packedA = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: packedCount)
        defer { packedA.deallocate() }

        forEachBlock(rows: rows, depth: depth) { depthStart, depthCount, blockStart, blockEnd in
            let tiles = (blockEnd - blockStart + tileRows - 1) / tileRows
            for tile in 0..<tiles {
                for rowInTile in 0..<tileRows {
                    let row = blockStart + tile * tileRows + rowInTile
                    let target = packedA + tile * depthCount * tileRows + rowInTile
                    if row < blockEnd {
                        let source = a + row * depth + depthStart
                        for k in 0..<depthCount {
                            target[k * tileRows] = SIMD4(repeating: source[k])
                        }
                    } else {
                        for k in 0..<depthCount {
                            target[k * tileRows] = SIMD4()
                        }
                    }
                }
            }

            for panel in 0..<weights.panelCount {
                let panelStart = panel * panelWidth
                let panelB = b + (panel * depth + depthStart) * panelWidth
                var column = panelStart
                while column < min(panelStart + panelWidth, columnCount) {
                    let columns = min(swiftTileWidth, columnCount - column)
                    for tile in 0..<tiles {
                        let row = blockStart + tile * tileRows
                        multiplyTile(packedA: packedA + tile * depthCount * tileRows,
                                     rows: min(tileRows, blockEnd - row),
                                     b: panelB + (column - panelStart), depthCount: depthCount,
                                     c: c + row * columnCount + column, ldc: columnCount, columns: columns,
                                     accumulate: depthStart > 0)
                    }
                    column += swiftTileWidth
                }
            }
        }
    }

    /// Computes one `rows x columns` tile (at most 6 x 8) over `depthCount`
    /// depths from a packed A tile and 8 columns of a B panel, adding to C
    /// when `accumulate` is set.
    /// Twelve 4-wide accumulators (6 rows x 2 halves) fill the 16 SSE
    /// registers with the two B halves and one A broadcast.
    @inline(__always)
    private static func multiplyTile(packedA: UnsafePointer<SIMD4<Float>>, rows: Int,
                                     b: UnsafePointer<Float>, depthCount: Int,
                                     c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int,
                                     accumulate: Bool) {
        var c0l = SIMD4<Float>(), c0h = SIMD4<Float>(), c1l = SIMD4<Float>(), c1h = SIMD4<Float>()
        var c2l = SIMD4<Float>(), c2h = SIMD4<Float>(), c3l = SIMD4<Float>(), c3h = SIMD4<Float>()
        var c4l = SIMD4<Float>(), c4h = SIMD4<Float>(), c5l = SIMD4<Float>(), c5h = SIMD4<Float>()
        let bRaw = UnsafeRawPointer(b)
        var aTile = packedA
        for k in 0..<depthCount {
            let offset = k * panelWidth * MemoryLayout<Float>.stride
            let low = bRaw.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            let high = bRaw.loadUnaligned(fromByteOffset: offset + 16, as: SIMD4<Float>.self)
            c0l += aTile[0] * low
            c0h += aTile[0] * high
            c1l += aTile[1] * low
            c1h += aTile[1] * high
            c2l += aTile[2] * low
            c2h += aTile[2] * high
            c3l += aTile[3] * low
            c3h += aTile[3] * high
            c4l += aTile[4] * low
            c4h += aTile[4] * high
            c5l += aTile[5] * low
            c5h += aTile[5] * high
            aTile += tileRows
        }
        storeRow(SIMD8(lowHalf: c0l, highHalf: c0h), into: c, columns: columns, accumulate: accumulate)
        if rows > 1 { storeRow(SIMD8(lowHalf: c1l, highHalf: c1h), into: c + ldc, columns: columns, accumulate: accumulate) }
        if rows > 2 { storeRow(SIMD8(lowHalf: c2l, highHalf: c2h), into: c + 2 * ldc, columns: columns, accumulate: accumulate) }
        if rows > 3 { storeRow(SIMD8(lowHalf: c3l, highHalf: c3h), into: c + 3 * ldc, columns: columns, accumulate: accumulate) }
        if rows > 4 { storeRow(SIMD8(lowHalf: c4l, highHalf: c4h), into: c + 4 * ldc, columns: columns, accumulate: accumulate) }
        if rows > 5 { storeRow(SIMD8(lowHalf: c5l, highHalf: c5h), into: c + 5 * ldc, columns: columns, accumulate: accumulate) }
    }

    @inline(__always)
    private static func storeRow(_ values: SIMD8<Float>, into target: UnsafeMutablePointer<Float>,
                                 columns: Int, accumulate: Bool) {
        if columns == swiftTileWidth {
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

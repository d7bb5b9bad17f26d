import CKernels

/// The per-thread part of `Int8Gemm.multiply`: packs blocks of activation
/// rows into the workspace and runs the microkernel over every weight panel.
struct RowJob {
    let activations: UnsafeRawPointer
    let accumulators: UnsafeMutablePointer<Int32>
    let depth: Int
    let columnCount: Int
    let depthGroups: Int
    /// 0x80808080 for int8 activations (adds 128 to each byte), else 0.
    let activationMask: UInt32
    let activationOffset: Int32
    let weightZeroPoint: Int32
    let columnOffsets: UnsafeMutablePointer<Int32>
    let rowBlock: Int
    let kernelISA: ck_isa

    /// Computes the rows `rows` of C, one cache-sized block of rows at a time.
    func multiplyRows(
        _ rows: Range<Int>, weights: PackedInt8Weights, packedWeights: UnsafePointer<Int8>,
        packedActivations: UnsafeMutableRawPointer, rowOffsets: UnsafeMutablePointer<Int32>
    ) {
        let tileRows = Int(CK_TILE_ROWS)
        let group = Int(CK_DEPTH_GROUP)
        let tileBytes = depthGroups * tileRows * group
        let panelColumns = PackedInt8Weights.panelColumns
        let columnVector = PackedInt8Weights.columnVector
        let paddedColumns = weights.paddedColumnCount
        let packedBytes = packedActivations.assumingMemoryBound(to: UInt8.self)

        var blockStart = rows.lowerBound
        while blockStart < rows.upperBound {
            let blockRows = min(rowBlock, rows.upperBound - blockStart)
            packBlock(firstRow: blockStart, rowCount: blockRows, into: packedActivations,
                      rowOffsets: rowOffsets)
            let tiles = (blockRows + tileRows - 1) / tileRows

            for panel in 0..<weights.panelCount {
                let panelStart = panel * panelColumns
                let vectors = min(panelColumns, paddedColumns - panelStart) / columnVector
                let columns = min(panelColumns, columnCount - panelStart)
                let panelWeights = packedWeights + panelStart * depthGroups * group
                for tile in 0..<tiles {
                    let firstRow = blockStart + tile * tileRows
                    ck_u8s8_gemm_tile(kernelISA, depthGroups, packedBytes + tile * tileBytes, panelWeights,
                                      vectors, rowOffsets + tile * tileRows, columnOffsets + panelStart,
                                      accumulators + firstRow * columnCount + panelStart, columnCount,
                                      min(tileRows, blockRows - tile * tileRows), columns)
                }
            }
            blockStart += blockRows
        }
    }

    /// Returns `rowsum(a') = rowsum(a) + K * offset` of the row at `source`,
    /// summing the stored bytes as their own type so the loop vectorizes.
    /// The result wraps like every other term, and is exact anyway:
    /// `255 * K` fits in int32 for every depth that passes the headroom check.
    @inline(__always)
    private func unsignedRowSum(_ source: UnsafeRawPointer) -> Int32 {
        var sum: Int32 = 0
        if activationOffset == 0 {
            let values = source.assumingMemoryBound(to: UInt8.self)
            for k in 0..<depth { sum &+= Int32(values[k]) }
        } else {
            let values = source.assumingMemoryBound(to: Int8.self)
            for k in 0..<depth { sum &+= Int32(values[k]) }
        }
        return sum &+ Int32(truncatingIfNeeded: depth) &* activationOffset
    }

    /// Packs `rowCount` activation rows into 4-row tiles, `a'[tile][group][row][4]`
    /// with `a' = a + offset` and zeros for padding, and stores each row's
    /// offset `-Zb' * rowsum(a')`.
    private func packBlock(
        firstRow: Int, rowCount: Int, into packed: UnsafeMutableRawPointer,
        rowOffsets: UnsafeMutablePointer<Int32>
    ) {
        let tileRows = Int(CK_TILE_ROWS)
        let group = Int(CK_DEPTH_GROUP)
        let fullGroups = depth / group
        let tailDepth = depth - fullGroups * group
        let tiles = (rowCount + tileRows - 1) / tileRows
        let groupStride = tileRows * group
        let tileBytes = depthGroups * groupStride

        for paddedRow in 0..<(tiles * tileRows) {
            let tile = paddedRow / tileRows
            let rowInTile = paddedRow % tileRows
            let target = packed + tile * tileBytes + rowInTile * group
            guard paddedRow < rowCount else {
                for groupIndex in 0..<depthGroups {
                    target.storeBytes(of: 0, toByteOffset: groupIndex * groupStride, as: UInt32.self)
                }
                rowOffsets[paddedRow] = 0
                continue
            }

            let source = activations + (firstRow + paddedRow) * depth
            for groupIndex in 0..<fullGroups {
                let word = source.loadUnaligned(fromByteOffset: groupIndex * group, as: UInt32.self)
                target.storeBytes(of: word ^ activationMask, toByteOffset: groupIndex * groupStride, as: UInt32.self)
            }
            if tailDepth > 0 {
                var word: UInt32 = 0
                for lane in 0..<tailDepth {
                    let byte = UInt32(source.load(fromByteOffset: fullGroups * group + lane, as: UInt8.self))
                    word |= (byte ^ (activationMask & 0xFF)) << (8 * lane)
                }
                target.storeBytes(of: word, toByteOffset: fullGroups * groupStride, as: UInt32.self)
            }

            rowOffsets[paddedRow] = 0 &- weightZeroPoint &* unsignedRowSum(source)
        }
    }
}

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

    /// Packs `rowCount` activation rows into 4-row tiles, `a'[tile][group][row][4]`
    /// with `a' = a + offset` and zeros for padding (`ck_pack_activation_tile`),
    /// and stores each row's offset `-Zb' * rowsum(a')`. The sums wrap like
    /// every other term, and are exact anyway: `255 * K` fits in int32 for
    /// every depth that passes the headroom check.
    private func packBlock(
        firstRow: Int, rowCount: Int, into packed: UnsafeMutableRawPointer,
        rowOffsets: UnsafeMutablePointer<Int32>
    ) {
        let tileRows = Int(CK_TILE_ROWS)
        let tileBytes = depthGroups * tileRows * Int(CK_DEPTH_GROUP)
        let tiles = (rowCount + tileRows - 1) / tileRows
        let flip = UInt8(truncatingIfNeeded: activationMask)
        let source = activations.assumingMemoryBound(to: UInt8.self) + firstRow * depth
        let bytes = packed.assumingMemoryBound(to: UInt8.self)
        for tile in 0..<tiles {
            let sums = rowOffsets + tile * tileRows
            ck_pack_activation_tile(source + tile * tileRows * depth, depth,
                                    min(tileRows, rowCount - tile * tileRows), depth, flip,
                                    bytes + tile * tileBytes, sums)
            for row in 0..<tileRows { sums[row] = 0 &- weightZeroPoint &* sums[row] }
        }
    }
}


/// The `K x N` matrix B of `C = A * B` (Float), packed once so that
/// `FloatGemm` reads it contiguously: panels of `FloatGemm.panelWidth`
/// columns, each panel stored depth by depth, `b[panel][k][column]`. The last
/// panel is padded with zero columns.
public struct PackedFloatWeights: Sendable {
    /// K, the reduction depth.
    public let depth: Int
    /// N, the number of output columns.
    public let columnCount: Int
    /// `panelCount * depth * FloatGemm.panelWidth` values.
    var packed: [Float]

    var panelCount: Int { (columnCount + FloatGemm.panelWidth - 1) / FloatGemm.panelWidth }

    /// Packs `weights`, a `depth x columnCount` matrix stored in `layout`.
    public init(_ weights: [Float], depth: Int, columnCount: Int, layout: GemmWeightLayout) throws {
        guard depth >= 1 else { throw GemmError.invalidDimension(name: "K (depth)", value: depth, minimum: 1) }
        guard columnCount >= 1 else { throw GemmError.invalidDimension(name: "N (columns)", value: columnCount, minimum: 1) }
        guard weights.count == depth * columnCount else {
            throw GemmError.bufferSizeMismatch(operand: "weights", expected: depth * columnCount, actual: weights.count)
        }
        self.depth = depth
        self.columnCount = columnCount

        let panels = (columnCount + FloatGemm.panelWidth - 1) / FloatGemm.panelWidth
        var packed = [Float](repeating: 0, count: panels * depth * FloatGemm.panelWidth)
        weights.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBufferPointer { target in
                switch layout {
                case .rowMajor:
                    for k in 0..<depth {
                        Self.packRow(k, from: source.baseAddress! + k * columnCount, depth: depth,
                                     columnCount: columnCount, into: target.baseAddress!)
                    }
                case .columnMajor:
                    Self.packColumns(source.baseAddress!, depth: depth, columnCount: columnCount,
                                     into: target.baseAddress!)
                }
            }
        }
        self.packed = packed
    }

    /// Packs a column-major B (`columnCount` contiguous columns of `depth`
    /// values) by transposing `depthBlock x panelWidth` blocks, so that both
    /// the column reads and the panel writes stay within a few cache lines.
    private static func packColumns(_ source: UnsafePointer<Float>, depth: Int, columnCount: Int,
                                    into packed: UnsafeMutablePointer<Float>) {
        let width = FloatGemm.panelWidth
        let depthBlock = 16
        var panelStart = 0
        while panelStart < columnCount {
            let lanes = min(width, columnCount - panelStart)
            let panel = packed + panelStart * depth
            var blockStart = 0
            while blockStart < depth {
                let blockEnd = min(blockStart + depthBlock, depth)
                for lane in 0..<lanes {
                    let column = source + (panelStart + lane) * depth
                    for k in blockStart..<blockEnd {
                        panel[k * width + lane] = column[k]
                    }
                }
                blockStart = blockEnd
            }
            panelStart += width
        }
    }

    /// Creates an all-zero packed matrix whose rows the caller fills with
    /// `packRow`: the per-call right-hand operand of a convolution, where B
    /// is the im2col matrix of one image and group.
    init(zeroedDepth depth: Int, columnCount: Int) {
        self.depth = depth
        self.columnCount = columnCount
        let panels = (columnCount + FloatGemm.panelWidth - 1) / FloatGemm.panelWidth
        packed = [Float](repeating: 0, count: panels * depth * FloatGemm.panelWidth)
    }

    /// Copies row `k` of B (`columnCount` contiguous values at `source`) into
    /// the panels at `packed`, `panelWidth` values per panel.
    static func packRow(_ k: Int, from source: UnsafePointer<Float>, depth: Int, columnCount: Int,
                        into packed: UnsafeMutablePointer<Float>) {
        let width = FloatGemm.panelWidth
        var column = 0
        var target = packed + k * width
        while column < columnCount {
            target.update(from: source + column, count: min(width, columnCount - column))
            column += width
            target += depth * width
        }
    }
}

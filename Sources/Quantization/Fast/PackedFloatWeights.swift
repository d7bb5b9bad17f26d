import QuantCore

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
    let packed: [Float]

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

        let width = FloatGemm.panelWidth
        let panels = (columnCount + width - 1) / width
        var packed = [Float](repeating: 0, count: panels * depth * width)
        for panel in 0..<panels {
            for k in 0..<depth {
                for lane in 0..<width {
                    let n = panel * width + lane
                    guard n < columnCount else { break }
                    packed[(panel * depth + k) * width + lane] =
                        weights[layout.index(k: k, n: n, depth: depth, columnCount: columnCount)]
                }
            }
        }
        self.packed = packed
    }
}

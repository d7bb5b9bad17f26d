import CKernels
import QuantCore

/// The `K x N` weight matrix B of an integer layer, packed once for the
/// `Int8Gemm` microkernels, with the per-column sums its zero-point
/// correction needs.
///
/// Weights of either 8-bit type are stored as int8 `b' = b + offset - 128`
/// (`Int8GemmElement`), with zero-point `Zb' = Zb + offset - 128`, so that
/// `b' - Zb' = b - Zb`. The layout is panels of up to 64 columns, the last
/// one rounded up to a multiple of 16. Inside a panel, each group of 4
/// depths stores each column's 4 weights side by side (`b'[group][column][4]`).
/// Padding depths and columns hold 0, which adds nothing to any sum.
public struct PackedInt8Weights: Sendable {
    /// K, the reduction depth.
    public let depth: Int
    /// N, the number of output columns (output channels).
    public let columnCount: Int
    /// Zb, in the element type the weights were given in.
    public let zeroPoint: Int32
    /// Zb', the zero-point of the stored int8 weights.
    let storedZeroPoint: Int32
    /// `max_k,n |b - Zb|`, which bounds the accumulator growth per depth.
    let maximumWeightMagnitude: Int32
    let packed: [Int8]
    /// `sum_k b'[k][n]` for every column, zero for padding columns.
    let columnSums: [Int32]

    static let panelColumns = Int(CK_PANEL_COLUMNS)
    static let columnVector = Int(CK_COLUMN_VECTOR)
    static let depthGroup = Int(CK_DEPTH_GROUP)

    /// Depth rounded up to whole 4-deep groups.
    var depthGroups: Int { (depth + Self.depthGroup - 1) / Self.depthGroup }
    /// Columns rounded up to whole 16-column vectors.
    var paddedColumnCount: Int { (columnCount + Self.columnVector - 1) / Self.columnVector * Self.columnVector }
    var panelCount: Int { (columnCount + Self.panelColumns - 1) / Self.panelColumns }

    /// Packs `weights`, a `depth x columnCount` matrix stored in `layout`
    /// with zero-point `zeroPoint` (0 for TFLite's symmetric int8 weights).
    @_specialize(where Element == Int8)
    @_specialize(where Element == UInt8)
    public init<Element: Int8GemmElement>(_ weights: [Element], depth: Int, columnCount: Int,
                                          layout: GemmWeightLayout, zeroPoint: Int32) throws {
        try Int8Gemm.validateDimension("K (depth)", depth, minimum: 1)
        try Int8Gemm.validateDimension("N (columns)", columnCount, minimum: 1)
        guard weights.count == depth * columnCount else {
            throw GemmError.bufferSizeMismatch(operand: "weights", expected: depth * columnCount, actual: weights.count)
        }
        try Int8Gemm.validateZeroPoint(zeroPoint, of: Element.self, operand: "weights")

        self.depth = depth
        self.columnCount = columnCount
        self.zeroPoint = zeroPoint
        self.storedZeroPoint = zeroPoint + Element.unsignedOffset - 128

        let groups = (depth + Self.depthGroup - 1) / Self.depthGroup
        let paddedColumns = (columnCount + Self.columnVector - 1) / Self.columnVector * Self.columnVector
        var packed = [Int8](repeating: 0, count: groups * Self.depthGroup * paddedColumns)
        var columnSums = [Int32](repeating: 0, count: paddedColumns)
        var maximumMagnitude: Int32 = 0
        for n in 0..<columnCount {
            let panel = n / Self.panelColumns
            let panelStart = panel * Self.panelColumns
            let panelWidth = min(Self.panelColumns, paddedColumns - panelStart)
            let panelOffset = panelStart * groups * Self.depthGroup
            var sum: Int32 = 0
            for k in 0..<depth {
                let value = weights[layout.index(k: k, n: n, depth: depth, columnCount: columnCount)]
                let stored = value.signedByte
                let group = k / Self.depthGroup
                let lane = k % Self.depthGroup
                packed[panelOffset + (group * panelWidth + n - panelStart) * Self.depthGroup + lane] = stored
                sum &+= Int32(stored)
                maximumMagnitude = max(maximumMagnitude, abs(Int32(value) - zeroPoint))
            }
            columnSums[n] = sum
        }
        self.packed = packed
        self.columnSums = columnSums
        self.maximumWeightMagnitude = maximumMagnitude
    }
}

import CKernels
import Dispatch
import QuantCore

/// Integer matrix multiply with zero-points, the core of int8 convolution
/// (after im2col) and fully connected layers:
///
///     C[i][j] = sum_k (A[i][k] - Za) * (B[k][j] - Zb)
///             = K*Za*Zb - Za*colsum_j(B) - Zb*rowsum_i(A) + sum_k A[i][k]*B[k][j]
///
/// with A (`M x K`, row-major, uint8 or int8 activations), B packed once as
/// `PackedInt8Weights`, and C the `M x N` int32 accumulators a layer's output
/// stage then adds its bias to and requantizes.
///
/// The microkernel receives unsigned activations `A' = A + offset` and signed
/// weights `B' = B + offset - 128` (`Int8GemmElement`) with shifted
/// zero-points, so that `A' - Za' = A - Za` and `B' - Zb' = B - Zb`. The two
/// correction terms are passed to it as per-row and per-column offsets that
/// initialize the accumulators:
///
///     rowOffset_i    = -Zb' * rowsum_i(A')
///     columnOffset_j = K*Za'*Zb' - Za'*colsum_j(B')
///
/// All of it runs in wrapping int32 arithmetic, so C is exact whenever the
/// true value fits in int32, which `maximumDepth` guarantees.
public enum Int8Gemm {
    /// Products with fewer multiply-adds than this run on the calling thread.
    static let parallelWorkThreshold = 1 << 22

    /// Computes C into `accumulators` (`rowCount x weights.columnCount`,
    /// row-major) for `activations` (`rowCount x weights.depth`, row-major)
    /// with zero-point `zeroPoint`, on the workspace's instruction set and
    /// threads.
    @_specialize(where Element == Int8)
    @_specialize(where Element == UInt8)
    public static func multiply<Element: Int8GemmElement>(
        _ activations: UnsafeBufferPointer<Element>, rowCount: Int, zeroPoint: Int32,
        weights: PackedInt8Weights, into accumulators: UnsafeMutableBufferPointer<Int32>,
        workspace: Int8GemmWorkspace
    ) throws {
        let depth = weights.depth
        let columnCount = weights.columnCount
        try validateDimension("M (rows)", rowCount, minimum: 0)
        try validateZeroPoint(zeroPoint, of: Element.self, operand: "activations")
        guard activations.count == rowCount * depth else {
            throw GemmError.bufferSizeMismatch(operand: "activations", expected: rowCount * depth,
                                               actual: activations.count)
        }
        guard accumulators.count == rowCount * columnCount else {
            throw GemmError.bufferSizeMismatch(operand: "accumulators", expected: rowCount * columnCount,
                                               actual: accumulators.count)
        }
        let limit = maximumDepth(activationMagnitude: maximumMagnitude(of: Element.self, zeroPoint: zeroPoint),
                                 weightMagnitude: weights.maximumWeightMagnitude)
        guard depth <= limit else {
            throw GemmError.depthExceedsAccumulatorHeadroom(depth: depth, maximumDepth: limit)
        }
        guard rowCount > 0, let aBase = activations.baseAddress, let cBase = accumulators.baseAddress else { return }

        let groups = weights.depthGroups
        workspace.reserve(depthGroups: groups, paddedColumns: weights.paddedColumnCount)
        let activationZeroPoint = zeroPoint + Element.unsignedOffset
        let weightZeroPoint = weights.storedZeroPoint
        let columnOffsets = workspace.columnOffsets!
        let constantTerm = Int32(truncatingIfNeeded: depth) &* activationZeroPoint &* weightZeroPoint
        for (column, sum) in weights.columnSums.enumerated() {
            columnOffsets[column] = constantTerm &- activationZeroPoint &* sum
        }

        let tileRows = Int(CK_TILE_ROWS)
        let tileCount = (rowCount + tileRows - 1) / tileRows
        let work = rowCount * columnCount * depth
        let threads = work < parallelWorkThreshold ? 1 : min(workspace.threadCount, tileCount)
        let job = RowJob(activations: UnsafeRawPointer(aBase), accumulators: cBase, depth: depth,
                         columnCount: columnCount, depthGroups: groups,
                         activationMask: Element.unsignedOffset == 0 ? 0 : 0x8080_8080,
                         weightZeroPoint: weightZeroPoint,
                         columnOffsets: columnOffsets, rowBlock: workspace.rowBlock,
                         kernelISA: workspace.instructionSet.kernelISA)
        weights.packed.withUnsafeBufferPointer { packed in
            let shared = UncheckedSendable((job: job, weights: packed.baseAddress!,
                                            packedActivations: workspace.packedActivations!,
                                            packedStride: workspace.packedActivationStride,
                                            rowOffsets: workspace.rowOffsets!,
                                            rowOffsetStride: workspace.rowOffsetStride))
            let runThread: @Sendable (Int) -> Void = { thread in
                let context = shared.value
                let firstTile = tileCount * thread / threads
                let endTile = tileCount * (thread + 1) / threads
                let rows = (firstTile * tileRows)..<min(endTile * tileRows, rowCount)
                guard !rows.isEmpty else { return }
                context.job.multiplyRows(rows, weights: weights, packedWeights: context.weights,
                                         packedActivations: context.packedActivations + thread * context.packedStride,
                                         rowOffsets: context.rowOffsets + thread * context.rowOffsetStride)
            }
            if threads == 1 {
                runThread(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: threads, execute: runThread)
            }
        }
    }

    /// Returns C for row-major `activations` (`rowCount x weights.depth`).
    public static func multiply<Element: Int8GemmElement>(
        _ activations: [Element], rowCount: Int, zeroPoint: Int32,
        weights: PackedInt8Weights, workspace: Int8GemmWorkspace
    ) throws -> [Int32] {
        var accumulators = [Int32](repeating: 0, count: max(0, rowCount) * weights.columnCount)
        try activations.withUnsafeBufferPointer { aBuffer in
            try accumulators.withUnsafeMutableBufferPointer { cBuffer in
                try multiply(aBuffer, rowCount: rowCount, zeroPoint: zeroPoint, weights: weights,
                             into: cBuffer, workspace: workspace)
            }
        }
        return accumulators
    }

    /// Returns the largest depth K with `K * activationMagnitude *
    /// weightMagnitude <= Int32.max`, where each magnitude is the largest
    /// `|q - Z|` of its operand: no partial or final sum can overflow int32.
    /// For uint8 activations and TFLite weights in [-127, 127] with Zb = 0
    /// that is `2^31 - 1 / (255 * 127)`, 66,311.
    public static func maximumDepth(activationMagnitude: Int32, weightMagnitude: Int32) -> Int {
        let product = Int64(activationMagnitude) * Int64(weightMagnitude)
        return product == 0 ? Int.max : Int(Int64(Int32.max) / product)
    }

    /// Returns the largest `|q - zeroPoint|` over every value q of `Element`.
    public static func maximumMagnitude<Element: Int8GemmElement>(of _: Element.Type, zeroPoint: Int32) -> Int32 {
        max(zeroPoint - Int32(Element.min), Int32(Element.max) - zeroPoint)
    }

    static func validateDimension(_ name: String, _ value: Int, minimum: Int) throws {
        guard value >= minimum else { throw GemmError.invalidDimension(name: name, value: value, minimum: minimum) }
    }

    static func validateZeroPoint<Element: Int8GemmElement>(_ zeroPoint: Int32, of _: Element.Type,
                                                            operand: String) throws {
        let minimum = Int32(Element.min)
        let maximum = Int32(Element.max)
        guard zeroPoint >= minimum && zeroPoint <= maximum else {
            throw GemmError.zeroPointOutOfRange(operand: operand, zeroPoint: zeroPoint, minimum: minimum, maximum: maximum)
        }
    }
}

import CKernels
import Foundation
import QuantCore

/// Scratch memory and settings for `Int8Gemm.multiply`: the instruction set,
/// the thread count, and buffers for packed activations and offsets. The
/// buffers grow to the largest problem seen and are reused, so a multiply
/// allocates nothing once they are large enough.
///
/// One workspace serves one multiply at a time; give each concurrent caller
/// its own.
public final class Int8GemmWorkspace {
    /// The microkernel path every multiply through this workspace uses.
    public let instructionSet: Int8GemmInstructionSet
    /// The maximum number of threads a multiply splits its rows across.
    public let threadCount: Int
    /// Bytes of packed activations each thread keeps in cache at once.
    let blockBytes: Int

    /// Rows of A packed together for the current depth, a multiple of 4.
    private(set) var rowBlock = 0
    /// Per thread: `rowBlock x depthGroups * 4` packed activation bytes.
    private(set) var packedActivations: UnsafeMutableRawPointer?
    private(set) var packedActivationStride = 0
    /// Per thread: `rowBlock` row offsets.
    private(set) var rowOffsets: UnsafeMutablePointer<Int32>?
    private(set) var rowOffsetStride = 0
    /// Shared: one offset per padded column.
    private(set) var columnOffsets: UnsafeMutablePointer<Int32>?
    private var columnOffsetCapacity = 0

    /// Creates a workspace. `instructionSet` defaults to
    /// `Int8GemmInstructionSet.preferred()` (the QUANTSCOPE_ISA variable or
    /// the fastest path); `threadCount` to the number of active cores.
    public init(instructionSet: Int8GemmInstructionSet? = nil,
                threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let chosen = try instructionSet ?? Int8GemmInstructionSet.preferred()
        guard Int8GemmInstructionSet.available.contains(chosen) else {
            throw GemmError.unavailableInstructionSet(requested: chosen.rawValue,
                                                      available: Int8GemmInstructionSet.available.map(\.rawValue))
        }
        try Int8Gemm.validateDimension("thread count", threadCount, minimum: 1)
        self.instructionSet = chosen
        self.threadCount = threadCount
        self.blockBytes = Self.defaultBlockBytes
    }

    deinit {
        packedActivations?.deallocate()
        rowOffsets?.deallocate()
        columnOffsets?.deallocate()
    }

    /// Half of the L2 cache the OS reports, so that a block of packed
    /// activations and a panel of weights fit in it together (512 KiB
    /// assumed when the OS reports no size).
    private static let defaultBlockBytes: Int = {
        var level2Bytes = 512 << 10
        #if os(Linux)
        let reported = sysconf(Int32(_SC_LEVEL2_CACHE_SIZE))
        if reported > 0 { level2Bytes = reported }
        #endif
        return level2Bytes / 2
    }()

    /// Chooses the row block for `depthGroups` and grows the buffers to hold
    /// one row block per thread and `paddedColumns` column offsets.
    func reserve(depthGroups: Int, paddedColumns: Int) {
        let tileRows = Int(CK_TILE_ROWS)
        let rowBytes = depthGroups * Int(CK_DEPTH_GROUP)
        let rows = min(1024, max(tileRows, blockBytes / rowBytes))
        rowBlock = rows / tileRows * tileRows
        let stride = rowBlock * rowBytes
        if stride > packedActivationStride || rowBlock > rowOffsetStride || packedActivations == nil {
            packedActivations?.deallocate()
            rowOffsets?.deallocate()
            packedActivationStride = max(stride, packedActivationStride)
            packedActivations = UnsafeMutableRawPointer.allocate(byteCount: packedActivationStride * threadCount,
                                                                 alignment: 64)
            rowOffsetStride = max(rowBlock, rowOffsetStride)
            rowOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: rowOffsetStride * threadCount)
        }
        if paddedColumns > columnOffsetCapacity {
            columnOffsets?.deallocate()
            columnOffsetCapacity = paddedColumns
            columnOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: paddedColumns)
        }
    }
}

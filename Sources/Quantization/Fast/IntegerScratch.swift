import Foundation

/// Scratch memory of the packed integer layers for one thread: a
/// single-threaded `Int8GemmWorkspace`, the im2col matrix and the int32
/// accumulators. Buffers grow to the largest layer seen and are then reused,
/// so a layer allocates nothing once the first batch has run.
///
/// The evaluation runs one batch per core, so each thread multiplies on its
/// own and the GEMM itself stays on one thread. One scratch serves one layer
/// at a time; `forCurrentThread()` gives every thread its own.
public final class IntegerScratch {
    public let workspace: Int8GemmWorkspace
    private var columns: UnsafeMutableRawPointer?
    private var columnCapacity = 0
    private var accumulators: UnsafeMutablePointer<Int32>?
    private var accumulatorCapacity = 0

    private static let threadKey = "quantscope.IntegerScratch"

    /// Creates a scratch on `instructionSet` (the preferred one when nil).
    public init(instructionSet: Int8GemmInstructionSet? = nil) throws {
        workspace = try Int8GemmWorkspace(instructionSet: instructionSet, threadCount: 1)
    }

    deinit {
        columns?.deallocate()
        accumulators?.deallocate()
    }

    /// The calling thread's scratch, created on its first use.
    public static func forCurrentThread() throws -> IntegerScratch {
        let dictionary = Thread.current.threadDictionary
        if let scratch = dictionary[threadKey] as? IntegerScratch { return scratch }
        let scratch = try IntegerScratch()
        dictionary[threadKey] = scratch
        return scratch
    }

    /// Room for `count` im2col elements, contents undefined.
    func columnBuffer<Element: Int8GemmElement>(_ type: Element.Type, count: Int) -> UnsafeMutableBufferPointer<Element> {
        if count > columnCapacity || columns == nil {
            columns?.deallocate()
            columnCapacity = max(count, 64)
            columns = UnsafeMutableRawPointer.allocate(byteCount: columnCapacity, alignment: 64)
        }
        return UnsafeMutableBufferPointer(start: columns!.bindMemory(to: Element.self, capacity: count), count: count)
    }

    /// Room for `count` accumulators, contents undefined.
    func accumulatorBuffer(count: Int) -> UnsafeMutableBufferPointer<Int32> {
        if count > accumulatorCapacity || accumulators == nil {
            accumulators?.deallocate()
            accumulatorCapacity = max(count, 16)
            accumulators = UnsafeMutablePointer<Int32>.allocate(capacity: accumulatorCapacity)
        }
        return UnsafeMutableBufferPointer(start: accumulators, count: count)
    }
}

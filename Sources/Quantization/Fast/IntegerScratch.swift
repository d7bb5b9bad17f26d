import Foundation

/// Scratch memory of the packed integer layers for one thread: a
/// single-threaded `Int8GemmWorkspace`, the zero-point-padded input, the
/// im2col matrix and the int32 accumulators. Buffers grow to the largest layer seen and are then reused,
/// so a layer allocates nothing once the first batch has run.
///
/// The evaluation runs one batch per core, so each thread multiplies on its
/// own and the GEMM itself stays on one thread. One scratch serves one layer
/// at a time; `forCurrentThread()` gives every thread its own.
public final class IntegerScratch {
    public let workspace: Int8GemmWorkspace
    private var columns: UnsafeMutableRawPointer?
    private var columnCapacity = 0
    private var padded: UnsafeMutableRawPointer?
    private var paddedCapacity = 0
    private var accumulators: UnsafeMutablePointer<Int32>?
    private var accumulatorCapacity = 0

    private static let threadKey = "quantscope.IntegerScratch"

    /// Creates a scratch on `instructionSet` (the preferred one when nil).
    public init(instructionSet: Int8GemmInstructionSet? = nil) throws {
        workspace = try Int8GemmWorkspace(instructionSet: instructionSet, threadCount: 1)
    }

    deinit {
        columns?.deallocate()
        padded?.deallocate()
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
        Self.bytes(Element.self, count: count, in: &columns, capacity: &columnCapacity)
    }

    /// Room for `count` elements of padded input, contents undefined.
    func paddedBuffer<Element: Int8GemmElement>(_ type: Element.Type, count: Int) -> UnsafeMutableBufferPointer<Element> {
        Self.bytes(Element.self, count: count, in: &padded, capacity: &paddedCapacity)
    }

    /// Grows `storage` to at least `count` bytes and returns it typed as `Element`.
    private static func bytes<Element: Int8GemmElement>(
        _ type: Element.Type, count: Int, in storage: inout UnsafeMutableRawPointer?, capacity: inout Int
    ) -> UnsafeMutableBufferPointer<Element> {
        if count > capacity || storage == nil {
            storage?.deallocate()
            capacity = max(count, 64)
            storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        }
        return UnsafeMutableBufferPointer(start: storage!.bindMemory(to: Element.self, capacity: count), count: count)
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

import Foundation

/// Scratch memory of the fast integer layers for one thread: a
/// single-threaded `Int8GemmWorkspace` and raw buffers for the im2col
/// matrix, padded inputs, int32 accumulators, depthwise weights and the
/// per-channel output-stage parameters. Buffers grow to the largest layer
/// seen and are then reused, so a layer allocates nothing once the first
/// batch has run.
///
/// The evaluation runs one batch per core, so each thread multiplies on its
/// own and the GEMM itself stays on one thread. One scratch serves one layer
/// at a time; `forCurrentThread()` gives every thread its own.
public final class IntegerScratch {
    public let workspace: Int8GemmWorkspace

    /// The buffers, each used by one kernel step at a time.
    enum Slot: Int, CaseIterable {
        case columns, padded, accumulators, weights, channelBias, channelMultipliers, channelShifts
    }

    private var buffers: [UnsafeMutableRawPointer?] = Array(repeating: nil, count: Slot.allCases.count)
    private var capacities: [Int] = Array(repeating: 0, count: Slot.allCases.count)

    private static let threadKey = "quantscope.IntegerScratch"

    /// Creates a scratch on `instructionSet` (the preferred one when nil).
    public init(instructionSet: Int8GemmInstructionSet? = nil) throws {
        workspace = try Int8GemmWorkspace(instructionSet: instructionSet, threadCount: 1)
    }

    deinit {
        for buffer in buffers { buffer?.deallocate() }
    }

    /// The calling thread's scratch, created on its first use.
    public static func forCurrentThread() throws -> IntegerScratch {
        let dictionary = Thread.current.threadDictionary
        if let scratch = dictionary[threadKey] as? IntegerScratch { return scratch }
        let scratch = try IntegerScratch()
        dictionary[threadKey] = scratch
        return scratch
    }

    /// Room for `count` values of `type` in `slot`, 64-byte aligned,
    /// contents undefined.
    func buffer<Value>(_ slot: Slot, _ type: Value.Type, count: Int) -> UnsafeMutableBufferPointer<Value> {
        let bytes = max(count, 1) * MemoryLayout<Value>.stride
        if bytes > capacities[slot.rawValue] || buffers[slot.rawValue] == nil {
            buffers[slot.rawValue]?.deallocate()
            capacities[slot.rawValue] = max(bytes, 64)
            buffers[slot.rawValue] = UnsafeMutableRawPointer.allocate(byteCount: capacities[slot.rawValue],
                                                                       alignment: 64)
        }
        let start = buffers[slot.rawValue]!.bindMemory(to: Value.self, capacity: count)
        return UnsafeMutableBufferPointer(start: start, count: count)
    }

    /// Room for `count` im2col elements, contents undefined.
    func columnBuffer<Element: Int8GemmElement>(_ type: Element.Type, count: Int) -> UnsafeMutableBufferPointer<Element> {
        buffer(.columns, Element.self, count: count)
    }

    /// Room for `count` accumulators, contents undefined.
    func accumulatorBuffer(count: Int) -> UnsafeMutableBufferPointer<Int32> {
        buffer(.accumulators, Int32.self, count: count)
    }
}

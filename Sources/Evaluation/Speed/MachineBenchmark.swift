import Foundation

/// A short microbenchmark of this machine's single-thread throughput, in
/// loops written in plain Swift, so the "this machine" profile reflects
/// code like quantscope's own rather than a vendor library's peak.
///
/// - float MACs: `acc = acc.addingProduct(a[i], b[i])` over two 4096-element
///   Float buffers (in L1/L2 cache), eight independent accumulators.
/// - int8 MACs: `acc &+= Int32(a[i]) &* Int32(b[i])` over two 4096-element
///   Int8 buffers. The compiler may vectorize this loop; that is measured.
/// - element-wise: `c[i] = a[i] + b[i]` over cache-resident Float buffers.
/// - memory bandwidth: a summing read of a 2 MiB buffer, the size of the
///   working set of one layer of a small network at batch 16. Such a layer
///   reads and writes in cache, so the memory term of this machine uses the
///   cache's streaming rate, not main memory's.
/// - operator overhead: one call of a non-inlined function that allocates,
///   fills and sums a 16-element output buffer.
///
/// Each loop runs in repeated timed blocks for about 20 ms and keeps the
/// fastest block, about 0.1 s in all. Then `KernelBenchmark` times the
/// program's own kernels on synthetic layers (about 1 s), and
/// `KernelCostFit` fits the per-kernel costs that price layers in the
/// "this machine" profile. The loop rates price only what the kernel costs
/// do not cover.
public enum MachineBenchmark {
    static let cacheResidentElements = 4096
    static let streamedBytes = 2 << 20
    static let timeBudget = Duration.milliseconds(20)

    /// Runs every loop and the kernel benchmark once and returns the
    /// figures. When the kernels cannot be timed (a kernel error), the
    /// measurement has no kernel costs.
    public static func run() -> MachineProfile.Measurement {
        let samples = try? KernelBenchmark.samples()
        return MachineProfile.Measurement(
            floatMACsPerSecond: floatMACsPerSecond(),
            int8MACsPerSecond: int8MACsPerSecond(),
            elementwiseOperationsPerSecond: elementwiseOperationsPerSecond(),
            memoryBandwidthBytesPerSecond: memoryBandwidthBytesPerSecond(),
            operatorOverheadSeconds: operatorOverheadSeconds(),
            kernelCosts: samples.map { KernelCostFit.fit($0, cacheBytes: perCoreCacheBytes()) })
    }

    /// Returns the level-2 cache size of processor 0 from Linux sysfs, or
    /// `KernelCostTable.defaultCacheBytes` where sysfs does not report it.
    static func perCoreCacheBytes() -> Int {
        for index in 0..<8 {
            let folder = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
            guard let level = try? String(contentsOfFile: folder + "level", encoding: .utf8),
                  level.trimmingCharacters(in: .whitespacesAndNewlines) == "2",
                  let size = try? String(contentsOfFile: folder + "size", encoding: .utf8) else { continue }
            let text = size.trimmingCharacters(in: .whitespacesAndNewlines)
            let multiplier = text.hasSuffix("K") ? 1 << 10 : text.hasSuffix("M") ? 1 << 20 : 1
            if let value = Int(text.trimmingCharacters(in: CharacterSet(charactersIn: "KM"))), value > 0 {
                return value * multiplier
            }
        }
        return KernelCostTable.defaultCacheBytes
    }

    /// Repeats `block` for `timeBudget` and returns `workPerBlock` divided
    /// by the fastest block's seconds.
    static func bestRate(workPerBlock: Double, _ block: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var fastest = Double.infinity
        repeat {
            let blockStart = clock.now
            block()
            let elapsed = blockStart.duration(to: clock.now)
            fastest = min(fastest, seconds(elapsed))
        } while start.duration(to: clock.now) < timeBudget
        return workPerBlock / max(fastest, 1e-9)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    static func floatMACsPerSecond() -> Double {
        let count = cacheResidentElements
        let a = (0..<count).map { Float($0 % 7) * 0.25 }
        let b = (0..<count).map { Float($0 % 5) * 0.5 }
        let repetitions = 64
        return bestRate(workPerBlock: Double(count * repetitions)) {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    var sum: Float = 0
                    for _ in 0..<repetitions {
                        sum += floatDotProduct(a, b)
                    }
                    keep(sum)
                }
            }
        }
    }

    @inline(never)
    static func floatDotProduct(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        var accumulators = (Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0))
        var index = 0
        while index + 8 <= a.count {
            accumulators.0 = accumulators.0.addingProduct(a[index], b[index])
            accumulators.1 = accumulators.1.addingProduct(a[index + 1], b[index + 1])
            accumulators.2 = accumulators.2.addingProduct(a[index + 2], b[index + 2])
            accumulators.3 = accumulators.3.addingProduct(a[index + 3], b[index + 3])
            accumulators.4 = accumulators.4.addingProduct(a[index + 4], b[index + 4])
            accumulators.5 = accumulators.5.addingProduct(a[index + 5], b[index + 5])
            accumulators.6 = accumulators.6.addingProduct(a[index + 6], b[index + 6])
            accumulators.7 = accumulators.7.addingProduct(a[index + 7], b[index + 7])
            index += 8
        }
        return accumulators.0 + accumulators.1 + accumulators.2 + accumulators.3
            + accumulators.4 + accumulators.5 + accumulators.6 + accumulators.7
    }

    static func int8MACsPerSecond() -> Double {
        let count = cacheResidentElements
        let a = (0..<count).map { Int8(truncatingIfNeeded: $0 * 37) }
        let b = (0..<count).map { Int8(truncatingIfNeeded: $0 * 11 + 3) }
        let repetitions = 64
        return bestRate(workPerBlock: Double(count * repetitions)) {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    var sum: Int32 = 0
                    for _ in 0..<repetitions {
                        sum &+= int8DotProduct(a, b)
                    }
                    keep(sum)
                }
            }
        }
    }

    /// Accumulates in int32; 4096 products of at most 2^14 in magnitude sum
    /// to at most 2^26, far inside the int32 range.
    @inline(never)
    static func int8DotProduct(_ a: UnsafeBufferPointer<Int8>, _ b: UnsafeBufferPointer<Int8>) -> Int32 {
        var accumulator: Int32 = 0
        for index in 0..<a.count {
            accumulator &+= Int32(a[index]) &* Int32(b[index])
        }
        return accumulator
    }

    static func elementwiseOperationsPerSecond() -> Double {
        let count = cacheResidentElements
        let a = (0..<count).map { Float($0) }
        let b = (0..<count).map { Float(count - $0) }
        var c = [Float](repeating: 0, count: count)
        let repetitions = 64
        return bestRate(workPerBlock: Double(count * repetitions)) {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        for _ in 0..<repetitions {
                            add(a, b, into: c)
                        }
                    }
                }
            }
            keep(c[count / 2])
        }
    }

    @inline(never)
    static func add(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                    into c: UnsafeMutableBufferPointer<Float>) {
        for index in 0..<c.count {
            c[index] = a[index] + b[index]
        }
    }

    static func memoryBandwidthBytesPerSecond() -> Double {
        let words = streamedBytes / MemoryLayout<UInt64>.size
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: words)
        defer { buffer.deallocate() }
        for index in 0..<words {
            buffer[index] = UInt64(truncatingIfNeeded: index)
        }
        return bestRate(workPerBlock: Double(streamedBytes)) {
            keep(sum(UnsafeBufferPointer(buffer)))
        }
    }

    @inline(never)
    static func sum(_ words: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var total: UInt64 = 0
        for word in words {
            total &+= word
        }
        return total
    }

    static func operatorOverheadSeconds() -> Double {
        let calls = 2000
        let callsPerSecond = bestRate(workPerBlock: Double(calls)) {
            var total: Float = 0
            for call in 0..<calls {
                total += smallOperator(Float(call))
            }
            keep(total)
        }
        return 1 / callsPerSecond
    }

    @inline(never)
    static func smallOperator(_ value: Float) -> Float {
        var output = [Float](repeating: 0, count: 16)
        for index in output.indices {
            output[index] = value * Float(index)
        }
        return output.reduce(0, +)
    }

    /// Keeps the optimizer from deleting a benchmark loop whose result is unused.
    @_optimize(none)
    static func keep<T>(_ value: T) {}
}

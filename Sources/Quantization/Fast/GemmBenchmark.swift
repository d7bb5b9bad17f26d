import Dispatch
import Foundation
import QuantCore

/// Timings of `Int8Gemm` and `FloatGemm` on square `size x size x size`
/// products, counting a multiply-add as two operations.
public struct GemmBenchmarkResult: Sendable, CustomStringConvertible {
    /// M = N = K.
    public let size: Int
    public let threads: Int
    public let instructionSet: Int8GemmInstructionSet
    public let floatInstructionSet: FloatGemmInstructionSet
    /// Median wall-clock seconds of one int8 multiply (int8 activations, int8 weights, int32 results).
    public let int8Seconds: Double
    /// Median wall-clock seconds of one float multiply.
    public let floatSeconds: Double
    /// Median process CPU seconds (summed over threads) of one int8 multiply.
    public let int8CPUSeconds: Double
    /// Median process CPU seconds (summed over threads) of one float multiply.
    public let floatCPUSeconds: Double

    var operations: Double { 2 * Double(size) * Double(size) * Double(size) }
    /// Int8 throughput in 10^9 operations per second.
    public var int8GigaOpsPerSecond: Double { operations / int8Seconds / 1e9 }
    /// Float throughput in 10^9 floating-point operations per second.
    public var floatGigaFlopsPerSecond: Double { operations / floatSeconds / 1e9 }
    /// Int8 throughput per second of CPU time: the rate of one core while it
    /// runs, which stays meaningful when other processes share the cores.
    public var int8GigaOpsPerCoreSecond: Double { operations / int8CPUSeconds / 1e9 }
    /// Float throughput per second of CPU time.
    public var floatGigaFlopsPerCoreSecond: Double { operations / floatCPUSeconds / 1e9 }

    public var description: String {
        func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        let ratio = (int8GigaOpsPerSecond / floatGigaFlopsPerSecond * 100).rounded() / 100
        return "GEMM \(size)x\(size)x\(size), \(threads) thread(s): "
            + "int8 (\(instructionSet.rawValue)) \(rounded(int8GigaOpsPerSecond)) GOP/s "
            + "(\(rounded(int8GigaOpsPerCoreSecond)) per core-second), "
            + "float (\(floatInstructionSet.rawValue)) \(rounded(floatGigaFlopsPerSecond)) GFLOP/s "
            + "(\(rounded(floatGigaFlopsPerCoreSecond)) per core-second), int8/float \(ratio)x"
    }
}

/// Measures the int8 and float GEMM paths for `quantscope bench`.
public enum GemmBenchmark {
    /// Times both multiplies at `M = N = K = size` on up to `threads`
    /// threads: one warm-up run each, then the median of `repeats` runs of
    /// wall-clock time. Operands are fixed pseudo-random values; packing the
    /// weights is not timed, packing the activations is. `instructionSet`
    /// defaults to `Int8GemmInstructionSet.preferred()`.
    public static func run(size: Int, threads: Int, repeats: Int = 5,
                           instructionSet: Int8GemmInstructionSet? = nil,
                           floatInstructionSet: FloatGemmInstructionSet = .fastest) throws -> GemmBenchmarkResult {
        try Int8Gemm.validateDimension("size", size, minimum: 1)
        try Int8Gemm.validateDimension("repeats", repeats, minimum: 1)
        let workspace = try Int8GemmWorkspace(instructionSet: instructionSet, threadCount: threads)
        let count = size * size
        var state: UInt64 = 0x5EED
        func nextByte() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }

        let activations = (0..<count).map { _ in Int8(bitPattern: nextByte()) }
        let weightValues = (0..<count).map { _ in max(-127, Int8(bitPattern: nextByte())) }
        let packedInt8 = try PackedInt8Weights(weightValues, depth: size, columnCount: size,
                                               layout: .columnMajor, zeroPoint: 0)
        var accumulators = [Int32](repeating: 0, count: count)
        let int8Times = try medianSeconds(repeats: repeats) {
            try activations.withUnsafeBufferPointer { a in
                try accumulators.withUnsafeMutableBufferPointer { c in
                    try Int8Gemm.multiply(a, rowCount: size, zeroPoint: -3, weights: packedInt8,
                                          into: c, workspace: workspace)
                }
            }
        }

        let floatActivations = activations.map { Float($0) / 128 }
        let packedFloat = try PackedFloatWeights(weightValues.map { Float($0) / 128 }, depth: size,
                                                 columnCount: size, layout: .columnMajor)
        var floatResults = [Float](repeating: 0, count: count)
        let floatTimes = try medianSeconds(repeats: repeats) {
            try floatActivations.withUnsafeBufferPointer { a in
                try floatResults.withUnsafeMutableBufferPointer { c in
                    try FloatGemm.multiply(a, rowCount: size, weights: packedFloat, into: c, threadCount: threads,
                                           instructionSet: floatInstructionSet)
                }
            }
        }

        return GemmBenchmarkResult(size: size, threads: threads, instructionSet: workspace.instructionSet,
                                   floatInstructionSet: floatInstructionSet,
                                   int8Seconds: int8Times.wall, floatSeconds: floatTimes.wall,
                                   int8CPUSeconds: int8Times.cpu, floatCPUSeconds: floatTimes.cpu)
    }

    /// Runs `body` once to warm up, then `repeats` times, and returns the
    /// median wall-clock and median process CPU seconds.
    private static func medianSeconds(repeats: Int, _ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        try body()
        var wall: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<repeats {
            let wallStart = DispatchTime.now().uptimeNanoseconds
            let cpuStart = processCPUSeconds()
            try body()
            cpu.append(processCPUSeconds() - cpuStart)
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9)
        }
        wall.sort()
        cpu.sort()
        return (wall[wall.count / 2], cpu[cpu.count / 2])
    }

    private static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

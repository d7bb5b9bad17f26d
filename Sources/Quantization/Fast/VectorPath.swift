import CKernels

/// The SIMD paths of the elementwise C kernels (output stage, depthwise and
/// single-channel rows, activation packing, input quantization), chosen
/// once from the CPU. Every path computes the same bits.
public enum VectorPath: Int32, CaseIterable, Sendable {
    /// Plain C loops, on every platform.
    case portable = 0
    /// x86-64 AVX2.
    case avx2 = 1
    /// x86-64 AVX-512 F, BW, DQ and VL.
    case avx512 = 2

    /// The path the kernels take now.
    public static var current: VectorPath { VectorPath(rawValue: ck_vector_level()) ?? .portable }

    /// Runs `body` with the kernels capped at `path` (or the fastest the CPU
    /// has, when slower), then lifts the cap. For tests: the cap is global,
    /// so nothing else may run kernels meanwhile.
    static func withLimit<Result>(_ path: VectorPath, _ body: () throws -> Result) rethrows -> Result {
        ck_limit_vector_level(path.rawValue)
        defer { ck_limit_vector_level(VectorPath.avx512.rawValue) }
        return try body()
    }
}

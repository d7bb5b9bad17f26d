import CKernels

/// The microkernel paths of `FloatGemm`. They agree within float rounding,
/// not bit for bit: the C paths fuse each multiply-add.
public enum FloatGemmInstructionSet: String, CaseIterable, Sendable {
    /// Swift `SIMD4<Float>` code, which the compiler lowers to the baseline
    /// ISA of the build (SSE2 on x86-64: separate multiply and add).
    case swiftSIMD = "swift-simd"
    /// C with AVX2 and FMA: 6 x 16 tiles of ymm accumulators.
    case avx2fma
    /// C with AVX-512 F: 6 x 32 tiles of zmm accumulators.
    case avx512f

    /// The paths this CPU and build can run, slowest first, detected at run time.
    public static let available: [FloatGemmInstructionSet] = allCases.filter {
        $0.kernelISA.map { ck_isa_supported($0) != 0 } ?? true
    }

    /// The fastest available path.
    public static var fastest: FloatGemmInstructionSet { available.last ?? .swiftSIMD }

    /// The C tile's instruction set, or nil for the Swift kernel.
    var kernelISA: ck_isa? {
        switch self {
        case .swiftSIMD: return nil
        case .avx2fma: return CK_ISA_AVX2_FMA
        case .avx512f: return CK_ISA_AVX512F
        }
    }
}

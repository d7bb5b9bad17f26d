import CKernels
import Foundation
import QuantCore

/// The microkernel paths of `Int8Gemm`. Each produces the same int32 result
/// bit for bit; they differ only in speed.
public enum Int8GemmInstructionSet: String, CaseIterable, Sendable {
    /// Portable C loop, on every platform.
    case scalar
    /// x86-64 AVX2: operands widened to int16, products summed by vpmaddwd.
    case avx2
    /// x86-64 AVX-512 with VNNI: vpdpbusd, four uint8 x int8 products per lane.
    case avx512vnni

    /// The environment variable that `preferred()` reads to force a path.
    public static let environmentVariable = "QUANTSCOPE_ISA"

    /// The paths this CPU and build can run, slowest first, detected at run time.
    public static let available: [Int8GemmInstructionSet] = allCases.filter {
        ck_isa_supported($0.kernelISA) != 0
    }

    /// The fastest available path.
    public static var fastest: Int8GemmInstructionSet { available.last ?? .scalar }

    /// Returns the path named by `QUANTSCOPE_ISA` (scalar, avx2, avx512vnni),
    /// or the fastest available one when the variable is unset or empty.
    /// Throws when the variable names a path that is unknown or unavailable.
    public static func preferred(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Int8GemmInstructionSet {
        guard let name = environment[environmentVariable], !name.isEmpty else { return fastest }
        guard let requested = Int8GemmInstructionSet(rawValue: name.lowercased()),
              available.contains(requested) else {
            throw GemmError.unavailableInstructionSet(requested: name, available: available.map(\.rawValue))
        }
        return requested
    }

    var kernelISA: ck_isa {
        switch self {
        case .scalar: return CK_ISA_SCALAR
        case .avx2: return CK_ISA_AVX2
        case .avx512vnni: return CK_ISA_AVX512_VNNI
        }
    }
}

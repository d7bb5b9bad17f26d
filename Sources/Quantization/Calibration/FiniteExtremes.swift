import CKernels

/// The finite elements of one batch: how many there are, the smallest and
/// the largest. NaN and infinities are left out.
///
/// The same bits as a sequential scan with Swift's `min`/`max` starting from
/// `+inf`/`-inf`, including the sign of a zero extreme: of `-0` and `+0`
/// the minimum is the first in element order and the maximum the last.
/// Computed once per batch and shared by every observer of a tensor.
struct FiniteExtremes {
    /// Number of finite elements.
    var finiteCount: Int
    /// Smallest finite element; `+inf` when `finiteCount` is 0.
    var minimum: Float
    /// Largest finite element; `-inf` when `finiteCount` is 0.
    var maximum: Float

    init(_ values: UnsafeBufferPointer<Float>, path: CalibrationScanPath = .fastest) {
        var low = Float.infinity
        var high = -Float.infinity
        finiteCount = values.baseAddress.map { ck_f32_finite_extremes(path.kernelISA, $0, values.count, &low, &high) } ?? 0
        minimum = low
        maximum = high
    }

    /// `(minimum, maximum)`, or nil when no element is finite.
    var range: (Float, Float)? { finiteCount > 0 ? (minimum, maximum) : nil }
}

/// Smallest and largest finite element of `values`, or nil when it has none.
func finiteExtremes<Values: Sequence>(of values: Values) -> (Float, Float)? where Values.Element == Float {
    if let extremes = values.withContiguousStorageIfAvailable({ FiniteExtremes($0) }) {
        return extremes.range
    }
    return Array(values).withUnsafeBufferPointer { FiniteExtremes($0).range }
}

/// The code paths of the calibration scans in CKernels
/// (`ck_f32_finite_extremes`, `ck_f32_histogram_fill`). Every path returns
/// the same bits; tests run each available one against a reference.
enum CalibrationScanPath: CaseIterable, Sendable {
    case portable
    case avx2
    case avx512f

    /// The paths this CPU and build can run, slowest first.
    static let available: [CalibrationScanPath] = allCases.filter { ck_isa_supported($0.kernelISA) != 0 }

    static let fastest: CalibrationScanPath = available.last ?? .portable

    var kernelISA: ck_isa {
        switch self {
        case .portable: return CK_ISA_SCALAR
        case .avx2: return CK_ISA_AVX2
        case .avx512f: return CK_ISA_AVX512F
        }
    }
}

/// Number format a layer runs in.
///
/// Bit widths below 8 narrow the integer range `[qmin, qmax]` but keep the
/// 8-bit container, so an `int8(weightBits: 4, activationBits: 4)` layer
/// stores and moves exactly as many bytes as an 8-bit one and runs at the
/// same speed. No packed sub-byte storage is simulated.
public enum SimulatedPrecision: Sendable, Equatable, Hashable, CustomStringConvertible {
    case float
    case int8(weightBits: Int, activationBits: Int)

    /// Int8 with 8-bit weights and activations.
    public static let int8 = SimulatedPrecision.int8(weightBits: 8, activationBits: 8)

    /// Bit widths an integer layer accepts.
    public static let supportedBits = 2...8

    /// Bits of storage per weight or activation element: 32, or 8 for every
    /// integer bit width.
    public var containerBits: Int { isInteger ? 8 : 32 }

    var elementBytes: Int { containerBits / 8 }

    public var isInteger: Bool {
        if case .int8 = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .float: return "float"
        case .int8(8, 8): return "int8"
        case .int8(let weightBits, let activationBits): return "int8 (w\(weightBits)/a\(activationBits))"
        }
    }
}

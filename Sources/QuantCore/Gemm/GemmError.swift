/// Invalid arguments to a packed matrix multiply (`FloatGemm`, `Int8Gemm`).
public enum GemmError: Error, Equatable, CustomStringConvertible {
    /// A dimension that must be at least `minimum` was `value`.
    case invalidDimension(name: String, value: Int, minimum: Int)
    /// A buffer had `actual` elements where the shape requires `expected`.
    case bufferSizeMismatch(operand: String, expected: Int, actual: Int)
    /// A zero-point outside the value range of its operand's element type.
    case zeroPointOutOfRange(operand: String, zeroPoint: Int32, minimum: Int32, maximum: Int32)
    /// A reduction depth so large that an int32 accumulator could overflow.
    case depthExceedsAccumulatorHeadroom(depth: Int, maximumDepth: Int)
    /// An instruction set that this CPU or build cannot run.
    case unavailableInstructionSet(requested: String, available: [String])

    public var description: String {
        switch self {
        case let .invalidDimension(name, value, minimum):
            return "invalid matrix dimension \(name) = \(value): it must be at least \(minimum)"
        case let .bufferSizeMismatch(operand, expected, actual):
            return "\(operand) has \(actual) elements but its shape needs \(expected); pass a buffer of the stated shape"
        case let .zeroPointOutOfRange(operand, zeroPoint, minimum, maximum):
            return "\(operand) zero-point \(zeroPoint) is outside [\(minimum), \(maximum)]; choose one the element type can hold"
        case let .depthExceedsAccumulatorHeadroom(depth, maximumDepth):
            return "reduction depth \(depth) can overflow the int32 accumulator with these zero-points (maximum \(maximumDepth)); split the reduction or narrow the ranges"
        case let .unavailableInstructionSet(requested, available):
            return "instruction set '\(requested)' is not available here; choose one of \(available.joined(separator: ", "))"
        }
    }
}

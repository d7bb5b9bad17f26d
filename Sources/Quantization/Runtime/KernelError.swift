/// Invalid arguments to an integer kernel. Each case names the kernel and
/// carries the offending value; no kernel traps on bad input.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// A buffer's element count does not match what the shape implies.
    case bufferSizeMismatch(kernel: String, buffer: String, expected: Int, actual: Int)
    /// A shape field is out of range, for example a zero stride or channels
    /// that the group count does not divide.
    case invalidShape(kernel: String, field: String, value: Int, requirement: String)
    /// A per-channel parameter list has neither 1 nor `channels` entries.
    case parameterCountMismatch(kernel: String, parameter: String, channels: Int, actual: Int)
    /// A fixed-point multiplier outside the domain of the runtime.
    case invalidMultiplier(kernel: String, multiplier: QuantizedMultiplier)
    /// A zero-point outside the element type's range.
    case invalidZeroPoint(kernel: String, name: String, value: Int32)
    /// A clamp interval that is empty or does not fit the output type.
    case invalidClamp(kernel: String, clamp: ActivationClamp)

    public var description: String {
        switch self {
        case let .bufferSizeMismatch(kernel, buffer, expected, actual):
            return "\(kernel): \(buffer) has \(actual) elements but the shape needs \(expected); pass a buffer that matches the shape."
        case let .invalidShape(kernel, field, value, requirement):
            return "\(kernel): invalid shape field \(field) = \(value); it must be \(requirement)."
        case let .parameterCountMismatch(kernel, parameter, channels, actual):
            return "\(kernel): \(parameter) has \(actual) entries; pass 1 (per tensor) or \(channels) (per channel)."
        case let .invalidMultiplier(kernel, multiplier):
            return "\(kernel): invalid fixed-point multiplier \(multiplier); M0 must be 0 or in [2^30, 2^31) and the shift in \(QuantizedMultiplier.validShifts)."
        case let .invalidZeroPoint(kernel, name, value):
            return "\(kernel): zero-point \(name) = \(value) does not fit the element type."
        case let .invalidClamp(kernel, clamp):
            return "\(kernel): output clamp \(clamp) is empty or does not fit the output type."
        }
    }
}

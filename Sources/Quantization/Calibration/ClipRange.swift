/// A real interval `[lower, upper]` that a tensor's values are clipped to
/// before quantization. It need not contain 0; choosing the scale and
/// zero-point widens it to contain 0.
public struct ClipRange: Sendable, Equatable, CustomStringConvertible {
    public var lower: Float
    public var upper: Float

    public init(lower: Float, upper: Float) {
        self.lower = lower
        self.upper = upper
    }

    public var width: Float { upper - lower }

    public var description: String { "[\(lower), \(upper)]" }
}

/// The integer interval [qmin', qmax'] that every kernel clamps its output
/// into before narrowing to 8 bits.
///
/// It is the output type's range intersected with the quantized image of a
/// fused activation (ReLU: [Z, qmax], ReLU6: [Z, Z + round(6 / S)]). The
/// preparation code computes it from the output's (S, Z).
public struct ActivationClamp: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var lower: Int32
    public var upper: Int32

    public init(lower: Int32, upper: Int32) {
        self.lower = lower
        self.upper = upper
    }

    /// The full range of an 8-bit container type, for an output with no
    /// fused activation and eight bits.
    public static func full<Element: QuantizedValue>(_ type: Element.Type) -> ActivationClamp {
        ActivationClamp(lower: Int32(Element.min), upper: Int32(Element.max))
    }

    /// Whether the interval is non-empty and fits in `Element`.
    public func fits<Element: QuantizedValue>(in type: Element.Type) -> Bool {
        lower <= upper && lower >= Int32(Element.min) && upper <= Int32(Element.max)
    }

    public var description: String { "[\(lower), \(upper)]" }
}

/// Invalid inputs to the float preparation of integer parameters. Each case
/// carries the offending value.
public enum QuantizationError: Error, Equatable, CustomStringConvertible {
    /// A bit width outside 2...8.
    case unsupportedBitWidth(Int)
    /// A range bound that is NaN or infinite, or min > max.
    case invalidRange(min: Float, max: Float)
    /// A scale that is not a positive finite number.
    case invalidScale(Float)
    /// A zero-point outside the integer range of its tensor.
    case zeroPointOutOfRange(Int32, range: QuantizedRange)
    /// A real multiplier that is negative, NaN, infinite, or too large for
    /// the fixed-point form (at least 2^30).
    case unrepresentableMultiplier(Double)
    /// Weights whose count is not a multiple of the output channel count.
    case weightCountMismatch(count: Int, outputChannels: Int)
    /// A layer whose reduction depth can overflow the int32 accumulator.
    case accumulatorOverflow(layer: String, depth: Int, limit: Int)

    public var description: String {
        switch self {
        case .unsupportedBitWidth(let bits):
            return "Unsupported bit width \(bits); choose 2 to 8 bits."
        case let .invalidRange(min, max):
            return "Invalid range [\(min), \(max)]; both bounds must be finite and min <= max."
        case .invalidScale(let scale):
            return "Invalid scale \(scale); a scale must be positive and finite."
        case let .zeroPointOutOfRange(zeroPoint, range):
            return "Zero-point \(zeroPoint) is outside the quantized range \(range); pick one inside it so that real 0 is representable."
        case .unrepresentableMultiplier(let multiplier):
            return "Multiplier \(multiplier) cannot be written as M0 * 2^shift; it must be finite, >= 0 and below 2^30. Check the scales of the layer."
        case let .weightCountMismatch(count, outputChannels):
            return "\(count) weights cannot be split into \(outputChannels) output channels; check the weight shape."
        case let .accumulatorOverflow(layer, depth, limit):
            return "Layer \(layer) sums \(depth) products, but the int32 accumulator is only safe up to \(limit) at these bit widths; lower the bit widths or split the layer."
        }
    }
}

import Foundation

/// Quantizes a float bias to int32 with scale S1 * S2[c] and zero-point 0:
/// q = clamp(round(b[c] / (S1 * S2[c])), Int32.min, Int32.max), rounding
/// half away from zero. The product S1 * S2[c] is formed in Float as TFLite
/// does, and the division in Double.
///
/// `weightScales` has one entry (per tensor) or one per element of `bias`.
public func quantizeBias(_ bias: [Float], inputScale: Float, weightScales: [Float]) throws(QuantizationError) -> [Int32] {
    guard weightScales.count == 1 || weightScales.count == bias.count else {
        throw .weightCountMismatch(count: weightScales.count, outputChannels: bias.count)
    }
    var quantized = [Int32](repeating: 0, count: bias.count)
    for channel in bias.indices {
        let scale = inputScale * weightScales[weightScales.count == 1 ? 0 : channel]
        guard scale > 0 && scale.isFinite else { throw .invalidScale(scale) }
        let steps = (Double(bias[channel]) / Double(scale)).rounded(.toNearestOrAwayFromZero)
        quantized[channel] = steps.isNaN ? 0 : Int32(min(max(steps, Double(Int32.min)), Double(Int32.max)))
    }
    return quantized
}

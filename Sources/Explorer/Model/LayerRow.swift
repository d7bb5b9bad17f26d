import Foundation
import Quantization

/// One row of the layer table, as text: what the screen shows for a layer
/// under the current plan and the latest evaluation.
public struct LayerRow: Sendable, Equatable {
    public var name: String
    public var op: String
    public var outputShape: String
    public var isInt8: Bool
    /// `float`, or `int8 w8/a8` with the weight and activation bits.
    public var precision: String
    public var weightRange: String
    public var activationRange: String
    /// The output's scale and zero-point, `0.0123 Z=-128`.
    public var outputScale: String
    /// The weight scale, or for per-channel weights the spread of the
    /// channel scales, `0.0012-0.0096/ch`.
    public var weightScale: String
    public var sqnr: String
    public var rmsePerScale: String
    /// Top-1 change in percentage points when this layer was last switched, or empty.
    public var accuracyChange: String
    public var sqnrValue: Double?

    public init(layer: QuantizableLayer, analysis: LayerAnalysis, facts: ExplorerContext.LayerFacts?,
                metrics: LayerMetrics?, accuracyChange: Double?) {
        name = layer.name
        op = layer.opType + (layer.activation == .none ? "" : "+" + layer.activation.description)
        outputShape = (facts?.outputShape ?? []).map(String.init).joined(separator: "x")
        let settings = analysis.settings
        isInt8 = settings.precision == .int8
        precision = isInt8 ? "int8 w\(settings.weightBits)/a\(settings.activationBits)" : "float"
        weightRange = analysis.weightRange.map(LayerRow.range) ?? "-"
        activationRange = analysis.outputRange.map(LayerRow.range) ?? "-"
        (outputScale, weightScale) = LayerRow.scaleTexts(analysis)
        let measuredSQNR = isInt8 ? metrics?.sqnr : nil
        sqnrValue = measuredSQNR
        sqnr = measuredSQNR.map(LayerRow.decibels) ?? "-"
        rmsePerScale = (isInt8 ? metrics?.rmsePerScale : nil).map { String(format: "%.2f", $0) } ?? "-"
        self.accuracyChange = accuracyChange.map(LayerRow.percentagePoints) ?? ""
    }

    static func range(_ range: ClipRange) -> String {
        "[\(LayerRow.number(Double(range.lower))), \(LayerRow.number(Double(range.upper)))]"
    }

    static func scaleTexts(_ analysis: LayerAnalysis) -> (output: String, weight: String) {
        guard analysis.settings.precision == .int8 else { return ("-", "-") }
        let output = analysis.outputParameters.map { "\(number($0.scale, digits: 2)) Z=\($0.zeroPoint)" } ?? "-"
        let scales = analysis.weightParameters.map(\.scale)
        guard let low = scales.min(), let high = scales.max() else { return (output, "-") }
        if analysis.isPerChannel {
            return (output, "\(number(low, digits: 2))-\(number(high, digits: 2))/ch")
        }
        return (output, number(low, digits: 3))
    }

    static func number(_ value: Float, digits: Int) -> String {
        String(format: "%.\(digits)g", Double(value))
    }

    /// A number in 3 significant digits, as `%.3g` writes it.
    static func number(_ value: Double) -> String {
        String(format: "%.3g", value)
    }

    static func decibels(_ value: Double) -> String {
        value.isInfinite ? "inf" : String(format: "%.1f", value)
    }

    /// A signed change in percentage points, such as `-0.42`.
    static func percentagePoints(_ value: Double) -> String {
        String(format: "%+.2f", value * 100)
    }
}

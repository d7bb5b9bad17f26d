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
    /// `S=0.0123 Z=-128`, or `S 1e-3..4e-3 pc` for per-channel weights
    /// (the spread of the per-channel weight scales, output Z).
    public var scaleAndZeroPoint: String
    public var sqnr: String
    public var rmsePerScale: String
    /// Top-1 change in percentage points when this layer was last switched, or empty.
    public var accuracyChange: String
    public var sqnrValue: Double?

    public init(layer: QuantizableLayer, analysis: LayerAnalysis, facts: ExplorerContext.LayerFacts?,
                metrics: LayerErrorMetrics?, accuracyChange: Double?) {
        name = layer.name
        op = layer.opType + (layer.activation == .none ? "" : "+" + layer.activation.description)
        outputShape = (facts?.outputShape ?? []).map(String.init).joined(separator: "x")
        let settings = analysis.settings
        isInt8 = settings.precision == .int8
        precision = isInt8 ? "int8 w\(settings.weightBits)/a\(settings.activationBits)" : "float"
        weightRange = analysis.weightRange.map(LayerRow.range) ?? "-"
        activationRange = analysis.outputRange.map(LayerRow.range) ?? "-"
        scaleAndZeroPoint = LayerRow.scaleText(analysis)
        let measuredSQNR = isInt8 ? metrics?.sqnr : nil
        sqnrValue = measuredSQNR
        sqnr = measuredSQNR.map(LayerRow.decibels) ?? "-"
        rmsePerScale = (isInt8 ? metrics?.rmsePerScale : nil).map { String(format: "%.2f", $0) } ?? "-"
        self.accuracyChange = accuracyChange.map(LayerRow.percentagePoints) ?? ""
    }

    static func range(_ range: ClipRange) -> String {
        "[\(LayerRow.number(Double(range.lower))), \(LayerRow.number(Double(range.upper)))]"
    }

    static func scaleText(_ analysis: LayerAnalysis) -> String {
        guard analysis.settings.precision == .int8 else { return "-" }
        let zero = analysis.outputParameters.map { " Z=\($0.zeroPoint)" } ?? ""
        if analysis.isPerChannel {
            let scales = analysis.weightParameters.map { Double($0.scale) }
            return "Sw \(number(scales.min() ?? 0))..\(number(scales.max() ?? 0)) pc" + zero
        }
        if let output = analysis.outputParameters {
            return "S=\(number(Double(output.scale)))" + zero
        }
        return "-"
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

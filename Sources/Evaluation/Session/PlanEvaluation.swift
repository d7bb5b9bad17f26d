import Quantization

/// Result of evaluating one plan on the first `samples` evaluation samples.
public struct PlanEvaluation: Sendable {
    public var plan: QuantizationPlan
    public var samples: Int
    /// Top-1 accuracy of the plan, when the data has labels.
    public var top1: Double?
    /// Top-1 accuracy of the float model on the same samples.
    public var floatTop1: Double?
    /// Fraction of samples whose prediction equals the float model's.
    public var agreement: Double
    public var predictions: [Int]
    /// Samples whose prediction differs from the float model's.
    public var flippedSamples: [Int]
    /// Wall-clock seconds of this evaluation.
    public var seconds: Double
    /// Units run per batch, summed, against units in the program times batches:
    /// how much work the cache saved (1 means everything was recomputed).
    public var recomputedFraction: Double
    /// Whether the predictions were stored ones, from an earlier or a
    /// speculative evaluation of the same program, so nothing ran.
    public var reusedStoredPredictions = false
    /// Parameters chosen per layer.
    public var layers: [LayerReport]
    /// int8 requests that run in float, with the reason.
    public var fallbacks: [String: String]

    /// "integer" or "fake-quant (float simulation)", for every report.
    public var modeLabel: String { plan.mode.label }
}

extension ExecutionMode {
    /// Report name of the mode. Fake quantization is always marked as a float simulation.
    public var label: String {
        switch self {
        case .integer: return "integer"
        case .fakeQuant: return "fake-quant (float simulation)"
        }
    }
}

/// Error of one int8 layer's output against the float model, on the first
/// `samples` evaluation samples.
public struct LayerError: Sendable, Equatable {
    public var layer: String
    public var samples: Int
    /// The layer alone in int8, fed the float model's input (quantized).
    public var local: LayerErrorMetrics
    /// The whole plan up to and including this layer.
    public var cumulative: LayerErrorMetrics
}

import Evaluation
import Quantization

/// Error metrics of one layer's output under a plan, measured against the
/// float model's output of the same layer on the same samples.
public struct LayerMetrics: Sendable, Equatable {
    /// Signal-to-quantization-noise ratio in dB: 10 log10(sum r^2 / sum (r - r')^2).
    public var sqnr: Double?
    /// Root-mean-square error divided by the output scale S: about 0.29
    /// (1 / sqrt(12)) for pure rounding noise, larger when errors accumulate.
    public var rmsePerScale: Double?
    /// Fraction of float output values outside the representable range [S(qmin - Z), S(qmax - Z)].
    public var clippedFraction: Double?

    public init(sqnr: Double? = nil, rmsePerScale: Double? = nil, clippedFraction: Double? = nil) {
        self.sqnr = sqnr
        self.rmsePerScale = rmsePerScale
        self.clippedFraction = clippedFraction
    }
}

/// The outcome of evaluating one plan on the first `samples` samples.
public struct EvaluationOutcome: Sendable, Equatable {
    public var samples: Int
    public var top1: Double?
    /// Fraction of predictions equal to the float model's.
    public var agreement: Double?
    /// Per-layer metrics by layer name; layers in float have none.
    public var layerMetrics: [String: LayerMetrics]
    /// Whether the predictions are stored ones, from an earlier or a
    /// speculative evaluation of the same plan, so nothing ran for this
    /// request. They equal a fresh evaluation of the plan either way.
    public var isCached: Bool

    public init(samples: Int, top1: Double?, agreement: Double?, layerMetrics: [String: LayerMetrics] = [:],
                isCached: Bool = false) {
        self.samples = samples
        self.top1 = top1
        self.agreement = agreement
        self.layerMetrics = layerMetrics
        self.isCached = isCached
    }
}

/// Something that evaluates a quantization plan on the explorer's data:
/// the integer engine, or a simpler stand-in.
///
/// Implementations are called from a background thread, one call at a
/// time per plan, and must stop soon after `token` is cancelled by
/// throwing `EvaluationError.cancelled`.
public protocol PlanEvaluating: Sendable {
    /// How int8 layers are executed, shown on screen, for example
    /// "integer arithmetic".
    var executionDescription: String { get }

    /// Evaluates `plan` on the first `limit` samples of the data.
    /// `reference` holds the float model's predictions for agreement, when known.
    func evaluate(_ plan: QuantizationPlan, limit: Int, reference: [Int]?, token: CancellationToken,
                  progress: @escaping @Sendable (Int, Int) -> Void) throws -> (EvaluationOutcome, predictions: [Int])

    /// Evaluates ahead of time the plans one precision toggle away from
    /// `plan`, so that a later `evaluate` of one of them returns at once.
    /// Called while the explorer is idle; must return soon after `token` is
    /// cancelled.
    func prepareNeighbours(of plan: QuantizationPlan, token: CancellationToken)
}

extension PlanEvaluating {
    /// Prepares nothing: every evaluation runs when requested.
    public func prepareNeighbours(of plan: QuantizationPlan, token: CancellationToken) {}
}

import Foundation
import QuantCore
import Quantization
import Evaluation

/// Evaluates plans with the integer engine through a `QuantizationSession`:
/// int8 layers run on 8-bit integers with int32 accumulators and
/// fixed-point requantization, and results are cached between plans so a
/// change recomputes only what lies downstream of it.
///
/// The session is created on the first call, on the worker's thread: it
/// calibrates and runs the float model over the whole data set once, so
/// the screen opens without waiting for it.
public final class IntegerSessionEvaluator: PlanEvaluating, @unchecked Sendable {
    private let context: ExplorerContext
    private let lock = NSLock()
    private var session: QuantizationSession?
    /// Per-layer metrics of recent plans, most recently used first; guarded by `lock`.
    private var storedMetrics: [(plan: QuantizationPlan, metrics: [String: LayerMetrics])] = []
    private static let storedMetricsCapacity = 32

    public init(context: ExplorerContext) {
        self.context = context
    }

    public var executionDescription: String { "integer arithmetic (int8 operands, int32 accumulators)" }

    public func evaluate(_ plan: QuantizationPlan, limit: Int, reference: [Int]?, token: CancellationToken,
                         progress: @escaping @Sendable (Int, Int) -> Void) throws -> (EvaluationOutcome, predictions: [Int]) {
        let total = min(limit, context.evaluationData.count)
        let labels = context.evaluationData.labels.map { Array($0.prefix(total)) }
        if total < context.evaluationData.count, !hasSession, plan.int8Layers(among: context.layers.map(\.name)).isEmpty {
            // The quick float pass runs before the session computes the float model on every sample.
            return try evaluateFloatSubset(limit: total, token: token, progress: progress)
        }
        let session = try openSession()
        if plan.int8Layers(among: session.layerNames).isEmpty {
            // The session already ran the float model over every sample.
            let predictions = Array(session.reference.predictions.prefix(total))
            progress(total, total)
            let outcome = EvaluationOutcome(
                samples: total, top1: labels.map { Metrics.matchingFraction(predictions, $0) },
                agreement: reference.map { Metrics.matchingFraction(predictions, Array($0.prefix(total))) })
            return (outcome, predictions)
        }
        let integerPlan = Self.integerPlan(plan)
        let evaluation = try session.evaluate(integerPlan, limit: total, token: token, progress: progress)
        let metrics = try layerMetrics(integerPlan, session: session, token: token)
        let outcome = EvaluationOutcome(samples: evaluation.samples, top1: evaluation.top1,
                                        agreement: evaluation.agreement, layerMetrics: metrics,
                                        isCached: evaluation.reusedStoredPredictions)
        return (outcome, evaluation.predictions)
    }

    /// Evaluates the plans one toggle away on every sample through the
    /// session (`QuantizationSession.speculate`), then their per-layer
    /// metrics, until `token` is cancelled. Does nothing before the session exists.
    public func prepareNeighbours(of plan: QuantizationPlan, token: CancellationToken) {
        lock.lock()
        let session = self.session
        lock.unlock()
        guard let session else { return }
        let integerPlan = Self.integerPlan(plan)
        _ = session.speculate(around: integerPlan, token: token)
        for neighbour in session.toggleNeighbours(of: integerPlan) {
            if token.isCancelled { return }
            // A failure here repeats, and is reported, when the plan is requested.
            _ = try? layerMetrics(neighbour, session: session, token: token)
        }
    }

    /// Returns `plan` in integer mode, the only mode the explorer's session runs.
    private static func integerPlan(_ plan: QuantizationPlan) -> QuantizationPlan {
        var integerPlan = plan
        integerPlan.mode = .integer
        return integerPlan
    }

    /// Returns the cumulative error of every int8 layer of `plan`, computed
    /// once per plan and kept for the most recent plans.
    private func layerMetrics(_ plan: QuantizationPlan, session: QuantizationSession,
                              token: CancellationToken) throws -> [String: LayerMetrics] {
        lock.lock()
        if let index = storedMetrics.firstIndex(where: { $0.plan == plan }) {
            let entry = storedMetrics.remove(at: index)
            storedMetrics.insert(entry, at: 0)
            lock.unlock()
            return entry.metrics
        }
        lock.unlock()
        var metrics: [String: LayerMetrics] = [:]
        for error in try session.layerErrors(plan, token: token) {
            let cumulative = error.cumulative
            metrics[error.layer] = LayerMetrics(sqnr: cumulative.signalToQuantizationNoise,
                                                rmsePerScale: cumulative.rmseOverScale,
                                                clippedFraction: cumulative.clippedFraction)
        }
        lock.lock()
        storedMetrics.insert((plan, metrics), at: 0)
        if storedMetrics.count > Self.storedMetricsCapacity { storedMetrics.removeLast() }
        lock.unlock()
        return metrics
    }

    private var hasSession: Bool {
        lock.lock()
        defer { lock.unlock() }
        return session != nil
    }

    private func evaluateFloatSubset(limit: Int, token: CancellationToken,
                                     progress: @escaping @Sendable (Int, Int) -> Void) throws -> (EvaluationOutcome, predictions: [Int]) {
        let engine = try FloatEngine(model: context.prepared.model)
        let inputName = context.inputName
        let outputName = context.prepared.model.graph.outputs.first?.name ?? ""
        let data = context.evaluationData
        let result = try EvaluationRunner().run(images: data.images, labels: data.labels, limit: limit, token: token,
                                                progress: progress) { batch in
            guard let logits = try engine.run(inputs: [inputName: batch])[outputName] else {
                throw EvaluationError.outputShape(expected: "graph output \(outputName)", actual: [])
            }
            return logits
        }
        return (EvaluationOutcome(samples: result.samples, top1: result.top1, agreement: 1), result.predictions)
    }

    /// Creates the session once. Its creation is not cancelled with the job
    /// that started it: a user changing the plan every second would
    /// otherwise restart the float pass over the whole data set forever.
    private func openSession() throws -> QuantizationSession {
        lock.lock()
        defer { lock.unlock() }
        if let session { return session }
        let created = try QuantizationSession(model: context.model, calibrated: context.calibrated,
                                              data: context.evaluationData)
        session = created
        return created
    }
}

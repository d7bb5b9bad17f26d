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
        var integerPlan = plan
        integerPlan.mode = .integer
        let evaluation = try session.evaluate(integerPlan, limit: total, token: token, progress: progress)
        var metrics: [String: LayerMetrics] = [:]
        for error in try session.layerErrors(integerPlan, token: token) {
            let cumulative = error.cumulative
            metrics[error.layer] = LayerMetrics(sqnr: cumulative.signalToQuantizationNoise,
                                                rmsePerScale: cumulative.rmseOverScale,
                                                clippedFraction: cumulative.clippedFraction)
        }
        let outcome = EvaluationOutcome(samples: evaluation.samples, top1: evaluation.top1,
                                        agreement: evaluation.agreement, layerMetrics: metrics)
        return (outcome, evaluation.predictions)
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

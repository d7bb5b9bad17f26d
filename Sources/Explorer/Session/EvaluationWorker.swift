import Dispatch
import Foundation
import Evaluation
import Quantization

/// Runs evaluation jobs one at a time on a background queue. A new job
/// cancels the running one, so only the newest plan is ever finished.
///
/// Each target runs twice: on the first `subsetSize` samples for a quick
/// answer, then on the whole set. The float model is evaluated once and its
/// predictions are the reference for agreement. When a job has finished,
/// the worker calls the evaluator to prepare the plans one toggle away
/// (`PlanEvaluating.prepareNeighbours`) under the same token, so the next
/// submitted job cancels that preparation.
public final class EvaluationWorker: @unchecked Sendable {
    private let evaluator: any PlanEvaluating
    private let subsetSize: Int
    private let totalSamples: Int
    private let queue = DispatchQueue(label: "quantscope.evaluation", qos: .userInitiated)
    private let lock = NSLock()
    private var currentToken: CancellationToken?
    /// Float predictions on the whole set, once known.
    private var floatPredictions: [Int]?

    public init(evaluator: any PlanEvaluating, subsetSize: Int, totalSamples: Int) {
        self.evaluator = evaluator
        self.subsetSize = max(1, min(subsetSize, totalSamples))
        self.totalSamples = totalSamples
    }

    /// Starts `job` in the background after cancelling the running one.
    /// `onUpdate` is called from the worker's queue.
    public func submit(_ job: EvaluationJob, onUpdate: @escaping @Sendable (EvaluationUpdate) -> Void) {
        let token = CancellationToken()
        lock.lock()
        currentToken?.cancel()
        currentToken = token
        lock.unlock()
        queue.async { [self] in
            run(job, token: token, preparesNeighbours: true, onUpdate: onUpdate)
        }
    }

    /// Runs `job` to completion on the calling thread and returns every
    /// update in order. It prepares no neighbouring plans.
    public func runSynchronously(_ job: EvaluationJob) -> [EvaluationUpdate] {
        let collected = UpdateCollector()
        run(job, token: CancellationToken(), preparesNeighbours: false, onUpdate: collected.append)
        return collected.updates
    }

    /// Cancels the running job, if any.
    public func cancel() {
        lock.lock()
        currentToken?.cancel()
        lock.unlock()
    }

    private func run(_ job: EvaluationJob, token: CancellationToken, preparesNeighbours: Bool,
                     onUpdate: @escaping @Sendable (EvaluationUpdate) -> Void) {
        lock.lock()
        let knownFloat = floatPredictions
        lock.unlock()
        if knownFloat == nil {
            guard let predictions = evaluate(QuantizationPlan(), target: .float, generation: job.generation,
                                             reference: nil, token: token, onUpdate: onUpdate) else { return }
            lock.lock()
            floatPredictions = predictions
            lock.unlock()
        }
        let reference = knownFloat ?? floatPredictions
        guard evaluate(job.plan, target: .plan, generation: job.generation, reference: reference,
                       token: token, onUpdate: onUpdate) != nil else { return }
        if job.evaluatesAllInt8 {
            guard evaluate(job.allInt8Plan, target: .allInt8, generation: job.generation, reference: reference,
                           token: token, onUpdate: onUpdate) != nil else { return }
        }
        if preparesNeighbours, !token.isCancelled {
            evaluator.prepareNeighbours(of: job.plan, token: token)
        }
    }

    /// Evaluates one target on the subset and then on the whole set; returns
    /// the full predictions, or nil when cancelled or failed.
    private func evaluate(_ plan: QuantizationPlan, target: EvaluationTarget, generation: Int, reference: [Int]?,
                          token: CancellationToken,
                          onUpdate: @escaping @Sendable (EvaluationUpdate) -> Void) -> [Int]? {
        var limits = [subsetSize]
        if totalSamples > subsetSize { limits.append(totalSamples) }
        var predictions: [Int]?
        for limit in limits {
            if token.isCancelled { return nil }
            onUpdate(EvaluationUpdate(generation: generation, target: target, phase: .running(done: 0, total: limit)))
            do {
                let (result, runPredictions) = try evaluator.evaluate(
                    plan, limit: limit, reference: reference, token: token,
                    progress: { done, total in
                        onUpdate(EvaluationUpdate(generation: generation, target: target,
                                                  phase: .running(done: done, total: total)))
                    })
                predictions = runPredictions
                onUpdate(EvaluationUpdate(generation: generation, target: target,
                                          phase: limit == limits.last ? .finished : .running(done: 0, total: totalSamples),
                                          result: result, isFull: limit == totalSamples))
            } catch EvaluationError.cancelled {
                return nil
            } catch {
                if token.isCancelled { return nil }
                onUpdate(EvaluationUpdate(generation: generation, target: target, phase: .failed("\(error)")))
                return nil
            }
        }
        return predictions
    }
}

/// Updates gathered by `runSynchronously`.
private final class UpdateCollector: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var updates: [EvaluationUpdate] = []

    func append(_ update: EvaluationUpdate) {
        lock.lock()
        updates.append(update)
        lock.unlock()
    }
}

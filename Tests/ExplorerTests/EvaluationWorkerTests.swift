import XCTest
import Dispatch
import Foundation
import Evaluation
import Quantization
@testable import Explorer

/// A stand-in evaluator: every evaluation returns at once, and preparing
/// neighbours blocks until its token is cancelled, as a long speculation would.
private final class RecordingEvaluator: PlanEvaluating, @unchecked Sendable {
    private let lock = NSLock()
    private var preparedPlans: [QuantizationPlan] = []
    private var cancelledPreparations = 0
    let preparationStarted = DispatchSemaphore(value: 0)

    var executionDescription: String { "stand-in" }

    func evaluate(_ plan: QuantizationPlan, limit: Int, reference: [Int]?, token: CancellationToken,
                  progress: @escaping @Sendable (Int, Int) -> Void) throws -> (EvaluationOutcome, predictions: [Int]) {
        if token.isCancelled { throw EvaluationError.cancelled }
        return (EvaluationOutcome(samples: limit, top1: 0.5, agreement: 1), Array(repeating: 0, count: limit))
    }

    func prepareNeighbours(of plan: QuantizationPlan, token: CancellationToken) {
        lock.lock()
        preparedPlans.append(plan)
        lock.unlock()
        preparationStarted.signal()
        while !token.isCancelled { usleep(1_000) }
        lock.lock()
        cancelledPreparations += 1
        lock.unlock()
    }

    var counts: (prepared: [QuantizationPlan], cancelled: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (preparedPlans, cancelledPreparations)
    }
}

final class EvaluationWorkerTests: XCTestCase {
    private let allInt8 = QuantizationPlan(defaults: LayerQuantization(precision: .int8))

    private func job(_ generation: Int, plan: QuantizationPlan) -> EvaluationJob {
        EvaluationJob(generation: generation, plan: plan, allInt8Plan: allInt8, evaluatesAllInt8: false)
    }

    func testFinishedJobPreparesNeighboursOfItsPlan() {
        let evaluator = RecordingEvaluator()
        let worker = EvaluationWorker(evaluator: evaluator, subsetSize: 10, totalSamples: 100)
        worker.submit(job(1, plan: allInt8)) { _ in }
        XCTAssertEqual(evaluator.preparationStarted.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(evaluator.counts.prepared, [allInt8])
        worker.cancel()
    }

    func testNextJobCancelsPreparation() {
        let evaluator = RecordingEvaluator()
        let worker = EvaluationWorker(evaluator: evaluator, subsetSize: 10, totalSamples: 100)
        worker.submit(job(1, plan: allInt8)) { _ in }
        XCTAssertEqual(evaluator.preparationStarted.wait(timeout: .now() + 10), .success)

        var toggled = allInt8
        toggled.set(LayerQuantization(precision: .float), for: "fc1")
        let finished = expectation(description: "the second job finishes its plan")
        worker.submit(job(2, plan: toggled)) { update in
            if update.generation == 2, update.target == .plan, update.isFull { finished.fulfill() }
        }
        wait(for: [finished], timeout: 10)
        XCTAssertGreaterThanOrEqual(evaluator.counts.cancelled, 1, "the first preparation was cancelled")
        XCTAssertEqual(evaluator.preparationStarted.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(evaluator.counts.prepared, [allInt8, toggled])
        worker.cancel()
    }

    func testSynchronousRunPreparesNothing() {
        let evaluator = RecordingEvaluator()
        let worker = EvaluationWorker(evaluator: evaluator, subsetSize: 10, totalSamples: 100)
        let updates = worker.runSynchronously(job(1, plan: allInt8))
        let planUpdates = updates.filter { $0.target == .plan }
        XCTAssertTrue(planUpdates.contains { $0.isFull })
        XCTAssertEqual(evaluator.counts.prepared, [])
    }
}

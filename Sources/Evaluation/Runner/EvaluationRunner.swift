import Dispatch
import Foundation
import QuantCore

/// Outcome of running a classifier over a data set.
public struct EvaluationResult: Sendable, Equatable {
    public var samples: Int
    /// Predicted class per sample, in data set order.
    public var predictions: [Int]
    /// Top-1 accuracy in [0, 1], when the data set has labels.
    public var top1: Double?
    /// Fraction of predictions equal to the reference predictions, when a
    /// reference (usually the float model's) was given.
    public var agreement: Double?
    /// Wall-clock time of the run, in seconds.
    public var seconds: Double
    /// The classifier's outputs [samples, classes], when the run kept them.
    public var logits: Tensor?

    public init(samples: Int, predictions: [Int], top1: Double?, agreement: Double?, seconds: Double,
                logits: Tensor? = nil) {
        self.samples = samples
        self.predictions = predictions
        self.top1 = top1
        self.agreement = agreement
        self.seconds = seconds
        self.logits = logits
    }
}

/// A flag that a caller sets to stop a run early. Safe to share across threads.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}

/// Errors of an evaluation run.
public enum EvaluationError: Error, CustomStringConvertible {
    case cancelled
    case emptyDataSet(source: String)
    case labelCountMismatch(images: Int, labels: Int)
    case outputShape(expected: String, actual: [Int])
    case nonFiniteOutput(sample: Int, value: Float)
    case inference(batchStart: Int, underlying: any Error)

    public var description: String {
        switch self {
        case .cancelled:
            return "evaluation cancelled"
        case .emptyDataSet(let source):
            return "data set \(source) has no samples; pass a file with at least one image"
        case .labelCountMismatch(let images, let labels):
            return "the data set has \(images) images but \(labels) labels; pass the matching labels file"
        case .outputShape(let expected, let actual):
            return "the model output has shape \(actual), expected \(expected)"
        case .nonFiniteOutput(let sample, let value):
            return "the model output for sample \(sample) contains \(value), so its prediction means nothing; "
                + "look for NaN or infinite weights with inspect, or an input that overflows a layer"
        case .inference(let batchStart, let underlying):
            return "inference failed on the batch starting at sample \(batchStart): \(underlying)"
        }
    }
}

/// Runs a classifier over a batch of images split into mini-batches, spread
/// over all cores, and scores the predictions.
public struct EvaluationRunner: Sendable {
    /// Samples per call of the classifier.
    public var batchSize: Int
    /// Number of mini-batches run at once; defaults to the number of cores.
    public var concurrency: Int

    public init(batchSize: Int = 100, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.batchSize = max(1, batchSize)
        self.concurrency = max(1, concurrency)
    }

    /// Classifies the first `limit` samples of `images` ([N, ...]) with
    /// `predict`, which maps a batch to logits [n, classes].
    ///
    /// - Parameters:
    ///   - labels: true classes; when given, `top1` is computed.
    ///   - reference: predictions to compare with; when given, `agreement` is computed.
    ///   - keepLogits: whether the result carries every output row.
    ///   - progress: called with (samples done, total) after each mini-batch,
    ///     from any thread.
    /// - Throws: `EvaluationError.cancelled` once `token` is cancelled.
    public func run(images: Tensor, labels: [Int]?, reference: [Int]? = nil, limit: Int? = nil,
                    token: CancellationToken = CancellationToken(), keepLogits: Bool = false,
                    progress: (@Sendable (Int, Int) -> Void)? = nil,
                    predict: @escaping @Sendable (Tensor) throws -> Tensor) throws -> EvaluationResult {
        let start = DispatchTime.now()
        let total = min(images.batchCount, limit ?? Int.max)
        guard total > 0 else { throw EvaluationError.emptyDataSet(source: "\(images.shape)") }
        if let labels, labels.count < total {
            throw EvaluationError.labelCountMismatch(images: total, labels: labels.count)
        }

        let batchStarts = Array(stride(from: 0, to: total, by: batchSize))
        let collector = ResultSlots<BatchOutcome>(count: batchStarts.count)
        let workers = min(concurrency, batchStarts.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var batchIndex = worker
            while batchIndex < batchStarts.count {
                if token.isCancelled || collector.hasFailed { return }
                let lower = batchStarts[batchIndex]
                let upper = min(lower + batchSize, total)
                do {
                    let logits = try predict(images.batch(lower..<upper))
                    guard logits.rank == 2, logits.batchCount == upper - lower else {
                        throw EvaluationError.outputShape(expected: "[\(upper - lower), classes]",
                                                          actual: logits.shape)
                    }
                    if let bad = Metrics.firstNonFiniteRow(logits) {
                        throw EvaluationError.nonFiniteOutput(sample: lower + bad.row, value: bad.value)
                    }
                    let outcome = BatchOutcome(predictions: try Metrics.argmax(logits),
                                               logits: keepLogits ? logits : nil)
                    let done = collector.store(outcome, at: batchIndex, weight: upper - lower)
                    progress?(done, total)
                } catch {
                    collector.fail(EvaluationError.inference(batchStart: lower, underlying: error))
                    return
                }
                batchIndex += workers
            }
        }
        if let failure = collector.failure { throw failure }
        if token.isCancelled { throw EvaluationError.cancelled }

        let outcomes = collector.values
        let predictions = outcomes.flatMap(\.predictions)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return EvaluationResult(
            samples: total,
            predictions: predictions,
            top1: labels.map { Metrics.matchingFraction(predictions, Array($0.prefix(total))) },
            agreement: reference.map { Metrics.matchingFraction(predictions, Array($0.prefix(total))) },
            seconds: seconds,
            logits: keepLogits ? try? concatenateBatches(outcomes.compactMap(\.logits)) : nil)
    }
}

/// One mini-batch's predictions, and its logits when the run keeps them.
private struct BatchOutcome {
    let predictions: [Int]
    let logits: Tensor?
}

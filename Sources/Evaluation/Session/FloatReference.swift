import Dispatch
import Foundation
import QuantCore
import Quantization

/// The float model's results that every quantized evaluation is compared
/// with: logits and predictions of every evaluation sample, and every
/// activation of the first `activationSamples` samples (for per-layer error).
public struct FloatReference: Sendable {
    /// Logits [N, classes] of the prepared float model, in sample order.
    public var logits: Tensor
    public var predictions: [Int]
    /// Top-1 accuracy when the data has labels.
    public var top1: Double?
    /// Every value of the prepared graph on samples 0..<activationSamples.
    public var activations: [String: Tensor]
    public var activationSamples: Int

    /// Runs the prepared float model over `data`, `batchSize` samples at a
    /// time on all cores.
    public static func compute(prepared: PreparedModel, data: LabeledImages, batchSize: Int,
                               activationSamples: Int, token: CancellationToken) throws -> FloatReference {
        let engine = try FloatEngine(model: prepared.model)
        guard let input = prepared.model.graph.runtimeInputs.first?.name,
              let output = prepared.model.graph.outputs.first?.name else {
            throw EvaluationError.outputShape(expected: "one graph input and output", actual: [])
        }
        let total = data.count
        guard total > 0 else { throw EvaluationError.emptyDataSet(source: data.source) }
        let starts = Array(stride(from: 0, to: total, by: batchSize))
        let slots = ResultSlots<Tensor>(count: starts.count)
        DispatchQueue.concurrentPerform(iterations: min(ProcessInfo.processInfo.activeProcessorCount, starts.count)) { worker in
            var index = worker
            while index < starts.count, !token.isCancelled, !slots.hasFailed {
                let range = starts[index]..<min(starts[index] + batchSize, total)
                do {
                    guard let logits = try engine.run(inputs: [input: data.batch(range)])[output] else {
                        throw EvaluationError.outputShape(expected: "graph output \(output)", actual: [])
                    }
                    slots.store(logits, at: index)
                } catch {
                    slots.fail(EvaluationError.inference(batchStart: range.lowerBound, underlying: error))
                }
                index += ProcessInfo.processInfo.activeProcessorCount
            }
        }
        if let failure = slots.failure { throw failure }
        if token.isCancelled { throw EvaluationError.cancelled }
        let logits = try concatenateBatches(slots.values)
        if let bad = Metrics.firstNonFiniteRow(logits) {
            throw EvaluationError.nonFiniteOutput(sample: bad.row, value: bad.value)
        }
        let predictions = try Metrics.argmax(logits)

        let sampleCount = min(activationSamples, total)
        let activations = sampleCount > 0
            ? try engine.runRecordingValues(inputs: [input: data.batch(0..<sampleCount)]) : [:]
        return FloatReference(logits: logits, predictions: predictions,
                              top1: data.labels.map { Metrics.matchingFraction(predictions, $0) },
                              activations: activations, activationSamples: sampleCount)
    }
}

/// Joins float32 tensors [n_i, ...] along the first axis.
func concatenateBatches(_ tensors: [Tensor]) throws -> Tensor {
    guard let first = tensors.first else { return Tensor(shape: [0], floats: []) }
    var values: [Float] = []
    var rows = 0
    for tensor in tensors {
        values += try tensor.floats("logits")
        rows += tensor.batchCount
    }
    return Tensor(shape: [rows] + first.shape.dropFirst(), floats: values)
}

/// Per-batch results written by several worker threads.
final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var firstFailure: (any Error)?

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    private var storedWeight = 0

    func store(_ value: Value, at index: Int) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// Stores `value` and adds `weight` (a batch's sample count, say) to the
    /// running total, which it returns, so callers can report progress.
    func store(_ value: Value, at index: Int, weight: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
        storedWeight += weight
        return storedWeight
    }

    func fail(_ error: any Error) {
        lock.lock()
        if firstFailure == nil { firstFailure = error }
        lock.unlock()
    }

    var hasFailed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure != nil
    }

    var failure: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

import Dispatch
import Foundation
import QuantCore
import Quantization

/// The explorer's engine: one model, calibrated once, evaluated under any
/// number of plans with results cached between them.
///
/// It owns the prepared model, the calibration statistics, the evaluation
/// data and the float reference. `evaluate` compiles a plan (cheap: clip
/// ranges come from stored histograms) and runs it batch by batch. Per
/// batch it keeps the values of the previous plan at unit boundaries, with
/// quantized values stored as 8-bit integers, within `cacheBudgetBytes`.
/// Each batch resumes at the latest boundary before the first unit whose
/// steps changed, so toggling one layer recomputes only what lies
/// downstream of it.
///
/// Thread safety: evaluations are serialized by a lock and may run on any
/// queue; `lastEvaluation` can be read from any thread meanwhile. Poll
/// cancellation with the `CancellationToken` passed in; it is checked
/// between units and batches.
public final class QuantizationSession: @unchecked Sendable {
    public let model: Model
    public let calibrated: CalibratedModel
    public let data: LabeledImages
    public let reference: FloatReference
    public let batchSize: Int
    /// Upper bound of the bytes the cached values of all batches take.
    public let cacheBudgetBytes: Int

    private let inputName: String
    private let outputName: String
    private let evaluationLock = NSLock()
    private let resultLock = NSLock()
    private var last: PlanEvaluation?
    private var cache: [BatchCache]

    public var prepared: PreparedModel { calibrated.prepared }
    public var layerNames: [String] { calibrated.layerNames }

    /// Prepares `model`, calibrates it once on `calibrationImages` and
    /// computes the float reference on `data` (activations of the first
    /// `referenceSamples` samples are kept for per-layer error).
    public init(model: Model, data: LabeledImages, calibrationImages: Tensor, referenceSamples: Int = 256,
                batchSize: Int = 250, cacheBudgetBytes: Int = 256 << 20,
                token: CancellationToken = CancellationToken()) throws {
        let prepared = try GraphPreparation.prepare(model)
        guard let input = prepared.model.graph.runtimeInputs.first?.name,
              let output = prepared.model.graph.outputs.first?.name else {
            throw EvaluationError.outputShape(expected: "a model with one input and one output", actual: [])
        }
        self.model = model
        self.data = data
        self.batchSize = max(1, batchSize)
        self.cacheBudgetBytes = cacheBudgetBytes
        self.inputName = input
        self.outputName = output
        self.calibrated = try CalibratedModel.calibrate(prepared: prepared, images: calibrationImages,
                                                        isCancelled: { token.isCancelled })
        self.reference = try FloatReference.compute(prepared: prepared, data: data, batchSize: self.batchSize,
                                                    activationSamples: referenceSamples, token: token)
        self.cache = Array(repeating: BatchCache(), count: (data.count + self.batchSize - 1) / self.batchSize)
    }

    /// Uses an already calibrated model, so a caller that needed the
    /// calibration statistics earlier does not calibrate twice, and computes
    /// the float reference on `data`.
    public init(model: Model, calibrated: CalibratedModel, data: LabeledImages, referenceSamples: Int = 256,
                batchSize: Int = 250, cacheBudgetBytes: Int = 256 << 20,
                token: CancellationToken = CancellationToken()) throws {
        let prepared = calibrated.prepared
        guard let input = prepared.model.graph.runtimeInputs.first?.name,
              let output = prepared.model.graph.outputs.first?.name else {
            throw EvaluationError.outputShape(expected: "a model with one input and one output", actual: [])
        }
        self.model = model
        self.data = data
        self.batchSize = max(1, batchSize)
        self.cacheBudgetBytes = cacheBudgetBytes
        self.inputName = input
        self.outputName = output
        self.calibrated = calibrated
        self.reference = try FloatReference.compute(prepared: prepared, data: data, batchSize: self.batchSize,
                                                    activationSamples: referenceSamples, token: token)
        self.cache = Array(repeating: BatchCache(), count: (data.count + self.batchSize - 1) / self.batchSize)
    }

    /// The most recent completed evaluation.
    public var lastEvaluation: PlanEvaluation? {
        resultLock.lock()
        defer { resultLock.unlock() }
        return last
    }

    /// Compiles `plan` without evaluating it (for showing parameters).
    public func program(for plan: QuantizationPlan) throws -> ExecutionProgram {
        try calibrated.program(for: plan)
    }

    /// Evaluates `plan` on the first `limit` samples (all when nil).
    /// `progress` gets (samples done, total) from any thread.
    public func evaluate(_ plan: QuantizationPlan, limit: Int? = nil, token: CancellationToken = CancellationToken(),
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> PlanEvaluation {
        evaluationLock.lock()
        defer { evaluationLock.unlock() }
        let start = DispatchTime.now()
        let program = try calibrated.program(for: plan)
        let total = min(limit ?? data.count, data.count)
        guard total > 0 else { throw EvaluationError.emptyDataSet(source: data.source) }
        let batches = (total + batchSize - 1) / batchSize
        let retained = retainedKeys(program)
        let live = (0...program.units.count).map { program.liveValues(at: $0) }
        let runtime = MixedRuntime(program: program)
        let slots = ResultSlots<(Int, [Int])>(count: batches)
        let unitsRun = ResultSlots<Int>(count: batches)
        let counter = ProgressCounter()
        // The entries move into `entries` and out of `cache`, so that each
        // batch's old values are freed when its new ones are stored: the
        // cache never holds two plans' values at once.
        let entries = CacheAccess(cache)
        cache = []

        let workers = min(ProcessInfo.processInfo.activeProcessorCount, batches)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < batches, !token.isCancelled, !slots.hasFailed {
                let range = (index * batchSize)..<min((index + 1) * batchSize, data.count)
                do {
                    let (predictions, ran) = try evaluateBatch(index, range: range, program: program, runtime: runtime,
                                                              live: live, retained: retained, entries: entries,
                                                              token: token)
                    slots.store((index, predictions), at: index)
                    unitsRun.store(ran, at: index)
                    progress?(min(counter.add(range.count), total), total)
                } catch {
                    slots.fail(error)
                }
                index += workers
            }
        }
        cache = entries.entries
        if token.isCancelled { throw EvaluationError.cancelled }
        if let failure = slots.failure { throw failure }

        let predictions = Array(slots.values.sorted { $0.0 < $1.0 }.flatMap(\.1).prefix(total))
        let floatPredictions = Array(reference.predictions.prefix(total))
        let labels = data.labels.map { Array($0.prefix(total)) }
        let flipped = predictions.indices.filter { predictions[$0] != floatPredictions[$0] }
        let evaluation = PlanEvaluation(
            plan: plan, samples: total,
            top1: labels.map { Metrics.matchingFraction(predictions, $0) },
            floatTop1: labels.map { Metrics.matchingFraction(floatPredictions, $0) },
            agreement: Metrics.matchingFraction(predictions, floatPredictions),
            predictions: predictions, flippedSamples: flipped,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9,
            recomputedFraction: Double(unitsRun.values.reduce(0, +)) / Double(max(1, batches * program.units.count)),
            layers: program.layers, fallbacks: program.fallbacks)
        resultLock.lock()
        last = evaluation
        resultLock.unlock()
        return evaluation
    }

    /// Evaluates `plan` on the first `subset` samples, reports it, then on
    /// all samples, and reports again. The full pass reuses the subset's cache.
    public func evaluateSubsetThenFull(_ plan: QuantizationPlan, subset: Int = 1000,
                                       token: CancellationToken = CancellationToken(),
                                       onResult: (PlanEvaluation) -> Void) throws {
        if subset < data.count {
            onResult(try evaluate(plan, limit: subset, token: token))
        }
        onResult(try evaluate(plan, token: token))
    }

    // MARK: Batches

    /// Runs one batch from the latest usable cached boundary and returns its
    /// predictions and the number of units run.
    private func evaluateBatch(_ index: Int, range: Range<Int>, program: ExecutionProgram, runtime: MixedRuntime,
                               live: [Set<ValueKey>], retained: Set<ValueKey>, entries: CacheAccess,
                               token: CancellationToken) throws -> ([Int], Int) {
        let entry = entries[index]
        var resume = 0
        if let previous = entry.program, entry.samples == range.count {
            let changed = program.firstDifference(from: previous)
            if changed == program.units.count, let logits = entry.logits {
                return (try Metrics.argmax(logits), 0)
            }
            resume = (0...changed).last { position in live[position].allSatisfy { entry.store.contains($0) } } ?? 0
        }
        var store = resume > 0 ? entry.store : ValueStore()
        store.float[inputName] = data.batch(range)
        try runtime.run(&store, units: resume..<program.units.count, isCancelled: { token.isCancelled })
        guard let logits = store.float[outputName] else {
            throw EvaluationError.outputShape(expected: "graph output \(outputName)", actual: [])
        }
        entries[index] = BatchCache(program: program, store: store.keeping(retained), logits: logits,
                                    samples: range.count)
        return (try Metrics.argmax(logits), program.units.count - resume)
    }

    /// Keys kept between evaluations: the values live at the latest unit
    /// boundaries whose cost, per sample, fits `cacheBudgetBytes / samples`.
    /// Later boundaries come first: their tensors are usually smaller and
    /// they save the most work for changes deep in the network.
    func retainedKeys(_ program: ExecutionProgram) -> Set<ValueKey> {
        let budget = cacheBudgetBytes / max(1, data.count)
        var selected = Set<ValueKey>()
        var used = 0
        for position in stride(from: program.units.count - 1, through: 1, by: -1) {
            let needed = program.liveValues(at: position).subtracting(selected).filter { $0 != .float(inputName) }
            let cost = needed.reduce(0) { $0 + bytesPerSample($1) }
            if used + cost <= budget {
                selected.formUnion(needed)
                used += cost
            }
        }
        return selected
    }

    /// Bytes one sample of `key` takes: 4 per float element, 1 per integer element.
    private func bytesPerSample(_ key: ValueKey) -> Int {
        switch key {
        case .float(let name):
            return 4 * (calibrated.sampleShapes[name]?.reduce(1, *) ?? Int.max / 16)
        case .integer(let name):
            let base = String(name.split(separator: "@").first ?? Substring(name))
            return calibrated.sampleShapes[base]?.reduce(1, *) ?? Int.max / 16
        }
    }

    /// Bytes the cached values take now.
    public var cachedBytes: Int {
        evaluationLock.lock()
        defer { evaluationLock.unlock() }
        return cache.reduce(0) { total, entry in
            total + entry.store.float.keys.reduce(0) { $0 + entry.store.byteCount(of: .float($1)) }
                + entry.store.integer.keys.reduce(0) { $0 + entry.store.byteCount(of: .integer($1)) }
        }
    }

    /// Drops every cached value.
    public func clearCache() {
        evaluationLock.lock()
        cache = Array(repeating: BatchCache(), count: cache.count)
        evaluationLock.unlock()
    }
}

/// Cached values and logits of one batch under the plan it last ran.
struct BatchCache: Sendable {
    var program: ExecutionProgram?
    var store = ValueStore()
    var logits: Tensor?
    var samples = 0
}

/// The per-batch cache entries, read and written by several workers (each
/// on its own batches).
final class CacheAccess: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var entries: [BatchCache]

    init(_ entries: [BatchCache]) {
        self.entries = entries
    }

    subscript(index: Int) -> BatchCache {
        get {
            lock.lock()
            defer { lock.unlock() }
            return entries[index]
        }
        set {
            lock.lock()
            entries[index] = newValue
            lock.unlock()
        }
    }
}

/// A shared running count of finished samples.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0

    func add(_ count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        done += count
        return done
    }
}

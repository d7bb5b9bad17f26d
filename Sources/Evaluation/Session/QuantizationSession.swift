import Dispatch
import Foundation
import QuantCore
import Quantization

/// The explorer's engine: one model, calibrated once, evaluated under any
/// number of plans with results cached between them.
///
/// It owns the prepared model, the calibration statistics, the evaluation
/// data and the float reference. `evaluate` compiles a plan (clip ranges
/// come from stored histograms, and recent programs are kept) and runs it
/// batch by batch, one worker per core. Per batch it keeps the values of
/// the previous plan at the unit boundaries that save the most measured
/// work per byte, with quantized values stored as 8-bit integers, within
/// `cacheBudgetBytes`. Each batch resumes at the latest kept boundary
/// before the first unit whose steps changed, so toggling one layer
/// recomputes only what lies downstream of it. The predictions of recent
/// programs are stored too, so returning to a plan runs nothing, and
/// `speculate(around:token:)` stores those of the plans one toggle away.
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
    /// Predictions of recent programs; guarded by `evaluationLock`.
    private var stored = StoredPredictions(capacity: 64)
    private let unitCosts = UnitCostMeter()
    private let programLock = NSLock()
    private var programs = CompiledPrograms(capacity: 24)

    public var prepared: PreparedModel { calibrated.prepared }
    public var layerNames: [String] { calibrated.layerNames }

    /// Prepares `model`, calibrates it once on `calibrationImages` and
    /// computes the float reference on `data` (activations of the first
    /// `referenceSamples` samples are kept for per-layer error).
    public init(model: Model, data: LabeledImages, calibrationImages: Tensor, referenceSamples: Int = 256,
                batchSize: Int = 125, cacheBudgetBytes: Int = 160 << 20,
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
                batchSize: Int = 125, cacheBudgetBytes: Int = 160 << 20,
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

    /// Compiles `plan` without evaluating it (for showing parameters). The
    /// session keeps the programs of recent plans, so asking again is cheap.
    public func program(for plan: QuantizationPlan) throws -> ExecutionProgram {
        programLock.lock()
        defer { programLock.unlock() }
        return try programs.program(for: plan) { try calibrated.program(for: $0) }
    }

    /// Evaluates `plan` on the first `limit` samples (all when nil).
    /// `progress` gets (samples done, total) from any thread. A plan whose
    /// predictions are stored, from an earlier or a speculative evaluation,
    /// returns them without running anything.
    public func evaluate(_ plan: QuantizationPlan, limit: Int? = nil, token: CancellationToken = CancellationToken(),
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> PlanEvaluation {
        evaluationLock.lock()
        defer { evaluationLock.unlock() }
        return try evaluateLocked(plan, limit: limit, purpose: .requested, token: token, progress: progress)
    }

    /// Why a plan is evaluated, which decides what the evaluation may reuse and change.
    enum EvaluationPurpose {
        /// A caller's request: returns stored predictions when possible,
        /// keeps its values in the batch cache and becomes `lastEvaluation`.
        case requested
        /// Refills the batch cache with the plan's values, even when its predictions are stored.
        case refillingCache
        /// Evaluates a plan the user may choose next: stores its predictions
        /// only, so the batch cache keeps the values of the last requested plan.
        case speculative

        var reusesStoredPredictions: Bool { self == .requested }
        var keepsValues: Bool { self != .speculative }
    }

    /// Evaluates `plan`. The caller must hold `evaluationLock`.
    func evaluateLocked(_ plan: QuantizationPlan, limit: Int?, purpose: EvaluationPurpose, token: CancellationToken,
                        progress: (@Sendable (Int, Int) -> Void)?) throws -> PlanEvaluation {
        let start = DispatchTime.now()
        let program = try self.program(for: plan)
        let total = min(limit ?? data.count, data.count)
        guard total > 0 else { throw EvaluationError.emptyDataSet(source: data.source) }
        if token.isCancelled { throw EvaluationError.cancelled }
        let batches = (total + batchSize - 1) / batchSize

        if purpose.reusesStoredPredictions, let predictions = stored.predictions(of: program, samples: total) {
            progress?(total, total)
            let evaluation = makeEvaluation(plan, program: program, predictions: predictions, start: start,
                                            recomputedFraction: 0, reusedStoredPredictions: true)
            record(evaluation)
            return evaluation
        }

        let live = (0...program.units.count).map { program.liveValues(at: $0).subtracting(graphInputKeys) }
        let runtime = MixedRuntime(program: program)
        let slots = ResultSlots<(Int, [Int])>(count: batches)
        let unitsRun = ResultSlots<Int>(count: batches)
        let counter = ProgressCounter()
        // The entries move into `entries` and out of `cache`, so that each
        // batch's old values are freed when its new ones are stored: the
        // cache never holds two plans' values at once.
        let entries = CacheAccess(cache)
        cache = []
        // Chosen once, so that every batch keeps the same boundaries.
        let retained = retainedKeys(program, live: live)
        let context = BatchContext(program: program, runtime: runtime, live: live, retained: retained,
                                   entries: entries, keepsValues: purpose.keepsValues, token: token)

        let workers = min(ProcessInfo.processInfo.activeProcessorCount, batches)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < batches, !token.isCancelled, !slots.hasFailed {
                let range = (index * batchSize)..<min((index + 1) * batchSize, data.count)
                do {
                    let (predictions, ran) = try evaluateBatch(index, range: range, context: context)
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
        stored.store(predictions, of: program)
        let recomputed = Double(unitsRun.values.reduce(0, +)) / Double(max(1, batches * program.units.count))
        let evaluation = makeEvaluation(plan, program: program, predictions: predictions, start: start,
                                        recomputedFraction: recomputed, reusedStoredPredictions: false)
        if purpose != .speculative { record(evaluation) }
        return evaluation
    }

    private func makeEvaluation(_ plan: QuantizationPlan, program: ExecutionProgram, predictions: [Int],
                                start: DispatchTime, recomputedFraction: Double,
                                reusedStoredPredictions: Bool) -> PlanEvaluation {
        let total = predictions.count
        let floatPredictions = Array(reference.predictions.prefix(total))
        let labels = data.labels.map { Array($0.prefix(total)) }
        let flipped = predictions.indices.filter { predictions[$0] != floatPredictions[$0] }
        return PlanEvaluation(
            plan: plan, samples: total,
            top1: labels.map { Metrics.matchingFraction(predictions, $0) },
            floatTop1: labels.map { Metrics.matchingFraction(floatPredictions, $0) },
            agreement: Metrics.matchingFraction(predictions, floatPredictions),
            predictions: predictions, flippedSamples: flipped,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9,
            recomputedFraction: recomputedFraction, reusedStoredPredictions: reusedStoredPredictions,
            layers: program.layers, fallbacks: program.fallbacks)
    }

    private func record(_ evaluation: PlanEvaluation) {
        resultLock.lock()
        last = evaluation
        resultLock.unlock()
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

    /// State shared by every batch of one evaluation.
    struct BatchContext {
        var program: ExecutionProgram
        var runtime: MixedRuntime
        /// Values live at each unit boundary, without the graph inputs.
        var live: [Set<ValueKey>]
        /// Values each batch keeps in the cache.
        var retained: Set<ValueKey>
        var entries: CacheAccess
        var keepsValues: Bool
        var token: CancellationToken
    }

    /// Runs one batch from the latest usable cached boundary and returns its
    /// predictions and the number of units run. Each unit is timed, for
    /// choosing the boundaries to keep.
    private func evaluateBatch(_ index: Int, range: Range<Int>,
                               context: BatchContext) throws -> ([Int], Int) {
        let program = context.program
        let entry = context.entries[index]
        var resume = 0
        if let previous = entry.program, entry.samples == range.count {
            let changed = program.firstDifference(from: previous)
            if changed == program.units.count, let logits = entry.logits {
                return (try Metrics.argmax(logits), 0)
            }
            resume = (0...changed).last { position in
                context.live[position].allSatisfy { entry.store.contains($0) }
            } ?? 0
        }
        var store = resume > 0 ? entry.store : ValueStore()
        store.float[inputName] = data.batch(range)
        for position in resume..<program.units.count {
            if context.token.isCancelled { throw EvaluationError.cancelled }
            let unitStart = DispatchTime.now().uptimeNanoseconds
            try context.runtime.execute(program.units[position], store: &store)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - unitStart) / 1e9
            unitCosts.record(position: position, seconds: elapsed, samples: range.count)
        }
        guard let logits = store.float[outputName] else {
            throw EvaluationError.outputShape(expected: "graph output \(outputName)", actual: [])
        }
        if context.keepsValues {
            context.entries[index] = BatchCache(program: program, store: store.keeping(context.retained),
                                                logits: logits, samples: range.count)
        }
        return (try Metrics.argmax(logits), program.units.count - resume)
    }

    /// Keys kept between evaluations: the values at the unit boundaries
    /// that save the most work per byte, within `cacheBudgetBytes / samples`
    /// bytes per sample (`CacheBoundarySelection`). Work is the unit times
    /// measured in earlier evaluations; before the first one, every unit
    /// counts the same.
    func retainedKeys(_ program: ExecutionProgram) -> Set<ValueKey> {
        retainedKeys(program, live: (0...program.units.count).map {
            program.liveValues(at: $0).subtracting(graphInputKeys)
        })
    }

    private func retainedKeys(_ program: ExecutionProgram, live: [Set<ValueKey>]) -> Set<ValueKey> {
        CacheBoundarySelection.select(unitCosts: unitCosts.costs(unitCount: program.units.count), liveValues: live,
                                      budget: cacheBudgetBytes / max(1, data.count),
                                      bytesPerSample: bytesPerSample).keys
    }

    private var graphInputKeys: Set<ValueKey> { [.float(inputName)] }

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

    /// Runs `body` while holding the evaluation lock.
    func withEvaluationLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        evaluationLock.lock()
        defer { evaluationLock.unlock() }
        return try body()
    }

    /// Checks whether every batch's cached values belong to `program`. The
    /// caller must hold the evaluation lock.
    func batchCacheHolds(_ program: ExecutionProgram) -> Bool {
        cache.allSatisfy { $0.program?.units == program.units && $0.logits != nil }
    }

    /// Checks whether the predictions of every sample under `program` are
    /// stored. The caller must hold the evaluation lock.
    func storedPredictionsCover(_ program: ExecutionProgram) -> Bool {
        stored.contains(program, samples: data.count)
    }

    /// Returns the logits [N, classes] of `plan` in sample order, read from
    /// the per-batch cache. Returns nil when some batch last ran another
    /// plan or the result came from stored predictions, so call it right
    /// after evaluating `plan` in a fresh session, as `quantscope eval` does.
    public func logits(of plan: QuantizationPlan) throws -> Tensor? {
        let program = try self.program(for: plan)
        let batches: [Tensor]? = withEvaluationLock {
            guard batchCacheHolds(program) else { return nil }
            return cache.compactMap(\.logits)
        }
        return try batches.map(concatenateBatches)
    }

    /// Drops every cached value and every stored prediction.
    public func clearCache() {
        evaluationLock.lock()
        cache = Array(repeating: BatchCache(), count: cache.count)
        stored.removeAll()
        evaluationLock.unlock()
    }

    /// Drops the stored predictions but keeps the cached values, so the
    /// next evaluation of any plan runs from the cached boundaries.
    public func clearStoredPredictions() {
        evaluationLock.lock()
        stored.removeAll()
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

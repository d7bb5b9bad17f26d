import Foundation
import QuantCore

/// A prepared model with the calibration statistics of one data set. It is
/// calibrated once (one float pass that fills every histogram), and then
/// compiles any plan cheaply with `program(for:)`: clip ranges come from the
/// stored histograms, memoized per (tensor, method, bits).
public final class CalibratedModel: @unchecked Sendable {
    public let prepared: PreparedModel
    public let calibration: ModelCalibration
    /// Shape of each observed value for one sample (without the batch dimension).
    public let sampleShapes: [String: [Int]]
    public let opset: Int64
    /// Prepared-graph node indices of each layer, parallel to `prepared.layers`.
    public let layerNodes: [[Int]]

    private let lock = NSLock()
    private var clipRangeCache: [ClipRangeKey: ClipRange] = [:]

    private struct ClipRangeKey: Hashable {
        var tensor: String
        var method: CalibrationMethod
        var bits: Int
    }

    public init(prepared: PreparedModel, calibration: ModelCalibration, sampleShapes: [String: [Int]]) {
        self.prepared = prepared
        self.calibration = calibration
        self.sampleShapes = sampleShapes
        self.opset = prepared.model.defaultOpsetVersion ?? 13
        let graph = prepared.model.graph
        self.layerNodes = prepared.layers.map { Self.nodeIndices(of: $0, in: graph) }
    }

    /// Runs the float prepared model on `images` ([N, ...], mini-batches of
    /// `batchSize`) and records every activation the layers read or write.
    ///
    /// Up to `threadCount` mini-batches run through the float engine at once,
    /// but they are observed one after another in data order, so the
    /// statistics (range growth, moving averages, sums) are identical for
    /// every thread count. `isCancelled` is checked before each round.
    public static func calibrate(prepared: PreparedModel, images: Tensor, batchSize: Int = 100,
                                 threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                                 isCancelled: () -> Bool = { false }) throws(EngineBuildError) -> CalibratedModel {
        guard images.batchCount > 0 else { throw .noCalibrationData }
        let engine: FloatEngine
        var calibration: ModelCalibration
        do {
            engine = try FloatEngine(model: prepared.model)
            calibration = try ModelCalibration(prepared: prepared)
        } catch {
            throw .calibrationRun(batchStart: 0, underlying: error)
        }
        guard let inputName = prepared.model.graph.runtimeInputs.first?.name else { throw .noCalibrationData }
        let step = max(1, batchSize)
        let starts = Array(stride(from: 0, to: images.batchCount, by: step))
        let roundSize = max(1, threadCount)
        var shapes: [String: [Int]] = [:]
        for roundStart in stride(from: 0, to: starts.count, by: roundSize) {
            if isCancelled() { throw .cancelled }
            let roundStarts = Array(starts[roundStart..<min(roundStart + roundSize, starts.count)])
            let results = CalibrationRound(count: roundStarts.count)
            DispatchQueue.concurrentPerform(iterations: roundStarts.count) { index in
                let start = roundStarts[index]
                let end = min(start + step, images.batchCount)
                results.store(Result { () throws(EngineError) in
                    try engine.runRecordingValues(inputs: [inputName: images.batch(start..<end)])
                }, at: index)
            }
            for (index, start) in roundStarts.enumerated() {
                do {
                    let values = try results.take(index).get()
                    try calibration.observe(values)
                    if shapes.isEmpty {
                        for (name, tensor) in values { shapes[name] = Array(tensor.shape.dropFirst()) }
                    }
                } catch {
                    throw .calibrationRun(batchStart: start, underlying: error)
                }
            }
        }
        return CalibratedModel(prepared: prepared, calibration: calibration, sampleShapes: shapes)
    }

    /// The clip range `method` chooses for `tensor` at `bits`, memoized.
    public func clipRange(of tensor: String, method: CalibrationMethod, bits: Int) throws(CalibrationError) -> ClipRange {
        let key = ClipRangeKey(tensor: tensor, method: method, bits: bits)
        lock.lock()
        let cached = clipRangeCache[key]
        lock.unlock()
        if let cached { return cached }
        guard let observer = calibration.activations[tensor] else { throw .noValuesObserved(tensor: tensor) }
        let range = try observer.clipRange(method: method, bitWidth: bits)
        lock.lock()
        clipRangeCache[key] = range
        lock.unlock()
        return range
    }

    /// Layer names in graph order.
    public var layerNames: [String] { prepared.layers.map(\.name) }

    /// Checks that every layer `plan` names exists.
    public func validate(_ plan: QuantizationPlan) throws(EngineBuildError) {
        let valid = Set(layerNames)
        let unknown = plan.layers.keys.filter { !valid.contains($0) }.sorted()
        guard unknown.isEmpty else { throw .unknownLayers(unknown, valid: layerNames) }
    }

    /// Walks back from the node writing `layer.output` through fused
    /// activations and a MatMul's bias Add to the main node.
    static func nodeIndices(of layer: QuantizableLayer, in graph: Graph) -> [Int] {
        var indices: [Int] = []
        var value = layer.output
        while let index = graph.nodes.lastIndex(where: { $0.outputs.contains(value) }) {
            indices.insert(index, at: 0)
            let node = graph.nodes[index]
            if node.opType == layer.opType { break }
            guard let next = node.inputs.first(where: { !$0.isEmpty && graph.initializers[$0] == nil }) else { break }
            value = next
        }
        return indices
    }
}

/// The float values of one round of calibration mini-batches, written by
/// concurrent workers (one slot each) and read after they all finished.
private final class CalibrationRound: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[String: Tensor], EngineError>?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func store(_ result: Result<[String: Tensor], EngineError>, at index: Int) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// Returns the result at `index` and frees its slot.
    func take(_ index: Int) -> Result<[String: Tensor], EngineError> {
        lock.lock()
        defer { lock.unlock() }
        let result = slots[index]
        slots[index] = nil
        guard let result else { preconditionFailure("calibration batch \(index) was not run") }
        return result
    }
}

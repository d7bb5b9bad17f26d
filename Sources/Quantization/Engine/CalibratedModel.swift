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
    public static func calibrate(prepared: PreparedModel, images: Tensor, batchSize: Int = 100,
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
        var shapes: [String: [Int]] = [:]
        for start in stride(from: 0, to: images.batchCount, by: max(1, batchSize)) {
            if isCancelled() { throw .cancelled }
            let end = min(start + max(1, batchSize), images.batchCount)
            do {
                let values = try engine.runRecordingValues(inputs: [inputName: images.batch(start..<end)])
                try calibration.observe(values)
                if shapes.isEmpty {
                    for (name, tensor) in values { shapes[name] = Array(tensor.shape.dropFirst()) }
                }
            } catch {
                throw .calibrationRun(batchStart: start, underlying: error)
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

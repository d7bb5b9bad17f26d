import Foundation
import QuantCore
import Quantization
import Evaluation

/// A model or data set the explorer cannot open. Each case names the file
/// and what to do.
public enum ExplorerLoadError: Error, CustomStringConvertible {
    case load(LoadError)
    case preparation(path: String, underlying: any Error)
    case noLayers(path: String)
    case data(path: String, underlying: any Error)
    case calibration(path: String, underlying: any Error)

    public var description: String {
        switch self {
        case .load(let error):
            return "\(error)"
        case .preparation(let path, let underlying):
            return "cannot prepare model \(path) for quantization: \(underlying)"
        case .noLayers(let path):
            return "model \(path) has no layer quantscope can quantize (Conv, Gemm, MatMul, Add, pooling, Concat, "
                + "Flatten, Reshape), so there is nothing to explore; inspect it with 'quantscope inspect'"
        case .data(let path, let underlying):
            return "cannot load data \(path): \(underlying)"
        case .calibration(let path, let underlying):
            return "calibration on \(path) failed: \(underlying)"
        }
    }
}

/// Loads a model, its evaluation data and calibration statistics into an
/// `ExplorerContext`.
public enum ExplorerLoader {
    /// Samples of the quick first evaluation pass.
    public static let defaultSubsetSize = 1_000
    /// Calibration batch size; only memory depends on it.
    static let calibrationBatchSize = 100

    /// Prepares `loaded` for quantization, loads its evaluation data as
    /// `eval` does, and calibrates on `calibrationData` (default: the model's
    /// `quantscope.calibration_data`, else the evaluation data). `status`
    /// receives short progress notes such as "calibrating on 2000 samples".
    public static func load(_ loaded: LoadedModel, options: DataOptions, calibrationData: String? = nil,
                            subsetSize: Int = defaultSubsetSize,
                            status: (String) -> Void = { _ in }) throws(ExplorerLoadError) -> ExplorerContext {
        let modelPath = loaded.path
        let prepared: PreparedModel
        let engine: FloatEngine
        let summary: ModelSummary
        do {
            prepared = try GraphPreparation.prepare(loaded.model)
            engine = try FloatEngine(model: prepared.model)
            summary = try ModelSummary.make(for: prepared.model)
        } catch {
            throw .preparation(path: modelPath, underlying: error)
        }
        guard !prepared.layers.isEmpty else { throw .noLayers(path: modelPath) }
        status("loading evaluation data")
        let evaluationData: LabeledImages
        do {
            evaluationData = try loaded.loadEvaluationData(options)
        } catch {
            throw .load(error)
        }

        // Without calibration data, the evaluation data calibrates.
        let calibrationPath = calibrationData ?? loaded.defaults.calibrationData
        let calibrationImages: LabeledImages
        if let calibrationPath {
            do {
                calibrationImages = try DataLoader.load(path: calibrationPath, inputShape: loaded.inputShape,
                                                        preprocessing: loaded.preprocessing.applying(options.overrides))
            } catch {
                throw .data(path: calibrationPath, underlying: error)
            }
        } else {
            calibrationImages = evaluationData
        }
        status("calibrating on \(calibrationImages.count) samples")
        let calibrated: CalibratedModel
        do {
            calibrated = try CalibratedModel.calibrate(prepared: prepared, images: calibrationImages.images,
                                                       batchSize: calibrationBatchSize)
        } catch {
            throw .calibration(path: calibrationPath ?? evaluationData.source, underlying: error)
        }

        let facts = layerFacts(prepared: prepared, summary: summary, engine: engine)
        return ExplorerContext(modelPath: modelPath, model: loaded.model, calibrated: calibrated, facts: facts, inputName: loaded.inputName,
                               evaluationData: evaluationData, calibrationImages: calibrationImages.images,
                               subsetSize: min(subsetSize, evaluationData.count))
    }

    /// Shapes and costs per layer, summed over the nodes each layer covers.
    static func layerFacts(prepared: PreparedModel, summary: ModelSummary,
                           engine: FloatEngine) -> [String: ExplorerContext.LayerFacts] {
        var facts: [String: ExplorerContext.LayerFacts] = [:]
        let initializers = prepared.model.graph.initializers
        for layer in prepared.layers {
            let covered = Set(layer.nodes)
            let summaries = summary.layers.filter { covered.contains($0.nodeName) }
            let shape = (engine.valueShapes[layer.output] ?? []).map { dimension -> Int in
                if case .value(let size) = dimension { return size }
                return 1
            }
            let weightCount = layer.weight.flatMap { initializers[$0]?.count } ?? 0
            let biasCount = layer.bias.flatMap { initializers[$0]?.count } ?? 0
            facts[layer.name] = ExplorerContext.LayerFacts(
                outputShape: shape, macs: summaries.reduce(0) { $0 + $1.macs },
                parameterCount: weightCount + biasCount, weightCount: weightCount,
                outputCount: shape.reduce(1, *))
        }
        return facts
    }
}

import Foundation
import QuantCore
import Quantization
import Evaluation

/// Data options of the explorer, as the command line gives them; nil means
/// "use the model's `quantscope.*` metadata".
public struct ExplorerDataOptions: Sendable, Equatable {
    public var data: String?
    public var labels: String?
    public var calibrationData: String?
    public var calibrationLabels: String?
    public var preprocessing: PreprocessingOverrides
    /// Evaluate only the first `limit` samples.
    public var limit: Int?
    /// Samples of the quick first evaluation pass.
    public var subsetSize: Int

    public static let defaultSubsetSize = 1_000

    public init(data: String? = nil, labels: String? = nil, calibrationData: String? = nil,
                calibrationLabels: String? = nil, preprocessing: PreprocessingOverrides = PreprocessingOverrides(),
                limit: Int? = nil, subsetSize: Int = ExplorerDataOptions.defaultSubsetSize) {
        self.data = data
        self.labels = labels
        self.calibrationData = calibrationData
        self.calibrationLabels = calibrationLabels
        self.preprocessing = preprocessing
        self.limit = limit
        self.subsetSize = subsetSize
    }
}

/// A model or data set the explorer cannot open. Each case names the file
/// and what to do.
public enum ExplorerLoadError: Error, CustomStringConvertible {
    case model(path: String, underlying: any Error)
    case preparation(path: String, underlying: any Error)
    case noInput(path: String)
    case noData(path: String)
    case data(path: String, underlying: any Error)
    case calibration(path: String, underlying: any Error)

    public var description: String {
        switch self {
        case .model(let path, let underlying):
            return "cannot load model \(path): \(underlying)"
        case .preparation(let path, let underlying):
            return "cannot prepare model \(path) for quantization: \(underlying)"
        case .noInput(let path):
            return "model \(path) has no graph input with a fixed shape; the explorer needs one image input"
        case .noData(let path):
            return "model \(path) names no evaluation data (metadata key quantscope.data); pass --data PATH"
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
    /// Calibration batch size; only memory depends on it.
    static let calibrationBatchSize = 100

    /// Loads everything. `status` receives short progress notes such as
    /// "calibrating on 2000 samples".
    public static func load(modelPath: String, options: ExplorerDataOptions,
                            status: (String) -> Void = { _ in }) throws(ExplorerLoadError) -> ExplorerContext {
        status("reading \(modelPath)")
        let model: Model
        do {
            model = try ONNXReader.readModel(at: modelPath)
        } catch {
            throw .model(path: modelPath, underlying: error)
        }
        let prepared: PreparedModel
        let engine: FloatEngine
        let summary: ModelSummary
        do {
            prepared = try GraphPreparation.prepare(model)
            engine = try FloatEngine(model: prepared.model)
            summary = try ModelSummary.make(for: prepared.model)
        } catch {
            throw .preparation(path: modelPath, underlying: error)
        }
        guard let (inputName, inputShape) = summary.inputShapes.first, inputShape.count >= 2 else {
            throw .noInput(path: modelPath)
        }
        let imageShape = Array(inputShape.dropFirst())

        let defaults = DataDefaults(model: model, modelPath: modelPath)
        let preprocessing: Preprocessing
        do {
            preprocessing = try Preprocessing(model: model).applying(options.preprocessing)
        } catch {
            throw .data(path: modelPath, underlying: error)
        }
        guard let dataPath = options.data ?? defaults.data else { throw .noData(path: modelPath) }
        status("loading \(dataPath)")
        let evaluationData: LabeledImages
        do {
            evaluationData = try DataLoader.load(path: dataPath, labelsPath: options.labels ?? (options.data == nil ? defaults.labels : nil),
                                                 inputShape: imageShape, preprocessing: preprocessing,
                                                 limit: options.limit)
        } catch {
            throw .data(path: dataPath, underlying: error)
        }

        // Without calibration data, the evaluation data calibrates, as the eval command does.
        let calibrationPath = options.calibrationData ?? defaults.calibrationData ?? dataPath
        let calibrationImages: LabeledImages
        if calibrationPath == dataPath {
            calibrationImages = evaluationData
        } else {
            do {
                calibrationImages = try DataLoader.load(path: calibrationPath, labelsPath: nil, inputShape: imageShape,
                                                        preprocessing: preprocessing)
            } catch {
                throw .data(path: calibrationPath, underlying: error)
            }
        }
        status("calibrating on \(calibrationImages.count) samples")
        var calibration: ModelCalibration
        do {
            calibration = try ModelCalibration(prepared: prepared)
            for start in stride(from: 0, to: calibrationImages.count, by: calibrationBatchSize) {
                let batch = calibrationImages.batch(start ..< min(start + calibrationBatchSize, calibrationImages.count))
                try calibration.observe(try engine.runRecordingValues(inputs: [inputName: batch]))
            }
        } catch {
            throw .calibration(path: calibrationPath, underlying: error)
        }

        let facts = layerFacts(prepared: prepared, summary: summary, engine: engine)
        return ExplorerContext(modelPath: modelPath, model: model, prepared: prepared, calibration: calibration,
                               facts: facts, inputName: inputName, evaluationData: evaluationData,
                               calibrationSampleCount: calibrationImages.count,
                               subsetSize: min(options.subsetSize, evaluationData.count))
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

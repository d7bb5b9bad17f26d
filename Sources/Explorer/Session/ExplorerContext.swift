import Foundation
import QuantCore
import Quantization
import Evaluation

/// The explorer's per-model state, computed once and fixed while it runs:
/// the prepared graph, calibration statistics of every layer, the
/// evaluation data, and per-layer shapes and costs.
public struct ExplorerContext: Sendable {
    /// Facts about one layer that no plan changes.
    public struct LayerFacts: Sendable, Equatable {
        /// Output shape for a batch of one.
        public var outputShape: [Int]
        /// Multiply-accumulates per sample, from `ModelSummary`.
        public var macs: Int
        /// Weight and bias elements.
        public var parameterCount: Int
        /// Elements of the weight tensor, 0 for layers without one.
        public var weightCount: Int
        /// Elements of the output for a batch of one.
        public var outputCount: Int
    }

    public var modelPath: String
    public var model: Model
    /// The prepared graph and its calibration statistics, shared with the integer engine.
    public var calibrated: CalibratedModel
    public var prepared: PreparedModel { calibrated.prepared }
    public var calibration: ModelCalibration { calibrated.calibration }
    public var facts: [String: LayerFacts]
    /// Name of the graph input the images feed.
    public var inputName: String
    public var evaluationData: LabeledImages
    /// The images calibration ran on, [N, C, H, W].
    public var calibrationImages: Tensor
    public var calibrationSampleCount: Int { calibrationImages.batchCount }
    /// Samples of the first, quick evaluation pass.
    public var subsetSize: Int

    public init(modelPath: String, model: Model, calibrated: CalibratedModel,
                facts: [String: LayerFacts], inputName: String, evaluationData: LabeledImages,
                calibrationImages: Tensor, subsetSize: Int) {
        self.modelPath = modelPath
        self.model = model
        self.calibrated = calibrated
        self.facts = facts
        self.inputName = inputName
        self.evaluationData = evaluationData
        self.calibrationImages = calibrationImages
        self.subsetSize = subsetSize
    }

    public var layers: [QuantizableLayer] { prepared.layers }
    public var modelName: String { (modelPath as NSString).lastPathComponent }

    /// Layers that carry a weight tensor and so have weight statistics.
    public func hasWeights(_ layer: QuantizableLayer) -> Bool {
        calibration.weights[layer.name] != nil
    }
}

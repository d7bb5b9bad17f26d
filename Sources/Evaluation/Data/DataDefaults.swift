import Foundation
import QuantCore

/// Data files and class names a model names in its ONNX `metadata_props`:
///
///     quantscope.data                evaluation images
///     quantscope.labels              their labels
///     quantscope.calibration_data    images for calibrating quantization ranges
///     quantscope.calibration_labels  their labels
///     quantscope.class_names         comma-separated class names, index order
///
/// Paths are relative to the folder of the model file (absolute paths are kept)
/// and may carry an archive member, as in `data.npz#x_test`; see `DataLoader`.
/// The preprocessing keys are described at `Preprocessing.init(model:)`.
public struct DataDefaults: Sendable, Equatable {
    public enum MetadataKey {
        public static let data = "quantscope.data"
        public static let labels = "quantscope.labels"
        public static let calibrationData = "quantscope.calibration_data"
        public static let calibrationLabels = "quantscope.calibration_labels"
        public static let classNames = "quantscope.class_names"
    }

    public var data: String?
    public var labels: String?
    public var calibrationData: String?
    public var calibrationLabels: String?
    public var classNames: [String]?

    public init(data: String? = nil, labels: String? = nil, calibrationData: String? = nil,
                calibrationLabels: String? = nil, classNames: [String]? = nil) {
        self.data = data
        self.labels = labels
        self.calibrationData = calibrationData
        self.calibrationLabels = calibrationLabels
        self.classNames = classNames
    }

    /// Reads the keys above from `model`, resolving paths against the folder
    /// of `modelPath`.
    public init(model: Model, modelPath: String) {
        func path(_ key: String) -> String? {
            guard let value = model.metadata(key)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return DataDefaults.resolve(value, relativeTo: modelPath)
        }
        data = path(MetadataKey.data)
        labels = path(MetadataKey.labels)
        calibrationData = path(MetadataKey.calibrationData)
        calibrationLabels = path(MetadataKey.calibrationLabels)
        classNames = model.metadata(MetadataKey.classNames).map { list in
            list.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// `path` if absolute, else `path` inside the folder containing `modelPath`.
    public static func resolve(_ path: String, relativeTo modelPath: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = (modelPath as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }
}

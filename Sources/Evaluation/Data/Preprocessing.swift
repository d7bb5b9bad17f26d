import Foundation
import QuantCore

/// Memory order of the axes of 4-D source data.
public enum DataLayout: String, Sendable, CaseIterable {
    /// Batch, channel, height, width (ONNX's image order).
    case nchw = "NCHW"
    /// Batch, height, width, channel (TensorFlow's and most image files').
    case nhwc = "NHWC"
}

/// The transform from stored values to model input:
///
///     x = (raw * scale - mean[c]) / std[c]
///
/// `scale` applies to integer source data (uint8 pixels from IDX, PNG, JPEG,
/// integer NPY arrays) and defaults to 1/255, mapping 0...255 to 0...1.
/// Float source data is taken as already scaled: it gets scale 1, and only
/// mean and std apply. `mean` and `std` hold one value for all channels or one
/// value per channel.
///
/// A model states its preprocessing in ONNX `metadata_props`; see
/// `init(model:)` for the keys. Command-line flags override them through
/// `PreprocessingOverrides`.
public struct Preprocessing: Sendable, Equatable {
    /// Multiplier for integer source values; nil means 1/255.
    public var scale: Float?
    public var mean: [Float]
    public var std: [Float]
    /// Axis order of 4-D (and flattened 2-D) source arrays; nil infers it by
    /// the rules stated at `DataLoader`.
    public var layout: DataLayout?

    public init(scale: Float? = nil, mean: [Float] = [0], std: [Float] = [1], layout: DataLayout? = nil) {
        self.scale = scale
        self.mean = mean
        self.std = std
        self.layout = layout
    }

    /// Metadata keys read by `init(model:)`.
    public enum MetadataKey {
        /// Decimal multiplier for raw integer pixel values, e.g. `0.00392156862745098`.
        public static let inputScale = "quantscope.input_scale"
        /// Comma-separated means, one value or one per channel, e.g. `0.2860`.
        public static let inputMean = "quantscope.input_mean"
        /// Comma-separated standard deviations, one value or one per channel.
        public static let inputStd = "quantscope.input_std"
        /// `NCHW` or `NHWC`: the axis order of 4-D source arrays.
        public static let inputLayout = "quantscope.input_layout"
    }

    /// Reads the preprocessing a model declares in `metadata_props` under the
    /// keys `quantscope.input_scale`, `quantscope.input_mean`,
    /// `quantscope.input_std` and `quantscope.input_layout` (see
    /// `MetadataKey`). Missing keys keep the defaults.
    public init(model: Model) throws(DataError) {
        self.init()
        let overrides = try PreprocessingOverrides(
            scale: model.metadata(MetadataKey.inputScale), mean: model.metadata(MetadataKey.inputMean),
            std: model.metadata(MetadataKey.inputStd), layout: model.metadata(MetadataKey.inputLayout),
            sourceNames: .metadata)
        self = applying(overrides)
    }

    /// This preprocessing with every value the overrides set replaced.
    public func applying(_ overrides: PreprocessingOverrides) -> Preprocessing {
        var result = self
        if let scale = overrides.scale { result.scale = scale }
        if let mean = overrides.mean { result.mean = mean }
        if let std = overrides.std { result.std = std }
        if let layout = overrides.layout { result.layout = layout }
        return result
    }

    /// Returns the scale applied to source values of `elementType`.
    public func effectiveScale(for elementType: ElementType) -> Float {
        elementType == .float32 ? 1 : (scale ?? 1 / 255)
    }

    /// Per-channel (scale / std, mean / std) for `channels` channels, so that
    /// x = raw * multiplier - offset; throws when mean or std has a count other
    /// than 1 or `channels`.
    func channelAffine(channels: Int, elementType: ElementType, source: String) throws(DataError)
        -> [(multiplier: Float, offset: Float)] {
        for (name, values) in [("mean", mean), ("std", std)] where values.count != 1 && values.count != channels {
            throw .invalidValue(source: source, value: values.map { String($0) }.joined(separator: ","),
                                reason: "\(name) has \(values.count) values, the model input has \(channels) "
                                    + "channels; give one value or \(channels)")
        }
        let scale = effectiveScale(for: elementType)
        return (0..<channels).map { channel in
            let mean = self.mean.count == 1 ? self.mean[0] : self.mean[channel]
            let std = self.std.count == 1 ? self.std[0] : self.std[channel]
            return (scale / std, mean / std)
        }
    }
}

/// Preprocessing values given on the command line or in model metadata;
/// nil leaves the value unchanged.
public struct PreprocessingOverrides: Sendable, Equatable {
    public var scale: Float?
    public var mean: [Float]?
    public var std: [Float]?
    public var layout: DataLayout?

    public init(scale: Float? = nil, mean: [Float]? = nil, std: [Float]? = nil, layout: DataLayout? = nil) {
        self.scale = scale
        self.mean = mean
        self.std = std
        self.layout = layout
    }

    /// Names that errors use for each value: metadata keys or flag names.
    public struct SourceNames: Sendable {
        public var scale: String
        public var mean: String
        public var std: String
        public var layout: String

        public init(scale: String, mean: String, std: String, layout: String) {
            self.scale = scale
            self.mean = mean
            self.std = std
            self.layout = layout
        }

        public static let metadata = SourceNames(
            scale: Preprocessing.MetadataKey.inputScale, mean: Preprocessing.MetadataKey.inputMean,
            std: Preprocessing.MetadataKey.inputStd, layout: Preprocessing.MetadataKey.inputLayout)
        public static let flags = SourceNames(scale: "--input-scale", mean: "--input-mean", std: "--input-std",
                                              layout: "--input-layout")
    }

    /// Parses textual values: a decimal scale > 0, comma-separated means,
    /// comma-separated standard deviations > 0, and `NCHW` or `NHWC`
    /// (case-insensitive). nil or empty text leaves the value unset.
    public init(scale: String?, mean: String?, std: String?, layout: String?,
                sourceNames: SourceNames = .flags) throws(DataError) {
        if let scale = nonEmpty(scale) {
            guard let value = Float(scale.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
                throw .invalidValue(source: sourceNames.scale, value: scale,
                                    reason: "expected a positive decimal number such as 0.00392156862745098 (1/255)")
            }
            self.scale = value
        }
        if let mean = nonEmpty(mean) {
            self.mean = try parseList(mean, source: sourceNames.mean, requirePositive: false)
        }
        if let std = nonEmpty(std) {
            self.std = try parseList(std, source: sourceNames.std, requirePositive: true)
        }
        if let layout = nonEmpty(layout) {
            guard let value = DataLayout(rawValue: layout.trimmingCharacters(in: .whitespaces).uppercased()) else {
                throw .invalidValue(source: sourceNames.layout, value: layout, reason: "expected NCHW or NHWC")
            }
            self.layout = value
        }
    }
}

private func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    return text
}

/// Parses "a,b,c" into finite floats (positive ones when `requirePositive`).
private func parseList(_ text: String, source: String, requirePositive: Bool) throws(DataError) -> [Float] {
    var values: [Float] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let trimmed = part.trimmingCharacters(in: .whitespaces)
        guard let value = Float(trimmed), value.isFinite, !requirePositive || value > 0 else {
            throw .invalidValue(source: source, value: text,
                                reason: requirePositive
                                    ? "expected comma-separated positive numbers, one or one per channel"
                                    : "expected comma-separated numbers, one or one per channel")
        }
        values.append(value)
    }
    return values
}

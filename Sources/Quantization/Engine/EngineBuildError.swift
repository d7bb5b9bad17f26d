/// Failures in compiling a plan or calibrating a model. Each case carries
/// the layer or value involved.
public enum EngineBuildError: Error, CustomStringConvertible {
    /// The plan names layers the model does not have.
    case unknownLayers([String], valid: [String])
    /// Choosing a scale, quantizing weights or a multiplier failed; this
    /// includes `QuantizationError.accumulatorOverflow(layer:depth:limit:)`.
    case quantization(layer: String, QuantizationError)
    /// A clip range could not be computed.
    case calibration(layer: String, CalibrationError)
    /// The float model failed during calibration.
    case calibrationRun(batchStart: Int, underlying: any Error)
    /// No calibration data was given.
    case noCalibrationData
    case cancelled

    public var description: String {
        switch self {
        case let .unknownLayers(names, valid):
            return "unknown layer name(s) \(names.joined(separator: ", ")); valid layers are \(valid.joined(separator: ", "))"
        case let .quantization(layer, error):
            return "layer \(layer): \(error)"
        case let .calibration(layer, error):
            return "layer \(layer): \(error)"
        case let .calibrationRun(batchStart, underlying):
            return "calibration failed on the batch starting at image \(batchStart): \(underlying)"
        case .noCalibrationData:
            return "no calibration images: pass at least one image to calibrate activation ranges"
        case .cancelled:
            return "calibration cancelled"
        }
    }
}

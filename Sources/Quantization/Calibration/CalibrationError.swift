/// Errors in computing a clip range. Each case carries the offending value.
public enum CalibrationError: Error, Equatable, CustomStringConvertible {
    /// No finite value of the tensor was observed.
    case noValuesObserved(tensor: String)
    /// The bit width is outside 2...16.
    case invalidBitWidth(Int)

    public static let supportedBitWidths = 2...16

    public var description: String {
        switch self {
        case .noValuesObserved(let tensor):
            return "no finite values were observed for tensor '\(tensor)': run calibration batches through the model first"
        case .invalidBitWidth(let bits):
            return "invalid bit width \(bits): use a value from \(Self.supportedBitWidths.lowerBound) to \(Self.supportedBitWidths.upperBound)"
        }
    }
}

/// Method that chooses a tensor's clip range `[a, b]` from its calibration
/// data. The type named in each case's comment implements it.
public enum CalibrationMethod: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Observed minimum and maximum (`MinMaxObserver`).
    case minMax
    /// Moving average of per-batch minimum and maximum (`MovingAverageMinMaxObserver`).
    case movingAverage
    /// Per-tail percentile of the histogram, in (50, 100] (`PercentileClipping`).
    case percentile(Double)
    /// Minimum expected clipping plus rounding error (`MSEClipping`).
    case mse
    /// Minimum KL divergence, TensorRT style (`KLDivergenceClipping`).
    case kl

    /// Spellings accepted by `init(parsing:)`.
    public static let validNames = ["minmax", "moving-average", "percentile", "percentile:P", "mse", "kl"]

    /// Parses "minmax", "moving-average", "percentile" (99.99),
    /// "percentile:P" with P in (50, 100], "mse" or "kl". Letter case and
    /// surrounding spaces are ignored.
    public init(parsing text: String) throws(CalibrationMethodParseError) {
        let normalized = text.trimmingSpaces().lowercased()
        switch normalized {
        case "minmax": self = .minMax
        case "moving-average": self = .movingAverage
        case "percentile": self = .percentile(PercentileClipping.defaultPercentile)
        case "mse": self = .mse
        case "kl": self = .kl
        default:
            let prefix = "percentile:"
            guard normalized.hasPrefix(prefix) else { throw .unknownMethod(text) }
            let valueText = String(normalized.dropFirst(prefix.count))
            guard let value = Double(valueText), PercentileClipping.isValid(percentile: value) else {
                throw .invalidPercentile(text)
            }
            self = .percentile(value)
        }
    }

    /// The string `init(parsing:)` reads back into the same value.
    public var name: String {
        switch self {
        case .minMax: return "minmax"
        case .movingAverage: return "moving-average"
        case .percentile(let value): return "percentile:\(Self.format(value))"
        case .mse: return "mse"
        case .kl: return "kl"
        }
    }

    /// A short human-readable description, for menus and reports.
    public var description: String {
        switch self {
        case .minMax: return "min/max of all calibration values"
        case .movingAverage:
            return "moving average of per-batch min/max (c = \(MovingAverageMinMaxObserver.defaultAveragingConstant))"
        case .percentile(let value): return "\(Self.format(value))th percentile per tail"
        case .mse: return "minimum expected quantization + clipping MSE"
        case .kl: return "minimum KL divergence (entropy, TensorRT style)"
        }
    }

    /// Shortest decimal that reads back to `value`, without a trailing ".0".
    private static func format(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// Errors in parsing a calibration method name. Each case carries the
/// string as given.
public enum CalibrationMethodParseError: Error, Equatable, CustomStringConvertible {
    case unknownMethod(String)
    case invalidPercentile(String)

    public var description: String {
        let valid = CalibrationMethod.validNames.joined(separator: ", ")
        switch self {
        case .unknownMethod(let text):
            return "unknown calibration method '\(text)': valid methods are \(valid)"
        case .invalidPercentile(let text):
            return "invalid percentile in '\(text)': write percentile:P with P a number above 50 and at most 100, "
                + "for example percentile:99.99 (valid methods are \(valid))"
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}

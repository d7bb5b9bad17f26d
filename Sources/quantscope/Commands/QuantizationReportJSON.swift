import Evaluation
import Foundation
import Quantization

/// The plan as `--json` prints it, in the plan file's field names.
struct PlanJSON: Encodable {
    struct Settings: Encodable {
        let precision: String
        let scheme: String
        let granularity: String
        let weightBits: Int
        let activationBits: Int
        let calibration: String

        init(_ settings: LayerQuantization) {
            precision = settings.precision.rawValue
            scheme = settings.scheme.rawValue
            granularity = settings.granularity == .perChannel ? "per-channel" : "per-tensor"
            weightBits = settings.weightBits
            activationBits = settings.activationBits
            calibration = settings.calibration.name
        }

        enum CodingKeys: String, CodingKey {
            case precision, scheme, granularity, calibration
            case weightBits = "weight_bits"
            case activationBits = "activation_bits"
        }
    }

    let mode: String
    let defaults: Settings
    let layers: [String: Settings]

    init(_ plan: QuantizationPlan) {
        mode = plan.mode.rawValue
        defaults = Settings(plan.defaults)
        layers = plan.layers.mapValues(Settings.init)
    }
}

/// One layer of `--json` output: the parameters chosen and, after an
/// evaluation, its error against the float model.
struct LayerJSON: Encodable {
    struct Parameters: Encodable {
        let scale: Float
        let zeroPoint: Int32
        let qmin: Int32
        let qmax: Int32

        init(_ parameters: QuantizationParameters) {
            scale = parameters.scale
            zeroPoint = parameters.zeroPoint
            qmin = parameters.range.qmin
            qmax = parameters.range.qmax
        }

        enum CodingKeys: String, CodingKey {
            case scale, qmin, qmax
            case zeroPoint = "zero_point"
        }
    }

    struct Multiplier: Encodable {
        let m0: Int32
        let shift: Int32
    }

    struct Errors: Encodable {
        let mse: Double
        /// nil when the error is exactly zero (infinite SQNR).
        let sqnrDB: Double?
        let maxAbsoluteError: Double
        let rmseOverScale: Double?
        let cosineSimilarity: Double
        let clippedFraction: Double

        init(_ metrics: LayerErrorMetrics) {
            mse = metrics.meanSquaredError
            sqnrDB = metrics.signalToQuantizationNoise.isFinite ? metrics.signalToQuantizationNoise : nil
            maxAbsoluteError = metrics.maxAbsoluteError
            rmseOverScale = metrics.rmseOverScale
            cosineSimilarity = metrics.cosineSimilarity
            clippedFraction = metrics.clippedFraction
        }

        enum CodingKeys: String, CodingKey {
            case mse
            case sqnrDB = "sqnr_db"
            case maxAbsoluteError = "max_abs_error"
            case rmseOverScale = "rmse_over_scale"
            case cosineSimilarity = "cosine_similarity"
            case clippedFraction = "clipped_fraction"
        }
    }

    let name: String
    let `operator`: String
    let precision: String
    let fallbackReason: String?
    let weightRange: [Float]?
    let weights: [Parameters]
    let activationRanges: [[Float]]
    let inputs: [Parameters]
    let outputRange: [Float]?
    let output: Parameters?
    let multipliers: [Multiplier]
    let outputClamp: [Int32]?
    let reductionDepth: Int?
    let accumulatorLimit: Int?
    let errorSamples: Int?
    let localError: Errors?
    let cumulativeError: Errors?

    init(_ report: LayerReport, error: LayerError?) {
        name = report.name
        self.operator = report.opType
        precision = report.precision.rawValue
        fallbackReason = report.fallbackReason
        weightRange = report.weightRange.map { [$0.lower, $0.upper] }
        weights = report.weightParameters.map(Parameters.init)
        activationRanges = report.inputRanges.map { [$0.lower, $0.upper] }
        inputs = report.inputParameters.map(Parameters.init)
        outputRange = report.outputRange.map { [$0.lower, $0.upper] }
        output = report.outputParameters.map(Parameters.init)
        multipliers = report.multipliers.map { Multiplier(m0: $0.m0, shift: $0.shift) }
        outputClamp = report.outputClamp.map { [$0.lower, $0.upper] }
        reductionDepth = report.reductionDepth
        accumulatorLimit = report.accumulatorLimit
        errorSamples = error?.samples
        localError = error.map { Errors($0.local) }
        cumulativeError = error.map { Errors($0.cumulative) }
    }

    enum CodingKeys: String, CodingKey {
        case name, `operator`, precision, weights, inputs, output, multipliers
        case fallbackReason = "fallback_reason"
        case weightRange = "weight_range"
        case activationRanges = "input_ranges"
        case outputRange = "output_range"
        case outputClamp = "output_clamp"
        case reductionDepth = "reduction_depth"
        case accumulatorLimit = "accumulator_limit"
        case errorSamples = "error_samples"
        case localError = "local_error"
        case cumulativeError = "cumulative_error"
    }
}

/// Prints one line per layer: precision, output (S, Z), the first
/// multiplier, and the error figures when given.
func printLayerTable(_ reports: [LayerReport], errors: [LayerError]) {
    let errorByName = Dictionary(errors.map { ($0.layer, $0) }, uniquingKeysWith: { first, _ in first })
    var rows = [["layer", "op", "precision", "S_out", "Z_out", "M0 / shift", "SQNR local", "SQNR cumul.", "RMSE/S"]]
    for report in reports {
        let error = errorByName[report.name]
        let multiplier = report.multipliers.first.map { "\($0.m0) / \($0.shift)" + (report.multipliers.count > 1 ? " (+\(report.multipliers.count - 1))" : "") }
        func sqnr(_ metrics: LayerErrorMetrics?) -> String {
            guard let value = metrics?.signalToQuantizationNoise else { return "" }
            return value.isFinite ? String(format: "%.1f dB", value) : "exact"
        }
        rows.append([report.name, report.opType,
                     report.precision.rawValue + (report.fallbackReason == nil ? "" : " (fallback)"),
                     report.outputParameters.map { String(format: "%.6g", $0.scale) } ?? "",
                     report.outputParameters.map { "\($0.zeroPoint)" } ?? "",
                     multiplier ?? "", sqnr(error?.local), sqnr(error?.cumulative),
                     error?.cumulative.rmseOverScale.map { String(format: "%.3f", $0) } ?? ""])
    }
    let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        print(row.enumerated().map { padded($0.element, widths[$0.offset]) }.joined(separator: "  "))
    }
    for report in reports {
        if let reason = report.fallbackReason { print("note: \(report.name) stays in float: \(reason)") }
    }
}

import Foundation
import Quantization

/// A quantization plan as JSON:
///
///     {"format": "quantscope-plan", "version": 1, "mode": "integer",
///      "defaults": {"precision": "int8", "scheme": "tflite", "granularity": "per-channel",
///                   "weight_bits": 8, "activation_bits": 8, "calibration": "minmax"},
///      "layers": {"conv1": {... same keys ...}}}
///
/// Every key of a layer entry is optional; a missing key takes the value of
/// `defaults`. Calibration methods use `CalibrationMethod.name` spellings.
public enum PlanFile {
    struct Settings: Codable {
        var precision: String?
        var scheme: String?
        var granularity: String?
        var weightBits: Int?
        var activationBits: Int?
        var calibration: String?

        enum CodingKeys: String, CodingKey {
            case precision, scheme, granularity, calibration
            case weightBits = "weight_bits"
            case activationBits = "activation_bits"
        }
    }

    struct Document: Codable {
        var format: String
        var version: Int
        var mode: String?
        var defaults: Settings?
        var layers: [String: Settings]?
    }

    public static let formatName = "quantscope-plan"

    /// Encodes `plan` as pretty-printed JSON with sorted keys.
    public static func encode(_ plan: QuantizationPlan) -> Data {
        let document = Document(format: formatName, version: 1, mode: plan.mode.rawValue,
                                defaults: settings(plan.defaults),
                                layers: plan.layers.mapValues(settings))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Encoding plain strings and integers cannot fail.
        return (try? encoder.encode(document)) ?? Data()
    }

    /// Decodes a plan; `source` names the file in errors.
    public static func decode(_ data: Data, source: String) throws(PlanFileError) -> QuantizationPlan {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw .invalidJSON(path: source, reason: "\(error)")
        }
        guard document.format == formatName else {
            throw .invalidValue(path: source, key: "format", value: document.format, expected: formatName)
        }
        var plan = QuantizationPlan()
        if let mode = document.mode {
            guard let value = ExecutionMode(rawValue: mode) else {
                throw .invalidValue(path: source, key: "mode", value: mode, expected: "integer or fake-quant")
            }
            plan.mode = value
        }
        if let defaults = document.defaults {
            plan.defaults = try layerQuantization(defaults, base: plan.defaults, path: source, key: "defaults")
        }
        for (name, entry) in document.layers ?? [:] {
            plan.layers[name] = try layerQuantization(entry, base: plan.defaults, path: source, key: "layers.\(name)")
        }
        return plan
    }

    static func settings(_ layer: LayerQuantization) -> Settings {
        Settings(precision: layer.precision.rawValue, scheme: layer.scheme.rawValue,
                 granularity: layer.granularity.rawValue, weightBits: layer.weightBits,
                 activationBits: layer.activationBits, calibration: layer.calibration.name)
    }

    static func layerQuantization(_ entry: Settings, base: LayerQuantization, path: String,
                                  key: String) throws(PlanFileError) -> LayerQuantization {
        var result = base
        if let text = entry.precision {
            guard let value = LayerPrecision(rawValue: text) else {
                throw .invalidValue(path: path, key: key + ".precision", value: text, expected: "float or int8")
            }
            result.precision = value
        }
        if let text = entry.scheme {
            guard let value = QuantizationScheme.Kind(rawValue: text) else {
                throw .invalidValue(path: path, key: key + ".scheme", value: text, expected: "paper or tflite")
            }
            result.scheme = value
        }
        if let text = entry.granularity {
            guard let value = QuantizationScheme.WeightGranularity(rawValue: text) else {
                let names = QuantizationScheme.WeightGranularity.allCases.map(\.rawValue).joined(separator: " or ")
                throw .invalidValue(path: path, key: key + ".granularity", value: text, expected: names)
            }
            result.granularity = value
        }
        for (bits, name) in [(entry.weightBits, "weight_bits"), (entry.activationBits, "activation_bits")] {
            guard let bits else { continue }
            guard QuantizedRange.supportedBitWidths.contains(bits) else {
                throw .invalidValue(path: path, key: key + "." + name, value: String(bits), expected: "2 to 8")
            }
        }
        result.weightBits = entry.weightBits ?? result.weightBits
        result.activationBits = entry.activationBits ?? result.activationBits
        if let text = entry.calibration {
            do {
                result.calibration = try CalibrationMethod(parsing: text)
            } catch {
                throw .invalidValue(path: path, key: key + ".calibration", value: text,
                                    expected: CalibrationMethod.validNames.joined(separator: ", "))
            }
        }
        return result
    }

    /// A free path for saving next to `modelPath`: `MODEL.plan.json`, else
    /// `MODEL.plan-2.json`, `-3`, ... so an existing file is never replaced.
    public static func freeSavePath(modelPath: String, fileExists: (String) -> Bool) -> String {
        let base = (modelPath as NSString).deletingPathExtension
        var candidate = base + ".plan.json"
        var number = 2
        while fileExists(candidate) {
            candidate = base + ".plan-\(number).json"
            number += 1
        }
        return candidate
    }
}

/// A plan file that cannot be read.
public enum PlanFileError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidJSON(path: String, reason: String)
    case invalidValue(path: String, key: String, value: String, expected: String)
    case unknownLayer(path: String, name: String, known: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read plan \(path): \(reason)"
        case .invalidJSON(let path, let reason):
            return "plan \(path) is not valid plan JSON: \(reason)"
        case .invalidValue(let path, let key, let value, let expected):
            return "plan \(path): invalid \(key) '\(value)'; expected \(expected)"
        case .unknownLayer(let path, let name, let known):
            return "plan \(path) names layer '\(name)', which this model does not have; layers are "
                + known.joined(separator: ", ")
        }
    }
}

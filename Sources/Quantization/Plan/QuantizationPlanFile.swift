import Foundation
import QuantCore

/// JSON form of a `QuantizationPlan`:
///
///     {
///       "mode": "integer",                    // or "fake-quant"
///       "defaults": { "precision": "int8", "scheme": "tflite",
///                     "granularity": "per-channel", "weight_bits": 8,
///                     "activation_bits": 8, "calibration": "minmax" },
///       "layers": { "conv1": { "precision": "float" } }
///     }
///
/// Every field is optional. A missing default takes `LayerQuantization()`'s
/// value; a missing field of a layer takes the plan's default. Calibration
/// names are those of `CalibrationMethod(parsing:)`.
public enum QuantizationPlanFile {
    /// Encodes `plan` as pretty-printed JSON with sorted keys.
    public static func encode(_ plan: QuantizationPlan) -> Data {
        var layers: [String: Any] = [:]
        for (name, settings) in plan.layers { layers[name] = object(settings) }
        let root: [String: Any] = ["mode": plan.mode.rawValue, "defaults": object(plan.defaults), "layers": layers]
        // A dictionary of strings, numbers and dictionaries always serializes.
        return (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// Decodes a plan; errors name the field path and the bad value.
    public static func decode(_ data: Data) throws(PlanFileError) -> QuantizationPlan {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw .malformedJSON(reason: reason ?? error.localizedDescription)
        }
        guard let root = parsed as? [String: Any] else {
            throw .invalidField(path: "(top level)", value: describe(parsed), expected: "a JSON object")
        }
        for key in root.keys where !["mode", "defaults", "layers"].contains(key) {
            throw .invalidField(path: key, value: describe(root[key]!), expected: "one of mode, defaults, layers")
        }
        var plan = QuantizationPlan()
        if let mode = root["mode"] {
            guard let text = mode as? String, let value = ExecutionMode(rawValue: text) else {
                throw .invalidField(path: "mode", value: describe(mode), expected: "\"integer\" or \"fake-quant\"")
            }
            plan.mode = value
        }
        if let defaults = root["defaults"] {
            plan.defaults = try settings(defaults, path: "defaults", base: LayerQuantization())
        }
        if let layers = root["layers"] {
            guard let entries = layers as? [String: Any] else {
                throw .invalidField(path: "layers", value: describe(layers), expected: "an object of layer names")
            }
            for (name, entry) in entries {
                plan.layers[name] = try settings(entry, path: "layers.\(name)", base: plan.defaults)
            }
        }
        return plan
    }

    /// Reads and decodes the plan at `path`.
    /// Content errors come wrapped in `PlanFileError.invalidFile`, so the
    /// message names the file.
    public static func load(path: String) throws(PlanFileError) -> QuantizationPlan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw .unreadable(path: path, reason: "it is a folder, not a plan JSON file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            return try decode(data)
        } catch {
            throw .invalidFile(path: path, error)
        }
    }

    /// Writes `plan` to `path` through `AtomicFileWriter`.
    public static func save(_ plan: QuantizationPlan, path: String) throws(PlanFileError) {
        do {
            try AtomicFileWriter.write([UInt8](encode(plan)), to: path)
        } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }

    /// Checks every layer name of `plan` against `validNames`.
    public static func validate(_ plan: QuantizationPlan, validNames: [String]) throws(PlanFileError) {
        let valid = Set(validNames)
        let unknown = plan.layers.keys.filter { !valid.contains($0) }.sorted()
        guard unknown.isEmpty else { throw .unknownLayers(unknown, valid: validNames) }
    }

    // MARK: Fields

    private static func object(_ settings: LayerQuantization) -> [String: Any] {
        ["precision": settings.precision.rawValue, "scheme": settings.scheme.rawValue,
         "granularity": settings.granularity == .perChannel ? "per-channel" : "per-tensor",
         "weight_bits": settings.weightBits, "activation_bits": settings.activationBits,
         "calibration": settings.calibration.name]
    }

    private static func settings(_ value: Any, path: String,
                                 base: LayerQuantization) throws(PlanFileError) -> LayerQuantization {
        guard let fields = value as? [String: Any] else {
            throw .invalidField(path: path, value: describe(value), expected: "an object of layer settings")
        }
        let known = ["precision", "scheme", "granularity", "weight_bits", "activation_bits", "calibration"]
        for key in fields.keys where !known.contains(key) {
            throw .invalidField(path: "\(path).\(key)", value: describe(fields[key]!),
                                expected: "a known field (\(known.joined(separator: ", ")))")
        }
        var result = base
        if let precision = fields["precision"] {
            guard let text = precision as? String, let parsed = LayerPrecision(rawValue: text) else {
                throw .invalidField(path: "\(path).precision", value: describe(precision), expected: "\"float\" or \"int8\"")
            }
            result.precision = parsed
        }
        if let scheme = fields["scheme"] {
            guard let text = scheme as? String, let parsed = QuantizationScheme.Kind(rawValue: text) else {
                throw .invalidField(path: "\(path).scheme", value: describe(scheme), expected: "\"paper\" or \"tflite\"")
            }
            result.scheme = parsed
            if fields["granularity"] == nil {
                result.granularity = parsed == .tflite ? .perChannel : .perTensor
            }
        }
        if let granularity = fields["granularity"] {
            switch granularity as? String {
            case "per-channel": result.granularity = .perChannel
            case "per-tensor": result.granularity = .perTensor
            default:
                throw .invalidField(path: "\(path).granularity", value: describe(granularity),
                                    expected: "\"per-channel\" or \"per-tensor\"")
            }
        }
        for (key, keyPath) in [("weight_bits", \LayerQuantization.weightBits),
                               ("activation_bits", \LayerQuantization.activationBits)] {
            guard let bits = fields[key] else { continue }
            // JSON true and false decode as Bool, which must not pass as 1 and 0.
            guard !(type(of: bits) is Bool.Type), let number = bits as? NSNumber,
                  let integer = Int(exactly: number.doubleValue), QuantizedRange.supportedBitWidths.contains(integer)
            else {
                throw .invalidField(path: "\(path).\(key)", value: describe(bits), expected: "an integer from 2 to 8")
            }
            result[keyPath: keyPath] = integer
        }
        if let calibration = fields["calibration"] {
            guard let text = calibration as? String, let parsed = try? CalibrationMethod(parsing: text) else {
                throw .invalidField(path: "\(path).calibration", value: describe(calibration),
                                    expected: "one of \(CalibrationMethod.validNames.joined(separator: ", "))")
            }
            result.calibration = parsed
        }
        return result
    }

    private static func describe(_ value: Any) -> String {
        if let text = value as? String { return "\"\(text)\"" }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]),
           let text = String(data: data, encoding: .utf8) {
            return text
        }
        return "\(value)"
    }
}

/// Errors reading or writing a plan file. Each case carries the offending
/// path, field or value.
public enum PlanFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case malformedJSON(reason: String)
    /// `path` is the field's dotted path, such as `layers.conv1.weight_bits`.
    case invalidField(path: String, value: String, expected: String)
    case unknownLayers([String], valid: [String])
    /// A content error of the plan file at `path`.
    indirect case invalidFile(path: String, PlanFileError)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read plan file \(path): \(reason); pass a plan JSON file such as --save-plan writes"
        case let .invalidFile(path, error):
            return "plan file \(path): \(error); fix the file or write a new one with --save-plan"
        case let .unwritable(path, reason):
            return "cannot write plan file \(path): \(reason); check that the folder exists, is writable and has free space"
        case .malformedJSON(let reason):
            return "the plan file is not valid JSON: \(reason)"
        case let .invalidField(path, value, expected):
            return "invalid plan field \(path) = \(value): expected \(expected)"
        case let .unknownLayers(names, valid):
            return "the plan names unknown layer(s) \(names.joined(separator: ", ")); valid layers are \(valid.joined(separator: ", "))"
        }
    }
}

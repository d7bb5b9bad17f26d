import Evaluation
import Foundation
import QuantCore
import Quantization

/// Builds the plan that the `CommonOptions.quantization` flags describe:
/// `--plan` first, then `--quantize`, `--float` and the settings flags on
/// top. Returns nil when no layer is asked to run in int8 and no plan file
/// is given.
func quantizationPlan(_ parsed: ParsedArguments, layerNames: [String]) throws -> QuantizationPlan? {
    var plan = QuantizationPlan()
    if let path = parsed.value("--plan") {
        plan = try QuantizationPlanFile.load(path: path)
        do {
            try QuantizationPlanFile.validate(plan, validNames: layerNames)
        } catch {
            throw PlanFileError.invalidFile(path: path, error)
        }
    } else if parsed.value("--quantize") == nil || parsed.value("--quantize") == "none" {
        // Settings that no int8 layer would use are a mistake, not a no-op.
        let unused = ["--scheme", "--per-channel", "--per-tensor", "--weight-bits", "--activation-bits",
                      "--calibration", "--float", "--save-plan"].filter { parsed.has($0) }
        if parsed.value("--quantize") == nil, let option = unused.first {
            throw UsageError.optionNeedsAnother(option, needs: "--quantize or --plan")
        }
        return nil
    }

    var settings = plan.defaults
    settings.precision = .int8
    if let scheme = parsed.value("--scheme") {
        guard let kind = QuantizationScheme.Kind(rawValue: scheme) else {
            throw UsageError.invalidValue(option: "--scheme", value: scheme, expected: "paper or tflite")
        }
        settings.scheme = kind
        settings.granularity = kind == .tflite ? .perChannel : .perTensor
    }
    if parsed.has("--per-channel") && parsed.has("--per-tensor") {
        throw UsageError.conflictingOptions("--per-channel", "--per-tensor")
    }
    if parsed.has("--per-channel") { settings.granularity = .perChannel }
    if parsed.has("--per-tensor") { settings.granularity = .perTensor }
    for (option, keyPath) in [("--weight-bits", \LayerQuantization.weightBits),
                              ("--activation-bits", \LayerQuantization.activationBits)] {
        guard let text = parsed.value(option) else { continue }
        guard let bits = Int(text), QuantizedRange.supportedBitWidths.contains(bits) else {
            throw UsageError.invalidValue(option: option, value: text, expected: "an integer from 2 to 8")
        }
        settings[keyPath: keyPath] = bits
    }
    if let method = parsed.value("--calibration") {
        do {
            settings.calibration = try CalibrationMethod(parsing: method)
        } catch {
            let valid = CalibrationMethod.validNames.joined(separator: ", ")
            throw UsageError.invalidValue(option: "--calibration", value: method,
                                          expected: "one of \(valid), with 50 < P <= 100 in percentile:P")
        }
    }
    if let mode = parsed.value("--mode") {
        guard let value = ExecutionMode(rawValue: mode) else {
            throw UsageError.invalidValue(option: "--mode", value: mode, expected: "integer or fake-quant")
        }
        plan.mode = value
    }

    let settingsGiven = ["--scheme", "--per-channel", "--per-tensor", "--weight-bits", "--activation-bits",
                         "--calibration"].contains { parsed.has($0) }
    switch parsed.value("--quantize") {
    case nil:
        if settingsGiven {
            for name in layerNames where plan.settings(for: name).precision == .int8 {
                var layer = settings
                layer.precision = .int8
                plan.set(layer, for: name)
            }
        }
    case "none":
        plan = QuantizationPlan(defaults: LayerQuantization(precision: .float), mode: plan.mode)
    case "all":
        plan.defaults = settings
        plan.layers = [:]
    case .some(let list):
        let names = try layerList(list, option: "--quantize", valid: layerNames)
        for name in names { plan.set(settings, for: name) }
    }
    if let list = parsed.value("--float") {
        for name in try layerList(list, option: "--float", valid: layerNames) {
            var layer = plan.settings(for: name)
            layer.precision = .float
            plan.set(layer, for: name)
        }
    }
    if let path = parsed.value("--save-plan") {
        try QuantizationPlanFile.save(plan, path: path)
    }
    return plan
}

/// Splits a comma-separated layer list and checks each name.
private func layerList(_ text: String, option: String, valid: [String]) throws -> [String] {
    let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !names.isEmpty else {
        throw UsageError.invalidValue(option: option, value: text,
                                      expected: "comma-separated layer names among \(valid.joined(separator: ", "))")
    }
    let unknown = names.filter { !valid.contains($0) }
    guard unknown.isEmpty else {
        throw UsageError.invalidValue(option: option, value: unknown.joined(separator: ","),
                                      expected: "layer names among \(valid.joined(separator: ", "))")
    }
    return names
}

/// Loads the calibration images: `--calibration-data`, else the model's
/// `quantscope.calibration_data`, else (with a warning on standard error)
/// the evaluation images.
func calibrationImages(_ parsed: ParsedArguments, loaded: LoadedModel, dataOptions: DataOptions,
                       evaluation: LabeledImages) throws -> Tensor {
    let path = parsed.value("--calibration-data") ?? loaded.defaults.calibrationData
    guard let path else {
        printError("warning: no calibration data (no --calibration-data and no quantscope.calibration_data "
                   + "metadata); calibrating on the evaluation images, which makes the accuracy optimistic")
        return evaluation.images
    }
    let options = DataOptions(data: path, labels: nil, limit: nil, overrides: dataOptions.overrides)
    let images = try loaded.loadEvaluationData(options).images
    // Constant images give every activation a zero-width range, so the
    // chosen scales describe nothing the evaluation data will show.
    if case .float32(let values) = images.data, let first = values.first, values.allSatisfy({ $0 == first }) {
        printError("warning: every calibration value in \(path) is \(first); the activation ranges will not "
                   + "match real inputs, so pass representative images with --calibration-data")
    }
    return images
}

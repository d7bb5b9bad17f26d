import Evaluation
import Foundation
import QuantCore
import Quantization

/// `quantscope eval MODEL [--data PATH [--labels PATH]] [--limit N] [--json]`:
/// runs the model over a data set and reports top-1 accuracy.
let evalCommand = Command(
    spec: CommandSpec(
        name: "eval",
        summary: "Run a model over a data set and print top-1 accuracy, the sample count and the time taken.",
        positionals: [PositionalSpec(name: "MODEL", help: "ONNX model file.", optional: false)],
        options: CommonOptions.data + CommonOptions.quantization + [
            OptionSpec("--batch-size", value: "N", help: "Samples per inference call (default 100)."),
            OptionSpec("--save-outputs", value: "FILE.npy",
                       help: "Write the model outputs [samples, classes] as a float32 NumPy array."),
            SpeedOptions.target,
            OptionSpec("--json", help: "Print one JSON object instead of text."),
        ],
        details: ["Without labels, the report gives the agreement with the float model's predictions "
            + "instead of accuracy.",
            "With --quantize or --plan, the chosen int8 layers run in integer arithmetic (or, with "
            + "--mode fake-quant, in a float simulation) and each int8 layer's error against the float "
            + "model is measured on the first 256 samples."]),
    run: { parsed in try runEval(parsed) })

/// The `eval --json` object. `top1` is a fraction in [0, 1], null without labels.
struct EvalReport: Encodable {
    let model: String
    let data: String
    let labels: String?
    let engine: String
    let samples: Int
    let top1: Double?
    let correct: Int?
    let floatTop1: Double?
    let agreementWithFloat: Double
    let seconds: Double
    let samplesPerSecond: Double
    /// Simulated latency per image on the `--target` profile, per layer and in total.
    let speed: SpeedReport
    var plan: PlanJSON? = nil
    var layers: [LayerJSON]? = nil

    enum CodingKeys: String, CodingKey {
        case model, data, labels, engine, samples, top1, correct, seconds, speed, plan, layers
        case floatTop1 = "float_top1"
        case agreementWithFloat = "agreement_with_float"
        case samplesPerSecond = "samples_per_second"
    }
}

private func runEval(_ parsed: ParsedArguments) throws {
    let path = parsed.positionals[0]
    let options = try DataOptions(parsed: parsed)
    let batchSize = try parsed.positiveInteger("--batch-size") ?? 100
    let profile = try SpeedOptions.profile(parsed)
    let loaded = try LoadedModel(path: path)
    let data = try loaded.loadEvaluationData(options)
    let layerNames = try GraphPreparation.prepare(loaded.model).layers.map(\.name)
    if let plan = try quantizationPlan(parsed, layerNames: layerNames) {
        try runQuantizedEval(parsed, path: path, loaded: loaded, options: options, data: data, plan: plan,
                             batchSize: batchSize)
        return
    }

    let runner = EvaluationRunner(batchSize: batchSize)
    let outputsPath = parsed.value("--save-outputs")
    let result = try runner.run(images: data.images, labels: data.labels, keepLogits: outputsPath != nil) { batch in
        try loaded.floatLogits(batch)
    }
    if let outputsPath, let logits = result.logits {
        try NPYWriter.write(logits, to: outputsPath)
    }
    let correct = result.top1.map { Int(($0 * Double(result.samples)).rounded()) }
    let report = EvalReport(
        model: path, data: data.source, labels: data.labelSource, engine: "float", samples: result.samples,
        top1: result.top1, correct: correct, floatTop1: result.top1, agreementWithFloat: 1,
        seconds: result.seconds, samplesPerSecond: Double(result.samples) / max(result.seconds, 1e-9),
        speed: try SpeedOptions.report(for: loaded.model, on: profile))
    if parsed.has("--json") {
        try printJSON(report)
    } else {
        printEvalText(report)
    }
}

private func printEvalText(_ report: EvalReport) {
    print("model    \(report.model)")
    print("data     \(report.data)")
    print("labels   \(report.labels ?? "none: accuracy cannot be computed")")
    print("engine   \(report.engine)")
    if let top1 = report.top1, let correct = report.correct {
        print("top-1    \(String(format: "%.2f%%", top1 * 100)) (\(groupedDigits(correct)) of \(groupedDigits(report.samples)))")
    } else {
        print("samples  \(groupedDigits(report.samples))")
    }
    print("time     \(String(format: "%.2f s (%.0f samples/s)", report.seconds, report.samplesPerSecond))")
    print("speed    \(SpeedOptions.summaryLine(report.speed))")
}

/// Evaluates `plan` through a `QuantizationSession` and reports accuracy,
/// the float accuracy, and per-layer parameters and error.
private func runQuantizedEval(_ parsed: ParsedArguments, path: String, loaded: LoadedModel, options: DataOptions,
                              data: LabeledImages, plan: QuantizationPlan, batchSize: Int) throws {
    let calibration = try calibrationImages(parsed, loaded: loaded, dataOptions: options, evaluation: data)
    let session = try QuantizationSession(model: loaded.model, data: data, calibrationImages: calibration,
                                          batchSize: batchSize)
    let result = try session.evaluate(plan)
    if let outputsPath = parsed.value("--save-outputs") {
        guard let logits = try session.logits(of: plan) else {
            throw CommandFailure("the outputs of the quantized model were not kept, so --save-outputs "
                                 + "cannot write \(outputsPath); rerun without --save-outputs")
        }
        try NPYWriter.write(logits, to: outputsPath)
    }
    let errors = try session.layerErrors(plan)
    let correct = result.top1.map { Int(($0 * Double(result.samples)).rounded()) }
    let errorByName = Dictionary(errors.map { ($0.layer, $0) }, uniquingKeysWith: { first, _ in first })
    var report = EvalReport(
        model: path, data: data.source, labels: data.labelSource, engine: "mixed, int8 layers " + plan.mode.label,
        samples: result.samples, top1: result.top1, correct: correct, floatTop1: result.floatTop1,
        agreementWithFloat: result.agreement, seconds: result.seconds,
        samplesPerSecond: Double(result.samples) / max(result.seconds, 1e-9),
        speed: try SpeedOptions.report(for: loaded.model, precisions: SpeedOptions.precisions(of: plan, evaluation: result),
                                       on: SpeedOptions.profile(parsed)))
    report.plan = PlanJSON(plan)
    report.layers = result.layers.map { LayerJSON($0, error: errorByName[$0.name]) }
    if parsed.has("--json") {
        try printJSON(report)
        return
    }
    printEvalText(report)
    if let floatTop1 = result.floatTop1 {
        print("float    \(String(format: "%.2f%%", floatTop1 * 100)) top-1 on the same samples")
    }
    print("agree    \(String(format: "%.2f%%", result.agreement * 100)) of predictions equal the float model's")
    print("")
    print("per-layer error on the first \(session.reference.activationSamples) samples "
          + "(local: the layer alone fed the float input; cumulative: the whole plan up to it):")
    printLayerTable(result.layers, errors: errors)
}

import Evaluation
import Foundation
import QuantCore

/// `quantscope eval MODEL [--data PATH [--labels PATH]] [--limit N] [--json]`:
/// runs the model over a data set and reports top-1 accuracy.
let evalCommand = Command(
    spec: CommandSpec(
        name: "eval",
        summary: "Run a model over a data set and print top-1 accuracy, the sample count and the time taken.",
        positionals: [PositionalSpec(name: "MODEL", help: "ONNX model file.", optional: false)],
        options: CommonOptions.data + [
            OptionSpec("--batch-size", value: "N", help: "Samples per inference call (default 100)."),
            OptionSpec("--save-outputs", value: "FILE.npy",
                       help: "Write the model outputs [samples, classes] as a float32 NumPy array."),
            OptionSpec("--json", help: "Print one JSON object instead of text."),
        ],
        details: ["Without labels, the report gives the agreement with the float model's predictions "
            + "instead of accuracy."]),
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

    enum CodingKeys: String, CodingKey {
        case model, data, labels, engine, samples, top1, correct, seconds
        case floatTop1 = "float_top1"
        case agreementWithFloat = "agreement_with_float"
        case samplesPerSecond = "samples_per_second"
    }
}

private func runEval(_ parsed: ParsedArguments) throws {
    let path = parsed.positionals[0]
    let options = try DataOptions(parsed: parsed)
    let batchSize = try parsed.positiveInteger("--batch-size") ?? 100
    let loaded = try LoadedModel(path: path)
    let data = try loaded.loadEvaluationData(options)

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
        seconds: result.seconds, samplesPerSecond: Double(result.samples) / max(result.seconds, 1e-9))
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
}

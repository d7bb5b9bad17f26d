import Evaluation
import Explorer
import Foundation
import Quantization

/// The options the explorer and `snapshot` share: data as for `eval`, the
/// calibration data, a plan to start from, and the quick-pass size.
let explorerOptions: [OptionSpec] = CommonOptions.data + [
    OptionSpec("--calibration-data", value: "PATH",
               help: "Images for calibration. Default: the model's quantscope.calibration_data metadata, "
                   + "else the evaluation data."),
    OptionSpec("--plan", value: "FILE", help: "Start from this quantization plan (JSON); o reloads it."),
    OptionSpec("--subset", value: "N",
               help: "Samples of the quick first evaluation after each change (default \(ExplorerLoader.defaultSubsetSize))."),
]

/// `quantscope [MODEL] [options]`: the interactive explorer.
let explorerSpec = CommandSpec(
    name: "",
    summary: "Open the explorer on MODEL (default: SampleModels/cnn.onnx) and its data.",
    positionals: [PositionalSpec(name: "MODEL", help: "ONNX model file.", optional: true)],
    options: explorerOptions,
    details: ["Press ? in the explorer for its keys and a glossary."])

/// The sample model opened when no model is given.
let defaultModelRelativePath = "SampleModels/cnn.onnx"

/// Finds the default model: relative to the current directory, else in the
/// folders above the executable (a build tree inside the repository).
func resolveDefaultModel() throws -> String {
    let files = FileManager.default
    if files.fileExists(atPath: defaultModelRelativePath) {
        return defaultModelRelativePath
    }
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = executable.deletingLastPathComponent()
    while folder.path != "/" {
        let candidate = folder.appendingPathComponent(defaultModelRelativePath).path
        if files.fileExists(atPath: candidate) {
            return candidate
        }
        folder = folder.deletingLastPathComponent()
    }
    throw CommandFailure("no model given and the default \(defaultModelRelativePath) was not found in the current "
        + "directory or above the executable; run 'quantscope MODEL.onnx', or start quantscope from the repository root")
}

/// Loads the model, data and calibration for the explorer or a snapshot,
/// printing progress to standard error.
func loadExplorerScreen(_ parsed: ParsedArguments, quiet: Bool) throws -> (ExplorerScreen, EvaluationWorker) {
    let path = try parsed.positionals.first ?? resolveDefaultModel()
    let options = try DataOptions(parsed: parsed)
    let subset = try parsed.positiveInteger("--subset") ?? ExplorerLoader.defaultSubsetSize
    var startPlan: QuantizationPlan?
    if let planPath = parsed.value("--plan") {
        startPlan = try readPlan(at: planPath)
    }
    let loaded = try LoadedModel(path: path)
    let context = try ExplorerLoader.load(loaded, options: options, calibrationData: parsed.value("--calibration-data"),
                                          subsetSize: subset) { note in
        if !quiet { printError(note) }
    }
    let evaluator = IntegerSessionEvaluator(context: context)
    let speed = try? PlanSpeed(context: context)
    var screen = ExplorerScreen(context: context, evaluator: evaluator.executionDescription, speed: speed,
                                plan: startPlan)
    if let planPath = parsed.value("--plan"), let plan = startPlan {
        try QuantizationPlanFile.validate(plan, validNames: context.layers.map(\.name))
        screen.planPath = planPath
    }
    let worker = EvaluationWorker(evaluator: evaluator, subsetSize: context.subsetSize,
                                  totalSamples: context.evaluationData.count)
    return (screen, worker)
}

func readPlan(at path: String) throws(PlanFileError) -> QuantizationPlan {
    try QuantizationPlanFile.load(path: path)
}

/// The outcome of a save or load request, shown in the message line.
enum PlanFileOutcome: Sendable {
    case saved(path: String, note: String)
    case loaded(QuantizationPlan, path: String)
    case failed(String)
}

/// Carries out a save or load request: saving never replaces a file.
func performPlanFileRequest(_ request: ExplorerScreen.Request, modelPath: String) -> PlanFileOutcome? {
    switch request {
    case .evaluate:
        return nil
    case .savePlan(let plan):
        let files = FileManager.default
        let path = PlanSaveLocation.freePath(modelPath: modelPath, fileExists: files.fileExists(atPath:))
        let preferred = PlanSaveLocation.freePath(modelPath: modelPath, fileExists: { _ in false })
        do {
            try QuantizationPlanFile.encode(plan).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            return .failed("cannot save plan to \(path): \((error as NSError).localizedDescription)")
        }
        let note = path == preferred ? "" : " (\((preferred as NSString).lastPathComponent) exists and was kept)"
        return .saved(path: path, note: note)
    case .loadPlan(let path):
        do {
            return .loaded(try readPlan(at: path), path: path)
        } catch {
            return .failed("\(error)")
        }
    }
}

/// Runs the explorer until the user quits.
func runExplorer(_ parsed: ParsedArguments) throws {
    let (screen, worker) = try loadExplorerScreen(parsed, quiet: false)
    let modelPath = screen.context.modelPath
    let wakeUp = try WakeUp()
    let mailbox = Mailbox()
    var initial = screen
    let firstRequest = initial.evaluationRequest()
    let status = try runExplorerLoop(
        screen: initial, wakeUp: wakeUp,
        onRequest: { request in
            switch request {
            case .evaluate(let job):
                worker.submit(job) { update in
                    mailbox.post(.update(update))
                    wakeUp.wake()
                }
            case .savePlan, .loadPlan:
                if let outcome = performPlanFileRequest(request, modelPath: modelPath) {
                    mailbox.post(.file(outcome))
                    wakeUp.wake()
                }
            }
        },
        start: [firstRequest],
        refresh: { screen in
            var effects: [Effect<ExplorerScreen.Request>] = []
            for item in mailbox.take() {
                switch item {
                case .update(let update):
                    if screen.apply(update) { effects.append(.redraw) }
                case .file(.saved(let path, let note)):
                    effects.append(screen.planSaved(to: path, replacedNothing: note))
                case .file(.loaded(let plan, let path)):
                    effects.append(screen.loadPlan(plan, from: path))
                case .file(.failed(let message)):
                    effects.append(.error(message))
                }
            }
            return effects.isEmpty ? .none : .batch(effects)
        })
    worker.cancel()
    if status != 0 {
        exit(status)
    }
}

/// Results handed from worker threads to the explorer loop.
final class Mailbox: @unchecked Sendable {
    enum Item: Sendable {
        case update(EvaluationUpdate)
        case file(PlanFileOutcome)
    }

    private let lock = NSLock()
    private var items: [Item] = []

    func post(_ item: Item) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    /// Returns every posted item in order and empties the box.
    func take() -> [Item] {
        lock.lock()
        defer { lock.unlock() }
        let posted = items
        items = []
        return posted
    }
}

let explorerCommand = Command(spec: explorerSpec, run: { parsed in try runExplorer(parsed) })

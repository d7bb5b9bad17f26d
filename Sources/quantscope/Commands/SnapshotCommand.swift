import Evaluation
import Explorer
import Foundation

/// `quantscope snapshot [MODEL] --screen NAME --size WxH [--select LAYER]
/// [--keys KEYS] [--ascii]`: renders one explorer screen as plain text,
/// after running every evaluation to completion, so the output depends only
/// on the model, data and keys.
let snapshotCommand = Command(
    spec: CommandSpec(
        name: "snapshot",
        summary: "Print an explorer screen as text, with evaluation run to completion first.",
        positionals: [PositionalSpec(name: "MODEL", help: "ONNX model file (default: SampleModels/cnn.onnx).",
                                     optional: true)],
        options: explorerOptions + [
            OptionSpec("--screen", value: "NAME",
                       help: "layers, detail, help or too-small (the size must then be below 80x24). Default layers."),
            OptionSpec("--size", value: "WxH", help: "Terminal size in columns and rows (default 80x24)."),
            OptionSpec("--select", value: "LAYER", help: "Select this layer (by name) before the keys."),
            OptionSpec("--keys", value: "KEYS",
                       help: "Keys to press after opening the screen, e.g. 'jj<space>' (names such as <enter>, <esc>, <c-r>)."),
            OptionSpec("--ascii", help: "Draw with ASCII instead of Unicode glyphs."),
        ]),
    run: { parsed in try runSnapshot(parsed) })

enum SnapshotScreen: String, CaseIterable {
    case layers, detail, help
    case tooSmall = "too-small"
}

private func runSnapshot(_ parsed: ParsedArguments) throws {
    let screenName = parsed.value("--screen") ?? "layers"
    guard let target = SnapshotScreen(rawValue: screenName) else {
        throw UsageError.invalidValue(option: "--screen", value: screenName,
                                      expected: SnapshotScreen.allCases.map(\.rawValue).joined(separator: ", "))
    }
    let sizeText = parsed.value("--size") ?? "80x24"
    let parts = sizeText.split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
        throw UsageError.invalidValue(option: "--size", value: sizeText, expected: "WIDTHxHEIGHT, for example 80x24")
    }
    let size = Size(width: parts[0], height: parts[1])
    let userKeys = try KeyString.parse(parsed.value("--keys") ?? "")

    let (screen, worker) = try loadExplorerScreen(parsed, quiet: true)
    if target == .tooSmall, size.covers(screen.minimumSize) {
        throw UsageError.invalidValue(option: "--size", value: sizeText,
                                      expected: "a size below \(screen.minimumSize) for --screen too-small")
    }
    var keys: [Key] = []
    if let name = parsed.value("--select") {
        guard let index = screen.context.layers.firstIndex(where: { $0.name == name }) else {
            throw CommandFailure("no layer '\(name)' in \(screen.context.modelPath); layers are "
                + screen.context.layers.map(\.name).joined(separator: ", "))
        }
        keys += Array(repeating: Key.down, count: index)
    }
    if target == .detail { keys.append(.enter) }
    keys += userKeys
    if target == .help { keys.append(.character("?")) }

    var host = ScreenHost(screen: screen, size: size, glyphs: parsed.has("--ascii") ? .ascii : .unicode)
    let first = host.screen.evaluationRequest()
    func drain(_ requests: [ExplorerScreen.Request]) {
        for request in requests {
            switch request {
            case .evaluate(let job):
                for update in worker.runSynchronously(job) {
                    _ = host.screen.apply(update)
                }
            case .savePlan, .loadPlan:
                guard let outcome = performPlanFileRequest(request, modelPath: host.screen.context.modelPath) else {
                    continue
                }
                let effect: Effect<ExplorerScreen.Request>
                switch outcome {
                case .saved(let path, let note): effect = host.screen.planSaved(to: path, replacedNothing: note)
                case .loaded(let plan, let path): effect = host.screen.loadPlan(plan, from: path)
                case .failed(let message): effect = .error(message)
                }
                drain(host.apply(effect).requests)
            }
        }
    }
    drain([first])
    for key in keys {
        let response = host.handle(key)
        drain(response.requests)
        if response.shouldQuit { break }
    }
    print(host.render().renderPlainText(), terminator: "")
}

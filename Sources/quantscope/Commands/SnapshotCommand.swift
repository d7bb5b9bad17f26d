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
            OptionSpec("--all", value: "DIR",
                       help: "Write every screen at 80x24 and 160x48 (too-small at 60x20) to DIR/SCREEN-WxH.txt "
                           + "instead of printing one; --screen, --size and --keys are ignored."),
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
    let glyphs: Glyphs = parsed.has("--ascii") ? .ascii : .unicode

    var (screen, worker) = try loadExplorerScreen(parsed, quiet: true)
    var selectKeys: [Key] = []
    if let name = parsed.value("--select") {
        guard let index = screen.context.layers.firstIndex(where: { $0.name == name }) else {
            throw CommandFailure("no layer '\(name)' in \(screen.context.modelPath); layers are "
                + screen.context.layers.map(\.name).joined(separator: ", "))
        }
        selectKeys = Array(repeating: Key.down, count: index)
    }
    // Evaluate the starting plan once; every capture starts from the evaluated screen.
    let first = screen.evaluationRequest()
    if case .evaluate(let job) = first {
        for update in worker.runSynchronously(job) {
            _ = screen.apply(update)
        }
    }

    if let folder = parsed.value("--all") {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let captures: [(SnapshotScreen, Size)] = [
            (.layers, Size(width: 80, height: 24)), (.layers, Size(width: 160, height: 48)),
            (.detail, Size(width: 80, height: 24)), (.detail, Size(width: 160, height: 48)),
            (.help, Size(width: 80, height: 24)), (.help, Size(width: 160, height: 48)),
            (.tooSmall, Size(width: 60, height: 20)),
        ]
        for (captured, captureSize) in captures {
            let text = renderSnapshot(screen, worker: worker, target: captured, size: captureSize,
                                      keys: selectKeys, glyphs: glyphs)
            let path = (folder as NSString).appendingPathComponent("\(captured.rawValue)-\(captureSize).txt")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return
    }
    if target == .tooSmall, size.covers(screen.minimumSize) {
        throw UsageError.invalidValue(option: "--size", value: sizeText,
                                      expected: "a size below \(screen.minimumSize) for --screen too-small")
    }
    print(renderSnapshot(screen, worker: worker, target: target, size: size, keys: selectKeys + userKeys,
                         glyphs: glyphs), terminator: "")
}

/// Presses `keys` on an evaluated screen, opens `target`, and returns the
/// rendered text. Plan changes are evaluated to completion as they happen.
func renderSnapshot(_ screen: ExplorerScreen, worker: EvaluationWorker, target: SnapshotScreen, size: Size,
                    keys: [Key], glyphs: Glyphs) -> String {
    var host = ScreenHost(screen: screen, size: size, glyphs: glyphs)
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
    var allKeys = keys
    switch target {
    case .detail: allKeys.insert(.enter, at: allKeys.prefix { $0 == .down }.count)
    case .help: allKeys.append(.character("?"))
    case .layers, .tooSmall: break
    }
    for key in allKeys {
        let response = host.handle(key)
        drain(response.requests)
        if response.shouldQuit { break }
    }
    return host.render().renderPlainText()
}

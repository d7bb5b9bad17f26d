import Explorer
import Foundation

/// `quantscope demo-ui [--snapshot] [--size WxH] [--keys KEYS] [--ascii]`:
/// runs the widget demo screen interactively, or with `--snapshot` feeds it
/// the keys and prints the final screen as text.
func runDemoUI(arguments: [String]) -> Int32 {
    var snapshot = false
    var size = Size(width: 80, height: 24)
    var keys: [Key] = []
    var glyphs = Glyphs.unicode
    var remaining = arguments[...]
    do {
        while let argument = remaining.popFirst() {
            switch argument {
            case "--snapshot":
                snapshot = true
            case "--ascii":
                glyphs = .ascii
            case "--size":
                guard let value = remaining.popFirst() else { throw DemoUIError.missingValue("--size") }
                guard let parsed = parseSize(value) else { throw DemoUIError.invalidSize(value) }
                size = parsed
            case "--keys":
                guard let value = remaining.popFirst() else { throw DemoUIError.missingValue("--keys") }
                keys = try KeyString.parse(value)
            default:
                throw DemoUIError.unknownOption(argument)
            }
        }
        if snapshot {
            var host = ScreenHost(screen: DemoScreen(), size: size, glyphs: glyphs)
            for key in keys {
                // NOTE: Snapshots do not run background work, so a recalibration stays at 0%.
                if host.handle(key).shouldQuit { break }
            }
            print(host.render().renderPlainText(), terminator: "")
            return 0
        }
        return try runInteractiveDemo()
    } catch {
        FileHandle.standardError.write(Data("quantscope demo-ui: \(error)\n".utf8))
        return 2
    }
}

private enum DemoUIError: Error, CustomStringConvertible {
    case invalidSize(String)
    case missingValue(String)
    case unknownOption(String)

    var description: String {
        switch self {
        case .invalidSize(let value): return "invalid --size '\(value)'; expected WIDTHxHEIGHT, for example 100x30"
        case .missingValue(let option): return "missing value after \(option)"
        case .unknownOption(let option):
            return "unknown option '\(option)'; expected --snapshot, --size WxH, --keys KEYS or --ascii"
        }
    }
}

private func parseSize(_ text: String) -> Size? {
    let parts = text.split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return nil }
    return Size(width: parts[0], height: parts[1])
}

/// Progress of the simulated recalibration, written by a worker thread.
private final class SimulatedCalibration: @unchecked Sendable {
    private let lock = NSLock()
    private var progress: Double?
    private var finished = false

    func update(_ value: Double?, finished: Bool) {
        lock.lock()
        defer { lock.unlock() }
        progress = value
        self.finished = finished
    }

    /// Returns the latest progress and whether the run finished, and clears the finished flag.
    func take() -> (progress: Double?, finished: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let result = (progress, finished)
        finished = false
        return result
    }
}

private func runInteractiveDemo() throws -> Int32 {
    let wakeUp = try WakeUp()
    let calibration = SimulatedCalibration()
    return try runExplorerLoop(
        screen: DemoScreen(),
        wakeUp: wakeUp,
        onRequest: { request in
            switch request {
            case .recalibrate:
                DispatchQueue.global().async {
                    let steps = 20
                    for step in 1 ... steps {
                        Thread.sleep(forTimeInterval: 0.1)
                        calibration.update(Double(step) / Double(steps), finished: step == steps)
                        wakeUp.wake()
                    }
                }
            }
        },
        refresh: { screen in
            let (progress, finished) = calibration.take()
            if finished {
                calibration.update(nil, finished: false)
                screen.calibrationProgress = nil
                screen.accuracyHistory.append((screen.accuracyHistory.last ?? 90) + 0.3)
                return .message("recalibration finished")
            }
            guard let progress, progress != screen.calibrationProgress else { return .none }
            screen.calibrationProgress = progress
            return .redraw
        })
}

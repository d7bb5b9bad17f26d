import Foundation
import XCTest

/// Drives the real explorer in a detached tmux session of 100x30, as a user
/// would: start with no arguments, wait for the first result, switch a
/// layer to float, open its detail, quit, and check the shell is usable.
final class ExplorerSessionTests: XCTestCase {
    private let session = "quantscope-e2e-\(ProcessInfo.processInfo.processIdentifier)"

    override func tearDown() {
        _ = try? tmux(["kill-session", "-t", session])
        super.tearDown()
    }

    func testToggleLayerOpenDetailAndQuit() throws {
        guard let tmuxPath = Self.tmuxPath else {
            throw XCTSkip("tmux is not installed; install it (apt-get install tmux) to run this test")
        }
        _ = tmuxPath
        let binary = BinaryRunner.executable.path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary), "build quantscope first: swift build")

        try tmux(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", BinaryRunner.repositoryRoot.path,
                  "env", "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "sh"])
        try tmux(["send-keys", "-t", session, "'\(binary)'; echo \"explorer-exit-$?\"", "Enter"])

        // The first result: the plan row shows a top-1 on the quick subset or the full set.
        // Timeouts are upper bounds for a loaded machine; an idle one needs a fraction.
        let first = try waitForPane(timeout: 120) { $0.contains("plan     top-1") }
        XCTAssertTrue(first.contains("Layers"), first)
        XCTAssertTrue(first.contains("conv1"), first)
        let before = planTop1(in: first)
        XCTAssertNotNil(before, first)

        // Space switches the selected layer (conv1) to float; the message line shows it at once.
        try tmux(["send-keys", "-t", session, "Space"])
        let toggled = try waitForPane(timeout: 10) { $0.contains("conv1: now float") }
        XCTAssertTrue(toggled.contains("float"), toggled)
        // The plan row clears, then shows the changed plan's top-1 and its change against float.
        let changed = try waitForPane(timeout: 120) { pane in
            guard let row = self.planRow(in: pane) else { return false }
            return row.contains("top-1") && !row.contains("running subset")
        }
        XCTAssertNotNil(planTop1(in: changed), changed)
        XCTAssertTrue(planRow(in: changed)?.contains(" pp ") == true, changed)
        XCTAssertNotNil(changed.range(of: #"▶ conv1 +float"#, options: .regularExpression), changed)

        // Enter opens the layer's histograms with its scale and zero-point.
        try tmux(["send-keys", "-t", session, "Enter"])
        let detail = try waitForPane(timeout: 10) { $0.contains("output S, Z") }
        XCTAssertTrue(detail.contains("Weights"), detail)
        XCTAssertTrue(detail.contains("Outputs (calibration)"), detail)
        XCTAssertNotNil(detail.range(of: #"S=[0-9.e-]+ Z=-?[0-9]+"#, options: .regularExpression), detail)

        // q leaves the explorer with status 0 and the shell echoes the marker.
        try tmux(["send-keys", "-t", session, "q"])
        let after = try waitForPane(timeout: 20) { $0.contains("explorer-exit-0") }
        XCTAssertFalse(after.contains("output S, Z"), "the explorer screen was not cleared:\n\(after)")
        // The marker is computed, so the typed command line does not match it.
        try tmux(["send-keys", "-t", session, "stty -a | head -1; echo shell-$((40 + 2))-ok", "Enter"])
        let shell = try waitForPane(timeout: 10) { $0.contains("shell-42-ok") }
        XCTAssertTrue(shell.contains("speed"), "stty -a printed no terminal settings:\n\(shell)")
    }

    // MARK: tmux

    static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tmuxPath ?? "/usr/bin/tmux")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Polls the pane until `condition` holds, and returns its text; fails with the last pane after `timeout` seconds.
    private func waitForPane(timeout: TimeInterval, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var pane = ""
        while Date() < deadline {
            pane = try tmux(["capture-pane", "-p", "-t", session])
            if condition(pane) { return pane }
            Thread.sleep(forTimeInterval: 0.25)
        }
        XCTFail("timed out after \(timeout) s; the pane shows:\n\(pane)")
        return pane
    }

    /// Returns the evaluation panel's plan row.
    private func planRow(in pane: String) -> String? {
        pane.split(separator: "\n").first { $0.hasPrefix("│plan ") }.map(String.init)
    }

    /// Returns the plan row's top-1 percentage, when shown.
    private func planTop1(in pane: String) -> Double? {
        guard let line = planRow(in: pane), line.contains("top-1"),
              let range = line.range(of: #"[0-9]+\.[0-9]+%"#, options: .regularExpression) else { return nil }
        return Double(line[range].dropLast())
    }
}

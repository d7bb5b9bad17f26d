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

    /// Runs tmux and returns its output, through a temporary file.
    ///
    /// Foundation's `Process` is not used: on Linux it notices a child's exit
    /// through a descriptor the child inherits, and the tmux server that
    /// `new-session` starts keeps that descriptor open for its whole life.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("quantscope-tmux-\(ProcessInfo.processInfo.processIdentifier).txt").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let executable = Self.tmuxPath ?? "/usr/bin/tmux"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }

        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(spawned),
                          userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable)"])
        }
        var status: Int32 = 0
        while waitpid(child, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
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

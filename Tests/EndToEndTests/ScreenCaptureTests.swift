import Foundation
import XCTest

/// Compares the captures in Screens/ with what the program renders now.
/// Regenerate them with Screens/update.sh after an intended change.
final class ScreenCaptureTests: XCTestCase {
    /// The arguments Screens/update.sh passes; both must stay the same.
    static let snapshotArguments = ["snapshot", "--limit", "1000", "--subset", "200", "--all"]

    func testCapturesMatchRenderedScreens() throws {
        let screens = BinaryRunner.repositoryRoot.appendingPathComponent("Screens")
        let expectedFiles = try FileManager.default.contentsOfDirectory(atPath: screens.path)
            .filter { $0.hasSuffix(".txt") }.sorted()
        XCTAssertEqual(expectedFiles, ["detail-160x48.txt", "detail-80x24.txt", "help-160x48.txt", "help-80x24.txt",
                                       "layers-160x48.txt", "layers-80x24.txt", "too-small-60x20.txt"])

        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("quantscope-screens-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try BinaryRunner.run(Self.snapshotArguments + [output.path])
        XCTAssertEqual(run.status, 0, run.standardError)

        for name in expectedFiles {
            let expected = try String(contentsOf: screens.appendingPathComponent(name), encoding: .utf8)
            guard let actual = try? String(contentsOf: output.appendingPathComponent(name), encoding: .utf8) else {
                XCTFail("snapshot --all wrote no \(name)")
                continue
            }
            let difference = lineDifference(expected: expected, actual: actual)
            XCTAssertNil(difference, "\(name) differs from the rendered screen; run Screens/update.sh if the "
                + "change is intended.\n\(difference ?? "")")
        }
    }

    /// Returns a diff of the lines that differ, ignoring trailing spaces, or nil when none do.
    private func lineDifference(expected: String, actual: String) -> String? {
        func lines(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                var trimmed = Substring(line)
                while trimmed.last == " " { trimmed.removeLast() }
                return String(trimmed)
            }
        }
        let expectedLines = lines(expected)
        let actualLines = lines(actual)
        var report: [String] = []
        for index in 0 ..< max(expectedLines.count, actualLines.count) {
            let old = index < expectedLines.count ? expectedLines[index] : "(no line)"
            let new = index < actualLines.count ? actualLines[index] : "(no line)"
            if old != new {
                report.append("line \(index + 1):\n- \(old)\n+ \(new)")
            }
        }
        return report.isEmpty ? nil : report.joined(separator: "\n")
    }
}

import XCTest

/// The integer runtime must not fall back to floating point: no source file
/// under Sources/Quantization/Kernels or Sources/Quantization/Runtime may
/// mention `Float` or `Double`.
final class IntegerOnlyRuntimeTests: XCTestCase {
    func testKernelAndRuntimeSourcesUseNoFloatingPoint() throws {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var checked = 0
        for folder in ["Sources/Quantization/Kernels", "Sources/Quantization/Runtime"] {
            let directory = packageRoot.appendingPathComponent(folder)
            let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "swift" }
            XCTAssertFalse(files.isEmpty, "no Swift files in \(folder)")
            for file in files {
                let source = try String(contentsOf: file, encoding: .utf8)
                for (number, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    for word in ["Float", "Double"] where line.contains(word) {
                        XCTFail("\(folder)/\(file.lastPathComponent):\(number + 1) mentions \(word): \(line)")
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 10)
    }
}

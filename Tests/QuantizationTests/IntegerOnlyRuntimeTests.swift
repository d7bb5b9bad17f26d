import XCTest

/// The integer runtime must not fall back to floating point: no source file
/// under Sources/Quantization/Kernels or Sources/Quantization/Runtime, and
/// none of the integer files of the mixed runtime in
/// Sources/Quantization/Engine, may mention `Float` or `Double`. The
/// quantize/dequantize boundary (FloatBoundary.swift) and the fake
/// quantization are float by definition and are not listed.
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

        let engineFiles = ["IntegerTensor.swift", "ActivationLayout.swift", "IntegerLayer.swift",
                           "IntegerLayerExecution.swift", "MixedRuntime.swift", "ProgramStep.swift", "ExecutionProgram.swift", "ValueStore.swift",
                           "MixedRuntimeError.swift"]
        for name in engineFiles {
            let file = packageRoot.appendingPathComponent("Sources/Quantization/Engine").appendingPathComponent(name)
            let source = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for word in ["Float", "Double"] where line.contains(word) {
                    XCTFail("Engine/\(name):\(number + 1) mentions \(word): \(line)")
                }
            }
        }
    }
}

import Foundation
import XCTest

final class CommandLineTests: XCTestCase {
    private let conformanceModel = "Tests/QuantCoreTests/Fixtures/onnx-node/test_conv_with_strides_padding/model.onnx"

    func testHelpExitsWithZero() throws {
        let output = try BinaryRunner.run(["--help"])
        XCTAssertEqual(output.status, 0)
        XCTAssertTrue(output.standardOutput.contains("inspect"), output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("eval"), output.standardOutput)
    }

    func testEverySubcommandHasHelp() throws {
        for command in ["inspect", "eval"] {
            let output = try BinaryRunner.run([command, "--help"])
            XCTAssertEqual(output.status, 0, command)
            XCTAssertTrue(output.standardOutput.hasPrefix("usage: quantscope \(command)"), output.standardOutput)
        }
    }

    func testUnknownOptionIsUsageError() throws {
        let output = try BinaryRunner.run(["eval", "model.onnx", "--bogus"])
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.standardError.contains("unknown option '--bogus'"), output.standardError)
    }

    func testUnknownCommandIsUsageError() throws {
        let output = try BinaryRunner.run(["frobnicate"])
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.standardError.contains("unknown command 'frobnicate'"), output.standardError)
    }

    func testMissingModelIsFailure() throws {
        let output = try BinaryRunner.run(["eval", "/nonexistent/model.onnx"])
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.standardError.contains("/nonexistent/model.onnx"), output.standardError)
    }

    func testInvalidLimitIsUsageError() throws {
        let output = try BinaryRunner.run(["eval", conformanceModel, "--limit", "zero"])
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.standardError.contains("invalid value 'zero' for --limit"), output.standardError)
    }

    func testQuantizedEvalSavesOutputs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let integerPath = directory.appendingPathComponent("int8.npy").path
        let floatPath = directory.appendingPathComponent("float.npy").path
        let integer = try BinaryRunner.run(["eval", "SampleModels/cnn.onnx", "--limit", "50", "--quantize", "all",
                                            "--save-outputs", integerPath])
        XCTAssertEqual(integer.status, 0, integer.standardError)
        let float = try BinaryRunner.run(["eval", "SampleModels/cnn.onnx", "--limit", "50",
                                          "--save-outputs", floatPath])
        XCTAssertEqual(float.status, 0, float.standardError)
        let integerBytes = try Data(contentsOf: URL(fileURLWithPath: integerPath))
        let floatBytes = try Data(contentsOf: URL(fileURLWithPath: floatPath))
        // Same header and size ([50, 10] float32), different values.
        XCTAssertEqual(integerBytes.count, floatBytes.count)
        XCTAssertEqual(integerBytes.prefix(64), floatBytes.prefix(64))
        XCTAssertNotEqual(integerBytes, floatBytes)
    }

    func testInspectJSONListsLayers() throws {
        let output = try BinaryRunner.run(["inspect", conformanceModel, "--json"])
        XCTAssertEqual(output.status, 0, output.standardError)
        let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
        let layers = object?["layers"] as? [[String: Any]]
        XCTAssertEqual(layers?.count, 1)
        XCTAssertEqual(layers?.first?["operator"] as? String, "Conv")
        XCTAssertEqual(object?["total_macs"] as? Int, 108)
    }
}

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

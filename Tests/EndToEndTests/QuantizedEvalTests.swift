import Foundation
import XCTest

final class QuantizedEvalTests: XCTestCase {
    private let model = "SampleModels/mlp.onnx"

    func testEvalQuantizeAllReportsPlanAndLayers() throws {
        let output = try BinaryRunner.run(["eval", model, "--quantize", "all", "--limit", "100", "--json"])
        XCTAssertEqual(output.status, 0, output.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        XCTAssertNotNil(object["float_top1"] as? Double)
        XCTAssertNotNil(object["plan"] as? [String: Any])
        let layers = try XCTUnwrap(object["layers"] as? [[String: Any]])
        XCTAssertFalse(layers.isEmpty)
        let weighted = try XCTUnwrap(layers.first { ($0["multipliers"] as? [Any])?.isEmpty == false })
        XCTAssertEqual(weighted["precision"] as? String, "int8")
        XCTAssertNotNil(weighted["local_error"] as? [String: Any])
        XCTAssertNotNil(weighted["cumulative_error"] as? [String: Any])
        XCTAssertNotNil(weighted["weight_range"] as? [Double])
    }

    func testSavedPlanLoadsAndUnknownLayerIsRejected() throws {
        let plan = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: plan) }
        let saved = try BinaryRunner.run(["inspect", model, "--quantize", "all", "--scheme", "paper",
                                          "--save-plan", plan, "--json"])
        XCTAssertEqual(saved.status, 0, saved.standardError)
        let loaded = try BinaryRunner.run(["inspect", model, "--plan", plan, "--json"])
        XCTAssertEqual(loaded.status, 0, loaded.standardError)
        XCTAssertEqual(loaded.standardOutput, saved.standardOutput)

        let unknown = try BinaryRunner.run(["eval", model, "--quantize", "conv99", "--limit", "10"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.standardError.contains("conv99"), unknown.standardError)
        XCTAssertTrue(unknown.standardError.contains("fc1"), unknown.standardError)
    }
}

import Foundation
import XCTest

/// `quantscope bench` on the default sample model, with one timed run.
final class BenchCommandTests: XCTestCase {
    func testBenchPrintsEverySection() throws {
        let output = try BinaryRunner.run(["bench", "--repeats", "1", "--batch", "1", "--gemm-size", "64"])
        XCTAssertEqual(output.status, 0, output.standardError)
        let text = output.standardOutput
        XCTAssertTrue(text.contains("model    SampleModels/cnn.onnx"), text)
        XCTAssertTrue(text.contains("end to end"), text)
        XCTAssertTrue(text.contains("  float "), text)
        XCTAssertTrue(text.contains("  int8 "), text)
        XCTAssertTrue(text.contains("int8 / float throughput"), text)
        XCTAssertTrue(text.contains("per layer (ms"), text)
        XCTAssertTrue(text.contains("conv1"), text)
        XCTAssertTrue(text.contains("within 30% of the simulated time (or within 5 µs)"), text)
        XCTAssertTrue(text.contains("graph outputs"), text)
        XCTAssertTrue(text.contains("GEMM"), text)
        XCTAssertTrue(text.contains("peak memory"), text)
        XCTAssertTrue(text.contains("speed model: layer time = max("), text)
    }

    func testBenchJSONHasEngineFigures() throws {
        let output = try BinaryRunner.run(["bench", "--repeats", "1", "--batch", "1", "--warmup", "0",
                                           "--gemm-size", "0", "--json"])
        XCTAssertEqual(output.status, 0, output.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let float = try XCTUnwrap(object["float"] as? [String: Any])
        XCTAssertEqual(float["batch"] as? Int, 1)
        XCTAssertGreaterThan(try XCTUnwrap(float["images_per_second"] as? Double), 0)
        let layers = try XCTUnwrap(float["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.count, 7)
        let simulated = try XCTUnwrap(object["simulated"] as? [[String: Any]])
        XCTAssertEqual(simulated.first?["profile"] as? String, "this-machine")
        XCTAssertEqual(simulated.first?["allowance_seconds"] as? Double, 5e-6)
        XCTAssertTrue(object["gemm"] is NSNull)
        let profile = try XCTUnwrap(object["profile"] as? [String: Any])
        let kernelCosts = try XCTUnwrap(profile["kernel_costs"] as? [String: Any])
        let costs = try XCTUnwrap(kernelCosts["costs"] as? [String: Any])
        XCTAssertNotNil(costs["float.convolution"])
        XCTAssertNotNil(costs["int8.quantize"])
    }

    func testBenchHelpStatesFormula() throws {
        let output = try BinaryRunner.run(["bench", "--help"])
        XCTAssertEqual(output.status, 0)
        XCTAssertTrue(output.standardOutput.contains("max(MACs / MAC rate, bytes / bandwidth)"), output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("Measured:"), output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("max(0.3 * simulated, 5 µs)"), output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("--remeasure-profile"), output.standardOutput)
    }

    func testBenchRejectsZeroBatch() throws {
        let output = try BinaryRunner.run(["bench", "--batch", "0"])
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.standardError.contains("--batch"), output.standardError)
    }

    func testEvalJSONHasSpeedReport() throws {
        let output = try BinaryRunner.run(["eval", "SampleModels/cnn.onnx", "--limit", "20", "--target",
                                           "cortex-m7", "--json"])
        XCTAssertEqual(output.status, 0, output.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let speed = try XCTUnwrap(object["speed"] as? [String: Any])
        let profile = try XCTUnwrap(speed["profile"] as? [String: Any])
        XCTAssertEqual(profile["identifier"] as? String, "cortex-m7")
        let totals = try XCTUnwrap(speed["totals"] as? [String: Any])
        XCTAssertEqual(totals["speedup"] as? Double, 1)
        XCTAssertGreaterThan(try XCTUnwrap(totals["model_size_bytes"] as? Int), 0)
    }

    func testEvalRejectsUnknownTarget() throws {
        let output = try BinaryRunner.run(["eval", "SampleModels/cnn.onnx", "--target", "pentium"])
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.standardError.contains("snapdragon835-big"), output.standardError)
    }
}

import Evaluation
import Foundation
import XCTest

/// The JSON that `quantscope bench --json` prints and the benchmark script reads.
final class BenchmarkReportJSONTests: XCTestCase {
    private func sampleReport(int8: Bool) throws -> BenchmarkReport {
        let summary = try XCTUnwrap(TimingSummary(samples: [0.02, 0.01, 0.03]))
        let float = EngineTiming(engine: "float", batch: 4, threads: 1, endToEnd: summary,
                                 layers: [LayerTiming(name: "conv1", nodes: ["conv1", "relu1"], medianSeconds: 0.004)])
        let fast = try XCTUnwrap(TimingSummary(samples: [0.005]))
        let integer = EngineTiming(engine: "int8", batch: 4, threads: 1, endToEnd: fast,
                                   layers: [LayerTiming(name: "conv1", nodes: ["conv1"], medianSeconds: 0.001)])
        let gemm = GemmFigures(size: 64, threads: 1, instructionSet: "scalar", int8GigaOpsPerSecond: 10,
                               floatGigaFlopsPerSecond: 5, int8PeakGigaOps: nil, floatPeakGigaFlops: nil,
                               peakSource: nil)
        return BenchmarkReport(
            model: "m.onnx", batch: 4, threads: 1, warmup: 0, repeats: 3,
            machine: MachineDescription(processorModel: "cpu", logicalProcessors: 2, clockMegahertz: nil, simdFlags: []),
            formula: "f", float: float, int8: int8 ? integer : nil, int8Status: int8 ? "measured" : "pending",
            gemm: gemm, simulated: [], peakResidentBytes: 1024)
    }

    private func jsonObject(_ report: BenchmarkReport) throws -> [String: Any] {
        let data = try JSONEncoder().encode(report)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testTopLevelKeys() throws {
        let object = try jsonObject(try sampleReport(int8: true))
        let expected = ["model", "batch", "threads", "warmup", "repeats", "machine", "formula", "float", "int8",
                        "int8_status", "int8_over_float_throughput", "gemm", "simulated", "toggle_latency",
                        "peak_resident_bytes"]
        for key in expected {
            XCTAssertNotNil(object[key], "missing key \(key)")
        }
        XCTAssertEqual(Set(object.keys), Set(expected))
    }

    func testEngineTimingKeys() throws {
        let object = try jsonObject(try sampleReport(int8: true))
        let float = try XCTUnwrap(object["float"] as? [String: Any])
        XCTAssertEqual(Set(float.keys), ["engine", "batch", "threads", "end_to_end", "images_per_second", "layers"])
        let endToEnd = try XCTUnwrap(float["end_to_end"] as? [String: Any])
        XCTAssertEqual(endToEnd["median_seconds"] as? Double, 0.02)
        XCTAssertEqual(float["images_per_second"] as? Double, 200)
    }

    func testThroughputRatioInJSON() throws {
        let object = try jsonObject(try sampleReport(int8: true))
        XCTAssertEqual(object["int8_over_float_throughput"] as? Double, 4)
    }

    func testMissingInt8IsNull() throws {
        let object = try jsonObject(try sampleReport(int8: false))
        XCTAssertTrue(object["int8"] is NSNull)
        XCTAssertTrue(object["int8_over_float_throughput"] is NSNull)
        XCTAssertEqual(object["int8_status"] as? String, "pending")
    }

    func testGemmKeysWithoutPeak() throws {
        let object = try jsonObject(try sampleReport(int8: true))
        let gemm = try XCTUnwrap(object["gemm"] as? [String: Any])
        XCTAssertEqual(gemm["int8_gops"] as? Double, 10)
        XCTAssertTrue(gemm["int8_peak_gops"] is NSNull)
        XCTAssertTrue(gemm["int8_fraction_of_peak"] is NSNull)
    }

    func testReportRoundTrips() throws {
        let report = try sampleReport(int8: true)
        let decoded = try JSONDecoder().decode(BenchmarkReport.self, from: try JSONEncoder().encode(report))
        XCTAssertEqual(decoded, report)
    }
}

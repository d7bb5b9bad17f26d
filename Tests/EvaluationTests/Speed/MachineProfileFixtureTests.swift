import Evaluation
import Foundation
import QuantCore
import Quantization
import XCTest

/// Checks the "this machine" speed model against recorded measurements of
/// the four sample models: each fixture is the `quantscope bench --json`
/// output of one model at batch 16 on one thread, with the profile measured
/// in the same run (see `Tests/Fixtures/machine-profile/record.sh`). The
/// test recomputes every simulated unit time from the recorded profile
/// parameters and the model's geometry, and times nothing itself.
final class MachineProfileFixtureTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let models = ["mlp", "cnn", "mobilenet", "resnet"]

    private func report(_ model: String) throws -> BenchmarkReport {
        let file = Self.repositoryRoot.appendingPathComponent("Tests/Fixtures/machine-profile/\(model).json")
        return try JSONDecoder().decode(BenchmarkReport.self, from: Data(contentsOf: file))
    }

    private func comparisons(_ model: String) throws -> (BenchmarkReport, [SimulatedComparison]) {
        let recorded = try report(model)
        let profile = try XCTUnwrap(recorded.profile, "\(model): the fixture has no profile; record it again")
        let path = Self.repositoryRoot.appendingPathComponent("SampleModels/\(model).onnx").path
        let prepared = try GraphPreparation.prepare(try ONNXReader.readModel(at: path))
        let network = try ModelGeometry.network(of: prepared, batch: recorded.batch)
        let int8 = try XCTUnwrap(recorded.int8, "\(model): the fixture has no int8 timing")
        return (recorded, try SimulatedComparison.compare(network, float: recorded.float.layers, int8: int8.layers,
                                                          on: profile))
    }

    func testFixturesUseFittedKernelCosts() throws {
        for model in Self.models {
            let recorded = try report(model)
            XCTAssertEqual(recorded.batch, 16, model)
            XCTAssertEqual(recorded.threads, 1, model)
            let costs = try XCTUnwrap(recorded.profile?.kernelCosts, model)
            XCTAssertNotNil(costs[.floatConvolution], model)
            XCTAssertNotNil(costs[.int8Convolution], model)
            XCTAssertNotNil(costs[.quantize], model)
        }
    }

    func testEveryMeasuredUnitIsSimulated() throws {
        for model in Self.models {
            let (recorded, results) = try comparisons(model)
            XCTAssertEqual(results.count, 2, model)
            for comparison in results {
                XCTAssertEqual(comparison.unmatched, [], "\(model) \(comparison.precision)")
            }
            XCTAssertEqual(results[0].rows.count, recorded.float.layers.count, model)
            XCTAssertEqual(results[1].rows.count, recorded.int8?.layers.count, model)
        }
    }

    /// Every layer within 30 % of its simulated time, or within the
    /// absolute allowance for layers of a few microseconds.
    func testLayersWithinToleranceOfRecordedTimes() throws {
        for model in Self.models {
            let (_, results) = try comparisons(model)
            for comparison in results {
                for row in comparison.rows {
                    XCTAssertTrue(row.withinTolerance, String(
                        format: "%@ %@ %@: measured %.4f ms, simulated %.4f ms, ratio %.2f", model,
                        comparison.precision, row.name, row.measuredSeconds * 1000, row.simulatedSeconds * 1000,
                        row.ratio))
                }
            }
        }
    }
}

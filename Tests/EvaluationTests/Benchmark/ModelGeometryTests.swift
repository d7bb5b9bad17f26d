import Evaluation
import Foundation
import QuantCore
import Quantization
import XCTest

/// The speed model's geometry built from the sample CNN.
final class ModelGeometryTests: XCTestCase {
    private func preparedSampleCNN() throws -> PreparedModel {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("SampleModels/cnn.onnx").path
        return try GraphPreparation.prepare(try ONNXReader.readModel(at: path))
    }

    func testLayersFollowPreparedModel() throws {
        let prepared = try preparedSampleCNN()
        let network = try ModelGeometry.network(of: prepared, batch: 1)
        XCTAssertEqual(network.layers.map(\.name), prepared.layers.map(\.name))
        XCTAssertEqual(network.graphInputs, ["input"])
    }

    func testBatchScalesMACs() throws {
        let prepared = try preparedSampleCNN()
        let one = try ModelGeometry.network(of: prepared, batch: 1)
        let eight = try ModelGeometry.network(of: prepared, batch: 8)
        for (single, batched) in zip(one.layers, eight.layers) {
            XCTAssertEqual(batched.macs, 8 * single.macs, "layer \(single.name)")
        }
    }

    func testMACsMatchModelSummary() throws {
        let prepared = try preparedSampleCNN()
        let network = try ModelGeometry.network(of: prepared, batch: 1)
        let summary = try ModelSummary.make(for: prepared.model)
        let weighted = network.layers.filter { $0.kind.hasWeights }.reduce(0) { $0 + $1.macs }
        XCTAssertEqual(weighted, summary.totalMACs)
    }

    func testZeroBatchIsRejected() throws {
        let prepared = try preparedSampleCNN()
        XCTAssertThrowsError(try ModelGeometry.network(of: prepared, batch: 0)) { error in
            XCTAssertEqual(error as? ModelGeometryError, .invalidBatch(0))
        }
    }

    func testFloatReportHasSpeedupOne() throws {
        let report = try ModelSpeed.report(for: try preparedSampleCNN(), on: .snapdragon835Big)
        XCTAssertEqual(report.totals.speedup, 1)
        XCTAssertEqual(report.layers.count, 7)
    }

    func testInt8ReportIsFasterAndSmaller() throws {
        let prepared = try preparedSampleCNN()
        let plan = Dictionary(uniqueKeysWithValues: prepared.layers.map { ($0.name, SimulatedPrecision.int8(weightBits: 8, activationBits: 8)) })
        let report = try ModelSpeed.report(for: prepared, precisions: plan, on: .snapdragon835Big)
        XCTAssertGreaterThan(report.totals.speedup, 1)
        XCTAssertLessThan(report.totals.sizeRatio, 0.3)
    }

    func testLayerGroupingPutsActivationWithLayer() throws {
        let grouping = LayerGrouping(try preparedSampleCNN())
        XCTAssertEqual(grouping.unitByNode["relu1"], "conv1")
        XCTAssertEqual(grouping.units.first?.nodes, ["conv1", "relu1"])
    }

    func testTargetNamesSelectProfiles() throws {
        let machine = TargetProfile.cortexM7
        XCTAssertEqual(try TargetSelection.profile(named: "snapdragon835-big") { machine }.identifier, "sd835-big")
        XCTAssertEqual(try TargetSelection.profile(named: "sd835-little") { machine }.identifier, "sd835-little")
        XCTAssertEqual(try TargetSelection.profile(named: "this-machine") { machine }, machine)
        XCTAssertThrowsError(try TargetSelection.profile(named: "pentium") { machine }) { error in
            XCTAssertEqual(error as? TargetSelectionError, .unknownTarget("pentium"))
        }
    }
}

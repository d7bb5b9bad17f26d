import Foundation
import XCTest
@testable import Evaluation

final class SpeedModelTests: XCTestCase {
    func testLayerTimeFormula() throws {
        let profile = try SpeedTestNetworks.roundProfile()
        let conv = try SpeedTestNetworks.convolution()
        let float = try SpeedModel.time(conv, precision: .float, on: profile)
        XCTAssertEqual(float.computeSeconds, 6912e-9, accuracy: 1e-15)
        XCTAssertEqual(float.memorySeconds, 2240e-9, accuracy: 1e-15)
        XCTAssertEqual(float.seconds, 6912e-9 + 1e-6, accuracy: 1e-15)
        XCTAssertEqual(float.bound, .compute)
        let int8 = try SpeedModel.time(conv, precision: .int8, on: profile)
        XCTAssertEqual(int8.computeSeconds, 1728e-9, accuracy: 1e-15)
        XCTAssertEqual(int8.memorySeconds, 572e-9, accuracy: 1e-15)
        XCTAssertEqual(int8.seconds, 1728e-9 + 1e-6, accuracy: 1e-15)
    }

    func testElementwiseLayerIsMemoryBound() throws {
        let profile = try SpeedTestNetworks.roundProfile()
        let add = try LayerGeometry(name: "add", kind: .add, inputs: ["x", "y"], output: "z",
                                    inputShapes: [[1, 4, 8, 8], [1, 4, 8, 8]], outputShape: [1, 4, 8, 8])
        let timed = try SpeedModel.time(add, precision: .float, on: profile)
        XCTAssertEqual(timed.computeSeconds, 256e-9, accuracy: 1e-15)
        XCTAssertEqual(timed.memorySeconds, 3072e-9, accuracy: 1e-15)
        XCTAssertEqual(timed.bound, .memory)
    }

    func testDepthwiseRunsAtReducedRate() throws {
        let profile = try SpeedTestNetworks.roundProfile()
        let depthwise = try LayerGeometry(name: "dw", kind: .depthwiseConvolution, inputs: ["x"], output: "y",
                                          inputShapes: [[1, 4, 8, 8]], outputShape: [1, 4, 8, 8],
                                          weightShape: [4, 1, 3, 3], groups: 4)
        let timed = try SpeedModel.time(depthwise, precision: .float, on: profile)
        XCTAssertEqual(timed.computeSeconds, Double(depthwise.macs) / 0.5e9, accuracy: 1e-15)
    }

    func testAllFloatPlanHasUnitSpeedupAndSize() throws {
        let report = try SpeedModel.simulate(SpeedTestNetworks.chain(), precisions: [.float, .float, .float],
                                             on: .snapdragon835Big)
        XCTAssertEqual(report.totals.speedup, 1)
        XCTAssertEqual(report.totals.sizeRatio, 1)
        XCTAssertEqual(report.conversions, [])
        XCTAssertEqual(report.totals.latencySeconds, report.layers.reduce(0) { $0 + $1.seconds }, accuracy: 1e-15)
    }

    func testMixedPlanTotals() throws {
        let profile = try SpeedTestNetworks.roundProfile()
        let network = try SpeedTestNetworks.chain()
        let report = try SpeedModel.simulate(network, precisionsByName: ["b": .int8], on: profile)
        XCTAssertEqual(report.layers.map(\.precision), ["float", "int8", "float"])
        XCTAssertEqual(report.conversionTotal.quantizeCount, 1)
        XCTAssertEqual(report.conversionTotal.dequantizeCount, 1)
        XCTAssertEqual(report.conversionTotal.elements, 512)
        XCTAssertEqual(report.conversionTotal.bytes, 2 * 256 * 5)
        let layerSeconds = report.layers.reduce(0) { $0 + $1.seconds }
        XCTAssertEqual(report.totals.latencySeconds, layerSeconds + report.conversionTotal.seconds, accuracy: 1e-15)
        // Each layer stores 16 weights and 4 bias elements: float 80 bytes, int8 16 + 16.
        XCTAssertEqual(report.totals.floatModelSizeBytes, 3 * 80)
        XCTAssertEqual(report.totals.modelSizeBytes, 2 * 80 + 32)
        XCTAssertEqual(report.totals.sizeRatio, 192.0 / 240.0, accuracy: 1e-12)
    }

    func testUnknownLayerNameThrows() throws {
        XCTAssertThrowsError(try SpeedModel.simulate(SpeedTestNetworks.chain(), precisionsByName: ["z": .int8],
                                                     on: .snapdragon835Big)) {
            XCTAssertEqual($0 as? SpeedModelError, .unknownLayer(name: "z"))
        }
    }

    func testInt8SpeedsUpMobileNetOnEveryProfile() throws {
        let network = try MobileNetGeometry.classifier(depthMultiplier: 1, resolution: 224)
        let plan = network.layers.map { $0.kind.supportsInt8 ? SimulatedPrecision.int8 : .float }
        for profile in TargetProfile.builtIn {
            let report = try SpeedModel.simulate(network, precisions: plan, on: profile)
            XCTAssertGreaterThan(report.totals.speedup, 1, profile.identifier)
            XCTAssertLessThan(report.totals.sizeRatio, 0.26, profile.identifier)
        }
    }

    /// Million mult-adds and parameters of MobileNet v1 at 224x224 with 1000
    /// classes, from Table 6 of Howard et al. 2017 (arXiv:1704.04861).
    func testMobileNetGeneratorMatchesPublishedCounts() throws {
        let published: [(multiplier: Double, macs: Double, parameters: Double)] = [
            (1.0, 569, 4.2), (0.75, 325, 2.6), (0.5, 149, 1.3), (0.25, 41, 0.5),
        ]
        for row in published {
            let network = try MobileNetGeometry.classifier(depthMultiplier: row.multiplier, resolution: 224,
                                                           classes: 1000)
            let macs = network.layers.filter { $0.kind.hasWeights }.reduce(0) { $0 + $1.macs }
            let weights = network.layers.reduce(0) { $0 + $1.weightElements }
            XCTAssertEqual(Double(macs) / 1e6, row.macs, accuracy: row.macs * 0.02, "DM \(row.multiplier)")
            XCTAssertEqual(Double(weights) / 1e6, row.parameters, accuracy: 0.05, "DM \(row.multiplier)")
        }
    }

    func testReportEncodesSnakeCaseKeys() throws {
        let report = try SpeedModel.simulate(SpeedTestNetworks.chain(), precisions: [.float, .int8, .float],
                                             on: .cortexM7)
        let data = try JSONEncoder().encode(report)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["profile", "formula", "layers", "conversions", "conversion_total", "totals"])
        let totals = try XCTUnwrap(object["totals"] as? [String: Any])
        XCTAssertEqual(Set(totals.keys), ["latency_seconds", "float_latency_seconds", "speedup", "model_size_bytes",
                                          "float_model_size_bytes", "size_ratio"])
        let layer = try XCTUnwrap((object["layers"] as? [[String: Any]])?[1])
        XCTAssertEqual(layer["precision"] as? String, "int8")
        XCTAssertEqual(layer["weight_bits"] as? Int, 8)
        XCTAssertEqual(layer["bound"] as? String, "compute")
        XCTAssertNotNil(layer["compute_seconds"])
        let cost = try XCTUnwrap(layer["cost"] as? [String: Any])
        XCTAssertEqual(cost["bias_bytes"] as? Int, 16)
        let decoded = try JSONDecoder().decode(SpeedReport.self, from: data)
        XCTAssertEqual(decoded, report)
    }

    func testFormulaDescriptionStatesTheFormula() {
        XCTAssertTrue(SpeedModel.formulaDescription.contains("max(MACs / MAC rate, bytes / bandwidth)"))
        XCTAssertTrue(SpeedModel.formulaDescription.contains("per-operator overhead"))
    }

    /// Decoding validates, so a round trip checks the built-in constants too.
    func testBuiltInProfilesRoundTripThroughJSON() throws {
        for profile in TargetProfile.builtIn {
            let data = try JSONEncoder().encode(profile)
            XCTAssertEqual(try JSONDecoder().decode(TargetProfile.self, from: data), profile)
        }
        XCTAssertEqual(Set(TargetProfile.builtIn.map(\.identifier)).count, TargetProfile.builtIn.count)
    }

    func testProfileRejectsNonPositiveRate() {
        XCTAssertThrowsError(try TargetProfile(identifier: "bad", name: "bad", source: "", clockHertz: nil,
                                               floatMACsPerSecond: 0, int8MACsPerSecond: 1, depthwiseEfficiency: 1,
                                               elementwiseOperationsPerSecond: 1, memoryBandwidthBytesPerSecond: 1,
                                               operatorOverheadSeconds: 0)) {
            XCTAssertEqual($0 as? SpeedModelError,
                           .invalidProfileParameter(profile: "bad", parameter: "float_macs_per_second", value: 0))
        }
    }
}

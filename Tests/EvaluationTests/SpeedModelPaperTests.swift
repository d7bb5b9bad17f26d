import XCTest
@testable import Evaluation

/// Compares the Snapdragon 835 profiles with the single-thread latencies
/// measured by Jacob et al., "Quantization and Training of Neural Networks
/// for Efficient Integer-Arithmetic-Only Inference", CVPR 2018
/// (arXiv:1712.05877):
///
/// - Table 4.4: MobileNet SSD object detection on COCO, 320x320 input.
/// - Table 4.6: face detection (MobileNet SSD, one class), 320x320 input,
///   the 1-core columns.
///
/// Both networks are simulated as `MobileNetGeometry.ssdLite`: MobileNet v1
/// backbone, SSD extra layers and separable box predictors, without
/// non-maximum suppression. The profiles' sustained fractions and
/// per-operator overheads were fitted to Table 4.6. The latency check is
/// therefore a consistency check, and the ratio check is the one the model
/// must keep.
final class SpeedModelPaperTests: XCTestCase {
    struct PaperLatency {
        var table: String
        var classes: Int
        var depthMultiplier: Double
        var profile: TargetProfile
        var floatMilliseconds: Double
        var int8Milliseconds: Double
        /// Why a figure is listed but not checked, or nil when it is checked.
        var excluded: String?

        var ratio: Double { floatMilliseconds / int8Milliseconds }
        var label: String { "\(table) DM \(depthMultiplier) \(profile.identifier)" }
    }

    static let cocoInt8Excluded =
        "its int8 latency is about 1.8 times the face detector's on the same backbone and input size, "
        + "and out of line with DM 0.5 of the same table, so no per-MAC model reproduces it"

    static let figures: [PaperLatency] = [
        PaperLatency(table: "Table 4.6", classes: 1, depthMultiplier: 1.0, profile: .snapdragon835Little,
                     floatMilliseconds: 711, int8Milliseconds: 372),
        PaperLatency(table: "Table 4.6", classes: 1, depthMultiplier: 1.0, profile: .snapdragon835Big,
                     floatMilliseconds: 337, int8Milliseconds: 154),
        PaperLatency(table: "Table 4.6", classes: 1, depthMultiplier: 0.5, profile: .snapdragon835Little,
                     floatMilliseconds: 233, int8Milliseconds: 134),
        PaperLatency(table: "Table 4.6", classes: 1, depthMultiplier: 0.5, profile: .snapdragon835Big,
                     floatMilliseconds: 106, int8Milliseconds: 56),
        PaperLatency(table: "Table 4.6", classes: 1, depthMultiplier: 0.25, profile: .snapdragon835Little,
                     floatMilliseconds: 100, int8Milliseconds: 67),
        PaperLatency(table: "Table 4.6", classes: 1, depthMultiplier: 0.25, profile: .snapdragon835Big,
                     floatMilliseconds: 44, int8Milliseconds: 28),
        PaperLatency(table: "Table 4.4", classes: 90, depthMultiplier: 1.0, profile: .snapdragon835Little,
                     floatMilliseconds: 778, int8Milliseconds: 687, excluded: cocoInt8Excluded),
        PaperLatency(table: "Table 4.4", classes: 90, depthMultiplier: 1.0, profile: .snapdragon835Big,
                     floatMilliseconds: 370, int8Milliseconds: 272, excluded: cocoInt8Excluded),
        PaperLatency(table: "Table 4.4", classes: 90, depthMultiplier: 0.5, profile: .snapdragon835Little,
                     floatMilliseconds: 270, int8Milliseconds: 146),
        PaperLatency(table: "Table 4.4", classes: 90, depthMultiplier: 0.5, profile: .snapdragon835Big,
                     floatMilliseconds: 121, int8Milliseconds: 61),
    ]

    /// Allowed relative difference between simulated and measured
    /// float/int8 latency ratios.
    static let ratioTolerance = 0.15
    /// Allowed relative difference between simulated and measured latencies.
    static let latencyTolerance = 0.25

    private func simulate(_ figure: PaperLatency) throws -> SpeedReport {
        let network = try MobileNetGeometry.ssdLite(depthMultiplier: figure.depthMultiplier, resolution: 320,
                                                    classes: figure.classes)
        let plan = network.layers.map { $0.kind.supportsInt8 ? SimulatedPrecision.int8 : .float }
        return try SpeedModel.simulate(network, precisions: plan, on: figure.profile)
    }

    func testFloatToInt8RatiosMatchPaper() throws {
        var largest = 0.0
        for figure in Self.figures {
            let report = try simulate(figure)
            let difference = report.totals.speedup / figure.ratio - 1
            print(String(format: "%@: paper ratio %.2f, simulated %.2f (%+.1f %%)%@", figure.label, figure.ratio,
                         report.totals.speedup, difference * 100, figure.excluded == nil ? "" : " [not checked]"))
            guard figure.excluded == nil else { continue }
            largest = max(largest, abs(difference))
            XCTAssertLessThanOrEqual(abs(difference), Self.ratioTolerance,
                                     "\(figure.label): simulated \(report.totals.speedup), paper \(figure.ratio)")
        }
        print(String(format: "largest ratio difference %.1f %% (tolerance %.0f %%)", largest * 100,
                     Self.ratioTolerance * 100))
    }

    func testLatenciesMatchPaper() throws {
        for figure in Self.figures {
            let report = try simulate(figure)
            let floatDifference = report.totals.floatLatencySeconds * 1000 / figure.floatMilliseconds - 1
            XCTAssertLessThanOrEqual(abs(floatDifference), Self.latencyTolerance,
                                     "\(figure.label) float: simulated \(report.totals.floatLatencySeconds * 1000) ms")
            guard figure.excluded == nil else { continue }
            let int8Difference = report.totals.latencySeconds * 1000 / figure.int8Milliseconds - 1
            XCTAssertLessThanOrEqual(abs(int8Difference), Self.latencyTolerance,
                                     "\(figure.label) int8: simulated \(report.totals.latencySeconds * 1000) ms")
        }
    }

    /// Table 4.6 shows the int8 gain shrinking with the depth multiplier on
    /// both cores, because fixed per-operator costs weigh more in small
    /// networks. The simulation must reproduce that order.
    func testRatioGrowsWithDepthMultiplier() throws {
        for profile in [TargetProfile.snapdragon835Little, .snapdragon835Big] {
            let faceFigures = Self.figures.filter { $0.table == "Table 4.6" && $0.profile == profile }
                .sorted { $0.depthMultiplier < $1.depthMultiplier }
            XCTAssertEqual(faceFigures.count, 3)
            let paper = faceFigures.map(\.ratio)
            let simulated = try faceFigures.map { try simulate($0).totals.speedup }
            XCTAssertEqual(paper, paper.sorted(), "paper figures for \(profile.identifier)")
            XCTAssertEqual(simulated, simulated.sorted(), "simulated ratios for \(profile.identifier)")
        }
    }
}

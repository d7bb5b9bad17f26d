import XCTest
@testable import Quantization

final class QuantizationPlanFileTests: XCTestCase {
    private func samplePlan() -> QuantizationPlan {
        var plan = QuantizationPlan(defaults: LayerQuantization(precision: .int8, scheme: .paper, weightBits: 6,
                                                                activationBits: 7, calibration: .percentile(99.9)),
                                    mode: .fakeQuant)
        plan.set(LayerQuantization(precision: .float), for: "conv1")
        plan.set(LayerQuantization(precision: .int8, scheme: .tflite, granularity: .perTensor, calibration: .kl),
                 for: "fc")
        return plan
    }

    func testRoundTripThroughFile() throws {
        let plan = samplePlan()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try QuantizationPlanFile.save(plan, path: path)
        XCTAssertEqual(try QuantizationPlanFile.load(path: path), plan)
        // Saving again replaces the file.
        try QuantizationPlanFile.save(QuantizationPlan(), path: path)
        XCTAssertEqual(try QuantizationPlanFile.load(path: path), QuantizationPlan())
    }

    func testMissingFieldsTakeDefaults() throws {
        let json = #"{"defaults": {"precision": "int8", "scheme": "paper"}, "layers": {"fc": {"weight_bits": 4}}}"#
        let plan = try QuantizationPlanFile.decode(Data(json.utf8))
        XCTAssertEqual(plan.mode, .integer)
        XCTAssertEqual(plan.defaults.granularity, .perTensor)
        XCTAssertEqual(plan.settings(for: "fc").weightBits, 4)
        XCTAssertEqual(plan.settings(for: "fc").scheme, .paper)
    }

    func testInvalidFieldsNameFieldAndValue() {
        let cases: [(String, PlanFileError)] = [
            (#"{"mode": "fast"}"#, .invalidField(path: "mode", value: "\"fast\"", expected: "\"integer\" or \"fake-quant\"")),
            (#"{"layers": {"fc": {"weight_bits": 12}}}"#,
             .invalidField(path: "layers.fc.weight_bits", value: "12", expected: "an integer from 2 to 8")),
            (#"{"layers": {"fc": {"weight_bits": true}}}"#,
             .invalidField(path: "layers.fc.weight_bits", value: "true", expected: "an integer from 2 to 8")),
            (#"{"defaults": {"scheme": "int4"}}"#,
             .invalidField(path: "defaults.scheme", value: "\"int4\"", expected: "\"paper\" or \"tflite\"")),
            (#"{"defaults": {"precission": "int8"}}"#,
             .invalidField(path: "defaults.precission", value: "\"int8\"",
                           expected: "a known field (precision, scheme, granularity, weight_bits, activation_bits, calibration)")),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try QuantizationPlanFile.decode(Data(json.utf8)), json) { error in
                XCTAssertEqual(error as? PlanFileError, expected, json)
            }
        }
        XCTAssertThrowsError(try QuantizationPlanFile.decode(Data("{".utf8))) { error in
            guard case PlanFileError.malformedJSON = error else { return XCTFail("\(error)") }
        }
    }

    func testUnknownLayersListValidNames() {
        XCTAssertThrowsError(try QuantizationPlanFile.validate(samplePlan(), validNames: ["conv1", "pool1"])) { error in
            XCTAssertEqual(error as? PlanFileError, .unknownLayers(["fc"], valid: ["conv1", "pool1"]))
            XCTAssertTrue("\(error)".contains("valid layers are conv1, pool1"))
        }
    }

    func testLoadErrorsNameTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let notJSON = folder.appendingPathComponent("plan.json")
        try Data("not json".utf8).write(to: notJSON)

        XCTAssertThrowsError(try QuantizationPlanFile.load(path: notJSON.path)) { error in
            guard case PlanFileError.invalidFile(notJSON.path, .malformedJSON)? = error as? PlanFileError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix("plan file \(notJSON.path): "), "\(error)")
        }
        XCTAssertThrowsError(try QuantizationPlanFile.load(path: folder.path)) { error in
            XCTAssertEqual(error as? PlanFileError,
                           .unreadable(path: folder.path, reason: "it is a folder, not a plan JSON file"))
        }
        let missing = folder.appendingPathComponent("missing.json").path
        XCTAssertThrowsError(try QuantizationPlanFile.load(path: missing)) { error in
            XCTAssertEqual(error as? PlanFileError, .unreadable(path: missing, reason: "no such file"))
        }
    }
}

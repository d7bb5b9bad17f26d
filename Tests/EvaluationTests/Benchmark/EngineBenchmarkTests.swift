import Evaluation
import Foundation
import QuantCore
import Quantization
import XCTest

/// The engine benchmarks and the toggle latency on the sample CNN with a few
/// images. They check the shape of the results, never a time.
final class EngineBenchmarkTests: XCTestCase {
    private static let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleModels/cnn.onnx").path

    private func loadSample(limit: Int) throws -> (LoadedModel, LabeledImages, Tensor) {
        let loaded = try LoadedModel(path: Self.modelPath)
        let data = try loaded.loadEvaluationData(DataOptions(limit: limit))
        let calibrationPath = try XCTUnwrap(loaded.defaults.calibrationData)
        let calibration = try DataLoader.load(path: calibrationPath, inputShape: loaded.inputShape,
                                              preprocessing: loaded.preprocessing, limit: 32)
        return (loaded, data, calibration.images)
    }

    func testFloatBenchmarkTimesEveryLayer() throws {
        let (loaded, data, _) = try loadSample(limit: 4)
        let prepared = try GraphPreparation.prepare(loaded.model)
        let timing = try FloatEngineBenchmark.run(prepared: prepared, inputName: loaded.inputName, batch: data.images,
                                                  threads: 2, warmup: 0, repeats: 2)
        XCTAssertEqual(timing.engine, "float")
        XCTAssertEqual(timing.batch, 4)
        XCTAssertEqual(timing.threads, 2)
        XCTAssertEqual(timing.endToEnd.samples.count, 2)
        XCTAssertEqual(timing.layers.map(\.name), prepared.layers.map(\.name))
        XCTAssertEqual(timing.layers.first?.nodes, ["conv1", "relu1"])
        XCTAssertGreaterThan(timing.imagesPerSecond, 0)
    }

    func testInt8BenchmarkTimesEveryUnit() throws {
        let (loaded, data, calibration) = try loadSample(limit: 4)
        let prepared = try GraphPreparation.prepare(loaded.model)
        let calibrated = try CalibratedModel.calibrate(prepared: prepared, images: calibration)
        let timing = try Int8EngineBenchmark.run(calibrated: calibrated, inputName: loaded.inputName,
                                                 batch: data.images, threads: 1, warmup: 0, repeats: 1)
        let program = try calibrated.program(for: Int8EngineBenchmark.allInt8Plan)
        XCTAssertEqual(timing.engine, "int8")
        XCTAssertEqual(timing.layers.map(\.name), program.units.map(\.name))
        XCTAssertTrue(program.fallbacks.isEmpty, "\(program.fallbacks)")
        for layer in prepared.layers {
            XCTAssertTrue(timing.layers.contains { $0.name == layer.name }, "missing \(layer.name)")
        }
    }

    func testToggleLatencyCoversEveryLayer() throws {
        let (loaded, data, calibration) = try loadSample(limit: 20)
        let latency = try ToggleLatency.measure(model: loaded.model, data: data, calibrationImages: calibration,
                                                subset: 10)
        let layerNames = try GraphPreparation.prepare(loaded.model).layers.map(\.name)
        XCTAssertEqual(latency.samples, 20)
        XCTAssertEqual(latency.subset, 10)
        XCTAssertEqual(latency.toggles.map(\.layer), layerNames)
        for toggle in latency.toggles {
            XCTAssertLessThanOrEqual(toggle.subsetSeconds, toggle.fullSeconds, toggle.layer)
            XCTAssertNotNil(toggle.top1, toggle.layer)
            let warmSubset = try XCTUnwrap(toggle.warmSubsetSeconds, toggle.layer)
            let warmFull = try XCTUnwrap(toggle.warmFullSeconds, toggle.layer)
            XCTAssertLessThanOrEqual(warmSubset, warmFull, toggle.layer)
        }
        XCTAssertNotNil(latency.speculationSeconds)

        let decoded = try JSONDecoder().decode(ToggleLatency.self, from: JSONEncoder().encode(latency))
        XCTAssertEqual(decoded, latency)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(latency)) as? [String: Any])
        XCTAssertNotNil(json["worst_warm_full_seconds"])
        XCTAssertNotNil(json["speculation_seconds"])
    }
}

import XCTest
import Foundation
import QuantCore
import Quantization
@testable import Evaluation

/// Float against all-int8 top-1 on the shipped sample models. By default on
/// the first 1,000 test images; with QUANTSCOPE_FULL_ACCURACY=1 on all
/// 10,000, printing the table that docs/accuracy.md records.
final class SampleModelAccuracyTests: XCTestCase {
    private var sampleModels: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("SampleModels")
    }

    private func session(_ file: String, limit: Int?) throws -> QuantizationSession {
        let path = sampleModels.appendingPathComponent(file).path
        let model = try ONNXReader.readModel(at: path)
        let defaults = DataDefaults(model: model, modelPath: path)
        let preprocessing = try Preprocessing(model: model)
        let shape = try XCTUnwrap(model.graph.runtimeInputs.first?.shape).dropFirst().map { dimension -> Int in
            if case .value(let size) = dimension { return size }
            return 0
        }
        let data = try DataLoader.load(path: XCTUnwrap(defaults.data), labelsPath: defaults.labels,
                                       inputShape: Array(shape), preprocessing: preprocessing, limit: limit)
        let calibration = try DataLoader.load(path: XCTUnwrap(defaults.calibrationData),
                                              labelsPath: defaults.calibrationLabels, inputShape: Array(shape),
                                              preprocessing: preprocessing)
        return try QuantizationSession(model: model, data: data, calibrationImages: calibration.images)
    }

    /// The sample models, or those QUANTSCOPE_ACCURACY_MODELS lists (comma-separated file names).
    private var models: [String] {
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: sampleModels.path)) ?? [])
            .filter { $0.hasSuffix(".onnx") }.sorted()
        guard let list = ProcessInfo.processInfo.environment["QUANTSCOPE_ACCURACY_MODELS"] else { return all }
        let chosen = Set(list.split(separator: ",").map(String.init))
        return all.filter(chosen.contains)
    }

    func testTFLitePerChannelWithinOnePointOfFloat() throws {
        let full = ProcessInfo.processInfo.environment["QUANTSCOPE_FULL_ACCURACY"] == "1"
        XCTAssertFalse(models.isEmpty, "no sample models in \(sampleModels.path)")
        var rows: [String] = []
        for file in models {
            let session = try session(file, limit: full ? nil : 1000)
            let floatTop1 = try XCTUnwrap(session.reference.top1)
            let tflite = try session.evaluate(QuantizationPlan(defaults: LayerQuantization(precision: .int8)))
            XCTAssertEqual(try XCTUnwrap(tflite.top1), floatTop1, accuracy: 0.01, "\(file) tflite per-channel")
            XCTAssertTrue(tflite.fallbacks.isEmpty, "\(file) keeps layers in float: \(tflite.fallbacks)")
            guard full else { continue }
            for scheme in QuantizationScheme.Kind.allCases {
                for granularity in [QuantizationScheme.WeightGranularity.perTensor, .perChannel] {
                    var cells: [String] = []
                    for mode in ExecutionMode.allCases {
                        let plan = QuantizationPlan(defaults: LayerQuantization(
                            precision: .int8, scheme: scheme, granularity: granularity), mode: mode)
                        let result = try session.evaluate(plan)
                        cells.append(String(format: "%.2f", 100 * (result.top1 ?? 0)))
                    }
                    rows.append("| \(file) | \(String(format: "%.2f", 100 * floatTop1)) | \(scheme) | \(granularity) | "
                                + cells.joined(separator: " | ") + " |")
                }
            }
        }
        if full {
            print("| model | float | scheme | weights | int8 integer | int8 fake-quant |")
            print("|---|---|---|---|---|---|")
            rows.forEach { print($0) }
        }
    }

    /// Measures the cache size and, for every layer of the CNN sample model,
    /// the time of toggling it to float and back on the first 1,000 and then
    /// all 10,000 test images, as the explorer does. Runs only with
    /// QUANTSCOPE_FULL_ACCURACY=1 because the first all-int8 pass is slow;
    /// it prints the times and checks only the cache size and that a toggle
    /// reuses the cache.
    func testCNNToggleTimeAndCacheSize() throws {
        guard ProcessInfo.processInfo.environment["QUANTSCOPE_FULL_ACCURACY"] == "1",
              models.contains("cnn.onnx") else { throw XCTSkip("set QUANTSCOPE_FULL_ACCURACY=1") }
        let session = try session("cnn.onnx", limit: nil)
        let allInt8 = QuantizationPlan(defaults: LayerQuantization(precision: .int8))
        let first = try session.evaluate(allInt8)
        print("cnn all-int8 first pass: \(first.seconds) s, cache \(session.cachedBytes) bytes")
        XCTAssertLessThan(session.cachedBytes, 512 << 20)
        for layer in session.layerNames {
            var toggled = allInt8
            toggled.set(LayerQuantization(precision: .float), for: layer)
            for (label, plan) in [("to float", toggled), ("back to int8", allInt8)] {
                var times: [Double] = []
                var recomputed = 0.0
                try session.evaluateSubsetThenFull(plan) { result in
                    times.append(result.seconds)
                    recomputed = result.recomputedFraction
                }
                print("cnn toggle \(layer) \(label): subset \(String(format: "%.1f", 1000 * times[0])) ms, "
                      + "full \(String(format: "%.1f", 1000 * (times.last ?? 0))) ms, "
                      + "recomputed \(String(format: "%.2f", recomputed)), cache \(session.cachedBytes) bytes")
                XCTAssertLessThan(recomputed, 1, "\(layer) \(label) recomputed every unit")
                XCTAssertLessThan(session.cachedBytes, 512 << 20)
            }
        }
    }
}

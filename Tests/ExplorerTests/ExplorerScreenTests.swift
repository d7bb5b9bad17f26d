import Evaluation
import Explorer
import Foundation
import Quantization
import XCTest

/// Tests of the explorer screen, its analysis and its evaluation worker on
/// the MLP sample model, evaluated on its first 300 test images.
final class ExplorerScreenTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Loaded once: calibration runs the float model over the calibration slice.
    nonisolated(unsafe) static var cachedContext: ExplorerContext?

    func context() throws -> ExplorerContext {
        if let context = Self.cachedContext { return context }
        let path = Self.repositoryRoot.appendingPathComponent("SampleModels/mlp.onnx").path
        let loaded = try LoadedModel(path: path)
        let context = try ExplorerLoader.load(loaded, options: DataOptions(limit: 300), subsetSize: 100)
        Self.cachedContext = context
        return context
    }

    func makeScreen() throws -> ExplorerScreen {
        ExplorerScreen(context: try context(), evaluator: "test", speed: nil)
    }

    func testTogglePrecisionRequestsEvaluation() throws {
        var screen = try makeScreen()
        let first = screen.context.layers[0].name
        XCTAssertEqual(screen.plan.settings(for: first).precision, .int8)

        let effect = screen.perform(.togglePrecision)
        XCTAssertEqual(screen.plan.settings(for: first).precision, .float)
        XCTAssertEqual(screen.generation, 1)
        guard case .batch(let effects) = effect, case .recompute(.evaluate(let job))? = effects.first else {
            return XCTFail("expected an evaluation request, got \(effect)")
        }
        XCTAssertEqual(job.generation, 1)
        XCTAssertEqual(job.plan.settings(for: first).precision, .float)
        XCTAssertEqual(job.allInt8Plan.settings(for: first).precision, .int8)
    }

    func testUndoAndRedoRestorePlans() throws {
        var screen = try makeScreen()
        let original = screen.plan
        _ = screen.perform(.weightBitsDown)
        let changed = screen.plan
        XCTAssertEqual(changed.settings(for: screen.context.layers[0].name).weightBits, 7)

        _ = screen.perform(.undo)
        XCTAssertEqual(screen.plan, original)
        _ = screen.perform(.redo)
        XCTAssertEqual(screen.plan, changed)
        XCTAssertEqual(screen.undoStack.count, 1)
        XCTAssertTrue(screen.redoStack.isEmpty)
    }

    func testStaleUpdateIsDropped() throws {
        var screen = try makeScreen()
        _ = screen.perform(.togglePrecision)
        let stale = EvaluationUpdate(generation: 0, target: .plan, phase: .finished,
                                     result: EvaluationOutcome(samples: 10, top1: 0.5, agreement: 1), isFull: true)
        XCTAssertFalse(screen.apply(stale))
        XCTAssertNil(screen.status(.plan).result)

        let current = EvaluationUpdate(generation: 1, target: .plan, phase: .finished,
                                       result: EvaluationOutcome(samples: 10, top1: 0.7, agreement: 1), isFull: true)
        XCTAssertTrue(screen.apply(current))
        XCTAssertEqual(screen.status(.plan).result?.top1, 0.7)
    }

    func testCalibrationCycleVisitsEveryMethod() throws {
        var screen = try makeScreen()
        let name = screen.context.layers[1].name
        _ = screen.perform(.down)
        var seen: [CalibrationMethod] = []
        for _ in ExplorerScreen.calibrationCycle {
            _ = screen.perform(.nextCalibration)
            seen.append(screen.plan.settings(for: name).calibration)
        }
        XCTAssertEqual(seen, [.movingAverage, .percentile(99.99), .mse, .kl, .minMax])
    }

    func testSchemeSwitchChangesGranularity() throws {
        var screen = try makeScreen()
        _ = screen.perform(.toggleScheme)
        XCTAssertEqual(screen.plan.defaults.scheme, .paper)
        XCTAssertEqual(screen.plan.defaults.granularity, .perTensor)
        _ = screen.perform(.toggleScheme)
        XCTAssertEqual(screen.plan.defaults.scheme, .tflite)
        XCTAssertEqual(screen.plan.defaults.granularity, .perChannel)
    }

    func testOutputParametersFollowAffineFormula() throws {
        let context = try context()
        for layer in context.layers {
            let analysis = LayerAnalysis(layer: layer, settings: LayerQuantization(), context: context)
            XCTAssertNil(analysis.problem, layer.name)
            guard let clip = analysis.outputClip, let parameters = analysis.outputParameters else {
                XCTFail("no output parameters for \(layer.name)")
                continue
            }
            // S = (b - a) / (qmax - qmin) after widening [a, b] to contain 0.
            let low = Double(min(clip.lower, 0))
            let high = Double(max(clip.upper, 0))
            let expected = (high - low) / Double(parameters.range.qmax - parameters.range.qmin)
            XCTAssertEqual(Double(parameters.scale), expected, accuracy: expected * 1e-6, layer.name)
            XCTAssertEqual(Double(parameters.dequantize(parameters.zeroPoint)), 0, layer.name)
        }
    }

    func testWorkerReportsSubsetThenFull() throws {
        let context = try context()
        let worker = EvaluationWorker(evaluator: IntegerSessionEvaluator(context: context), subsetSize: 100,
                                      totalSamples: context.evaluationData.count)
        var screen = ExplorerScreen(context: context, evaluator: "integer", speed: nil)
        guard case .evaluate(let job) = screen.evaluationRequest() else { return XCTFail("no evaluation request") }
        let updates = worker.runSynchronously(job)
        let planResults = updates.filter { $0.target == .plan && $0.result != nil }
        XCTAssertEqual(planResults.map(\.result?.samples), [100, 300])
        XCTAssertEqual(planResults.map(\.isFull), [false, true])
        let floatResults = updates.filter { $0.target == .float && $0.result != nil }
        XCTAssertEqual(floatResults.last?.result?.samples, 300)
        for update in updates {
            _ = screen.apply(update)
        }
        let top1 = try XCTUnwrap(screen.status(.plan).result?.top1)
        let floatTop1 = try XCTUnwrap(screen.status(.float).result?.top1)
        // The MLP loses well under 2 points in int8 (docs/accuracy.md records the full-set numbers).
        XCTAssertEqual(top1, floatTop1, accuracy: 0.02)
        XCTAssertFalse(screen.status(.plan).result?.layerMetrics.isEmpty ?? true)
    }

    func testKeyTablesHaveNoConflicts() throws {
        var screen = try makeScreen()
        XCTAssertEqual(screen.keyTable.conflictingKeys, [])
        _ = screen.perform(.openDetail)
        XCTAssertEqual(screen.view, .detail)
        XCTAssertEqual(screen.keyTable.conflictingKeys, [])
        XCTAssertEqual(screen.keyTable.action(for: .escape), .back)
    }

    func testHelpListsKeysAndGlossary() throws {
        var host = ScreenHost(screen: try makeScreen(), size: Size(width: 100, height: 200), glyphs: .ascii)
        _ = host.handle(.character("?"))
        let text = host.render().renderPlainText()
        for expected in ["Space", "Switch the selected layer between int8 and float", "^R", "Glossary",
                         "Z (zero-point)", "M0, shift", "SQNR", "RMSE/scale", "clipped", "per-channel"] {
            XCTAssertTrue(text.contains(expected), "help lacks \(expected):\n\(text)")
        }
    }

    func testMinimumSizeShowsTooSmallScreen() throws {
        let small = ScreenHost(screen: try makeScreen(), size: Size(width: 79, height: 24), glyphs: .ascii)
        XCTAssertTrue(small.render().renderPlainText().contains("terminal too small: need 80x24, have 79x24"))
        let fitting = ScreenHost(screen: try makeScreen(), size: Size(width: 80, height: 24), glyphs: .ascii)
        let text = fitting.render().renderPlainText()
        XCTAssertTrue(text.contains("Evaluation on 300 samples"), text)
        XCTAssertTrue(text.contains("fc1"), text)
    }

    func testCachedResultIsLabelled() throws {
        for isCached in [false, true] {
            var screen = try makeScreen()
            guard case .evaluate(let job) = screen.evaluationRequest() else { return XCTFail("no evaluation request") }
            let outcome = EvaluationOutcome(samples: 300, top1: 0.9, agreement: 1, isCached: isCached)
            _ = screen.apply(EvaluationUpdate(generation: job.generation, target: .plan, phase: .finished,
                                              result: outcome, isFull: true))
            let text = ScreenHost(screen: screen, size: Size(width: 100, height: 30), glyphs: .ascii)
                .render().renderPlainText()
            XCTAssertTrue(text.contains("full 300"), text)
            XCTAssertEqual(text.contains("full 300 cached"), isCached, text)
        }
    }

    func testSavePathNeverReplacesFile() {
        let existing: Set<String> = ["/m/model.plan.json", "/m/model.plan-2.json"]
        XCTAssertEqual(PlanSaveLocation.freePath(modelPath: "/m/model.onnx", fileExists: { _ in false }),
                       "/m/model.plan.json")
        XCTAssertEqual(PlanSaveLocation.freePath(modelPath: "/m/model.onnx", fileExists: existing.contains),
                       "/m/model.plan-3.json")
    }
}

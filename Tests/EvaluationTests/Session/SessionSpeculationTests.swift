import XCTest
import Dispatch
import QuantCore
import Quantization
@testable import Evaluation

/// Toggled, stored and speculated results against evaluations by a fresh
/// session, which has nothing cached.
final class SessionSpeculationTests: XCTestCase {
    private let allInt8 = QuantizationPlan(defaults: LayerQuantization(precision: .int8))

    private func toggled(_ layer: String, in plan: QuantizationPlan? = nil) -> QuantizationPlan {
        var toggled = plan ?? allInt8
        var settings = toggled.settings(for: layer)
        settings.precision = settings.precision == .int8 ? .float : .int8
        toggled.set(settings, for: layer)
        return toggled
    }

    func testToggledEarlyAndLateLayersMatchFreshSession() throws {
        let cached = try TwoConvNet.session()
        _ = try cached.evaluate(allInt8)
        for layer in ["conv1", "conv2", "fc"] {
            cached.clearStoredPredictions()
            let plan = toggled(layer)
            let incremental = try cached.evaluate(plan)
            let fresh = try TwoConvNet.session().evaluate(plan)
            XCTAssertEqual(incremental.predictions, fresh.predictions, layer)
            XCTAssertEqual(incremental.top1, fresh.top1, layer)
            XCTAssertFalse(incremental.reusedStoredPredictions, layer)
            _ = try cached.evaluate(allInt8)
        }
    }

    func testLateToggleResumesAfterFirstUnit() throws {
        let session = try TwoConvNet.session()
        _ = try session.evaluate(allInt8)
        let late = try session.evaluate(toggled("fc"))
        XCTAssertLessThan(late.recomputedFraction, 0.5)
        session.clearStoredPredictions()
        let early = try session.evaluate(toggled("conv1"))
        XCTAssertEqual(early.recomputedFraction, 1, "a change at the first unit reruns everything")
    }

    func testReturningToPlanUsesStoredPredictions() throws {
        let session = try TwoConvNet.session()
        let first = try session.evaluate(allInt8)
        _ = try session.evaluate(toggled("conv2"))
        let back = try session.evaluate(allInt8)
        XCTAssertTrue(back.reusedStoredPredictions)
        XCTAssertEqual(back.predictions, first.predictions)
        XCTAssertEqual(back.recomputedFraction, 0)
        let subset = try session.evaluate(allInt8, limit: 120)
        XCTAssertTrue(subset.reusedStoredPredictions)
        XCTAssertEqual(subset.predictions, Array(first.predictions.prefix(120)))
    }

    func testSpeculatedResultsMatchFreshSession() throws {
        let session = try TwoConvNet.session()
        _ = try session.evaluate(allInt8)
        let summary = session.speculate(around: allInt8)
        XCTAssertFalse(summary.wasCancelled)
        XCTAssertEqual(summary.evaluated + summary.alreadyStored, session.layerNames.count)
        XCTAssertEqual(session.lastEvaluation?.plan, allInt8, "speculation leaves the last result alone")
        for layer in session.layerNames {
            let plan = toggled(layer)
            let speculated = try session.evaluate(plan)
            XCTAssertTrue(speculated.reusedStoredPredictions, layer)
            XCTAssertEqual(speculated.predictions, try TwoConvNet.session().evaluate(plan).predictions, layer)
        }
    }

    func testSpeculationKeepsCachedValuesOfRequestedPlan() throws {
        let session = try TwoConvNet.session()
        _ = try session.evaluate(allInt8)
        let bytes = session.cachedBytes
        _ = session.speculate(around: allInt8)
        XCTAssertEqual(session.cachedBytes, bytes)
        session.clearStoredPredictions()
        XCTAssertEqual(try session.evaluate(allInt8).recomputedFraction, 0,
                       "the batch cache still holds the all-int8 values")
    }

    func testSpeculationRefillsCacheAfterStoredAnswer() throws {
        let session = try TwoConvNet.session()
        let plan = toggled("conv1")
        _ = try session.evaluate(plan)
        _ = try session.evaluate(allInt8)
        // Returned from stored predictions, so the batch cache still contains the all-int8 values.
        XCTAssertTrue(try session.evaluate(plan).reusedStoredPredictions)
        _ = session.speculate(around: plan)
        session.clearStoredPredictions()
        XCTAssertEqual(try session.evaluate(plan).recomputedFraction, 0)
    }

    func testNeighboursToggleOneLayerEarliestFirst() throws {
        let session = try TwoConvNet.session()
        let neighbours = session.toggleNeighbours(of: allInt8)
        XCTAssertEqual(neighbours.count, session.layerNames.count)
        XCTAssertEqual(neighbours.first, toggled("conv1"))
        for (layer, neighbour) in zip(session.layerNames, neighbours) {
            XCTAssertEqual(neighbour.int8Layers(among: session.layerNames).count, session.layerNames.count - 1, layer)
        }
    }

    func testCancelledSpeculationStopsAndStoresNothingWrong() throws {
        let session = try TwoConvNet.session(samples: 4_000, batchSize: 100)
        _ = try session.evaluate(allInt8)
        let cancelledBefore = CancellationToken()
        cancelledBefore.cancel()
        let none = session.speculate(around: allInt8, token: cancelledBefore)
        XCTAssertTrue(none.wasCancelled)
        XCTAssertEqual(none.evaluated, 0)

        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { token.cancel() }
        let summary = session.speculate(around: allInt8, token: token)
        XCTAssertTrue(summary.wasCancelled)
        XCTAssertLessThan(summary.evaluated, session.layerNames.count)
        // Whatever the round stored, a requested evaluation equals a fresh one.
        let fresh = try TwoConvNet.session(samples: 4_000, batchSize: 100)
        for layer in ["conv1", "fc"] {
            XCTAssertEqual(try session.evaluate(toggled(layer)).predictions,
                           try fresh.evaluate(toggled(layer)).predictions, layer)
        }
    }

    func testCancelledToggleThrowsAndLeavesCacheUsable() throws {
        let session = try TwoConvNet.session()
        _ = try session.evaluate(allInt8)
        let token = CancellationToken()
        token.cancel()
        XCTAssertThrowsError(try session.evaluate(toggled("conv2"), token: token))
        XCTAssertEqual(try session.evaluate(toggled("conv2")).predictions,
                       try TwoConvNet.session().evaluate(toggled("conv2")).predictions)
    }
}

import Dispatch
import Foundation
import QuantCore
import Quantization

/// How quickly a quantization session returns results when the user toggles one
/// layer between int8 and float, as the explorer does on a key press.
///
/// The session first evaluates the all-int8 plan on every sample, which
/// fills its activation cache. Then, for each layer in turn, the plan with
/// that one layer in float is evaluated on the first `subset` samples and
/// then on all of them (`evaluateSubsetThenFull`). Both times run from the
/// toggle, so `fullSeconds` includes `subsetSeconds`.
///
/// Cold figures (`subsetSeconds`, `fullSeconds`) come from a session with
/// no stored predictions, so every toggle runs from the cached boundaries.
/// Warm figures come after one round of speculation around the all-int8
/// plan (`QuantizationSession.speculate`, `speculationSeconds` long) has
/// stored the predictions of every toggle, as the explorer does while the
/// user is idle.
public struct ToggleLatency: Sendable, Equatable, Codable {
    public struct Toggle: Sendable, Equatable, Codable {
        public var layer: String
        public var subsetSeconds: Double
        public var fullSeconds: Double
        public var top1: Double?
        /// The same toggle after speculation stored its predictions.
        public var warmSubsetSeconds: Double?
        public var warmFullSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case layer
            case subsetSeconds = "subset_seconds"
            case fullSeconds = "full_seconds"
            case top1
            case warmSubsetSeconds = "warm_subset_seconds"
            case warmFullSeconds = "warm_full_seconds"
        }
    }

    public var samples: Int
    public var subset: Int
    /// Seconds to build the session: calibration and the float reference.
    public var setupSeconds: Double
    /// Seconds of the first all-int8 evaluation, which fills the cache.
    public var firstEvaluationSeconds: Double
    public var toggles: [Toggle]
    /// Seconds of the speculation round before the warm toggles.
    public var speculationSeconds: Double?
    /// Seconds a cancelled speculation round takes to return.
    public var speculationCancelSeconds: Double?

    public var worstSubsetSeconds: Double { toggles.map(\.subsetSeconds).max() ?? 0 }
    public var worstFullSeconds: Double { toggles.map(\.fullSeconds).max() ?? 0 }

    /// The worst toggle after speculation, when measured.
    public var worstWarmSubsetSeconds: Double? { toggles.compactMap(\.warmSubsetSeconds).max() }
    public var worstWarmFullSeconds: Double? { toggles.compactMap(\.warmFullSeconds).max() }

    public init(samples: Int, subset: Int, setupSeconds: Double, firstEvaluationSeconds: Double, toggles: [Toggle],
                speculationSeconds: Double? = nil) {
        self.samples = samples
        self.subset = subset
        self.setupSeconds = setupSeconds
        self.firstEvaluationSeconds = firstEvaluationSeconds
        self.toggles = toggles
        self.speculationSeconds = speculationSeconds
    }

    /// Builds a session on `model`, `data` and `calibrationImages` and times
    /// one toggle per layer.
    public static func measure(model: Model, data: LabeledImages, calibrationImages: Tensor,
                               subset: Int = 1000) throws -> ToggleLatency {
        let setupStart = DispatchTime.now().uptimeNanoseconds
        let session = try QuantizationSession(model: model, data: data, calibrationImages: calibrationImages)
        let setupSeconds = seconds(since: setupStart)

        let allInt8 = Int8EngineBenchmark.allInt8Plan
        let firstStart = DispatchTime.now().uptimeNanoseconds
        _ = try session.evaluate(allInt8)
        let firstSeconds = seconds(since: firstStart)

        var toggles: [Toggle] = []
        for layer in session.layerNames {
            // Cold: nothing stored, so the toggle runs from the cached boundaries.
            session.clearStoredPredictions()
            let cold = try time(toggling: layer, from: allInt8, session: session, subset: subset)
            toggles.append(Toggle(layer: layer, subsetSeconds: cold.subset, fullSeconds: cold.full, top1: cold.top1))
            // Return to the all-int8 plan, so every toggle starts from the same cache state.
            session.clearStoredPredictions()
            _ = try session.evaluate(allInt8)
        }

        let speculation = session.speculate(around: allInt8)
        for index in toggles.indices {
            let warm = try time(toggling: toggles[index].layer, from: allInt8, session: session, subset: subset)
            toggles[index].warmSubsetSeconds = warm.subset
            toggles[index].warmFullSeconds = warm.full
            _ = try session.evaluate(allInt8)
        }
        var latency = ToggleLatency(samples: data.count, subset: min(subset, data.count), setupSeconds: setupSeconds,
                                    firstEvaluationSeconds: firstSeconds, toggles: toggles,
                                    speculationSeconds: speculation.seconds)
        latency.speculationCancelSeconds = measureCancellation(session: session, around: allInt8)
        return latency
    }

    /// Returns the seconds from cancelling a speculation round, 50 ms after
    /// it started with nothing stored, to its return: how long a key press
    /// waits for the speculation it interrupts.
    private static func measureCancellation(session: QuantizationSession, around plan: QuantizationPlan) -> Double {
        session.clearStoredPredictions()
        let token = CancellationToken()
        let returned = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            _ = session.speculate(around: plan, token: token)
            returned.signal()
        }
        Thread.sleep(forTimeInterval: 0.05)
        let start = DispatchTime.now().uptimeNanoseconds
        token.cancel()
        returned.wait()
        return seconds(since: start)
    }

    /// Times `plan` with `layer` switched to float, from the toggle to the
    /// subset result and to the full result.
    private static func time(toggling layer: String, from plan: QuantizationPlan, session: QuantizationSession,
                             subset: Int) throws -> (subset: Double, full: Double, top1: Double?) {
        var toggled = plan
        toggled.set(LayerQuantization(precision: .float), for: layer)
        let start = DispatchTime.now().uptimeNanoseconds
        var subsetSeconds: Double?
        var fullSeconds = 0.0
        var top1: Double?
        try session.evaluateSubsetThenFull(toggled, subset: subset) { evaluation in
            let elapsed = seconds(since: start)
            if evaluation.samples < session.data.count && subsetSeconds == nil {
                subsetSeconds = elapsed
            } else {
                fullSeconds = elapsed
                top1 = evaluation.top1
            }
        }
        return (subsetSeconds ?? fullSeconds, fullSeconds, top1)
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    enum CodingKeys: String, CodingKey {
        case samples, subset, toggles
        case setupSeconds = "setup_seconds"
        case firstEvaluationSeconds = "first_evaluation_seconds"
        case worstSubsetSeconds = "worst_subset_seconds"
        case worstFullSeconds = "worst_full_seconds"
        case speculationSeconds = "speculation_seconds"
        case speculationCancelSeconds = "speculation_cancel_seconds"
        case worstWarmSubsetSeconds = "worst_warm_subset_seconds"
        case worstWarmFullSeconds = "worst_warm_full_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(samples, forKey: .samples)
        try container.encode(subset, forKey: .subset)
        try container.encode(setupSeconds, forKey: .setupSeconds)
        try container.encode(firstEvaluationSeconds, forKey: .firstEvaluationSeconds)
        try container.encode(toggles, forKey: .toggles)
        try container.encode(worstSubsetSeconds, forKey: .worstSubsetSeconds)
        try container.encode(worstFullSeconds, forKey: .worstFullSeconds)
        try container.encodeIfPresent(speculationSeconds, forKey: .speculationSeconds)
        try container.encodeIfPresent(speculationCancelSeconds, forKey: .speculationCancelSeconds)
        try container.encodeIfPresent(worstWarmSubsetSeconds, forKey: .worstWarmSubsetSeconds)
        try container.encodeIfPresent(worstWarmFullSeconds, forKey: .worstWarmFullSeconds)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        samples = try container.decode(Int.self, forKey: .samples)
        subset = try container.decode(Int.self, forKey: .subset)
        setupSeconds = try container.decode(Double.self, forKey: .setupSeconds)
        firstEvaluationSeconds = try container.decode(Double.self, forKey: .firstEvaluationSeconds)
        toggles = try container.decode([Toggle].self, forKey: .toggles)
        speculationSeconds = try container.decodeIfPresent(Double.self, forKey: .speculationSeconds)
        speculationCancelSeconds = try container.decodeIfPresent(Double.self, forKey: .speculationCancelSeconds)
    }
}

import Dispatch
import Quantization

/// Counts and duration of one round of speculative evaluation.
public struct SpeculationSummary: Sendable, Equatable {
    /// Plans evaluated on every sample and stored.
    public var evaluated: Int
    /// Plans whose predictions were stored already.
    public var alreadyStored: Int
    /// Whether the round stopped early because its token was cancelled.
    public var wasCancelled: Bool
    /// Wall-clock seconds of the round, including refilling the batch cache.
    public var seconds: Double
}

extension QuantizationSession {
    /// Returns the plans one precision toggle away from `plan`: for each
    /// layer, `plan` with that layer switched between int8 and float and
    /// its other settings kept. They are ordered by the first unit they
    /// change, earliest first, because those take longest to evaluate.
    public func toggleNeighbours(of plan: QuantizationPlan) -> [QuantizationPlan] {
        let program = try? self.program(for: plan)
        var neighbours: [(plan: QuantizationPlan, firstChange: Int)] = []
        for layer in layerNames {
            var settings = plan.settings(for: layer)
            settings.precision = settings.precision == .int8 ? .float : .int8
            var neighbour = plan
            neighbour.set(settings, for: layer)
            let firstChange: Int
            if let program, let changed = try? self.program(for: neighbour) {
                firstChange = changed.firstDifference(from: program)
            } else {
                firstChange = Int.max
            }
            neighbours.append((neighbour, firstChange))
        }
        return neighbours.enumerated()
            .sorted { ($0.element.firstChange, $0.offset) < ($1.element.firstChange, $1.offset) }
            .map(\.element.plan)
    }

    /// Evaluates, on every sample, the plans the user may choose next, so
    /// that a later `evaluate` of one of them returns stored predictions at
    /// once: `toggleNeighbours(of: plan)` in their order.
    ///
    /// First it refills the batch cache with `plan`'s values when the cache
    /// contains another plan's (after `plan` was returned from stored
    /// predictions, say), so that speculation and later toggles resume
    /// from `plan`. Speculative evaluations leave the batch cache and
    /// `lastEvaluation` as they are. Each plan takes the evaluation lock on
    /// its own, and cancelling `token` stops the round after the unit each
    /// worker is running, so a requested evaluation waits at most for one
    /// unit of one batch.
    public func speculate(around plan: QuantizationPlan,
                          token: CancellationToken = CancellationToken()) -> SpeculationSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        var summary = SpeculationSummary(evaluated: 0, alreadyStored: 0, wasCancelled: false, seconds: 0)
        func finish(cancelled: Bool) -> SpeculationSummary {
            summary.wasCancelled = cancelled
            summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return summary
        }

        do {
            try refillCache(for: plan, token: token)
            for neighbour in toggleNeighbours(of: plan) {
                if token.isCancelled { return finish(cancelled: true) }
                if try storeSpeculatively(neighbour, token: token) {
                    summary.evaluated += 1
                } else {
                    summary.alreadyStored += 1
                }
            }
        } catch {
            // A plan that fails to compile or run fails the same way when
            // requested, and the requested evaluation reports the error.
            return finish(cancelled: token.isCancelled)
        }
        return finish(cancelled: token.isCancelled)
    }

    /// Evaluates `plan` into the batch cache unless every batch contains its values.
    private func refillCache(for plan: QuantizationPlan, token: CancellationToken) throws {
        try withEvaluationLock {
            let program = try self.program(for: plan)
            guard !batchCacheHolds(program) else { return }
            _ = try evaluateLocked(plan, limit: nil, purpose: .refillingCache, token: token, progress: nil)
        }
    }

    /// Evaluates `plan` on every sample and stores its predictions. Returns
    /// false when they were stored already.
    private func storeSpeculatively(_ plan: QuantizationPlan, token: CancellationToken) throws -> Bool {
        try withEvaluationLock {
            let program = try self.program(for: plan)
            guard !storedPredictionsCover(program) else { return false }
            _ = try evaluateLocked(plan, limit: nil, purpose: .speculative, token: token, progress: nil)
            return true
        }
    }
}

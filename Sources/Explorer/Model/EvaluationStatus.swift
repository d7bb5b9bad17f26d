import Quantization

/// Which evaluation a result belongs to: the float model, the current plan,
/// or every layer in int8 with the current plan's per-layer settings.
public enum EvaluationTarget: String, Hashable, Sendable, CaseIterable {
    case float
    case plan
    case allInt8 = "all-int8"
}

/// Progress and latest result of one evaluation target.
public struct EvaluationStatus: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Not started yet, or waiting for an earlier target.
        case waiting
        /// Running over `total` samples, `done` finished.
        case running(done: Int, total: Int)
        /// Finished on `samples` samples.
        case finished
        case failed(String)
    }

    public var phase: Phase = .waiting
    /// The latest finished result: the subset's until the full run ends.
    public var result: EvaluationOutcome?
    /// Whether `result` covers the whole evaluation set.
    public var isFull = false
    /// The result on the quick subset, kept after the full result arrives so
    /// that subset results of other targets compare like with like.
    public var subsetResult: EvaluationOutcome?

    public init() {}
}

/// A change to an evaluation status, sent by the background worker.
public struct EvaluationUpdate: Sendable, Equatable {
    /// The plan generation the update belongs to; stale ones are dropped.
    public var generation: Int
    public var target: EvaluationTarget
    public var phase: EvaluationStatus.Phase
    public var result: EvaluationOutcome?
    public var isFull: Bool

    public init(generation: Int, target: EvaluationTarget, phase: EvaluationStatus.Phase,
                result: EvaluationOutcome? = nil, isFull: Bool = false) {
        self.generation = generation
        self.target = target
        self.phase = phase
        self.result = result
        self.isFull = isFull
    }
}

/// Work for the background worker: evaluate these plans, newest generation wins.
public struct EvaluationJob: Sendable, Equatable {
    public var generation: Int
    public var plan: QuantizationPlan
    public var allInt8Plan: QuantizationPlan
    /// Whether the all-int8 plan changed since it was last evaluated.
    public var evaluatesAllInt8: Bool

    public init(generation: Int, plan: QuantizationPlan, allInt8Plan: QuantizationPlan, evaluatesAllInt8: Bool) {
        self.generation = generation
        self.plan = plan
        self.allInt8Plan = allInt8Plan
        self.evaluatesAllInt8 = evaluatesAllInt8
    }
}

import Foundation
import Quantization
import Evaluation

/// The explorer: the layer table with the selected layer's detail and the
/// evaluation panel (the Layers view), or one layer's detail full screen.
///
/// Every plan change bumps `generation` and requests a new evaluation. The
/// caller feeds results back through `apply(_:)`, which drops updates of
/// older generations.
public struct ExplorerScreen: Screen {
    public enum View: Hashable, Sendable {
        case layers
        case detail
    }

    public enum Action: Hashable, Sendable {
        case help, quit
        case up, down, pageUp, pageDown, top, bottom
        case selectLayer(Int)
        case openDetail, back
        case togglePrecision, allInt8, allFloat
        case weightBitsDown, weightBitsUp, activationBitsDown, activationBitsUp
        case toggleGranularity, nextCalibration, toggleScheme
        case undo, redo, save, load
        case toggleLogScale, nextChannel, previousChannel
        case selectChannel(Int)
    }

    public enum Request: Sendable, Equatable {
        case evaluate(EvaluationJob)
        /// Write the plan; the caller picks a free path next to the model.
        case savePlan(QuantizationPlan)
        case loadPlan(path: String)
    }

    /// Calibration methods in the order the cycle key visits them.
    public static let calibrationCycle: [CalibrationMethod] = [.minMax, .movingAverage, .percentile(99.99), .mse, .kl]

    public let context: ExplorerContext
    public let speed: PlanSpeed?
    public let executionDescription: String
    public private(set) var view: View = .layers
    public private(set) var plan: QuantizationPlan
    public private(set) var undoStack: [QuantizationPlan] = []
    public private(set) var redoStack: [QuantizationPlan] = []
    public private(set) var selectedLayer = 0
    public private(set) var scrollOffset = 0
    public private(set) var selectedChannel = 0
    public private(set) var logScale = false
    public private(set) var generation = 0
    public private(set) var statuses: [EvaluationTarget: EvaluationStatus] = [:]
    /// The plan the all-int8 status belongs to.
    private var evaluatedAllInt8Plan: QuantizationPlan?
    /// Top-1 change when a layer was last switched alone, by layer name.
    public private(set) var accuracyChanges: [String: Double] = [:]
    /// The layer switched by the latest change and the full-set top-1 before it.
    private var pendingAttribution: (layer: String, before: Double)?
    /// The plan file `o` loads: the last one saved or given with `--plan`.
    public var planPath: String?
    private var analyses: [LayerAnalysis] = []

    public init(context: ExplorerContext, evaluator executionDescription: String, speed: PlanSpeed?,
                plan: QuantizationPlan? = nil) {
        self.context = context
        self.speed = speed
        self.executionDescription = executionDescription
        self.plan = plan ?? QuantizationPlan(defaults: LayerQuantization(precision: .int8))
        recomputeAnalyses()
    }

    // MARK: Plan changes

    /// The baseline plan: every layer in int8 with the plan's default
    /// settings (scheme, bits, calibration) and no per-layer changes.
    public var allInt8Plan: QuantizationPlan {
        var defaults = plan.defaults
        defaults.precision = .int8
        return QuantizationPlan(defaults: defaults, mode: plan.mode)
    }

    /// Returns the request that evaluates the current plan, and marks its rows as pending.
    public mutating func evaluationRequest() -> Request {
        let allInt8 = allInt8Plan
        // A plan that is already all-int8 shares its results with the all-int8 row.
        // A cancelled all-int8 run is started again.
        let allInt8Stale = allInt8 != evaluatedAllInt8Plan || statuses[.allInt8]?.phase != .finished
        let evaluatesAllInt8 = allInt8Stale && allInt8 != plan
        if allInt8Stale {
            evaluatedAllInt8Plan = allInt8
            statuses[.allInt8] = EvaluationStatus()
        }
        if statuses[.float]?.isFull != true {
            statuses[.float] = statuses[.float] ?? EvaluationStatus()
        }
        // The previous plan's numbers would read as this plan's, so the row waits for new ones.
        statuses[.plan] = EvaluationStatus()
        return .evaluate(EvaluationJob(generation: generation, plan: plan, allInt8Plan: allInt8,
                                       evaluatesAllInt8: evaluatesAllInt8))
    }

    private mutating func change(_ message: String, layer: String? = nil,
                                 _ transform: (inout QuantizationPlan) -> Void) -> Effect<Request> {
        var next = plan
        transform(&next)
        guard next != plan else { return .message("no change: " + message) }
        undoStack.append(plan)
        redoStack.removeAll()
        return adopt(next, message: message, layer: layer)
    }

    private mutating func adopt(_ next: QuantizationPlan, message: String, layer: String?) -> Effect<Request> {
        if let layer, let status = statuses[.plan], status.isFull, let top1 = status.result?.top1 {
            pendingAttribution = (layer, top1)
        } else {
            pendingAttribution = nil
        }
        plan = next
        generation += 1
        recomputeAnalyses()
        return .batch([.recompute(evaluationRequest()), .message(message)])
    }

    /// Replaces the plan with one loaded from `path`, as an undoable change.
    public mutating func loadPlan(_ loaded: QuantizationPlan, from path: String) -> Effect<Request> {
        do {
            try QuantizationPlanFile.validate(loaded, validNames: context.layers.map(\.name))
        } catch {
            return .error("plan \(path): \(error)")
        }
        planPath = path
        return change("loaded plan \(path)") { $0 = loaded }
    }

    /// Records where the plan was saved.
    public mutating func planSaved(to path: String, replacedNothing note: String) -> Effect<Request> {
        planPath = path
        return .message("saved plan to \(path)" + note)
    }

    private mutating func changeSelected(_ what: String, _ transform: (inout LayerQuantization) -> Void) -> Effect<Request> {
        let name = context.layers[selectedLayer].name
        return change("\(name): \(what)", layer: name) { plan in
            var settings = plan.settings(for: name)
            transform(&settings)
            plan.set(settings, for: name)
        }
    }

    private mutating func recomputeAnalyses() {
        analyses = context.layers.map { layer in
            LayerAnalysis(layer: layer, settings: plan.settings(for: layer.name), context: context)
        }
    }

    // MARK: Results

    /// Applies a worker update; returns whether anything visible changed.
    public mutating func apply(_ update: EvaluationUpdate) -> Bool {
        guard update.generation == generation || update.target == .float else { return false }
        var status = statuses[update.target] ?? EvaluationStatus()
        status.phase = update.phase
        if let result = update.result {
            status.result = result
            status.isFull = update.isFull
            if !update.isFull { status.subsetResult = result }
            if update.target == .plan, update.isFull, let attribution = pendingAttribution, let top1 = result.top1 {
                accuracyChanges[attribution.layer] = top1 - attribution.before
                pendingAttribution = nil
            }
        }
        statuses[update.target] = status
        if update.target == .plan, plan == allInt8Plan {
            statuses[.allInt8] = status
        }
        return true
    }

    public func status(_ target: EvaluationTarget) -> EvaluationStatus {
        statuses[target] ?? EvaluationStatus()
    }

    public func analysis(at index: Int) -> LayerAnalysis { analyses[index] }

    public var rows: [LayerRow] {
        context.layers.enumerated().map { index, layer in
            LayerRow(layer: layer, analysis: analyses[index], facts: context.facts[layer.name],
                     metrics: statuses[.plan]?.result?.layerMetrics[layer.name],
                     accuracyChange: accuracyChanges[layer.name])
        }
    }

    public func detail(logScale: Bool) -> LayerDetail {
        let layer = context.layers[selectedLayer]
        return LayerDetail(layer: layer, analysis: analyses[selectedLayer], context: context,
                           metrics: statuses[.plan]?.result?.layerMetrics[layer.name], logScale: logScale,
                           selectedChannel: selectedChannel)
    }

    // MARK: Screen

    public var title: String {
        switch view {
        case .layers: return "quantscope: \(context.modelName), \(context.layers.count) layers"
        case .detail: return "quantscope: \(context.modelName), layer \(context.layers[selectedLayer].name)"
        }
    }

    public var minimumSize: Size { Size(width: 80, height: 24) }

    public var status: String? {
        let layer = context.layers[selectedLayer]
        let settings = plan.settings(for: layer.name)
        let int8Count = plan.int8Layers(among: context.layers.map(\.name)).count
        return "layer \(selectedLayer + 1)/\(context.layers.count) \(layer.name): \(settings.precision.rawValue), "
            + "\(settings.scheme.rawValue), \(settings.calibration.name); \(int8Count) int8 layers; "
            + "undo \(undoStack.count)"
    }

    public mutating func perform(_ action: Action) -> Effect<Request> {
        let layer = context.layers[selectedLayer]
        switch action {
        case .help: return .showHelp
        case .quit: return .quit
        case .up: select(selectedLayer - 1)
        case .down: select(selectedLayer + 1)
        case .pageUp: select(selectedLayer - ExplorerScreen.pageSize)
        case .pageDown: select(selectedLayer + ExplorerScreen.pageSize)
        case .top: select(0)
        case .bottom: select(context.layers.count - 1)
        case .selectLayer(let index): select(index)
        case .openDetail: view = .detail
        case .back:
            guard view == .detail else { return .none }
            view = .layers
        case .togglePrecision:
            let next: LayerPrecision = plan.settings(for: layer.name).precision == .int8 ? .float : .int8
            return changeSelected("now \(next.rawValue)") { $0.precision = next }
        case .allInt8:
            return change("all layers int8") { plan in
                plan.defaults.precision = .int8
                for name in plan.layers.keys { plan.layers[name]?.precision = .int8 }
            }
        case .allFloat:
            return change("all layers float") { plan in
                plan.defaults.precision = .float
                for name in plan.layers.keys { plan.layers[name]?.precision = .float }
            }
        case .weightBitsDown, .weightBitsUp, .activationBitsDown, .activationBitsUp:
            return changeBits(action)
        case .toggleGranularity:
            let current = plan.settings(for: layer.name).granularity
            let next: QuantizationScheme.WeightGranularity = current == .perChannel ? .perTensor : .perChannel
            return changeSelected("weights \(next.rawValue)") { $0.granularity = next }
        case .nextCalibration:
            let current = plan.settings(for: layer.name).calibration
            let cycle = ExplorerScreen.calibrationCycle
            let next = cycle[((cycle.firstIndex(of: current) ?? -1) + 1) % cycle.count]
            return changeSelected("calibration \(next.name)") { $0.calibration = next }
        case .toggleScheme:
            let next: QuantizationScheme.Kind = plan.defaults.scheme == .tflite ? .paper : .tflite
            let granularity: QuantizationScheme.WeightGranularity = next == .tflite ? .perChannel : .perTensor
            return change("scheme \(next.rawValue) for all layers (weights \(granularity.rawValue))") { plan in
                plan.defaults.scheme = next
                plan.defaults.granularity = granularity
                for name in plan.layers.keys {
                    plan.layers[name]?.scheme = next
                    plan.layers[name]?.granularity = granularity
                }
            }
        case .undo:
            guard let previous = undoStack.popLast() else { return .message("nothing to undo") }
            redoStack.append(plan)
            return adopt(previous, message: "undone; \(undoStack.count) more to undo", layer: nil)
        case .redo:
            guard let next = redoStack.popLast() else { return .message("nothing to redo") }
            undoStack.append(plan)
            return adopt(next, message: "redone; \(redoStack.count) more to redo", layer: nil)
        case .save:
            return .recompute(.savePlan(plan))
        case .load:
            guard let planPath else {
                return .error("no plan file yet: save one with s, or start with --plan FILE")
            }
            return .recompute(.loadPlan(path: planPath))
        case .toggleLogScale: logScale.toggle()
        case .nextChannel: selectChannel(selectedChannel + 1)
        case .previousChannel: selectChannel(selectedChannel - 1)
        case .selectChannel(let index): selectChannel(index)
        }
        return .redraw
    }

    private mutating func changeBits(_ action: Action) -> Effect<Request> {
        let settings = plan.settings(for: context.layers[selectedLayer].name)
        let bits = QuantizedRange.supportedBitWidths
        func stepped(_ value: Int, _ delta: Int) -> Int { min(bits.upperBound, max(bits.lowerBound, value + delta)) }
        switch action {
        case .weightBitsDown, .weightBitsUp:
            let next = stepped(settings.weightBits, action == .weightBitsUp ? 1 : -1)
            return changeSelected("weights \(next) bits") { $0.weightBits = next }
        default:
            let next = stepped(settings.activationBits, action == .activationBitsUp ? 1 : -1)
            return changeSelected("activations \(next) bits") { $0.activationBits = next }
        }
    }

    static let pageSize = 10

    private mutating func select(_ index: Int) {
        let clamped = min(max(0, index), context.layers.count - 1)
        if clamped != selectedLayer { selectedChannel = 0 }
        selectedLayer = clamped
        scrollOffset = Table.visibleOffset(selected: selectedLayer, currentOffset: scrollOffset,
                                           visibleRows: ExplorerScreen.pageSize, rowCount: context.layers.count)
    }

    private mutating func selectChannel(_ index: Int) {
        let count = max(1, analyses[selectedLayer].channelRanges.count)
        selectedChannel = (index % count + count) % count
    }
}

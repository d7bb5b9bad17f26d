import QuantCore

/// A quantization plan compiled for one prepared model: the ordered units
/// the mixed runtime executes, with every integer parameter already
/// computed. Build one with `CalibratedModel.program(for:)`.
public struct ExecutionProgram: Sendable {
    /// The prepared graph whose nodes the float steps run.
    public let graph: Graph
    public let opset: Int64
    /// Units in execution order.
    public let units: [ProgramUnit]
    public let mode: ExecutionMode
    /// Per-layer parameters, in `PreparedModel.layers` order, for reports.
    public let layers: [LayerReport]
    /// Layers the plan asks for in int8 that run in float, with the reason.
    public let fallbacks: [String: String]

    public init(graph: Graph, opset: Int64, units: [ProgramUnit], mode: ExecutionMode, layers: [LayerReport],
                fallbacks: [String: String]) {
        self.graph = graph
        self.opset = opset
        self.units = units
        self.mode = mode
        self.layers = layers
        self.fallbacks = fallbacks
    }

    /// Names of the graph inputs fed at run time.
    public var graphInputs: [String] { graph.runtimeInputs.map(\.name) }
    /// Names of the graph outputs, produced as float values.
    public var graphOutputs: [String] { graph.outputs.map(\.name) }

    /// Index of the first unit that differs from the unit at the same
    /// position of `other`, or `units.count` when none does.
    public func firstDifference(from other: ExecutionProgram) -> Int {
        for index in units.indices {
            guard index < other.units.count, units[index] == other.units[index] else { return index }
        }
        return units.count
    }

    /// Keys that units before `position` write (or graph inputs) and units at
    /// or after `position` read: what a run resumed at `position` needs.
    public func liveValues(at position: Int) -> Set<ValueKey> {
        var produced = Set(graphInputs.map { ValueKey.float($0) })
        for unit in units[..<position] { produced.formUnion(unit.writes) }
        var needed = Set<ValueKey>()
        for unit in units[position...] { needed.formUnion(unit.reads) }
        needed.formUnion(graphOutputs.map { ValueKey.float($0) })
        return produced.intersection(needed)
    }
}

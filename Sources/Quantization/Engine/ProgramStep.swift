import QuantCore

/// A value in the runtime's store: a float tensor under its graph name, or a
/// quantized tensor under its graph name (the producer's output) or under
/// `name@unit` (an input converted for one consumer).
public enum ValueKey: Hashable, Sendable, CustomStringConvertible {
    case float(String)
    case integer(String)

    public var description: String {
        switch self {
        case .float(let name): return "float \(name)"
        case .integer(let name): return "int \(name)"
        }
    }
}

/// One operation of an `ExecutionProgram`.
public enum ProgramStep: Sendable, Equatable {
    /// Runs prepared-graph nodes (by index) with the float reference kernels.
    case floatNodes([Int])
    /// Real to integer at a float/int8 boundary: q = clamp(Z + round(r / S)).
    case quantize(value: String, into: String, parameters: QuantizationParameters, container: QuantizedContainer)
    /// Integer to float at an int8/float boundary: r = S * (q - Z).
    case dequantize(value: String, into: String, parameters: QuantizationParameters)
    /// Integer to integer when the consumer expects another (S, Z), range or container.
    case requantize(value: String, into: String, parameters: RequantizeParameters, container: QuantizedContainer)
    /// One layer on the integer kernels.
    case integer(IntegerLayer)
    /// One layer simulated in float with quantize-dequantize ("fake quantization").
    case fakeQuant(FakeQuantLayer)

    /// Values the step reads.
    func reads(graph: Graph) -> [ValueKey] {
        switch self {
        case .floatNodes(let indices):
            let written = Set(indices.flatMap { graph.nodes[$0].outputs })
            return indices.flatMap { graph.nodes[$0].inputs }
                .filter { !$0.isEmpty && graph.initializers[$0] == nil && !written.contains($0) }
                .map { ValueKey.float($0) }
        case .quantize(let value, _, _, _): return [.float(value)]
        case .dequantize(let value, _, _): return [.integer(value)]
        case .requantize(let value, _, _, _): return [.integer(value)]
        case .integer(let layer): return layer.inputs.map { .integer($0) }
        case .fakeQuant(let layer): return layer.inputs.map { .float($0.value) }
        }
    }

    /// Values the step writes.
    func writes(graph: Graph) -> [ValueKey] {
        switch self {
        case .floatNodes(let indices):
            return indices.flatMap { graph.nodes[$0].outputs }.filter { !$0.isEmpty }.map { .float($0) }
        case .quantize(_, let into, _, _): return [.integer(into)]
        case .dequantize(_, let into, _): return [.float(into)]
        case .requantize(_, let into, _, _): return [.integer(into)]
        case .integer(let layer): return [.integer(layer.output)]
        case .fakeQuant(let layer): return [.float(layer.output)]
        }
    }
}

/// The steps of one layer (or one float node outside every layer), with the
/// conversions of its inputs. Units are the granularity of caching: a unit
/// whose steps are unchanged between two plans computes the same values.
public struct ProgramUnit: Sendable, Equatable {
    /// Layer name, or the node's display name for a float node outside every layer.
    public var name: String
    /// Index into `PreparedModel.layers`, or nil for a float node outside every layer.
    public var layerIndex: Int?
    public var steps: [ProgramStep]
    /// Values read from earlier units (or graph inputs).
    public var reads: [ValueKey]
    /// Values this unit writes.
    public var writes: [ValueKey]

    public init(name: String, layerIndex: Int?, steps: [ProgramStep], graph: Graph) {
        self.name = name
        self.layerIndex = layerIndex
        self.steps = steps
        var written = Set<ValueKey>()
        var reads: [ValueKey] = []
        var writes: [ValueKey] = []
        for step in steps {
            for key in step.reads(graph: graph) where !written.contains(key) && !reads.contains(key) {
                reads.append(key)
            }
            for key in step.writes(graph: graph) where written.insert(key).inserted {
                writes.append(key)
            }
        }
        self.reads = reads
        self.writes = writes
    }

    /// Whether the unit runs any integer kernel.
    public var runsIntegerKernels: Bool {
        steps.contains { if case .integer = $0 { return true } else { return false } }
    }
}

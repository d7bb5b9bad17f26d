import QuantCore

/// Executes an `ExecutionProgram` on one batch. int8 layers run the integer
/// kernels on quantized tensors passed directly from layer to layer. The
/// float layers and the nodes outside every layer run the reference
/// kernels. Quantize, dequantize and requantize steps sit where the program
/// placed them. The integer parameters are taken as compiled, never
/// recomputed here.
public struct MixedRuntime: Sendable {
    public let program: ExecutionProgram

    public init(program: ExecutionProgram) {
        self.program = program
    }

    /// Runs the whole program on `inputs` and returns the graph outputs.
    public func run(inputs: [String: Tensor]) throws(MixedRuntimeError) -> [String: Tensor] {
        var store = ValueStore(float: inputs)
        try run(&store, units: 0..<program.units.count)
        var outputs: [String: Tensor] = [:]
        for name in program.graphOutputs { outputs[name] = store.float[name] }
        return outputs
    }

    /// Runs units `range` on `store`, which must hold the values live at
    /// `range.lowerBound`. `isCancelled` is polled before every unit.
    public func run(_ store: inout ValueStore, units range: Range<Int>,
                    isCancelled: () -> Bool = { false }) throws(MixedRuntimeError) {
        for index in range {
            if isCancelled() { throw .cancelled }
            try execute(program.units[index], store: &store)
        }
    }

    /// Runs one unit.
    public func execute(_ unit: ProgramUnit, store: inout ValueStore) throws(MixedRuntimeError) {
        for step in unit.steps {
            switch step {
            case .floatNodes(let indices):
                try executeReferenceNodes(indices, unit: unit.name, store: &store, graph: program.graph,
                                      opset: program.opset)
            case .quantize, .dequantize:
                try executeBoundary(step, unit: unit.name, store: &store)
            case let .requantize(value, into, parameters, container):
                guard let tensor = store.integer[value] else {
                    throw .missingValue(unit: unit.name, value: .integer(value))
                }
                do {
                    store.integer[into] = try tensor.requantized(parameters, to: container)
                } catch {
                    throw .kernel(layer: unit.name, error)
                }
            case .integer(let layer):
                var inputs: [IntegerTensor] = []
                for key in layer.inputs {
                    guard let tensor = store.integer[key] else {
                        throw .missingValue(unit: unit.name, value: .integer(key))
                    }
                    inputs.append(tensor)
                }
                store.integer[layer.output] = try layer.execute(inputs)
            case .fakeQuant(let layer):
                try layer.execute(in: &store, graph: program.graph, opset: program.opset)
            }
        }
    }
}

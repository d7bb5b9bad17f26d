/// Runs a model's graph with the float reference kernels (`Operators`).
///
/// Creating the engine validates the model once: the default-domain opset,
/// every operator against `OperatorRegistry`, that every node input is
/// produced before it is read (topological order), and that every graph
/// output is produced. It then infers the shape of every value (see
/// `valueShapes`), and packs the constant right-hand matrices of Gemm and
/// MatMul (`PackedWeightCache`). The engine is an immutable value, safe to
/// share between tasks.
public struct FloatEngine: Sendable {
    public let model: Model
    /// Opset version of the default ONNX domain.
    public let opset: Int64
    /// How Conv, Gemm and MatMul multiply: threads per product and the
    /// packed weights of this model.
    public let matrixOptions: MatrixMultiplyOptions
    /// Shape of every value (graph inputs, initializers, node outputs), with
    /// the batch dimension symbolic. Empty when the shapes depend on input
    /// data or the graph inputs declare no shapes.
    public private(set) var valueShapes: [String: [Dimension]]
    /// For each value, the index of the last node that reads it; `run` frees
    /// values after that node.
    private let lastReader: [String: Int]
    private let graphOutputs: Set<String>

    /// Validates `model` and packs its weights. `threadCount` is the number
    /// of threads each matrix product may use (at least 1). Keep the
    /// default of 1 when several inferences run at once, as in the
    /// evaluation runner, which already runs one batch per core; raise it
    /// for a single inference on an otherwise idle machine.
    public init(model: Model, threadCount: Int = 1) throws(EngineError) {
        guard let opset = model.defaultOpsetVersion else { throw .missingDefaultOpset }
        let graph = model.graph
        var available = Set(graph.initializers.keys).union(graph.inputs.map(\.name))
        var lastReader: [String: Int] = [:]
        for (index, node) in graph.nodes.enumerated() {
            try OperatorRegistry.check(node, opset: opset)
            for input in node.inputs where !input.isEmpty {
                guard available.contains(input) else {
                    throw .undefinedValue(node: node.displayName, opType: node.opType, value: input)
                }
                lastReader[input] = index
            }
            for output in node.outputs where !output.isEmpty {
                guard available.insert(output).inserted else {
                    throw .duplicateValue(node: node.displayName, opType: node.opType, value: output)
                }
            }
        }
        for output in graph.outputs where !available.contains(output.name) {
            throw .missingGraphOutput(name: output.name)
        }
        self.model = model
        self.opset = opset
        self.lastReader = lastReader
        self.graphOutputs = Set(graph.outputs.map(\.name))
        self.matrixOptions = MatrixMultiplyOptions(threadCount: threadCount,
                                                   packedWeights: PackedWeightCache(model: model))
        self.valueShapes = [:]
        self.valueShapes = try ShapeInference.inferShapes(of: self)
    }

    /// Runs the graph and returns its declared outputs by name.
    public func run(inputs: [String: Tensor]) throws(EngineError) -> [String: Tensor] {
        var values = try checkedValues(inputs)
        try execute(&values, releasingUnused: true)
        var outputs: [String: Tensor] = [:]
        for output in model.graph.outputs {
            outputs[output.name] = values[output.name]
        }
        return outputs
    }

    /// Runs the graph and returns every value it computed: the graph inputs
    /// and each node output, but not the initializers.
    public func runRecordingValues(inputs: [String: Tensor]) throws(EngineError) -> [String: Tensor] {
        var values = try checkedValues(inputs)
        try execute(&values, releasingUnused: false)
        for name in model.graph.initializers.keys where inputs[name] == nil {
            values[name] = nil
        }
        return values
    }

    /// Continues from values already computed (a result of
    /// `runRecordingValues`, possibly with some node outputs removed): runs
    /// only the nodes whose outputs are not all in `values`, and returns
    /// `values` completed with every node output.
    ///
    /// To recompute what lies downstream of a changed layer, remove that
    /// layer's outputs and everything computed from them before calling.
    public func resume(from values: [String: Tensor]) throws(EngineError) -> [String: Tensor] {
        var all = values
        for (name, tensor) in model.graph.initializers where all[name] == nil {
            all[name] = tensor
        }
        try execute(&all, releasingUnused: false)
        for name in model.graph.initializers.keys where values[name] == nil {
            all[name] = nil
        }
        return all
    }

    /// Returns the node outputs computed, directly or through other nodes,
    /// from any value in `changed`: the values to remove before `resume`
    /// after changing `changed`. The result excludes `changed` itself.
    public func valuesDownstream(of changed: Set<String>) -> Set<String> {
        var tainted = changed
        var downstream = Set<String>()
        for node in model.graph.nodes where node.inputs.contains(where: { tainted.contains($0) }) {
            for output in node.outputs where !output.isEmpty {
                tainted.insert(output)
                downstream.insert(output)
            }
        }
        return downstream.subtracting(changed)
    }

    // MARK: Execution

    private func execute(_ values: inout [String: Tensor], releasingUnused: Bool) throws(EngineError) {
        for (index, node) in model.graph.nodes.enumerated() {
            let outputs = node.outputs.filter { !$0.isEmpty }
            if !releasingUnused, !outputs.isEmpty, outputs.allSatisfy({ values[$0] != nil }) { continue }

            var inputs: [Tensor?] = []
            for name in node.inputs {
                if name.isEmpty {
                    inputs.append(nil)
                    continue
                }
                guard let tensor = values[name] else {
                    throw .undefinedValue(node: node.displayName, opType: node.opType, value: name)
                }
                inputs.append(tensor)
            }
            let results = try Operators.execute(node, inputs: inputs, opset: opset, options: matrixOptions)
            for (name, tensor) in zip(node.outputs, results) where !name.isEmpty {
                values[name] = tensor
            }
            if releasingUnused {
                for name in node.inputs where lastReader[name] == index && !graphOutputs.contains(name) {
                    values[name] = nil
                }
            }
        }
    }

    /// Checks the runtime inputs against their declarations and returns them with the initializers.
    private func checkedValues(_ inputs: [String: Tensor]) throws(EngineError) -> [String: Tensor] {
        var values = model.graph.initializers
        for declared in model.graph.runtimeInputs {
            guard let tensor = inputs[declared.name] else { throw .missingGraphInput(name: declared.name) }
            // Float16 data is widened to float32 on load, so a float16 input takes float32.
            let expected = declared.elementType == .float16 ? .float32 : declared.elementType
            if let expected, expected != tensor.elementType {
                throw .inputTypeMismatch(name: declared.name, expected: expected, actual: tensor.elementType)
            }
            if let shape = declared.shape, !Self.shape(tensor.shape, matches: shape) {
                throw .inputShapeMismatch(name: declared.name, expected: shape, actual: tensor.shape)
            }
            values[declared.name] = tensor
        }
        return values
    }

    /// Returns whether `shape` has the declared rank and every fixed dimension.
    static func shape(_ shape: [Int], matches declared: [Dimension]) -> Bool {
        guard shape.count == declared.count else { return false }
        return zip(shape, declared).allSatisfy { size, dimension in
            if case .value(let expected) = dimension { return size == expected }
            return true
        }
    }
}

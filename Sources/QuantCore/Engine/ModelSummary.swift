/// Per-layer statistics of a model at batch size 1, for `quantscope inspect`.
public struct LayerSummary: Sendable, Equatable {
    public var nodeName: String
    public var opType: String
    /// Shapes of the node's outputs at batch size 1, in output order.
    public var outputShapes: [[Int]]
    /// Elements of the constant tensors the node reads: initializers and
    /// outputs of Constant nodes (weights, biases, batch-norm statistics,
    /// shape tensors).
    public var parameterCount: Int
    /// Multiply-accumulates at batch size 1. Conv: output elements *
    /// (C / group) * kernel elements. Gemm and MatMul: M * N * K per matrix
    /// product. Every other operator reports 0: their few multiplies per
    /// element are not counted.
    public var macs: Int

    public init(nodeName: String, opType: String, outputShapes: [[Int]], parameterCount: Int, macs: Int) {
        self.nodeName = nodeName
        self.opType = opType
        self.outputShapes = outputShapes
        self.parameterCount = parameterCount
        self.macs = macs
    }
}

/// Per-layer statistics of a whole model, in node order.
public struct ModelSummary: Sendable, Equatable {
    public var layers: [LayerSummary]
    /// Shapes of the runtime graph inputs at batch size 1.
    public var inputShapes: [String: [Int]]

    public var totalParameters: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    public var totalMACs: Int { layers.reduce(0) { $0 + $1.macs } }

    /// Validates `model` with `FloatEngine`, runs it once on zero-valued
    /// inputs with every symbolic dimension set to 1, and counts per node.
    public static func make(for model: Model) throws(EngineError) -> ModelSummary {
        let engine = try FloatEngine(model: model)
        let graph = model.graph
        let inputs = try ShapeInference.zeroInputs(graph.runtimeInputs, symbolicSize: 1)
        let values = try engine.runRecordingValues(inputs: inputs)

        let constantOutputs = Set(graph.nodes.filter { $0.opType == "Constant" }.flatMap(\.outputs))
        var layers: [LayerSummary] = []
        for node in graph.nodes {
            let outputShapes = node.outputs.filter { !$0.isEmpty }.map { values[$0]?.shape ?? [] }
            var parameterCount = 0
            for name in Set(node.inputs) where !name.isEmpty {
                if let initializer = graph.initializers[name] {
                    parameterCount += initializer.count
                } else if constantOutputs.contains(name), let tensor = values[name] {
                    parameterCount += tensor.count
                }
            }
            let inputShapes = node.inputs.map { name in name.isEmpty ? nil : (values[name] ?? graph.initializers[name])?.shape }
            layers.append(LayerSummary(nodeName: node.displayName, opType: node.opType, outputShapes: outputShapes,
                                       parameterCount: parameterCount,
                                       macs: multiplyAccumulates(node, inputShapes: inputShapes, outputShapes: outputShapes)))
        }
        return ModelSummary(layers: layers, inputShapes: inputs.mapValues(\.shape))
    }

    static func multiplyAccumulates(_ node: Node, inputShapes: [[Int]?], outputShapes: [[Int]]) -> Int {
        guard let output = outputShapes.first else { return 0 }
        let outputElements = output.reduce(1, *)
        switch node.opType {
        case "Conv":
            // W is [M, C / group, k...]: each output element reads C / group * k... weights.
            guard inputShapes.count > 1, let weights = inputShapes[1], weights.count > 1 else { return 0 }
            return outputElements * weights.dropFirst().reduce(1, *)
        case "Gemm":
            guard let a = inputShapes.first ?? nil, a.count == 2 else { return 0 }
            let transposeA: Bool
            if case .int(let flag)? = node.attributes["transA"] { transposeA = flag != 0 } else { transposeA = false }
            return outputElements * (transposeA ? a[0] : a[1])
        case "MatMul":
            guard let a = inputShapes.first ?? nil, let depth = a.last else { return 0 }
            return outputElements * depth
        default:
            return 0
        }
    }
}

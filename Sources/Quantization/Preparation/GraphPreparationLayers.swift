import QuantCore

/// Layer forming, the second pass of `GraphPreparation`.
extension GraphPreparation {
    static func formLayers(_ state: PreparationState,
                           opset: Int64?) throws(GraphPreparationError) -> ([QuantizableLayer], [String]) {
        let nodes = state.graph.nodes
        var absorbed = Set<Int>()
        var layers: [QuantizableLayer] = []
        var nameUses: [String: Int] = [:]

        for index in nodes.indices where !absorbed.contains(index) {
            guard isDefaultDomain(nodes[index]), var layer = try makeLayer(at: index, state: state) else { continue }
            absorbed.insert(index)

            if nodes[index].opType == "MatMul", layer.bias == nil, let addIndex = biasAdd(after: index, state: state) {
                let add = nodes[addIndex]
                layer.bias = add.inputs.first { state.graph.initializers[$0] != nil }
                layer.output = add.outputs.first ?? layer.output
                layer.nodes.append(add.displayName)
                absorbed.insert(addIndex)
            }

            if layer.kind.acceptsFusedActivation {
                try fuseActivation(into: &layer, absorbed: &absorbed, state: state, opset: opset)
            }

            let uses = nameUses[layer.name, default: 0] + 1
            nameUses[layer.name] = uses
            if uses > 1 { layer.name += "#\(uses)" }
            layers.append(layer)
        }

        let floatNodes = nodes.indices.filter { !absorbed.contains($0) }.map { nodes[$0].displayName }
        return (layers, floatNodes)
    }

    /// The layer whose main node is at `index`, or nil when that node is not
    /// quantizable (an unknown operator, or a Conv, Gemm or MatMul whose
    /// weight is not a constant float32 tensor).
    private static func makeLayer(at index: Int, state: PreparationState) throws(GraphPreparationError) -> QuantizableLayer? {
        let node = state.graph.nodes[index]
        let record = state.records[index]
        guard let output = node.outputs.first, !output.isEmpty else { return nil }
        let valueInputs = node.inputs.filter { !$0.isEmpty }
        var layer = QuantizableLayer(name: record.layerName, kind: .add, opType: node.opType, inputs: valueInputs,
                                     output: output, foldedBatchNormalizations: record.foldedBatchNormalizations,
                                     nodes: record.coveredNodes, notes: record.notes)

        switch node.opType {
        case "Conv", "Gemm", "MatMul":
            guard node.inputs.count >= 2, let weight = state.graph.initializers[node.inputs[1]],
                  weight.elementType == .float32 else { return nil }
            layer.inputs = [node.inputs[0]]
            layer.weight = node.inputs[1]
            layer.bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? node.inputs[2] : nil
            switch node.opType {
            case "Conv":
                guard weight.rank >= 3 else { throw .invalidWeightShape(node: node.displayName, shape: weight.shape) }
                layer.kind = try convolutionKind(node, weightShape: weight.shape)
                layer.weightOutputChannelAxis = 0
            case "Gemm":
                guard weight.rank == 2 else { throw .invalidWeightShape(node: node.displayName, shape: weight.shape) }
                layer.kind = .fullyConnected
                layer.weightOutputChannelAxis = try node.intAttribute("transB", default: 0) != 0 ? 0 : 1
            default:
                guard weight.rank == 2 else { return nil }
                layer.kind = .fullyConnected
                layer.weightOutputChannelAxis = 1
            }
        case "Add": layer.kind = .add
        case "MaxPool": layer.kind = .maxPool
        case "AveragePool": layer.kind = .averagePool
        case "GlobalAveragePool": layer.kind = .globalAveragePool
        case "Concat": layer.kind = .concat
        case "Flatten", "Reshape":
            guard let data = node.inputs.first, !data.isEmpty else { return nil }
            layer.kind = .reshape
            layer.inputs = [data]
        default:
            return nil
        }
        return layer
    }

    /// Classifies a Conv with `group` groups and weight `[M, C/group, k...]`:
    /// depthwise when each group reads one input channel, grouped otherwise.
    private static func convolutionKind(_ node: Node, weightShape: [Int]) throws(GraphPreparationError) -> LayerKind {
        let groups = try node.intAttribute("group", default: 1)
        if groups <= 1 { return .convolution }
        return weightShape[1] == 1 ? .depthwiseConvolution : .groupedConvolution
    }

    /// Index of an `Add` that is the only reader of the MatMul at `index` and
    /// adds a constant float32 `[N]` or `[1, N]` tensor, N being the MatMul
    /// weight's last dimension.
    private static func biasAdd(after index: Int, state: PreparationState) -> Int? {
        let matMul = state.graph.nodes[index]
        let output = matMul.outputs[0]
        let readers = state.readers(of: output)
        guard readers.count == 1, !state.isGraphOutput(output) else { return nil }
        let add = state.graph.nodes[readers[0]]
        guard add.opType == "Add", isDefaultDomain(add), add.inputs.count == 2, add.outputs.first?.isEmpty == false,
              let channels = state.graph.initializers[matMul.inputs[1]]?.shape.last,
              let other = add.inputs.first(where: { $0 != output }),
              let bias = state.graph.initializers[other], bias.elementType == .float32,
              bias.shape == [channels] || bias.shape == [1, channels] else { return nil }
        return readers[0]
    }

    /// Makes a `Relu` or `Clip` that is the only reader of `layer.output`
    /// the layer's activation. A Relu or Clip that cannot be fused leaves a
    /// note on the layer.
    private static func fuseActivation(into layer: inout QuantizableLayer, absorbed: inout Set<Int>,
                                       state: PreparationState, opset: Int64?) throws(GraphPreparationError) {
        let readers = state.readers(of: layer.output)
        let activationReaders = readers.filter {
            let node = state.graph.nodes[$0]
            return (node.opType == "Relu" || node.opType == "Clip") && isDefaultDomain(node)
        }
        guard let readerIndex = activationReaders.first else { return }
        let reader = state.graph.nodes[readerIndex]
        guard let activatedOutput = reader.outputs.first, !activatedOutput.isEmpty else { return }

        guard readers.count == 1, !state.isGraphOutput(layer.output) else {
            layer.notes.append("\(reader.opType) \(reader.displayName) is not fused: the output \(layer.output) "
                               + "is also read elsewhere or is a graph output")
            return
        }
        switch try activation(of: reader, opset: opset, state: state) {
        case .success(let activation):
            layer.activation = activation
            layer.output = activatedOutput
            layer.nodes.append(reader.displayName)
            absorbed.insert(readerIndex)
        case .failure(let reason):
            layer.notes.append("\(reader.opType) \(reader.displayName) is not fused: \(reason.text)")
        }
    }

    /// Reads the clamp of a `Relu` or `Clip`. Before opset 11, Clip's bounds
    /// are its `min` and `max` attributes. From opset 11 on they are the
    /// optional constant inputs 1 and 2. An absent bound is infinite, and a
    /// model without a default-domain opset is read as opset 11 or later.
    static func activation(of node: Node, opset: Int64?,
                           state: PreparationState) throws(GraphPreparationError) -> Result<FusedActivation, NotFused> {
        if node.opType == "Relu" { return .success(.relu) }

        var lower = -Float.infinity
        var upper = Float.infinity
        if let opset, opset < 11 {
            lower = try node.floatAttribute("min", default: lower)
            upper = try node.floatAttribute("max", default: upper)
        } else {
            for (slot, isLower) in [(1, true), (2, false)] where node.inputs.count > slot && !node.inputs[slot].isEmpty {
                guard let values = state.floatInitializer(node.inputs[slot]), values.count == 1 else {
                    return .failure(NotFused(text: "its bound \(node.inputs[slot]) is not a constant float32 scalar"))
                }
                if isLower { lower = values[0] } else { upper = values[0] }
            }
        }
        guard !lower.isNaN, !upper.isNaN, lower <= upper else {
            return .failure(NotFused(text: "its bounds [\(lower), \(upper)] are not an interval"))
        }
        return .success(FusedActivation(lower: lower, upper: upper))
    }

    /// Why an activation cannot be fused.
    struct NotFused: Error {
        let text: String
    }
}

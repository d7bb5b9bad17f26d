import QuantCore

extension CalibratedModel {
    /// Compiles `plan` into an `ExecutionProgram`: per int8 layer, the
    /// activation (S, Z) from its calibration method and bit width,
    /// quantized weights, int32 bias, multipliers M = S_in * S_w / S_out and
    /// the clamp of its fused activation; quantize, dequantize and
    /// requantize steps where representations change. Only clip ranges not
    /// computed before touch the histograms, so re-planning is cheap.
    ///
    /// A layer the integer engine cannot run stays in float, with the reason
    /// in `ExecutionProgram.fallbacks`. Throws for unknown layer names and
    /// for parameters that cannot be represented, such as a reduction depth
    /// beyond the int32 accumulator's headroom.
    public func program(for plan: QuantizationPlan) throws(EngineBuildError) -> ExecutionProgram {
        try validate(plan)
        var compiler = ProgramCompiler(model: self, plan: plan)
        return try compiler.compile()
    }
}

/// Where a value lives while the compiler walks the graph.
struct QuantizedForm {
    var key: String
    var parameters: QuantizationParameters
    var container: QuantizedContainer
}

struct ProgramCompiler {
    let model: CalibratedModel
    let plan: QuantizationPlan
    let graph: Graph
    var floatValues: Set<String>
    /// Values produced by int8 layers: the integer key (integer mode) and their (S, Z).
    var quantized: [String: QuantizedForm] = [:]
    var units: [ProgramUnit] = []
    var reports: [LayerReport] = []
    var fallbacks: [String: String] = [:]

    init(model: CalibratedModel, plan: QuantizationPlan) {
        self.model = model
        self.plan = plan
        self.graph = model.prepared.model.graph
        self.floatValues = Set(graph.runtimeInputs.map(\.name))
    }

    mutating func compile() throws(EngineBuildError) -> ExecutionProgram {
        // Each layer runs at the position of its last node; other nodes at their own.
        var layerAt: [Int: Int] = [:]
        var covered = Set<Int>()
        for (layerIndex, nodes) in model.layerNodes.enumerated() where !nodes.isEmpty {
            layerAt[nodes.max()!] = layerIndex
            covered.formUnion(nodes)
        }
        for index in graph.nodes.indices {
            if let layerIndex = layerAt[index] {
                try compileLayer(layerIndex)
            } else if !covered.contains(index) {
                let node = graph.nodes[index]
                var steps = dequantizeSteps(for: node.inputs)
                steps.append(.floatNodes([index]))
                floatValues.formUnion(node.outputs.filter { !$0.isEmpty })
                units.append(ProgramUnit(name: node.displayName, layerIndex: nil, steps: steps, graph: graph))
            }
        }
        let outputSteps = dequantizeSteps(for: graph.outputs.map(\.name))
        if !outputSteps.isEmpty {
            units.append(ProgramUnit(name: "graph outputs", layerIndex: nil, steps: outputSteps, graph: graph))
        }
        return ExecutionProgram(graph: graph, opset: model.opset, units: units, mode: plan.mode,
                                layers: reports, fallbacks: fallbacks)
    }

    /// Dequantize steps for the values among `names` that exist only as integers.
    mutating func dequantizeSteps(for names: [String]) -> [ProgramStep] {
        var steps: [ProgramStep] = []
        for name in names where !name.isEmpty && !floatValues.contains(name) {
            guard let form = quantized[name] else { continue }
            steps.append(.dequantize(value: form.key, into: name, parameters: form.parameters))
            floatValues.insert(name)
        }
        return steps
    }

    mutating func compileLayer(_ layerIndex: Int) throws(EngineBuildError) {
        let layer = model.prepared.layers[layerIndex]
        let nodes = model.layerNodes[layerIndex]
        let settings = plan.settings(for: layer.name)
        var report = LayerReport(name: layer.name, opType: layer.opType, kind: layer.kind,
                                 precision: settings.precision, settings: settings)
        if settings.precision == .int8 {
            do {
                let compiled = try LayerCompilation(model: model, layer: layer, nodes: nodes, settings: settings,
                                                    producers: quantized, unitIndex: units.count, mode: plan.mode)
                report = compiled.report
                var steps = plan.mode == .integer ? [] : dequantizeSteps(for: layer.inputs)
                steps += compiled.steps
                quantized[layer.output] = compiled.output
                if plan.mode == .fakeQuant { floatValues.insert(layer.output) }
                units.append(ProgramUnit(name: layer.name, layerIndex: layerIndex, steps: steps, graph: graph))
                reports.append(report)
                return
            } catch {
                switch error {
                case .unsupported(let reason):
                    report.precision = .float
                    report.fallbackReason = reason
                    fallbacks[layer.name] = reason
                case .build(let buildError):
                    throw buildError
                }
            }
        }
        var steps = dequantizeSteps(for: nodes.flatMap { graph.nodes[$0].inputs })
        steps.append(.floatNodes(nodes))
        for index in nodes { floatValues.formUnion(graph.nodes[index].outputs.filter { !$0.isEmpty }) }
        units.append(ProgramUnit(name: layer.name, layerIndex: layerIndex, steps: steps, graph: graph))
        reports.append(report)
    }
}

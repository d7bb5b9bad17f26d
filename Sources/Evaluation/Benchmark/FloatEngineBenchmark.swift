import QuantCore
import Quantization

/// Times the float reference engine on a prepared model (batch
/// normalization folded, as the integer engine runs it).
///
/// End to end: rounds of `threads` concurrent `FloatEngine.run` calls, one
/// batch each. Per layer: each node's `Operators.execute` on the inputs a
/// recorded run produced, one thread, summed over the nodes of the layer.
public enum FloatEngineBenchmark {
    public static func run(prepared: PreparedModel, inputName: String, batch input: Tensor, threads: Int,
                           warmup: Int, repeats: Int) throws(EngineError) -> EngineTiming {
        let engine = try FloatEngine(model: prepared.model)
        let inputs = [inputName: input]
        let endToEnd = try ConcurrentRounds.measure(threads: threads, warmup: warmup, repeats: repeats) {
            () throws(EngineError) in
            _ = try engine.run(inputs: inputs)
        }
        let layers = try timeLayers(prepared: prepared, engine: engine, inputs: inputs, warmup: warmup,
                                    repeats: repeats)
        return EngineTiming(engine: "float", batch: input.batchCount, threads: max(1, threads),
                            endToEnd: endToEnd, layers: layers)
    }

    static func timeLayers(prepared: PreparedModel, engine: FloatEngine, inputs: [String: Tensor],
                           warmup: Int, repeats: Int) throws(EngineError) -> [LayerTiming] {
        let secondsByNode = try timeNodes(of: prepared.model.graph, engine: engine, inputs: inputs, warmup: warmup,
                                          repeats: repeats)
        return LayerGrouping(prepared).units.map { unit in
            LayerTiming(name: unit.name, nodes: unit.nodes,
                        medianSeconds: unit.nodes.reduce(0) { $0 + (secondsByNode[$1] ?? 0) })
        }
    }

    /// Returns the median seconds of each node of `graph`, by display name,
    /// each run alone on the inputs a recorded run produced.
    static func timeNodes(of graph: Graph, engine: FloatEngine, inputs: [String: Tensor], warmup: Int,
                          repeats: Int) throws(EngineError) -> [String: Double] {
        let recorded = try engine.runRecordingValues(inputs: inputs)
        var secondsByNode: [String: Double] = [:]
        for node in graph.nodes {
            var nodeInputs: [Tensor?] = []
            for name in node.inputs {
                if name.isEmpty {
                    nodeInputs.append(nil)
                    continue
                }
                guard let tensor = recorded[name] ?? graph.initializers[name] else {
                    throw .undefinedValue(node: node.displayName, opType: node.opType, value: name)
                }
                nodeInputs.append(tensor)
            }
            let summary = try Stopwatch.measure(warmup: warmup, repeats: repeats) { () throws(EngineError) in
                _ = try Operators.execute(node, inputs: nodeInputs, opset: engine.opset,
                                          options: engine.matrixOptions)
            }
            secondsByNode[node.displayName] = summary.medianSeconds
        }
        return secondsByNode
    }
}

import QuantCore
import Quantization

/// Times the mixed float/int8 runtime on a compiled program.
///
/// End to end: rounds of `threads` concurrent `MixedRuntime.run` calls, one
/// batch each. Per layer: each program unit on one thread, started from the
/// values a full run had stored just before that unit. A unit's time
/// includes the quantize or dequantize steps the program placed in it, and
/// the trailing "graph outputs" unit contains the final dequantize.
public enum Int8EngineBenchmark {
    /// A plan with every layer in int8: int8 symmetric per-channel weights
    /// and int8 asymmetric activations (TFLite scheme), min/max calibration.
    public static let allInt8Plan = QuantizationPlan(
        defaults: LayerQuantization(precision: .int8, scheme: .tflite), mode: .integer)

    /// Compiles `plan` for `calibrated` and times the program.
    public static func run(calibrated: CalibratedModel, plan: QuantizationPlan = allInt8Plan, inputName: String,
                           batch input: Tensor, threads: Int, warmup: Int, repeats: Int) throws -> EngineTiming {
        let program = try calibrated.program(for: plan)
        let grouping = LayerGrouping(calibrated.prepared)
        return try run(program: program, grouping: grouping, inputName: inputName, batch: input, threads: threads,
                       warmup: warmup, repeats: repeats)
    }

    /// Times `program`; `grouping` names the graph nodes of each unit.
    public static func run(program: ExecutionProgram, grouping: LayerGrouping, inputName: String, batch input: Tensor,
                           threads: Int, warmup: Int, repeats: Int) throws(MixedRuntimeError) -> EngineTiming {
        let nodesByUnit = Dictionary(grouping.units.map { ($0.name, $0.nodes) }, uniquingKeysWith: { first, _ in first })
        let runtime = MixedRuntime(program: program)
        let inputs = [inputName: input]
        let endToEnd = try ConcurrentRounds.measure(threads: threads, warmup: warmup, repeats: repeats) {
            () throws(MixedRuntimeError) in
            _ = try runtime.run(inputs: inputs)
        }
        var store = ValueStore(float: inputs)
        var layers: [LayerTiming] = []
        for unit in program.units {
            let before = store
            let summary = try Stopwatch.measure(warmup: warmup, repeats: repeats) { () throws(MixedRuntimeError) in
                var scratch = before
                try runtime.execute(unit, store: &scratch)
            }
            try runtime.execute(unit, store: &store)
            layers.append(LayerTiming(name: unit.name, nodes: nodesByUnit[unit.name] ?? [], medianSeconds: summary.medianSeconds))
        }
        return EngineTiming(engine: "int8", batch: input.batchCount, threads: max(1, threads), endToEnd: endToEnd,
                            layers: layers)
    }
}

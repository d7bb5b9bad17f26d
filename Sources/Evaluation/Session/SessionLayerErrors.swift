import QuantCore
import Quantization

extension QuantizationSession {
    /// Measures the error of every int8 layer of `plan` against the float
    /// model on the first `reference.activationSamples` samples (256 by
    /// default). Cumulative error runs the whole plan up to the layer. Local
    /// error runs the layer alone in int8, fed the float model's input value,
    /// quantized.
    public func layerErrors(_ plan: QuantizationPlan,
                            token: CancellationToken = CancellationToken()) throws -> [LayerError] {
        let samples = reference.activationSamples
        guard samples > 0 else { return [] }
        let program = try self.program(for: plan)
        var store = ValueStore(float: ["\(inputValueName)": data.batch(0..<samples)])
        try MixedRuntime(program: program).run(&store, units: 0..<program.units.count,
                                              isCancelled: { token.isCancelled })

        var errors: [LayerError] = []
        for report in program.layers where report.precision == .int8 {
            if token.isCancelled { throw EvaluationError.cancelled }
            guard let layer = prepared.layer(named: report.name),
                  let expected = try reference.activations[layer.output]?.floats(),
                  let cumulative = try output(of: layer.output, report: report, in: store, mode: plan.mode) else {
                continue
            }
            let local = try localOutput(of: report.name, plan: plan)
            errors.append(LayerError(
                layer: report.name, samples: samples,
                local: LayerErrorMetrics(reference: expected, quantized: local ?? expected,
                                         outputParameters: report.outputParameters),
                cumulative: LayerErrorMetrics(reference: expected, quantized: cumulative,
                                              outputParameters: report.outputParameters)))
        }
        return errors
    }

    private var inputValueName: String { prepared.model.graph.runtimeInputs.first?.name ?? "" }

    /// Returns the layer's output as float: dequantized in integer mode, as computed in fake-quant mode.
    private func output(of value: String, report: LayerReport, in store: ValueStore,
                        mode: ExecutionMode) throws -> [Float]? {
        if mode == .integer, let tensor = store.integer[value], let parameters = report.outputParameters {
            return try tensor.dequantized(parameters).floats()
        }
        return try store.float[value]?.floats()
    }

    /// Runs `layer` alone in int8 on the float reference's values.
    private func localOutput(of layer: String, plan: QuantizationPlan) throws -> [Float]? {
        var single = QuantizationPlan(defaults: LayerQuantization(precision: .float), mode: plan.mode)
        single.layers[layer] = plan.settings(for: layer)
        let program = try self.program(for: single)
        guard let unit = program.units.first(where: { $0.name == layer }),
              let report = program.layers.first(where: { $0.name == layer }),
              let value = prepared.layer(named: layer)?.output else { return nil }
        var store = ValueStore(float: reference.activations)
        try MixedRuntime(program: program).execute(unit, store: &store)
        return try output(of: value, report: report, in: store, mode: plan.mode)
    }
}

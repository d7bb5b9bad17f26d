import Foundation
import QuantCore
import Quantization
import Evaluation

/// Evaluates a plan by float simulation ("fake quantization"): every int8
/// layer's weights are replaced by S (q - Z) of their quantized values, and
/// its output is quantized and dequantized with the output (S, Z) before the
/// next layer reads it. The arithmetic stays float, so results differ from
/// the integer engine by accumulation and requantization rounding.
///
/// Layer metrics compare each int8 layer's output with the float model's on
/// the first `metricSamples` samples.
public struct FakeQuantEvaluator: PlanEvaluating {
    public let context: ExplorerContext
    public let floatEngine: FloatEngine
    public let runner: EvaluationRunner
    public var metricSamples = 100

    public init(context: ExplorerContext, runner: EvaluationRunner = EvaluationRunner()) throws {
        self.context = context
        self.floatEngine = try FloatEngine(model: context.prepared.model)
        self.runner = runner
    }

    public var executionDescription: String { "float simulation of int8 (fake quantization)" }

    public func evaluate(_ plan: QuantizationPlan, limit: Int, reference: [Int]?, token: CancellationToken,
                         progress: @escaping @Sendable (Int, Int) -> Void) throws -> (EvaluationOutcome, predictions: [Int]) {
        let simulation = try Simulation(plan: plan, context: context)
        let data = context.evaluationData
        let outputName = simulation.outputName
        let result = try runner.run(images: data.images, labels: data.labels, reference: reference, limit: limit,
                                    token: token, progress: progress) { batch in
            guard let logits = try simulation.values(for: batch)[outputName] else {
                throw EvaluationError.outputShape(expected: "output \(outputName)", actual: [])
            }
            return logits
        }

        var metrics: [String: LayerMetrics] = [:]
        if !simulation.int8Layers.isEmpty {
            let probe = data.batch(0 ..< min(metricSamples, limit, data.count))
            let floatValues = try floatEngine.runRecordingValues(inputs: [context.inputName: probe])
            let planValues = try simulation.values(for: probe)
            for layer in simulation.int8Layers {
                guard let expected = floatValues[layer.output], let actual = planValues[layer.output] else { continue }
                metrics[layer.name] = try LayerMetrics(expected: expected.floats(), actual: actual.floats(),
                                                            parameters: simulation.analyses[layer.name]?.outputParameters)
            }
        }
        let evaluation = EvaluationOutcome(samples: result.samples, top1: result.top1, agreement: result.agreement,
                                        layerMetrics: metrics)
        return (evaluation, result.predictions)
    }

    /// The prepared model with fake-quantized weights, and the output
    /// parameters of each int8 layer.
    struct Simulation: Sendable {
        let engine: FloatEngine
        let inputName: String
        let outputName: String
        /// Int8 layers in graph order.
        let int8Layers: [QuantizableLayer]
        let analyses: [String: LayerAnalysis]

        init(plan: QuantizationPlan, context: ExplorerContext) throws {
            var model = context.prepared.model
            var layers: [QuantizableLayer] = []
            var analyses: [String: LayerAnalysis] = [:]
            for layer in context.layers where plan.settings(for: layer.name).precision == .int8 {
                let analysis = LayerAnalysis(layer: layer, settings: plan.settings(for: layer.name), context: context)
                if let problem = analysis.problem {
                    throw ExplorerError.analysis(layer: layer.name, problem: problem)
                }
                layers.append(layer)
                analyses[layer.name] = analysis
                if let weightName = layer.weight, let weight = model.graph.initializers[weightName],
                   let statistics = context.calibration.weights[layer.name] {
                    model.graph.initializers[weightName] = try Simulation.fakeQuantized(
                        weight, statistics: statistics, parameters: analysis.weightParameters)
                }
            }
            engine = try FloatEngine(model: model)
            inputName = context.inputName
            outputName = model.graph.outputs.first?.name ?? ""
            int8Layers = layers
            self.analyses = analyses
        }

        /// Runs one batch, quantizing each int8 layer's output in graph order
        /// and recomputing only what lies downstream of it.
        func values(for batch: Tensor) throws -> [String: Tensor] {
            var values = try engine.runRecordingValues(inputs: [inputName: batch])
            for layer in int8Layers {
                guard let parameters = analyses[layer.name]?.outputParameters, let output = values[layer.output] else {
                    continue
                }
                let quantized = try output.floats().map { LayerAnalysis.fakeQuantized($0, parameters) }
                values[layer.output] = Tensor(shape: output.shape, floats: quantized)
                for name in engine.valuesDownstream(of: [layer.output]) {
                    values[name] = nil
                }
                values = try engine.resume(from: values)
            }
            return values
        }

        static func fakeQuantized(_ weight: Tensor, statistics: WeightStatistics,
                                  parameters: [QuantizationParameters]) throws -> Tensor {
            let values = try weight.floats()
            let channelCount = statistics.shape[statistics.outputChannelAxis]
            let inner = statistics.shape[(statistics.outputChannelAxis + 1)...].reduce(1, *)
            let quantized = values.enumerated().map { index, value in
                let channel = parameters.count == 1 ? 0 : (index / inner) % channelCount
                return LayerAnalysis.fakeQuantized(value, parameters[channel])
            }
            return Tensor(shape: weight.shape, floats: quantized)
        }
    }
}

extension LayerMetrics {
    /// Compares a layer's output under a plan (`actual`) with the float
    /// model's (`expected`); RMSE/scale and the clipped fraction need the
    /// output parameters.
    init(expected: [Float], actual: [Float], parameters: QuantizationParameters?) {
        var signal = 0.0
        var noise = 0.0
        var clipped = 0
        let range = parameters?.representableRange
        for (real, approximation) in zip(expected, actual) {
            let error = Double(real) - Double(approximation)
            signal += Double(real) * Double(real)
            noise += error * error
            if let range, real < range.lowerBound || real > range.upperBound {
                clipped += 1
            }
        }
        let count = Double(max(1, min(expected.count, actual.count)))
        self.init(sqnr: LayerAnalysis.decibels(signal: signal, noise: noise),
                  rmsePerScale: parameters.map { (noise / count).squareRoot() / Double($0.scale) },
                  clippedFraction: parameters == nil ? nil : Double(clipped) / count)
    }
}

/// Errors of the explorer's own work, shown in the message line.
public enum ExplorerError: Error, CustomStringConvertible {
    case analysis(layer: String, problem: String)

    public var description: String {
        switch self {
        case .analysis(let layer, let problem):
            return "cannot compute quantization parameters of layer \(layer): \(problem)"
        }
    }
}

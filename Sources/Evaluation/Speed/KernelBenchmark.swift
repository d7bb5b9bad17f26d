import QuantCore
import Quantization

/// Times quantscope's own kernels on a fixed suite of small synthetic
/// networks and returns one `KernelCostFit.Sample` per kernel run, so the
/// "this machine" profile follows the kernels as they change.
///
/// The suite spans what small image classifiers contain: 3 x 3
/// convolutions from 1 to 64 input channels on 7 x 7 to 32 x 32 outputs,
/// strided and 1 x 1 convolutions, depthwise 3 x 3 from 16 to 128
/// channels, 2 x 2 and 3 x 3 max pooling, global average pooling, residual
/// adds, flatten and fully connected layers from 10 to 300 outputs. Each
/// network runs at its batch (4 to 16 images) and at half of it. Each network runs as
/// `quantscope bench` runs a model:
///
/// - float: every node of the prepared graph through `Operators.execute`,
///   on inputs a recorded run produced. The main node of a layer gives a
///   sample of its class, a fused Relu or Clip a `floatActivation` sample.
/// - int8: the all-int8 program of the network calibrated on its own input,
///   each step of each unit alone. Quantize and dequantize steps give
///   samples of their own; the other steps of a unit (the layer, with any
///   requantize of its inputs) give one sample of the layer's class.
///
/// Every kernel is timed `repeats` times after `warmup` calls and its
/// median kept.
public enum KernelBenchmark {
    /// Default timed calls per kernel and untimed calls before them.
    public static let repeats = 15
    public static let warmup = 3

    /// Times every network of the suite at its batch and at half of it,
    /// and returns the samples.
    public static func samples(repeats: Int = repeats, warmup: Int = warmup) throws -> [KernelCostFit.Sample] {
        var samples: [KernelCostFit.Sample] = []
        for (network, output, batch) in suite() {
            for runBatch in [batch, max(1, batch / 2)] {
                samples += try time(network.model(output: output), inputShape: network.input.shape, batch: runBatch,
                                    repeats: repeats, warmup: warmup)
            }
        }
        return samples
    }

    /// Times one network at `batch` in float and in int8.
    static func time(_ model: Model, inputShape: [Int], batch: Int, repeats: Int,
                     warmup: Int) throws -> [KernelCostFit.Sample] {
        let prepared = try GraphPreparation.prepare(model)
        let geometry = try ModelGeometry.network(of: prepared, batch: batch)
        var input = SyntheticNetwork(inputShape: inputShape)
        let count = batch * inputShape.reduce(1, *)
        let images = Tensor(shape: [batch] + inputShape, floats: (0..<count).map { _ in abs(input.nextSigned()) })
        let inputs = [model.graph.inputs[0].name: images]
        return try floatSamples(prepared, geometry: geometry, inputs: inputs, repeats: repeats, warmup: warmup)
            + int8Samples(prepared, geometry: geometry, inputs: inputs, repeats: repeats, warmup: warmup)
    }

    static func floatSamples(_ prepared: PreparedModel, geometry: NetworkGeometry, inputs: [String: Tensor],
                             repeats: Int, warmup: Int) throws -> [KernelCostFit.Sample] {
        let engine = try FloatEngine(model: prepared.model)
        let secondsByNode = try FloatEngineBenchmark.timeNodes(of: prepared.model.graph, engine: engine,
                                                               inputs: inputs, warmup: warmup, repeats: repeats)
        var samples: [KernelCostFit.Sample] = []
        for layer in geometry.layers {
            let kernels = KernelWork.kernels(of: layer, precision: .float)
            let nodes = prepared.layer(named: layer.name)?.nodes ?? [layer.name]
            let inGraph = nodes.filter { secondsByNode[$0] != nil }
            guard let main = inGraph.first, let mainSeconds = secondsByNode[main] else { continue }
            samples.append(KernelCostFit.Sample(work: kernels[0], seconds: mainSeconds))
            if kernels.count > 1, inGraph.count > 1 {
                let activationSeconds = inGraph.dropFirst().reduce(0) { $0 + (secondsByNode[$1] ?? 0) }
                samples.append(KernelCostFit.Sample(work: kernels[1], seconds: activationSeconds))
            }
        }
        return samples
    }

    static func int8Samples(_ prepared: PreparedModel, geometry: NetworkGeometry, inputs: [String: Tensor],
                            repeats: Int, warmup: Int) throws -> [KernelCostFit.Sample] {
        let images = inputs.values.first!
        let calibrated = try CalibratedModel.calibrate(prepared: prepared, images: images)
        let program = try calibrated.program(for: Int8EngineBenchmark.allInt8Plan)
        let runtime = MixedRuntime(program: program)
        let layersByName = Dictionary(geometry.layers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var store = ValueStore(float: inputs)
        var samples: [KernelCostFit.Sample] = []
        for unit in program.units {
            var layerSeconds = 0.0
            var hasLayerStep = false
            for step in unit.steps {
                let single = ProgramUnit(name: unit.name, layerIndex: unit.layerIndex, steps: [step],
                                         graph: program.graph)
                let before = store
                let summary = try Stopwatch.measure(warmup: warmup, repeats: repeats) { () throws(MixedRuntimeError) in
                    var scratch = before
                    try runtime.execute(single, store: &scratch)
                }
                try runtime.execute(single, store: &store)
                switch step {
                case .quantize(let value, _, _, _):
                    let elements = store.float[value]?.count ?? 0
                    samples.append(KernelCostFit.Sample(
                        work: KernelWork(kernelClass: .quantize, counts: [.outputElement: elements]),
                        seconds: summary.medianSeconds))
                case .dequantize(_, let into, _):
                    let elements = store.float[into]?.count ?? 0
                    samples.append(KernelCostFit.Sample(
                        work: KernelWork(kernelClass: .dequantize, counts: [.outputElement: elements]),
                        seconds: summary.medianSeconds))
                default:
                    layerSeconds += summary.medianSeconds
                    hasLayerStep = true
                }
            }
            if hasLayerStep, let layer = layersByName[unit.name] {
                let kernels = KernelWork.kernels(of: layer, precision: .int8)
                samples.append(KernelCostFit.Sample(work: kernels[0], seconds: layerSeconds))
            }
        }
        return samples
    }

    /// Returns the networks of the suite, each with its output value and batch.
    static func suite() -> [(SyntheticNetwork, SyntheticNetwork.Value, Int)] {
        var networks: [(SyntheticNetwork, SyntheticNetwork.Value, Int)] = []

        // Plain convolutions with pooling and a strided 1 x 1 shortcut over
        // the 28 x 28 plane, then two fully connected layers.
        var plain = SyntheticNetwork(inputShape: [1, 28, 28])
        var x = plain.conv(plain.input, outputChannels: 24, kernel: 3, padding: 1, activation: .relu)
        let full = x
        x = plain.maxPool(x, kernel: 2, stride: 2)
        x = plain.add(x, plain.conv(full, outputChannels: 24, kernel: 1, stride: 2, activation: .none),
                      activation: .none)
        x = plain.conv(x, outputChannels: 48, kernel: 3, padding: 1, activation: .relu)
        x = plain.maxPool(x, kernel: 2, stride: 2)
        x = plain.flatten(x)
        x = plain.fullyConnected(x, outputs: 96, activation: .relu)
        x = plain.fullyConnected(x, outputs: 10, activation: .none)
        networks.append((plain, x, 16))

        // Separable blocks: depthwise 3 x 3 then 1 x 1, ReLU6.
        var separable = SyntheticNetwork(inputShape: [1, 28, 28])
        x = separable.conv(separable.input, outputChannels: 16, kernel: 3, stride: 2, padding: 1, activation: .relu6)
        x = separable.depthwise(x, kernel: 3, activation: .relu6)
        x = separable.conv(x, outputChannels: 48, kernel: 1, activation: .relu6)
        x = separable.depthwise(x, kernel: 3, stride: 2, activation: .relu6)
        x = separable.conv(x, outputChannels: 96, kernel: 1, activation: .relu6)
        x = separable.depthwise(x, kernel: 3, activation: .relu6)
        x = separable.conv(x, outputChannels: 96, kernel: 1, activation: .relu6)
        x = separable.globalAveragePool(x)
        x = separable.flatten(x)
        x = separable.fullyConnected(x, outputs: 10, activation: .none)
        networks.append((separable, x, 12))

        // A residual block on a multi-channel input.
        var residual = SyntheticNetwork(inputShape: [8, 20, 20])
        let stem = residual.conv(residual.input, outputChannels: 24, kernel: 3, padding: 1, activation: .relu)
        let branch = residual.conv(stem, outputChannels: 24, kernel: 3, padding: 1, activation: .none)
        let shortcut = residual.conv(residual.input, outputChannels: 24, kernel: 1, activation: .none)
        x = residual.add(branch, shortcut, activation: .relu)
        x = residual.conv(x, outputChannels: 40, kernel: 3, stride: 2, padding: 1, activation: .relu)
        x = residual.maxPool(x, kernel: 2, stride: 2)
        x = residual.flatten(x)
        x = residual.fullyConnected(x, outputs: 200, activation: .relu)
        x = residual.fullyConnected(x, outputs: 50, activation: .none)
        networks.append((residual, x, 4))

        // Wider convolutions and a strided residual block at batch 16.
        var wide = SyntheticNetwork(inputShape: [3, 18, 18])
        x = wide.conv(wide.input, outputChannels: 32, kernel: 3, padding: 1, activation: .relu)
        let pooled = wide.maxPool(x, kernel: 2, stride: 2)
        x = wide.conv(pooled, outputChannels: 64, kernel: 3, padding: 1, activation: .relu)
        x = wide.conv(x, outputChannels: 64, kernel: 3, padding: 1, activation: .none)
        let projection = wide.conv(pooled, outputChannels: 64, kernel: 1, activation: .none)
        x = wide.add(x, projection, activation: .relu)
        x = wide.depthwise(x, kernel: 3, activation: .relu)
        x = wide.globalAveragePool(x)
        x = wide.flatten(x)
        x = wide.fullyConnected(x, outputs: 32, activation: .relu)
        x = wide.fullyConnected(x, outputs: 10, activation: .none)
        networks.append((wide, x, 16))

        // Fully connected layers only.
        var dense = SyntheticNetwork(inputShape: [1, 28, 28])
        x = dense.flatten(dense.input)
        x = dense.fullyConnected(x, outputs: 300, activation: .relu)
        x = dense.fullyConnected(x, outputs: 100, activation: .relu)
        x = dense.fullyConnected(x, outputs: 10, activation: .none)
        networks.append((dense, x, 16))

        // A large first layer, then small output planes (8 x 8) with a
        // strided residual block.
        var large = SyntheticNetwork(inputShape: [1, 30, 30])
        x = large.conv(large.input, outputChannels: 32, kernel: 3, padding: 1, activation: .relu)
        let halved = large.maxPool(x, kernel: 2, stride: 2)
        x = large.conv(halved, outputChannels: 16, kernel: 3, stride: 2, padding: 1, activation: .relu)
        x = large.conv(x, outputChannels: 16, kernel: 3, padding: 1, activation: .none)
        let strided = large.conv(halved, outputChannels: 16, kernel: 1, stride: 2, activation: .none)
        x = large.add(x, strided, activation: .relu)
        x = large.conv(x, outputChannels: 32, kernel: 3, padding: 1, activation: .relu)
        x = large.globalAveragePool(x)
        x = large.flatten(x)
        x = large.fullyConnected(x, outputs: 10, activation: .none)
        networks.append((large, x, 16))

        // Depthwise layers from 24 to 128 channels, strided and not, and a
        // 128-to-128 pointwise layer.
        var depthwise = SyntheticNetwork(inputShape: [24, 24, 24])
        x = depthwise.depthwise(depthwise.input, kernel: 3, activation: .relu6)
        x = depthwise.conv(x, outputChannels: 64, kernel: 1, activation: .relu6)
        x = depthwise.depthwise(x, kernel: 3, stride: 2, activation: .relu6)
        x = depthwise.conv(x, outputChannels: 128, kernel: 1, activation: .relu6)
        x = depthwise.conv(x, outputChannels: 128, kernel: 1, activation: .relu6)
        x = depthwise.depthwise(x, kernel: 3, activation: .relu6)
        x = depthwise.depthwise(x, kernel: 3, stride: 2, activation: .relu6)
        x = depthwise.conv(x, outputChannels: 64, kernel: 1, activation: .relu6)
        x = depthwise.globalAveragePool(x)
        x = depthwise.flatten(x)
        x = depthwise.fullyConnected(x, outputs: 10, activation: .none)
        networks.append((depthwise, x, 8))

        // Strided 3 x 3 convolutions down to 7 x 7 and a 3 x 3 pool.
        var downsampling = SyntheticNetwork(inputShape: [3, 28, 28])
        x = downsampling.conv(downsampling.input, outputChannels: 16, kernel: 3, stride: 2, padding: 1, activation: .relu)
        let block = downsampling.conv(x, outputChannels: 16, kernel: 3, padding: 1, activation: .relu)
        x = downsampling.conv(block, outputChannels: 32, kernel: 3, stride: 2, padding: 1, activation: .relu)
        x = downsampling.conv(x, outputChannels: 32, kernel: 3, padding: 1, activation: .none)
        let shortcut7 = downsampling.conv(block, outputChannels: 32, kernel: 1, stride: 2, activation: .none)
        x = downsampling.add(x, shortcut7, activation: .relu)
        x = downsampling.conv(x, outputChannels: 48, kernel: 3, padding: 1, activation: .relu)
        x = downsampling.maxPool(x, kernel: 3, stride: 2)
        x = downsampling.flatten(x)
        x = downsampling.fullyConnected(x, outputs: 64, activation: .relu)
        x = downsampling.fullyConnected(x, outputs: 10, activation: .none)
        networks.append((downsampling, x, 16))
        return networks
    }
}

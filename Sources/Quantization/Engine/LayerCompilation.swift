import QuantCore

/// Why one layer could not be compiled for int8.
enum LayerCompilationError: Error {
    /// The integer engine cannot run this layer; it stays in float.
    case unsupported(String)
    case build(EngineBuildError)
}

/// The int8 compilation of one layer: the steps that convert its inputs and
/// run it (integer kernels or fake quantization), its output's (S, Z), and
/// the report of every parameter chosen. All real-valued arithmetic of the
/// preparation happens here and in the types it calls.
struct LayerCompilation {
    var steps: [ProgramStep] = []
    var output: QuantizedForm
    var report: LayerReport

    // Shared state while compiling.
    private let model: CalibratedModel
    private let layer: QuantizableLayer
    private let settings: LayerQuantization
    private let scheme: QuantizationScheme
    private let container: QuantizedContainer
    private let graph: Graph
    private let main: Node

    init(model: CalibratedModel, layer: QuantizableLayer, nodes: [Int], settings: LayerQuantization,
         producers: [String: QuantizedForm], unitIndex: Int, mode: ExecutionMode) throws(LayerCompilationError) {
        self.model = model
        self.layer = layer
        self.settings = settings
        self.scheme = settings.quantizationScheme
        self.container = QuantizedContainer(settings.scheme)
        self.graph = model.prepared.model.graph
        guard let first = nodes.first else { throw .unsupported("the layer has no node in the prepared graph") }
        self.main = graph.nodes[first]
        self.report = LayerReport(name: layer.name, opType: layer.opType, kind: layer.kind, precision: .int8,
                                  settings: settings)
        self.output = QuantizedForm(key: layer.output, parameters: try Self.unitParameters(), container: container)

        // Inputs: reuse a producer's (S, Z) when it has this layer's container
        // and range, else quantize (from float) or requantize (from integer).
        var inputKeys: [String] = []
        for value in layer.inputs {
            guard graph.initializers[value] == nil else {
                throw .unsupported("input \(value) is a constant; only activations can be integer inputs")
            }
            let clip = try clipRange(value)
            let range = try wrap { () throws(QuantizationError) in try scheme.activationRange() }
            var parameters: QuantizationParameters
            var key = value
            if let form = producers[value], form.container == container, form.parameters.range == range {
                parameters = form.parameters
                key = form.key
            } else {
                parameters = try wrap { () throws(QuantizationError) in
                    try scheme.activationParameters(min: clip.lower, max: clip.upper)
                }
                if mode == .integer {
                    key = "\(value)@\(unitIndex)"
                    if let form = producers[value] {
                        let requantize = try wrap { () throws(QuantizationError) in
                            try RequantizeParameters(from: form.parameters, to: parameters)
                        }
                        steps.append(.requantize(value: form.key, into: key, parameters: requantize,
                                                 container: container))
                    } else {
                        steps.append(.quantize(value: value, into: key, parameters: parameters, container: container))
                    }
                }
            }
            report.inputRanges.append(clip)
            report.inputParameters.append(parameters)
            inputKeys.append(key)
        }

        // Output (S, Z): layers that move values keep their input's.
        let outputParameters: QuantizationParameters
        switch layer.kind {
        case .maxPool, .averagePool, .reshape:
            outputParameters = report.inputParameters[0]
            report.outputRange = report.inputRanges[0]
        default:
            let clip = try clipRange(layer.output)
            report.outputRange = clip
            outputParameters = try wrap { () throws(QuantizationError) in
                try scheme.activationParameters(min: clip.lower, max: clip.upper)
            }
        }
        report.outputParameters = outputParameters
        output = QuantizedForm(key: layer.output, parameters: outputParameters, container: container)

        let compiled = try compileOperation(nodes: nodes)
        switch mode {
        case .integer:
            steps.append(.integer(IntegerLayer(name: layer.name, operation: compiled.operation, inputs: inputKeys,
                                               output: layer.output, container: container,
                                               outputZeroPoint: outputParameters.zeroPoint)))
        case .fakeQuant:
            let inputs = zip(layer.inputs, report.inputParameters).map {
                FakeQuantLayer.Input(value: $0.0, parameters: $0.1)
            }
            steps.append(.fakeQuant(FakeQuantLayer(name: layer.name, nodes: nodes, inputs: inputs,
                                                   initializers: compiled.substitutes, output: layer.output,
                                                   outputParameters: outputParameters)))
        }
    }

    /// A placeholder (S, Z) used until the output's real one is known.
    private static func unitParameters() throws(LayerCompilationError) -> QuantizationParameters {
        do {
            return try QuantizationParameters(scale: 1, zeroPoint: 0, range: QuantizedRange(qmin: 0, qmax: 255))
        } catch {
            throw .build(.quantization(layer: "", error))
        }
    }

    private func wrap<Value>(_ body: () throws(QuantizationError) -> Value) throws(LayerCompilationError) -> Value {
        do {
            return try body()
        } catch {
            throw .build(.quantization(layer: layer.name, error))
        }
    }

    private func clipRange(_ value: String) throws(LayerCompilationError) -> ClipRange {
        guard model.calibration.activations[value] != nil else {
            throw .unsupported("value \(value) was not observed during calibration")
        }
        do {
            return try model.clipRange(of: value, method: settings.calibration, bits: settings.activationBits)
        } catch {
            throw .build(.calibration(layer: layer.name, error))
        }
    }
}

// MARK: - Operations

extension LayerCompilation {
    /// The integer operation, and for fake quantization the weight and bias
    /// initializers replaced by their quantize-dequantize images.
    struct CompiledOperation {
        var operation: IntegerOperation
        var substitutes: [String: Tensor] = [:]
    }

    private mutating func compileOperation(nodes: [Int]) throws(LayerCompilationError) -> CompiledOperation {
        let input = report.inputParameters[0]
        let outputParameters = report.outputParameters!
        switch layer.kind {
        case .convolution, .depthwiseConvolution, .groupedConvolution:
            return try compileConvolution(input: input, output: outputParameters)
        case .fullyConnected:
            return try compileFullyConnected(input: input, output: outputParameters)
        case .add:
            guard layer.inputs.count == 2 else { throw .unsupported("Add with \(layer.inputs.count) inputs") }
            let shapes = layer.inputs.map { model.sampleShapes[$0] }
            guard shapes[0] != nil, shapes[0] == shapes[1] else {
                throw .unsupported("integer Add needs inputs of one shape (no broadcasting), got \(shapes)")
            }
            let parameters = try wrap { () throws(QuantizationError) in
                try AddParameters(input1: report.inputParameters[0], input2: report.inputParameters[1],
                                  output: outputParameters, activation: layer.activation)
            }
            report.outputClamp = parameters.outputClamp
            return CompiledOperation(operation: .add(parameters))
        case .maxPool, .averagePool:
            let window = try poolWindow()
            let clamp = layer.activation.clamp(for: input)
            report.outputClamp = clamp
            if layer.kind == .maxPool { return CompiledOperation(operation: .maxPool(window: window, clamp: clamp)) }
            let includePad = try intAttribute("count_include_pad", 0) != 0
            if includePad && window.ceilMode {
                throw .unsupported("count_include_pad = 1 with ceil_mode = 1")
            }
            return CompiledOperation(operation: .averagePool(window: window, countIncludePad: includePad, clamp: clamp))
        case .globalAveragePool:
            guard model.sampleShapes[layer.inputs[0]]?.count == 3 else {
                throw .unsupported("integer GlobalAveragePool needs a [N, C, H, W] input")
            }
            let parameters = try wrap { () throws(QuantizationError) in
                try RequantizeParameters(from: input, to: outputParameters, activation: layer.activation)
            }
            report.multipliers = [parameters.multiplier]
            report.outputClamp = parameters.outputClamp
            return CompiledOperation(operation: .globalAveragePool(parameters))
        case .concat:
            guard let rank = model.sampleShapes[layer.inputs[0]].map({ $0.count + 1 }) else {
                throw .unsupported("the input shape of Concat is unknown")
            }
            var axis = Int(try intAttribute("axis", 1))
            if axis < 0 { axis += rank }
            guard (0..<rank).contains(axis) else { throw .unsupported("Concat axis \(axis) for rank \(rank)") }
            var parameters: [RequantizeParameters] = []
            for inputParameters in report.inputParameters {
                parameters.append(try wrap { () throws(QuantizationError) in
                    try RequantizeParameters(from: inputParameters, to: outputParameters)
                })
            }
            report.multipliers = parameters.map(\.multiplier)
            return CompiledOperation(operation: .concat(axis: axis, parameters: parameters))
        case .reshape:
            if main.opType == "Flatten" {
                let rank = (model.sampleShapes[layer.inputs[0]]?.count ?? 3) + 1
                var axis = Int(try intAttribute("axis", 1))
                if axis < 0 { axis += rank }
                return CompiledOperation(operation: .reshape(.flatten(axis: axis)))
            }
            guard main.inputs.count > 1, let shape = graph.initializers[main.inputs[1]],
                  let values = try? shape.integers() else {
                throw .unsupported("Reshape whose shape is not a constant")
            }
            let allowZero = try intAttribute("allowzero", 0) != 0
            return CompiledOperation(operation: .reshape(.reshape(shape: values, allowZero: allowZero)))
        }
    }

    private func intAttribute(_ name: String, _ defaultValue: Int64) throws(LayerCompilationError) -> Int64 {
        switch main.attributes[name] {
        case nil: return defaultValue
        case .int(let value): return value
        case .some: throw .unsupported("attribute \(name) of \(main.displayName) is not an integer")
        }
    }

    private func intsAttribute(_ name: String) throws(LayerCompilationError) -> [Int]? {
        switch main.attributes[name] {
        case nil: return nil
        case .ints(let values): return values.map(Int.init)
        case .some: throw .unsupported("attribute \(name) of \(main.displayName) is not a list of integers")
        }
    }

    private func stringAttribute(_ name: String, _ defaultValue: String) -> String {
        if case .string(let bytes) = main.attributes[name] { return String(decoding: bytes, as: UTF8.self) }
        return defaultValue
    }

    /// Reads the 2-D window attributes shared by Conv and the pools.
    private func window(kernel: [Int], ceilMode: Bool) throws(LayerCompilationError) -> SlidingWindow {
        let strides = try intsAttribute("strides") ?? [1, 1]
        let dilations = try intsAttribute("dilations") ?? [1, 1]
        let pads = try intsAttribute("pads") ?? [0, 0, 0, 0]
        let autoPad = stringAttribute("auto_pad", "NOTSET")
        guard kernel.count == 2, strides.count == 2, dilations.count == 2, pads.count == 4,
              kernel.allSatisfy({ $0 > 0 }), strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }),
              pads.allSatisfy({ $0 >= 0 }),
              ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"].contains(autoPad) else {
            throw .unsupported("only 2-D windows run in integers (kernel \(kernel), strides \(strides), "
                               + "dilations \(dilations), pads \(pads), auto_pad \(autoPad))")
        }
        return SlidingWindow(kernel: kernel, strides: strides, dilations: dilations, pads: pads, autoPad: autoPad,
                             ceilMode: ceilMode)
    }

    private func poolWindow() throws(LayerCompilationError) -> SlidingWindow {
        guard let kernel = try intsAttribute("kernel_shape") else { throw .unsupported("pool without kernel_shape") }
        guard try intAttribute("storage_order", 0) == 0 else { throw .unsupported("storage_order = 1") }
        let window = try window(kernel: kernel, ceilMode: try intAttribute("ceil_mode", 0) != 0)
        guard window.dilations == [1, 1] else { throw .unsupported("dilated pooling") }
        return window
    }
}

// MARK: - Weighted layers

extension LayerCompilation {
    private mutating func compileConvolution(input: QuantizationParameters,
                                             output: QuantizationParameters) throws(LayerCompilationError) -> CompiledOperation {
        guard let weightName = layer.weight, let weight = graph.initializers[weightName], weight.rank == 4,
              let values = try? weight.floats() else {
            throw .unsupported("integer Conv needs a constant float32 [Cout, C/group, kH, kW] weight")
        }
        let outputChannels = weight.shape[0]
        let groups = Int(try intAttribute("group", 1))
        let window = try window(kernel: Array(weight.shape[2...]), ceilMode: false)
        let bias = try biasValues(count: outputChannels, scale: 1)
        let depth = weight.shape[1] * weight.shape[2] * weight.shape[3]
        let (storage, weightParameters, parameters, quantizedBias) =
            try quantizeWeighted(weights: values, outputChannels: outputChannels, bias: bias, depth: depth,
                                 input: input, output: output)
        var compiled = CompiledOperation(operation: .convolution(
            weights: storage, bias: quantizedBias, outputChannels: outputChannels, window: window, groups: groups,
            parameters: parameters))
        compiled.substitutes[weightName] = Tensor(shape: weight.shape,
                                                  floats: dequantizedWeights(storage, weightParameters, rows: outputChannels))
        if let biasName = layer.bias, let quantizedBias {
            compiled.substitutes[biasName] = Tensor(shape: [outputChannels], floats: dequantizedBias(
                quantizedBias, input: input, weights: weightParameters, divisor: 1))
        }
        return compiled
    }

    private mutating func compileFullyConnected(input: QuantizationParameters,
                                                output: QuantizationParameters) throws(LayerCompilationError) -> CompiledOperation {
        guard let weightName = layer.weight, let weight = graph.initializers[weightName], weight.rank == 2,
              let values = try? weight.floats() else {
            throw .unsupported("integer fully connected layer needs a constant float32 2-D weight")
        }
        var alpha: Float = 1
        var beta: Float = 1
        var transposed = main.opType == "MatMul"
        if main.opType == "Gemm" {
            guard try intAttribute("transA", 0) == 0 else { throw .unsupported("Gemm with transA = 1") }
            transposed = try intAttribute("transB", 0) == 0
            if case .float(let value) = main.attributes["alpha"] { alpha = value }
            if case .float(let value) = main.attributes["beta"] { beta = value }
        }
        guard alpha != 0 else { throw .unsupported("Gemm with alpha = 0") }
        // Rows of [N, K]: one per output feature.
        let (outputFeatures, inputFeatures) = transposed ? (weight.shape[1], weight.shape[0])
                                                         : (weight.shape[0], weight.shape[1])
        var rows = [Float](repeating: 0, count: values.count)
        for row in 0..<outputFeatures {
            for column in 0..<inputFeatures {
                let source = transposed ? column * outputFeatures + row : row * inputFeatures + column
                rows[row * inputFeatures + column] = alpha * values[source]
            }
        }
        let bias = try biasValues(count: outputFeatures, scale: main.opType == "Gemm" ? beta : 1)
        let (storage, weightParameters, parameters, quantizedBias) =
            try quantizeWeighted(weights: rows, outputChannels: outputFeatures, bias: bias, depth: inputFeatures,
                                 input: input, output: output)
        var compiled = CompiledOperation(operation: .fullyConnected(
            weights: storage, bias: quantizedBias, inputFeatures: inputFeatures, outputFeatures: outputFeatures,
            parameters: parameters))

        let dequantized = dequantizedWeights(storage, weightParameters, rows: outputFeatures)
        var original = [Float](repeating: 0, count: values.count)
        for row in 0..<outputFeatures {
            for column in 0..<inputFeatures {
                let target = transposed ? column * outputFeatures + row : row * inputFeatures + column
                original[target] = dequantized[row * inputFeatures + column] / alpha
            }
        }
        compiled.substitutes[weightName] = Tensor(shape: weight.shape, floats: original)
        if let biasName = layer.bias, let quantizedBias, let biasTensor = graph.initializers[biasName] {
            let divisor = main.opType == "Gemm" && beta != 0 ? beta : 1
            compiled.substitutes[biasName] = Tensor(shape: biasTensor.shape, floats: dequantizedBias(
                quantizedBias, input: input, weights: weightParameters, divisor: divisor))
        }
        return compiled
    }

    /// The layer's float bias times `scale`, or nil without one. A bias that
    /// does not hold one value per output channel (a broadcast Gemm C) is unsupported.
    private func biasValues(count: Int, scale: Float) throws(LayerCompilationError) -> [Float]? {
        guard let name = layer.bias, let tensor = graph.initializers[name], scale != 0 else { return nil }
        guard let values = try? tensor.floats(), values.count == count else {
            throw .unsupported("bias \(name) does not hold one float32 value per output channel")
        }
        return values.map { $0 * scale }
    }

    private typealias Weighted = (IntegerStorage, [QuantizationParameters], AccumulatingLayerParameters, [Int32]?)

    /// Quantizes weights laid out [outputChannels, depth...], the bias with
    /// scale S_in * S_w[c] and Z = 0, and prepares M[c] = S_in * S_w[c] / S_out.
    private mutating func quantizeWeighted(weights: [Float], outputChannels: Int, bias: [Float]?, depth: Int,
                                           input: QuantizationParameters,
                                           output: QuantizationParameters) throws(LayerCompilationError) -> Weighted {
        let scheme = self.scheme
        let layerName = layer.name
        let activation = layer.activation
        let storage: IntegerStorage
        let weightParameters: [QuantizationParameters]
        switch container {
        case .int8:
            let quantized = try wrap { () throws(QuantizationError) in
                try QuantizedWeights<Int8>(weights: weights, outputChannels: outputChannels, scheme: scheme)
            }
            storage = .int8(quantized.values)
            weightParameters = quantized.parameters
        case .uint8:
            let quantized = try wrap { () throws(QuantizationError) in
                try QuantizedWeights<UInt8>(weights: weights, outputChannels: outputChannels, scheme: scheme)
            }
            storage = .uint8(quantized.values)
            weightParameters = quantized.parameters
        }
        let parameters = try wrap { () throws(QuantizationError) in
            try AccumulatingLayerParameters(input: input, weights: weightParameters, output: output,
                                            activation: activation, reductionDepth: depth, layer: layerName,
                                            scheme: scheme)
        }
        let quantizedBias = try bias.map { values throws(LayerCompilationError) in
            try wrap { () throws(QuantizationError) in
                try quantizeBias(values, inputScale: input.scale, weightScales: weightParameters.map(\.scale))
            }
        }
        if let bias {
            try checkBiasHeadroom(bias, depth: depth, input: input, weights: weightParameters)
        }
        report.weightRange = ClipRange(lower: weights.min() ?? 0, upper: weights.max() ?? 0)
        report.weightParameters = weightParameters
        report.multipliers = parameters.outputMultipliers
        report.outputClamp = parameters.outputClamp
        report.reductionDepth = depth
        report.accumulatorLimit = try? AccumulatorHeadroom.maxReductionDepth(for: scheme)
        return (storage, weightParameters, parameters, quantizedBias)
    }

    /// Rejects a bias that the int32 accumulator cannot hold beside the
    /// largest product sum: |bias[c] / (S_in * S_w[c])| + depth * 255 * 255
    /// must stay within Int32.max, because centered 8-bit operands lie in
    /// [-255, 255]. Such a layer runs in float instead of wrapping silently.
    private func checkBiasHeadroom(_ bias: [Float], depth: Int, input: QuantizationParameters,
                                   weights: [QuantizationParameters]) throws(LayerCompilationError) {
        let limit = Double(Int32.max) - Double(depth) * 255 * 255
        for channel in bias.indices {
            let weightScale = weights[weights.count == 1 ? 0 : channel].scale
            let steps = abs(Double(bias[channel]) / (Double(input.scale) * Double(weightScale)))
            if steps > limit {
                let stepText = steps < 1e18 ? String(Int64(steps.rounded())) : "\(steps)"
                throw .unsupported("bias \(bias[channel]) of output channel \(channel) is \(stepText) steps of "
                    + "S_in * S_w, more than the \(Int(max(limit, 0))) the int32 accumulator holds beside a "
                    + "reduction of depth \(depth); the layer runs in float (calibrate on data that matches "
                    + "the model, or rescale the layer)")
            }
        }
    }

    /// S[c] * (q - Z[c]) for weights laid out [rows, ...].
    private func dequantizedWeights(_ storage: IntegerStorage, _ parameters: [QuantizationParameters],
                                    rows: Int) -> [Float] {
        let values: [Int32]
        switch storage {
        case .int8(let q): values = q.map(Int32.init)
        case .uint8(let q): values = q.map(Int32.init)
        }
        let perRow = values.count / max(rows, 1)
        return values.indices.map { index in
            parameters[parameters.count == 1 ? 0 : index / perRow].dequantize(values[index])
        }
    }

    /// q[c] * S_in * S_w[c] / divisor, the real bias the integer layer adds.
    private func dequantizedBias(_ bias: [Int32], input: QuantizationParameters,
                                 weights: [QuantizationParameters], divisor: Float) -> [Float] {
        bias.indices.map { channel in
            let scale = input.scale * weights[weights.count == 1 ? 0 : channel].scale
            return Float(bias[channel]) * scale / divisor
        }
    }
}

import XCTest
@testable import Quantization

/// Runs every operator of every TFLite fixture through the integer kernels,
/// fed with the fixture's own input tensors, and requires the interpreter's
/// output bit for bit. A second test rebuilds TFLite's derived integer
/// parameters from the stored scales with the preparation code.
final class TFLiteFixtureTests: XCTestCase {
    func testKernelsMatchInterpreterBitExactly() throws {
        let fixtures = try TFLiteFixture.loadAll()
        XCTAssertGreaterThan(fixtures.count, 0, "no fixtures in Fixtures/tflite")
        var checked = 0
        for (file, fixture) in fixtures {
            for op in fixture.operators {
                let label = "\(file) operator \(op.position) \(op.op)"
                if fixture.scheme == "uint8" {
                    try check(op, in: fixture, label: label, as: UInt8.self)
                } else {
                    try check(op, in: fixture, label: label, as: Int8.self)
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, fixtures.count)
    }

    func testPreparationReproducesDerivedParameters() throws {
        for (file, fixture) in try TFLiteFixture.loadAll() {
            for op in fixture.operators {
                guard let derived = op.derived else { continue }
                let label = "\(file) operator \(op.position) \(op.op)"
                let outputTensor = try XCTUnwrap(fixture.tensor(op.outputs[0]))
                let containerRange = fixture.scheme == "uint8" ? QuantizedRange(qmin: 0, qmax: 255)
                                                               : QuantizedRange(qmin: -128, qmax: 127)
                let output = try QuantizationParameters(scale: outputTensor.scales[0],
                                                        zeroPoint: outputTensor.zero_points[0], range: containerRange)
                let activation = FusedActivation(tfliteName: op.options.fused_activation ?? "NONE")
                XCTAssertEqual(activation?.clamp(for: output), derived.clamp, "\(label): clamp")

                let input = try XCTUnwrap(fixture.tensor(op.inputs[0]))
                switch op.op {
                case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED":
                    let weights = try XCTUnwrap(fixture.tensor(op.inputs[1]))
                    let expected = try XCTUnwrap(derived.output_multipliers)
                    for (channel, entry) in expected.enumerated() {
                        let real = Double(input.scales[0]) * Double(weights.scales[channel]) / Double(output.scale)
                        XCTAssertEqual(try QuantizedMultiplier(approximating: real), entry.quantized,
                                       "\(label): multiplier of channel \(channel)")
                    }
                case "ADD":
                    let input2 = try XCTUnwrap(fixture.tensor(op.inputs[1]))
                    let prepared = try AddParameters(
                        input1: QuantizationParameters(scale: input.scales[0], zeroPoint: input.zero_points[0], range: containerRange),
                        input2: QuantizationParameters(scale: input2.scales[0], zeroPoint: input2.zero_points[0], range: containerRange),
                        output: output, activation: activation ?? .none)
                    XCTAssertEqual(prepared.input1Multiplier, derived.input1_multiplier?.quantized, "\(label): M1")
                    XCTAssertEqual(prepared.input2Multiplier, derived.input2_multiplier?.quantized, "\(label): M2")
                    XCTAssertEqual(prepared.outputMultiplier, derived.output_multiplier?.quantized, "\(label): M3")
                    XCTAssertEqual(AddParameters.inputLeftShift, derived.left_shift, "\(label): left shift")
                case "MEAN":
                    let prepared = try RequantizeParameters(
                        from: QuantizationParameters(scale: input.scales[0], zeroPoint: input.zero_points[0], range: containerRange),
                        to: output)
                    XCTAssertEqual(prepared.multiplier, derived.output_multiplier?.quantized, "\(label): multiplier")
                default:
                    continue
                }
            }
        }
    }

    private func check<Element: QuantizedValue & Int8GemmElement>(_ op: TFLiteFixture.Operator, in fixture: TFLiteFixture,
                                                label: String, as type: Element.Type) throws {
        let outputTensor = try XCTUnwrap(fixture.tensor(op.outputs[0]), label)
        let expected = outputTensor.data.map { Element(truncatingIfNeeded: $0) }
        let actual: [Element]
        switch op.op {
        case "CONV_2D", "DEPTHWISE_CONV_2D":
            actual = try runConvolution(op, in: fixture, as: Element.self)
        case "FULLY_CONNECTED":
            actual = try runFullyConnected(op, in: fixture, as: Element.self)
        case "ADD":
            actual = try runAdd(op, in: fixture, as: Element.self)
        case "MAX_POOL_2D", "AVERAGE_POOL_2D":
            actual = try runPool(op, in: fixture, as: Element.self)
        case "MEAN":
            actual = try runMean(op, in: fixture, as: Element.self)
        case "CONCATENATION":
            actual = try runConcatenation(op, in: fixture, as: Element.self)
        default:
            XCTFail("\(label): operator not covered by the kernels")
            return
        }
        XCTAssertEqual(actual.count, expected.count, "\(label): output size")
        if let first = zip(actual, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            let mismatches = zip(actual, expected).filter { $0.0 != $0.1 }.count
            XCTFail("\(label): \(mismatches) of \(expected.count) values differ; first at NHWC index \(first.offset): "
                    + "kernel \(first.element.0), interpreter \(first.element.1)")
        }
    }

    private func values<Element: QuantizedValue>(_ tensor: TFLiteFixture.Tensor, as type: Element.Type) -> [Element] {
        tensor.data.map { Element(truncatingIfNeeded: $0) }
    }

    private func runConvolution<Element: QuantizedValue & Int8GemmElement>(_ op: TFLiteFixture.Operator, in fixture: TFLiteFixture,
                                                         as type: Element.Type) throws -> [Element] {
        let input = try XCTUnwrap(fixture.tensor(op.inputs[0]))
        let weights = try XCTUnwrap(fixture.tensor(op.inputs[1]))
        let derived = try XCTUnwrap(op.derived)
        let padding = try XCTUnwrap(derived.padding)
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let isDepthwise = op.op == "DEPTHWISE_CONV_2D"
        // CONV_2D weights are [Cout, kH, kW, Cin]; DEPTHWISE_CONV_2D weights are [1, kH, kW, Cout].
        let outputChannels = isDepthwise ? weights.shape[3] : weights.shape[0]
        let (kernelHeight, kernelWidth) = (weights.shape[1], weights.shape[2])
        let weightChannels = isDepthwise ? 1 : weights.shape[3]
        var reordered = [Element](repeating: 0, count: weights.data.count)
        for outputChannel in 0..<outputChannels {
            for y in 0..<kernelHeight {
                for x in 0..<kernelWidth {
                    for channel in 0..<weightChannels {
                        let source = isDepthwise ? (y * kernelWidth + x) * outputChannels + outputChannel
                            : ((outputChannel * kernelHeight + y) * kernelWidth + x) * weightChannels + channel
                        let target = ((outputChannel * weightChannels + channel) * kernelHeight + y) * kernelWidth + x
                        reordered[target] = Element(truncatingIfNeeded: weights.data[source])
                    }
                }
            }
        }
        let shape = Conv2DShape(batch: batch, inputChannels: channels, inputHeight: height, inputWidth: width,
                                outputChannels: outputChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                strideHeight: op.options.stride_h ?? 1, strideWidth: op.options.stride_w ?? 1,
                                dilationHeight: op.options.dilation_h_factor ?? 1,
                                dilationWidth: op.options.dilation_w_factor ?? 1,
                                padTop: padding.top, padLeft: padding.left,
                                padBottom: padding.bottom, padRight: padding.right,
                                groups: isDepthwise ? channels : 1)
        XCTAssertEqual(shape.outputHeight, padding.output_height)
        XCTAssertEqual(shape.outputWidth, padding.output_width)
        let bias = op.inputs.count > 2 && op.inputs[2] >= 0
            ? try XCTUnwrap(fixture.tensor(op.inputs[2])).data.map { Int32(truncatingIfNeeded: $0) } : nil
        let parameters = AccumulatingLayerParameters(
            inputZeroPoint: -(derived.input_offset ?? 0),
            weightZeroPoints: (derived.weights_offsets ?? [0]).map { -$0 },
            outputZeroPoint: derived.output_offset ?? 0,
            outputMultipliers: (derived.output_multipliers ?? []).map(\.quantized),
            outputClamp: derived.clamp)
        let inputNCHW = nhwcToNCHW(values(input, as: Element.self), batch: batch, height: height, width: width, channels: channels)
        let output = try conv2D(input: inputNCHW, weights: reordered, bias: bias, shape: shape, parameters: parameters)
        let packed = try runPackedConv2D(input: inputNCHW, weights: reordered, bias: bias, shape: shape,
                                         parameters: parameters)
        XCTAssertEqual(packed, output, "\(op.op) at \(op.position): the packed GEMM differs from conv2D")
        return nchwToNHWC(output, batch: batch, height: shape.outputHeight, width: shape.outputWidth, channels: outputChannels)
    }

    private func runFullyConnected<Element: QuantizedValue & Int8GemmElement>(_ op: TFLiteFixture.Operator, in fixture: TFLiteFixture,
                                                            as type: Element.Type) throws -> [Element] {
        let input = try XCTUnwrap(fixture.tensor(op.inputs[0]))
        let weights = try XCTUnwrap(fixture.tensor(op.inputs[1]))
        let derived = try XCTUnwrap(op.derived)
        let (outputFeatures, inputFeatures) = (weights.shape[0], weights.shape[1])
        let bias = op.inputs.count > 2 && op.inputs[2] >= 0
            ? try XCTUnwrap(fixture.tensor(op.inputs[2])).data.map { Int32(truncatingIfNeeded: $0) } : nil
        let parameters = AccumulatingLayerParameters(
            inputZeroPoint: -(derived.input_offset ?? 0),
            weightZeroPoints: (derived.weights_offsets ?? [0]).map { -$0 },
            outputZeroPoint: derived.output_offset ?? 0,
            outputMultipliers: (derived.output_multipliers ?? []).map(\.quantized),
            outputClamp: derived.clamp)
        let output = try fullyConnected(input: values(input, as: Element.self),
                                        weights: values(weights, as: Element.self), bias: bias,
                                        batch: input.data.count / inputFeatures, inputFeatures: inputFeatures,
                                        outputFeatures: outputFeatures, parameters: parameters)
        let packed = try runPackedFullyConnected(input: values(input, as: Element.self),
                                                 weights: values(weights, as: Element.self), bias: bias,
                                                 batch: input.data.count / inputFeatures,
                                                 inputFeatures: inputFeatures, outputFeatures: outputFeatures,
                                                 parameters: parameters)
        XCTAssertEqual(packed, output, "FULLY_CONNECTED at \(op.position): the packed GEMM differs")
        return output
    }

    private func runAdd<Element: QuantizedValue>(_ op: TFLiteFixture.Operator, in fixture: TFLiteFixture,
                                                 as type: Element.Type) throws -> [Element] {
        let input1 = try XCTUnwrap(fixture.tensor(op.inputs[0]))
        let input2 = try XCTUnwrap(fixture.tensor(op.inputs[1]))
        let derived = try XCTUnwrap(op.derived)
        XCTAssertEqual(input1.shape, input2.shape, "Add fixtures without broadcasting")
        let parameters = AddParameters(
            input1ZeroPoint: -(derived.input1_offset ?? 0), input2ZeroPoint: -(derived.input2_offset ?? 0),
            outputZeroPoint: derived.output_offset ?? 0,
            input1Multiplier: try XCTUnwrap(derived.input1_multiplier).quantized,
            input2Multiplier: try XCTUnwrap(derived.input2_multiplier).quantized,
            outputMultiplier: try XCTUnwrap(derived.output_multiplier).quantized,
            outputClamp: derived.clamp)
        // Elementwise, so the NHWC order can stay.
        return try add(values(input1, as: Element.self), values(input2, as: Element.self), parameters: parameters)
    }

    private func runPool<Element: QuantizedValue>(_ op: TFLiteFixture.Operator, in fixture: TFLiteFixture,
                                                  as type: Element.Type) throws -> [Element] {
        let input = try XCTUnwrap(fixture.tensor(op.inputs[0]))
        let derived = try XCTUnwrap(op.derived)
        let padding = try XCTUnwrap(derived.padding)
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let shape = Pool2DShape(batch: batch, channels: channels, inputHeight: height, inputWidth: width,
                                kernelHeight: try XCTUnwrap(op.options.filter_height),
                                kernelWidth: try XCTUnwrap(op.options.filter_width),
                                strideHeight: op.options.stride_h ?? 1, strideWidth: op.options.stride_w ?? 1,
                                padTop: padding.top, padLeft: padding.left,
                                padBottom: padding.bottom, padRight: padding.right)
        let inputNCHW = nhwcToNCHW(values(input, as: Element.self), batch: batch, height: height, width: width, channels: channels)
        let output: [Element]
        if op.op == "MAX_POOL_2D" {
            output = try maxPool2D(input: inputNCHW, shape: shape, outputClamp: derived.clamp)
        } else {
            output = try averagePool2D(input: inputNCHW, shape: shape, zeroPoint: input.zero_points[0],
                                       outputClamp: derived.clamp)
        }
        return nchwToNHWC(output, batch: batch, height: shape.outputHeight, width: shape.outputWidth, channels: channels)
    }

    private func runMean<Element: QuantizedValue>(_ op: TFLiteFixture.Operator, in fixture: TFLiteFixture,
                                                  as type: Element.Type) throws -> [Element] {
        let input = try XCTUnwrap(fixture.tensor(op.inputs[0]))
        let derived = try XCTUnwrap(op.derived)
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let parameters = RequantizeParameters(inputZeroPoint: -(derived.input_offset ?? 0),
                                              outputZeroPoint: derived.output_offset ?? 0,
                                              multiplier: try XCTUnwrap(derived.output_multiplier).quantized,
                                              outputClamp: derived.clamp)
        let inputNCHW = nhwcToNCHW(values(input, as: Element.self), batch: batch, height: height, width: width, channels: channels)
        // [N, C] and [N, 1, 1, C] have the same element order.
        return try globalAveragePool(input: inputNCHW, batch: batch, channels: channels, height: height,
                                     width: width, parameters: parameters)
    }

    private func runConcatenation<Element: QuantizedValue>(_ op: TFLiteFixture.Operator, in fixture: TFLiteFixture,
                                                           as type: Element.Type) throws -> [Element] {
        let inputs = try op.inputs.map { try XCTUnwrap(fixture.tensor($0)) }
        let output = try XCTUnwrap(fixture.tensor(op.outputs[0]))
        let rank = output.shape.count
        let rawAxis = try XCTUnwrap(op.options.axis)
        let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
        let outer = output.shape[..<axis].reduce(1, *)
        let inner = output.shape[(axis + 1)...].reduce(1, *)
        let range = Element.self == UInt8.self ? QuantizedRange(qmin: 0, qmax: 255) : QuantizedRange(qmin: -128, qmax: 127)
        let outputParameters = try QuantizationParameters(scale: output.scales[0], zeroPoint: output.zero_points[0], range: range)
        let requantizations = try inputs.map { tensor in
            try RequantizeParameters(from: QuantizationParameters(scale: tensor.scales[0], zeroPoint: tensor.zero_points[0],
                                                                  range: range),
                                     to: outputParameters)
        }
        // Concatenation works on any layout given outer and inner extents, so NHWC stays.
        return try concat(inputs.map { values($0, as: Element.self) }, outer: outer,
                          axisExtents: inputs.map { $0.shape[axis] }, inner: inner, parameters: requantizations)
    }
}

extension FusedActivation {
    /// Maps TFLite's fused activation names; nil for ones the kernels do not fuse.
    init?(tfliteName: String) {
        switch tfliteName {
        case "NONE": self = .none
        case "RELU": self = .relu
        case "RELU6": self = .relu6
        default: return nil
        }
    }
}

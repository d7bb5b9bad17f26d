import XCTest
@testable import Quantization

/// The channels-last (NHWC) kernels against the scalar NCHW reference
/// kernels, value for value, on seeded random shapes of both 8-bit types:
/// odd sizes, padding, strides, batch > 1, zero-points and clamps at the
/// ends of the container's range. Inputs are generated NCHW and moved with
/// `relayout`, whose index mapping is checked first.
final class ChannelsLastKernelTests: XCTestCase {
    func testRelayoutMovesEveryIndex() {
        let shape = [2, 3, 4, 5]
        let values = (0..<120).map { UInt8($0) }
        let channelsLast = relayout(values, shape: shape, from: .rowMajor, to: .channelsLast)
        for n in 0..<2 {
            for c in 0..<3 {
                for y in 0..<4 {
                    for x in 0..<5 {
                        XCTAssertEqual(channelsLast[((n * 4 + y) * 5 + x) * 3 + c], values[((n * 3 + c) * 4 + y) * 5 + x])
                    }
                }
            }
        }
        XCTAssertEqual(relayout(channelsLast, shape: shape, from: .channelsLast, to: .rowMajor), values)
    }

    func testTensorLayoutRoundTrip() {
        let tensor = IntegerTensor(shape: [1, 2, 3, 3], storage: .int8((0..<18).map { Int8($0) }), zeroPoint: -4)
        let moved = tensor.inLayout(.channelsLast)
        XCTAssertEqual(moved.layout, .channelsLast)
        XCTAssertEqual(moved.storage, .int8([0, 9, 1, 10, 2, 11, 3, 12, 4, 13, 5, 14, 6, 15, 7, 16, 8, 17]))
        XCTAssertEqual(moved.inLayout(.rowMajor), tensor)
        let flat = IntegerTensor(shape: [2, 9], storage: .int8((0..<18).map { Int8($0) }), zeroPoint: 0,
                                 layout: .channelsLast)
        XCTAssertEqual(flat.layout, .rowMajor, "only 4-D tensors are stored channels-last")
    }

    func testMaxPoolMatchesReference() throws {
        var generator = SeededGenerator(seed: 0x4D41_5850)
        var checked = 0
        for trial in 0..<80 {
            let shape = randomPoolShape(trial: trial, using: &generator)
            guard shape.outputHeight > 0, shape.outputWidth > 0 else { continue }
            if trial % 2 == 0 {
                try checkMaxPool(shape, UInt8.self, trial: trial, using: &generator)
            } else {
                try checkMaxPool(shape, Int8.self, trial: trial, using: &generator)
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 50)
    }

    func testGlobalAveragePoolMatchesReference() throws {
        var generator = SeededGenerator(seed: 0x6A9_0001)
        for trial in 0..<60 {
            if trial % 2 == 0 {
                try checkGlobalAveragePool(UInt8.self, trial: trial, using: &generator)
            } else {
                try checkGlobalAveragePool(Int8.self, trial: trial, using: &generator)
            }
        }
    }

    func testIntegerLayerConvolutionPathsMatchReference() throws {
        var generator = SeededGenerator(seed: 0xC0_11A7)
        // (inputChannels, outputChannels, groups, kernel, stride, pad): the 1x1 direct GEMM,
        // im2col 3x3 with stride 1 and 2, first layers with one input channel (a 7x7 window
        // has more taps than the paired int16 path takes), depthwise, and a grouped convolution.
        let cases: [(Int, Int, Int, Int, Int, Int)] = [
            (5, 7, 1, 1, 1, 0), (16, 33, 1, 1, 1, 0), (3, 9, 1, 3, 1, 1), (6, 20, 1, 3, 2, 1),
            (1, 32, 1, 3, 1, 1), (1, 5, 1, 5, 2, 2), (1, 70, 1, 7, 1, 3), (8, 8, 8, 3, 1, 1), (8, 16, 8, 3, 2, 1),
            (6, 4, 2, 3, 1, 0),
        ]
        for (index, testCase) in cases.enumerated() {
            for path in availablePaths {
                try VectorPath.withLimit(path) {
                    try checkCase(index, testCase, path: path, using: &generator)
                }
            }
        }
    }

    func testQuantizeFloatsMatchesSwiftQuantizer() throws {
        let range = QuantizedRange(qmin: -128, qmax: 127)
        var generator = SeededGenerator(seed: 0x0F10_A7)
        var values: [Float] = [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 126.5, -127.5,
                               8_388_607.5, -8_388_607.5, 8_388_608, 16_777_215, 1e30, -1e30, .infinity,
                               -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        values += (0..<500).map { _ in Float.random(in: -300...300, using: &generator) }
        values += (0..<100).map { _ in Float(Int.random(in: -400...400, using: &generator)) / 2 }
        for (scale, zeroPoint) in [(Float(1), Int32(0)), (0.5, -128), (0.0039215689, 127), (3.7, -5)] {
            let parameters = try QuantizationParameters(scale: scale, zeroPoint: zeroPoint, range: range)
            let expected = values.map { Int8(truncatingIfNeeded: parameters.quantize($0)) }
            for path in availablePaths {
                let actual = VectorPath.withLimit(path) { quantizeFloats(values, parameters: parameters, as: Int8.self) }
                XCTAssertEqual(actual, expected, "S=\(scale) Z=\(zeroPoint) on \(path)")
            }
        }
        let unsigned = try QuantizationParameters(scale: 0.02, zeroPoint: 255, range: QuantizedRange(qmin: 0, qmax: 255))
        XCTAssertEqual(quantizeFloats(values, parameters: unsigned, as: UInt8.self),
                       values.map { UInt8(truncatingIfNeeded: unsigned.quantize($0)) })
    }

    // MARK: Helpers

    /// The vector paths this CPU can run, each of which the kernels must compute identically.
    private var availablePaths: [VectorPath] {
        VectorPath.allCases.filter { $0.rawValue <= VectorPath.current.rawValue }
    }

    private func checkCase(_ index: Int, _ testCase: (Int, Int, Int, Int, Int, Int), path: VectorPath,
                           using generator: inout SeededGenerator) throws {
        let (inputChannels, outputChannels, groups, kernel, stride, pad) = testCase
        let shape = Conv2DShape(
            batch: 3, inputChannels: inputChannels, inputHeight: Int.random(in: 5...9, using: &generator),
            inputWidth: Int.random(in: 5...9, using: &generator), outputChannels: outputChannels,
            kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
            dilationHeight: 1, dilationWidth: 1, padTop: pad, padLeft: pad, padBottom: pad, padRight: pad,
            groups: groups)
        let label = "case \(index) on \(path): \(shape)"
        if index % 2 == 0 {
            try checkLayer(shape, UInt8.self, using: &generator, label: label)
        } else {
            try checkLayer(shape, Int8.self, using: &generator, label: label)
        }
    }

    private func randomPoolShape(trial: Int, using generator: inout SeededGenerator) -> Pool2DShape {
        let kernelHeight = Int.random(in: 1...3, using: &generator)
        let kernelWidth = Int.random(in: 1...3, using: &generator)
        let padded = trial % 3 == 0
        return Pool2DShape(batch: Int.random(in: 1...3, using: &generator),
                           channels: [1, 3, 16, 17, 32, 33][trial % 6],
                           inputHeight: Int.random(in: 1...11, using: &generator),
                           inputWidth: Int.random(in: 1...11, using: &generator),
                           kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                           strideHeight: Int.random(in: 1...2, using: &generator),
                           strideWidth: Int.random(in: 1...3, using: &generator),
                           padTop: padded ? Int.random(in: 0...(kernelHeight - 1), using: &generator) : 0,
                           padLeft: padded ? Int.random(in: 0...(kernelWidth - 1), using: &generator) : 0,
                           padBottom: padded ? Int.random(in: 0...(kernelHeight - 1), using: &generator) : 0,
                           padRight: padded ? Int.random(in: 0...(kernelWidth - 1), using: &generator) : 0)
    }

    private func checkMaxPool<Element: QuantizedValue>(_ shape: Pool2DShape, _ type: Element.Type, trial: Int,
                                                       using generator: inout SeededGenerator) throws {
        let low = Int32(Element.min), high = Int32(Element.max)
        // Every fourth trial clamps to the full range, so the edge values pass through unchanged.
        let clamp = trial % 4 == 1 ? ActivationClamp(lower: low, upper: high)
            : ActivationClamp(lower: Int32.random(in: low...(low + 60), using: &generator),
                              upper: Int32.random(in: (high - 60)...high, using: &generator))
        let input = (0..<shape.inputCount).map { index -> Element in
            index % 7 == 0 ? (index % 2 == 0 ? Element.min : Element.max)
                : Element.random(in: Element.min...Element.max, using: &generator)
        }
        let expected = try maxPool2D(input: input, shape: shape, outputClamp: clamp)

        let inputShape = [shape.batch, shape.channels, shape.inputHeight, shape.inputWidth]
        let outputShape = [shape.batch, shape.channels, shape.outputHeight, shape.outputWidth]
        let channelsLast = relayout(input, shape: inputShape, from: .rowMajor, to: .channelsLast)
        for path in availablePaths {
            var actual = [Element](repeating: 0, count: shape.outputCount)
            try VectorPath.withLimit(path) {
                try channelsLast.withUnsafeBufferPointer { inputBuffer in
                    try actual.withUnsafeMutableBufferPointer { outputBuffer in
                        try Result { () throws(KernelError) in
                            try maxPool2DChannelsLast(input: inputBuffer, output: outputBuffer, shape: shape,
                                                      outputClamp: clamp)
                        }.get()
                    }
                }
            }
            XCTAssertEqual(relayout(actual, shape: outputShape, from: .channelsLast, to: .rowMajor), expected,
                           "trial \(trial) on \(path): \(shape) \(clamp)")
        }
    }

    private func checkGlobalAveragePool<Element: QuantizedValue>(_ type: Element.Type, trial: Int,
                                                                 using generator: inout SeededGenerator) throws {
        let batch = Int.random(in: 1...3, using: &generator)
        let channels = [1, 7, 16, 33, 128][trial % 5]
        let height = Int.random(in: 1...9, using: &generator), width = Int.random(in: 1...9, using: &generator)
        let low = Int32(Element.min), high = Int32(Element.max)
        let edgeZeroPoints = [low, high, low + 1, high - 1]
        let parameters = RequantizeParameters(
            inputZeroPoint: trial < 8 ? edgeZeroPoints[trial % 4] : Int32.random(in: low...high, using: &generator),
            outputZeroPoint: Int32.random(in: low...high, using: &generator),
            multiplier: trial % 5 == 0 ? .one
                : QuantizedMultiplier(m0: Int32.random(in: (1 << 30)...Int32.max, using: &generator),
                                      shift: Int32.random(in: -3...0, using: &generator)),
            outputClamp: ActivationClamp(lower: low, upper: high))
        let input = (0..<(batch * channels * height * width)).map { _ in
            Element.random(in: Element.min...Element.max, using: &generator)
        }
        let expected = try globalAveragePool(input: input, batch: batch, channels: channels, height: height,
                                             width: width, parameters: parameters)

        let channelsLast = relayout(input, shape: [batch, channels, height, width], from: .rowMajor, to: .channelsLast)
        let scratch = try IntegerScratch()
        var actual = [Element](repeating: 0, count: batch * channels)
        try channelsLast.withUnsafeBufferPointer { inputBuffer in
            try actual.withUnsafeMutableBufferPointer { outputBuffer in
                try Result { () throws(KernelError) in
                    try globalAveragePoolChannelsLast(input: inputBuffer, output: outputBuffer, batch: batch,
                                                      channels: channels, height: height, width: width,
                                                      parameters: parameters, scratch: scratch)
                }.get()
            }
        }
        XCTAssertEqual(actual, expected, "trial \(trial): \(batch)x\(channels)x\(height)x\(width) \(parameters)")
    }

    /// Runs a Conv `IntegerLayer` on a row-major and on a channels-last input
    /// and compares both with `conv2D`.
    private func checkLayer<Element: QuantizedValue & Int8GemmElement>(
        _ shape: Conv2DShape, _ type: Element.Type, using generator: inout SeededGenerator, label: String
    ) throws {
        let low = Int32(Element.min), high = Int32(Element.max)
        let input = (0..<shape.inputCount).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }
        let weights = (0..<shape.weightCount).map { _ in
            Element.random(in: Element.min...Element.max, using: &generator)
        }
        let parameters = AccumulatingLayerParameters(
            inputZeroPoint: Element.self == Int8.self ? low : high,
            weightZeroPoints: Element.self == Int8.self ? [0] : [Int32.random(in: low...high, using: &generator)],
            outputZeroPoint: Int32.random(in: low...high, using: &generator),
            outputMultipliers: (0..<shape.outputChannels).map { _ in
                QuantizedMultiplier(m0: Int32.random(in: (1 << 30)...Int32.max, using: &generator),
                                    shift: Int32.random(in: -14 ... -6, using: &generator))
            },
            outputClamp: ActivationClamp(lower: low, upper: high))
        let bias = (0..<shape.outputChannels).map { _ in Int32.random(in: -30_000...30_000, using: &generator) }
        let expected = try conv2D(input: input, weights: weights, bias: bias, shape: shape, parameters: parameters)

        let window = SlidingWindow(kernel: [shape.kernelHeight, shape.kernelWidth],
                                   strides: [shape.strideHeight, shape.strideWidth], dilations: [1, 1],
                                   pads: [shape.padTop, shape.padLeft, shape.padBottom, shape.padRight],
                                   autoPad: "NOTSET", ceilMode: false)
        let layer = IntegerLayer(
            name: "conv", operation: .convolution(weights: IntegerStorage(weights), bias: bias,
                                                  outputChannels: shape.outputChannels, window: window,
                                                  groups: shape.groups, parameters: parameters),
            inputs: ["x"], output: "y", container: Element.self == Int8.self ? .int8 : .uint8,
            outputZeroPoint: parameters.outputZeroPoint)
        let rowMajor = IntegerTensor(shape: shape.inputShape, storage: IntegerStorage(input),
                                     zeroPoint: parameters.inputZeroPoint)
        for layout in [ActivationLayout.rowMajor, .channelsLast] {
            let output = try layer.execute([rowMajor.inLayout(layout)])
            XCTAssertEqual(output.shape, shape.outputShape, label)
            XCTAssertEqual(output.inLayout(.rowMajor).storage, IntegerStorage(expected), "\(label) from \(layout)")
        }
    }
}

import XCTest
@testable import Quantization

/// `depthwiseConv2D` (NHWC) against the scalar reference `conv2D` (NCHW), value for value,
/// on seeded random layers with one input channel per group (depthwise with
/// channel multipliers 1 to 3, and single-channel inputs) of both 8-bit types: padding with
/// nonzero input zero-points, strides, dilations, per-tensor and
/// per-channel weight zero-points and multipliers, with and without bias.
final class DepthwiseConv2DTests: XCTestCase {
    func testDepthwiseMatchesReferenceOnRandomLayers() throws {
        var generator = SeededGenerator(seed: 0xD3E7_0A11)
        var checked = 0
        for trial in 0..<80 {
            let channels = Int.random(in: 1...9, using: &generator)
            let multiplier = [1, 1, 2, 3][trial % 4]
            let kernelSize = [3, 3, 1, 2, 5][trial % 5]
            let shape = Conv2DShape(
                batch: Int.random(in: 1...2, using: &generator),
                inputChannels: channels,
                inputHeight: Int.random(in: 1...13, using: &generator),
                inputWidth: Int.random(in: 1...13, using: &generator),
                outputChannels: channels * multiplier,
                kernelHeight: kernelSize, kernelWidth: trial % 3 == 2 ? 1 : kernelSize,
                strideHeight: Int.random(in: 1...2, using: &generator),
                strideWidth: Int.random(in: 1...3, using: &generator),
                dilationHeight: trial % 6 == 5 ? 2 : 1, dilationWidth: trial % 7 == 6 ? 2 : 1,
                padTop: Int.random(in: 0...2, using: &generator), padLeft: Int.random(in: 0...2, using: &generator),
                padBottom: Int.random(in: 0...2, using: &generator), padRight: Int.random(in: 0...2, using: &generator),
                groups: channels)
            guard shape.outputHeight > 0, shape.outputWidth > 0 else { continue }
            let label = "trial \(trial): \(shape)"
            if trial % 2 == 0 {
                try check(shape, UInt8.self, perChannel: trial % 4 == 0, generator: &generator, label: label)
            } else {
                try check(shape, Int8.self, perChannel: trial % 4 == 1, generator: &generator, label: label)
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 50)
    }

    /// Every vector path on the cases the AVX-512 row handles separately. Channel counts fall
    /// below, at and past multiples of 16, and rows have four-pixel groups plus a remainder.
    /// Windows have fewer than, exactly and more than nine taps, and zero-points sit at both
    /// ends of the 8-bit range.
    func testDepthwiseMatchesReferenceOnEveryVectorPath() throws {
        var generator = SeededGenerator(seed: 0xD3E7_16AF)
        // (channels, multiplier, kernel, stride, dilation, pad)
        let cases: [(Int, Int, Int, Int, Int, Int)] = [
            (16, 1, 3, 1, 1, 1), (17, 1, 3, 2, 1, 1), (33, 1, 3, 1, 1, 0), (64, 1, 3, 2, 1, 1),
            (70, 1, 3, 1, 2, 2), (8, 2, 3, 1, 1, 1), (20, 1, 2, 1, 1, 1), (19, 1, 5, 1, 1, 2), (48, 1, 1, 1, 1, 0),
        ]
        let paths = VectorPath.allCases.filter { $0.rawValue <= VectorPath.current.rawValue }
        for (index, testCase) in cases.enumerated() {
            let (channels, multiplier, kernel, stride, dilation, pad) = testCase
            let shape = Conv2DShape(
                batch: 2, inputChannels: channels, inputHeight: Int.random(in: 6...11, using: &generator),
                inputWidth: Int.random(in: 9...19, using: &generator), outputChannels: channels * multiplier,
                kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
                dilationHeight: dilation, dilationWidth: dilation, padTop: pad, padLeft: pad, padBottom: pad,
                padRight: pad, groups: channels)
            for path in paths {
                for extreme in [false, true] {
                    let label = "case \(index) on \(path), zero-points at the \(extreme ? "top" : "bottom"): \(shape)"
                    try VectorPath.withLimit(path) {
                        if index % 2 == 0 {
                            try check(shape, Int8.self, perChannel: index % 3 == 0, generator: &generator,
                                      label: label, zeroPoint: extreme ? 127 : -128)
                        } else {
                            try check(shape, UInt8.self, perChannel: index % 3 == 0, generator: &generator,
                                      label: label, zeroPoint: extreme ? 255 : 0)
                        }
                    }
                }
            }
        }
    }

    func testGroupedConvolutionIsDeclined() throws {
        let shape = Conv2DShape(batch: 1, inputChannels: 4, inputHeight: 5, inputWidth: 5, outputChannels: 8,
                                kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1,
                                dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1, padBottom: 1,
                                padRight: 1, groups: 2)
        let parameters = AccumulatingLayerParameters(
            inputZeroPoint: 3, weightZeroPoints: [0], outputZeroPoint: 0,
            outputMultipliers: [QuantizedMultiplier(m0: 1 << 30, shift: -8)],
            outputClamp: ActivationClamp(lower: -128, upper: 127))
        let input = [Int8](repeating: 1, count: shape.inputCount)
        let weights = [Int8](repeating: 1, count: shape.weightCount)
        let scratch = try IntegerScratch()
        var output = [Int8](repeating: 0, count: shape.outputCount)
        let ran = try input.withUnsafeBufferPointer { inputBuffer in
            try weights.withUnsafeBufferPointer { weightBuffer in
                try output.withUnsafeMutableBufferPointer { outputBuffer in
                    try depthwiseConv2D(input: inputBuffer, weights: weightBuffer, bias: nil, output: outputBuffer,
                                        shape: shape, parameters: parameters, scratch: scratch)
                }
            }
        }
        XCTAssertFalse(ran)
    }

    // MARK: Helpers

    private func check<Element: QuantizedValue & Int8GemmElement>(
        _ shape: Conv2DShape, _ type: Element.Type, perChannel: Bool, generator: inout SeededGenerator, label: String,
        zeroPoint: Int32? = nil
    ) throws {
        let channels = shape.outputChannels
        let input = (0..<shape.inputCount).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }
        let weights = (0..<shape.weightCount).map { _ in
            Element.random(in: Element.min...Element.max, using: &generator)
        }
        let low = Int32(Element.min), high = Int32(Element.max)
        let count = perChannel ? channels : 1
        let parameters = AccumulatingLayerParameters(
            inputZeroPoint: zeroPoint ?? Int32.random(in: (low + 1)...(high - 1), using: &generator),
            weightZeroPoints: (0..<count).map { _ in
                zeroPoint ?? Int32.random(in: (low + 1)...(high - 1), using: &generator)
            },
            outputZeroPoint: Int32.random(in: low...high, using: &generator),
            outputMultipliers: (0..<count).map { _ in
                QuantizedMultiplier(m0: Int32.random(in: (1 << 30)...Int32.max, using: &generator),
                                    shift: Int32.random(in: -14 ... -4, using: &generator))
            },
            outputClamp: ActivationClamp(lower: Int32.random(in: low...(low + 20), using: &generator),
                                         upper: Int32.random(in: (high - 20)...high, using: &generator)))
        let bias: [Int32]? = shape.batch == 2 && perChannel ? nil
            : (0..<channels).map { _ in Int32.random(in: -20_000...20_000, using: &generator) }
        let expected = try conv2D(input: input, weights: weights, bias: bias, shape: shape, parameters: parameters)

        let scratch = try IntegerScratch()
        var actual = [Element](repeating: 0, count: shape.outputCount)
        let channelsLast = relayout(input, shape: shape.inputShape, from: .rowMajor, to: .channelsLast)
        let ran = try channelsLast.withUnsafeBufferPointer { inputBuffer in
            try weights.withUnsafeBufferPointer { weightBuffer in
                try actual.withUnsafeMutableBufferPointer { outputBuffer in
                    try withOptionalBuffer(bias) { biasBuffer in
                        Result {
                            try depthwiseConv2D(input: inputBuffer, weights: weightBuffer, bias: biasBuffer,
                                                output: outputBuffer, shape: shape, parameters: parameters,
                                                scratch: scratch)
                        }
                    }.get()
                }
            }
        }
        XCTAssertTrue(ran, label)
        XCTAssertEqual(relayout(actual, shape: shape.outputShape, from: .channelsLast, to: .rowMajor), expected, label)
    }
}

import XCTest
@testable import Quantization

/// The packed-GEMM Conv and fully connected layers against the scalar
/// reference kernels, value for value, on seeded random layers of both
/// schemes: uint8 with a nonzero weight zero-point per tensor, int8 with
/// per-channel multipliers, padding with nonzero input zero-points, strides,
/// dilations and groups.
final class PackedLayerTests: XCTestCase {
    func testPackedConv2DMatchesReferenceOnRandomLayers() throws {
        var generator = SeededGenerator(seed: 0x5EED_C0DE)
        for trial in 0..<60 {
            let groups = [1, 1, 2, 3][trial % 4]
            let shape = Conv2DShape(
                batch: Int.random(in: 1...2, using: &generator),
                inputChannels: groups * Int.random(in: 1...5, using: &generator),
                inputHeight: Int.random(in: 3...11, using: &generator),
                inputWidth: Int.random(in: 3...11, using: &generator),
                outputChannels: groups * Int.random(in: 1...20, using: &generator),
                kernelHeight: Int.random(in: 1...3, using: &generator),
                kernelWidth: Int.random(in: 1...3, using: &generator),
                strideHeight: Int.random(in: 1...2, using: &generator),
                strideWidth: Int.random(in: 1...2, using: &generator),
                dilationHeight: trial % 5 == 4 ? 2 : 1, dilationWidth: trial % 7 == 6 ? 2 : 1,
                padTop: Int.random(in: 0...2, using: &generator), padLeft: Int.random(in: 0...2, using: &generator),
                padBottom: Int.random(in: 0...2, using: &generator), padRight: Int.random(in: 0...2, using: &generator),
                groups: groups)
            guard shape.outputHeight > 0, shape.outputWidth > 0 else { continue }
            let label = "trial \(trial): \(shape)"
            if trial % 2 == 0 {
                try checkConvolution(shape, UInt8.self, perChannel: false, generator: &generator, label: label)
            } else {
                try checkConvolution(shape, Int8.self, perChannel: true, generator: &generator, label: label)
            }
        }
    }

    func testPackedFullyConnectedMatchesReferenceOnRandomLayers() throws {
        var generator = SeededGenerator(seed: 0xFC_0123)
        for trial in 0..<40 {
            let batch = Int.random(in: 1...37, using: &generator)
            let inputFeatures = Int.random(in: 1...300, using: &generator)
            let outputFeatures = Int.random(in: 1...90, using: &generator)
            let label = "trial \(trial): \(batch) x \(inputFeatures) -> \(outputFeatures)"
            if trial % 2 == 0 {
                try checkFullyConnected(batch, inputFeatures, outputFeatures, UInt8.self, perChannel: false,
                                        generator: &generator, label: label)
            } else {
                try checkFullyConnected(batch, inputFeatures, outputFeatures, Int8.self, perChannel: true,
                                        generator: &generator, label: label)
            }
        }
    }

    func testChannelOutputStageMatchesOutputStage() throws {
        var generator = SeededGenerator(seed: 0x0057_A6E)
        let accumulators = int32EdgeValues + (0..<300).map { _ in Int32.random(in: Int32.min...Int32.max, using: &generator) }
        // One channel per (shift, M0) pair, so every lane of a vector has its own shift.
        var multipliers: [QuantizedMultiplier] = []
        for shift in QuantizedMultiplier.validShifts {
            for m0: Int32 in [0, 1 << 30, (1 << 30) + 12_345, Int32.max] {
                multipliers.append(QuantizedMultiplier(m0: m0, shift: shift))
            }
        }
        let channels = multipliers.count
        let bias = (0..<channels).map { _ in Int32.random(in: -1000...1000, using: &generator) }
        let scratch = try IntegerScratch()
        for zeroPoint: Int32 in [-128, -3, 0, 127] {
            let clamp = ActivationClamp(lower: zeroPoint == 0 ? 0 : -128, upper: 127)
            let parameters = AccumulatingLayerParameters(
                inputZeroPoint: 0, weightZeroPoints: [0], outputZeroPoint: zeroPoint,
                outputMultipliers: multipliers, outputClamp: clamp)
            // Rows of `channels` accumulators: channel c of row r reads accumulators[(r + c) % count].
            let rows = accumulators.count
            let block = (0..<(rows * channels)).map { accumulators[($0 / channels + $0 % channels) % rows] }
            for path in VectorPath.allCases where path.rawValue <= VectorPath.current.rawValue {
                var actual = [Int8](repeating: 0, count: rows * (channels + 3))
                VectorPath.withLimit(path) {
                    block.withUnsafeBufferPointer { source in
                        bias.withUnsafeBufferPointer { biasBuffer in
                            actual.withUnsafeMutableBufferPointer { output in
                                let stage = ChannelOutputStage(parameters: parameters, bias: biasBuffer,
                                                               channels: channels, scratch: scratch)
                                stage.apply(source.baseAddress!, accumulatorStride: channels, rows: rows,
                                            firstChannel: 0, channelCount: channels, output: output.baseAddress!,
                                            outputStride: channels + 3)
                            }
                        }
                    }
                }
                checkRows(actual, block: block, rows: rows, channels: channels, bias: bias,
                              multipliers: multipliers, zeroPoint: zeroPoint, clamp: clamp, label: "\(path)")
            }
        }
    }

    func testWeightZeroPointsDifferingInsideAGroupAreNotPacked() {
        let weights = [UInt8](repeating: 3, count: 2 * 4)
        XCTAssertNil(PackedLayerWeights(weights: weights, outputChannels: 2, depth: 4, groups: 1,
                                        weightZeroPoints: [1, 2]))
        XCTAssertNotNil(PackedLayerWeights(weights: weights, outputChannels: 2, depth: 4, groups: 2,
                                           weightZeroPoints: [1, 2]))
    }

    // MARK: Helpers

    private func checkRows(_ actual: [Int8], block: [Int32], rows: Int, channels: Int, bias: [Int32],
                           multipliers: [QuantizedMultiplier], zeroPoint: Int32, clamp: ActivationClamp,
                           label: String) {
        for row in 0..<rows {
            let expected = (0..<channels).map { channel in
                Int8(outputStage(accumulator: block[row * channels + channel], bias: bias[channel],
                                 multiplier: multipliers[channel], outputZeroPoint: zeroPoint, clamp: clamp))
            }
            let start = row * (channels + 3)
            XCTAssertEqual(Array(actual[start..<(start + channels)]), expected, "row \(row) Z3=\(zeroPoint) \(label)")
        }
    }


    private func checkConvolution<Element: QuantizedValue & Int8GemmElement>(
        _ shape: Conv2DShape, _ type: Element.Type, perChannel: Bool, generator: inout SeededGenerator, label: String
    ) throws {
        let input = randomValues(Element.self, count: shape.inputCount, using: &generator)
        let weights = randomValues(Element.self, count: shape.weightCount, using: &generator)
        let parameters = randomParameters(Element.self, channels: shape.outputChannels, perChannel: perChannel,
                                          using: &generator)
        let bias = (0..<shape.outputChannels).map { _ in Int32.random(in: -20_000...20_000, using: &generator) }
        let expected = try conv2D(input: input, weights: weights, bias: bias, shape: shape, parameters: parameters)
        let actual = try runPackedConv2D(input: input, weights: weights, bias: bias, shape: shape,
                                         parameters: parameters)
        XCTAssertEqual(actual, expected, label)
    }

    private func checkFullyConnected<Element: QuantizedValue & Int8GemmElement>(
        _ batch: Int, _ inputFeatures: Int, _ outputFeatures: Int, _ type: Element.Type, perChannel: Bool,
        generator: inout SeededGenerator, label: String
    ) throws {
        let input = randomValues(Element.self, count: batch * inputFeatures, using: &generator)
        let weights = randomValues(Element.self, count: outputFeatures * inputFeatures, using: &generator)
        let parameters = randomParameters(Element.self, channels: outputFeatures, perChannel: perChannel,
                                          using: &generator)
        let bias: [Int32]? = batch % 3 == 0 ? nil
            : (0..<outputFeatures).map { _ in Int32.random(in: -50_000...50_000, using: &generator) }
        let expected = try fullyConnected(input: input, weights: weights, bias: bias, batch: batch,
                                          inputFeatures: inputFeatures, outputFeatures: outputFeatures,
                                          parameters: parameters)
        let actual = try runPackedFullyConnected(input: input, weights: weights, bias: bias, batch: batch,
                                                 inputFeatures: inputFeatures, outputFeatures: outputFeatures,
                                                 parameters: parameters)
        XCTAssertEqual(actual, expected, label)
    }

    private func randomValues<Element: QuantizedValue>(_ type: Element.Type, count: Int,
                                                       using generator: inout SeededGenerator) -> [Element] {
        (0..<count).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }
    }

    /// uint8: one nonzero weight zero-point, one multiplier. int8: weight
    /// zero-points 0, one multiplier per channel. Both with a nonzero input
    /// zero-point, so padded taps must hold it to contribute nothing.
    private func randomParameters<Element: QuantizedValue>(
        _ type: Element.Type, channels: Int, perChannel: Bool, using generator: inout SeededGenerator
    ) -> AccumulatingLayerParameters {
        let low = Int32(Element.min), high = Int32(Element.max)
        let multiplierCount = perChannel ? channels : 1
        let multipliers = (0..<multiplierCount).map { _ in
            QuantizedMultiplier(m0: Int32.random(in: (1 << 30)...Int32.max, using: &generator),
                                shift: Int32.random(in: -14 ... -6, using: &generator))
        }
        let lower = Int32.random(in: low...(low + 20), using: &generator)
        return AccumulatingLayerParameters(
            inputZeroPoint: Int32.random(in: (low + 1)...(high - 1), using: &generator),
            weightZeroPoints: perChannel ? [0] : [Int32.random(in: (low + 1)...(high - 1), using: &generator)],
            outputZeroPoint: Int32.random(in: low...high, using: &generator),
            outputMultipliers: multipliers,
            outputClamp: ActivationClamp(lower: lower, upper: Int32.random(in: (high - 20)...high, using: &generator)))
    }
}

/// Runs `packedConv2D` on freshly packed weights, with `input` and the
/// result in NCHW, moved to and from the kernel's NHWC. Fails when the
/// layer cannot be packed or the kernel declines it.
func runPackedConv2D<Element: QuantizedValue & Int8GemmElement>(
    input: [Element], weights: [Element], bias: [Int32]?, shape: Conv2DShape, parameters: AccumulatingLayerParameters
) throws -> [Element] {
    let packed = try XCTUnwrap(PackedLayerWeights(weights: weights, outputChannels: shape.outputChannels,
                                                  depth: shape.reductionDepth, groups: shape.groups,
                                                  weightZeroPoints: parameters.weightZeroPoints,
                                                  taps: shape.kernelHeight * shape.kernelWidth))
    let scratch = try IntegerScratch()
    var output = [Element](repeating: 0, count: shape.outputCount)
    let channelsLast = relayout(input, shape: shape.inputShape, from: .rowMajor, to: .channelsLast)
    let ran = try channelsLast.withUnsafeBufferPointer { inputBuffer in
        try output.withUnsafeMutableBufferPointer { outputBuffer in
            try withOptionalBuffer(bias) { biasBuffer in
                Result {
                    try packedConv2D(input: inputBuffer, weights: packed, bias: biasBuffer, output: outputBuffer,
                                     shape: shape, parameters: parameters, scratch: scratch)
                }
            }.get()
        }
    }
    XCTAssertTrue(ran, "packedConv2D declined \(shape)")
    return relayout(output, shape: shape.outputShape, from: .channelsLast, to: .rowMajor)
}

/// Runs `packedFullyConnected` on freshly packed weights.
func runPackedFullyConnected<Element: QuantizedValue & Int8GemmElement>(
    input: [Element], weights: [Element], bias: [Int32]?, batch: Int, inputFeatures: Int, outputFeatures: Int,
    parameters: AccumulatingLayerParameters
) throws -> [Element] {
    let packed = try XCTUnwrap(PackedLayerWeights(weights: weights, outputChannels: outputFeatures,
                                                  depth: inputFeatures, groups: 1,
                                                  weightZeroPoints: parameters.weightZeroPoints))
    let scratch = try IntegerScratch()
    var output = [Element](repeating: 0, count: batch * outputFeatures)
    let ran = try input.withUnsafeBufferPointer { inputBuffer in
        try output.withUnsafeMutableBufferPointer { outputBuffer in
            try withOptionalBuffer(bias) { biasBuffer in
                Result {
                    try packedFullyConnected(input: inputBuffer, weights: packed, bias: biasBuffer,
                                             output: outputBuffer, batch: batch, inputFeatures: inputFeatures,
                                             outputFeatures: outputFeatures, parameters: parameters, scratch: scratch)
                }
            }.get()
        }
    }
    XCTAssertTrue(ran, "packedFullyConnected declined \(batch) x \(inputFeatures) -> \(outputFeatures)")
    return output
}

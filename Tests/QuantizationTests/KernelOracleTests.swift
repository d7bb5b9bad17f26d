import XCTest
@testable import Quantization

// Each kernel against a direct Int64 oracle on seeded random shapes: the
// oracle pads the input with Z1 explicitly and sums (q1 - Z1) * (q2 - Z2)
// per product, without the row and column sums the kernels use.

private func randomValues<Element: QuantizedValue>(_ count: Int, _ type: Element.Type,
                                                  using generator: inout SeededGenerator) -> [Element] {
    (0..<count).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }
}

private func randomZeroPoint<Element: QuantizedValue>(_ type: Element.Type, using generator: inout SeededGenerator) -> Int32 {
    Int32(Element.random(in: Element.min...Element.max, using: &generator))
}

/// Returns the full type range half the time and a random sub-interval otherwise.
private func randomClamp<Element: QuantizedValue>(_ type: Element.Type, using generator: inout SeededGenerator) -> ActivationClamp {
    let full = ActivationClamp.full(Element.self)
    guard Bool.random(using: &generator) else { return full }
    let lower = Int32.random(in: full.lower...(full.lower + 100), using: &generator)
    let upper = Int32.random(in: (full.upper - 100)...full.upper, using: &generator)
    return ActivationClamp(lower: lower, upper: upper)
}

private func randomMultiplier(depth: Int, using generator: inout SeededGenerator) throws -> QuantizedMultiplier {
    // Scaled so that typical accumulators land inside the 8-bit range, with
    // a spread wide enough to reach both clamps.
    let typical = 1 / (Double(max(depth, 1)).squareRoot() * 64)
    return try QuantizedMultiplier(approximating: typical * Double.random(in: 0.25...4, using: &generator))
}

/// Z3 + M * acc, clamped: the epilogue written with 64-bit intermediates.
private func oracleEpilogue(_ accumulator: Int64, multiplier: QuantizedMultiplier, outputZeroPoint: Int32,
                            clamp: ActivationClamp) -> Int64 {
    let scaled = Int64(multiplyByQuantizedMultiplier(Int32(accumulator), multiplier))
    return min(max(scaled + Int64(outputZeroPoint), Int64(clamp.lower)), Int64(clamp.upper))
}

private func assertSameValues<Element: QuantizedValue>(_ actual: [Element], _ expected: [Int64], _ label: String,
                                                       file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(label): count", file: file, line: line)
    if let index = zip(actual, expected).enumerated().first(where: { Int64($0.element.0) != $0.element.1 })?.offset {
        XCTFail("\(label): first mismatch at \(index): kernel \(actual[index]), oracle \(expected[index])", file: file, line: line)
    }
}

final class KernelOracleTests: XCTestCase {
    func testConv2DMatchesOracle() throws {
        var generator = SeededGenerator(seed: 0xC0_4F_2D)
        for trial in 0..<120 {
            try checkConv2D(trial: trial, UInt8.self, using: &generator)
            try checkConv2D(trial: trial, Int8.self, using: &generator)
        }
    }

    private func checkConv2D<Element: QuantizedValue>(trial: Int, _ type: Element.Type,
                                                      using generator: inout SeededGenerator) throws {
        let groups = [1, 1, 2, 3][trial % 4]
        let depthwise = trial % 5 == 0
        let inputChannels = depthwise ? Int.random(in: 1...4, using: &generator) : groups * Int.random(in: 1...3, using: &generator)
        let effectiveGroups = depthwise ? inputChannels : groups
        let outputChannels = effectiveGroups * Int.random(in: 1...3, using: &generator)
        let kernelHeight = Int.random(in: 1...4, using: &generator), kernelWidth = Int.random(in: 1...4, using: &generator)
        let dilationHeight = Int.random(in: 1...2, using: &generator), dilationWidth = Int.random(in: 1...2, using: &generator)
        let padTop = Int.random(in: 0...3, using: &generator), padBottom = Int.random(in: 0...3, using: &generator)
        let padLeft = Int.random(in: 0...3, using: &generator), padRight = Int.random(in: 0...3, using: &generator)
        let spanHeight = dilationHeight * (kernelHeight - 1) + 1, spanWidth = dilationWidth * (kernelWidth - 1) + 1
        let inputHeight = max(Int.random(in: 1...9, using: &generator), spanHeight - padTop - padBottom)
        let inputWidth = max(Int.random(in: 1...9, using: &generator), spanWidth - padLeft - padRight)
        let shape = Conv2DShape(batch: Int.random(in: 1...2, using: &generator), inputChannels: inputChannels,
                                inputHeight: inputHeight, inputWidth: inputWidth, outputChannels: outputChannels,
                                kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                strideHeight: Int.random(in: 1...3, using: &generator),
                                strideWidth: Int.random(in: 1...3, using: &generator),
                                dilationHeight: dilationHeight, dilationWidth: dilationWidth,
                                padTop: padTop, padLeft: padLeft, padBottom: padBottom, padRight: padRight,
                                groups: effectiveGroups)
        let perChannel = trial % 2 == 0
        let channelCount = perChannel ? outputChannels : 1
        let symmetricWeights = Element.self == Int8.self && trial % 3 != 0
        let parameters = AccumulatingLayerParameters(
            inputZeroPoint: randomZeroPoint(Element.self, using: &generator),
            weightZeroPoints: (0..<channelCount).map { _ in symmetricWeights ? 0 : randomZeroPoint(Element.self, using: &generator) },
            outputZeroPoint: randomZeroPoint(Element.self, using: &generator),
            outputMultipliers: try (0..<channelCount).map { _ in try randomMultiplier(depth: shape.reductionDepth, using: &generator) },
            outputClamp: randomClamp(Element.self, using: &generator))
        let input = randomValues(shape.inputCount, Element.self, using: &generator)
        let weights = randomValues(shape.weightCount, Element.self, using: &generator)
        let bias: [Int32]? = trial % 3 == 1 ? nil : (0..<outputChannels).map { _ in Int32.random(in: -5000...5000, using: &generator) }

        let actual = try conv2D(input: input, weights: weights, bias: bias, shape: shape, parameters: parameters)

        // Oracle: pad explicitly with Z1, then the direct sum.
        let paddedHeight = inputHeight + padTop + padBottom, paddedWidth = inputWidth + padLeft + padRight
        var padded = [Int64](repeating: Int64(parameters.inputZeroPoint), count: shape.batch * inputChannels * paddedHeight * paddedWidth)
        for image in 0..<shape.batch {
            for channel in 0..<inputChannels {
                for y in 0..<inputHeight {
                    for x in 0..<inputWidth {
                        padded[((image * inputChannels + channel) * paddedHeight + y + padTop) * paddedWidth + x + padLeft] =
                            Int64(input[((image * inputChannels + channel) * inputHeight + y) * inputWidth + x])
                    }
                }
            }
        }
        let inputsPerGroup = inputChannels / effectiveGroups, outputsPerGroup = outputChannels / effectiveGroups
        var expected: [Int64] = []
        for image in 0..<shape.batch {
            for outputChannel in 0..<outputChannels {
                let group = outputChannel / outputsPerGroup
                let weightZeroPoint = Int64(parameters.weightZeroPoints[perChannel ? outputChannel : 0])
                for outputY in 0..<shape.outputHeight {
                    for outputX in 0..<shape.outputWidth {
                        var accumulator: Int64 = 0
                        for channel in 0..<inputsPerGroup {
                            let inputChannel = group * inputsPerGroup + channel
                            for kernelY in 0..<kernelHeight {
                                for kernelX in 0..<kernelWidth {
                                    let y = outputY * shape.strideHeight + kernelY * dilationHeight
                                    let x = outputX * shape.strideWidth + kernelX * dilationWidth
                                    let q1 = padded[((image * inputChannels + inputChannel) * paddedHeight + y) * paddedWidth + x]
                                    let q2 = Int64(weights[((outputChannel * inputsPerGroup + channel) * kernelHeight + kernelY) * kernelWidth + kernelX])
                                    accumulator += (q1 - Int64(parameters.inputZeroPoint)) * (q2 - weightZeroPoint)
                                }
                            }
                        }
                        accumulator += Int64(bias?[outputChannel] ?? 0)
                        expected.append(oracleEpilogue(accumulator, multiplier: parameters.outputMultipliers[perChannel ? outputChannel : 0],
                                                       outputZeroPoint: parameters.outputZeroPoint, clamp: parameters.outputClamp))
                    }
                }
            }
        }
        assertSameValues(actual, expected, "\(Element.self) trial \(trial) \(shape)")
    }

    func testFullyConnectedMatchesOracle() throws {
        var generator = SeededGenerator(seed: 0xFC)
        for trial in 0..<100 {
            try checkFullyConnected(trial: trial, UInt8.self, using: &generator)
            try checkFullyConnected(trial: trial, Int8.self, using: &generator)
        }
    }

    private func checkFullyConnected<Element: QuantizedValue>(trial: Int, _ type: Element.Type,
                                                              using generator: inout SeededGenerator) throws {
        let batch = Int.random(in: 1...3, using: &generator)
        let inputFeatures = Int.random(in: 1...300, using: &generator)
        let outputFeatures = Int.random(in: 1...12, using: &generator)
        let perChannel = trial % 2 == 0
        let channelCount = perChannel ? outputFeatures : 1
        let parameters = AccumulatingLayerParameters(
            inputZeroPoint: randomZeroPoint(Element.self, using: &generator),
            weightZeroPoints: (0..<channelCount).map { _ in randomZeroPoint(Element.self, using: &generator) },
            outputZeroPoint: randomZeroPoint(Element.self, using: &generator),
            outputMultipliers: try (0..<channelCount).map { _ in try randomMultiplier(depth: inputFeatures, using: &generator) },
            outputClamp: randomClamp(Element.self, using: &generator))
        let input = randomValues(batch * inputFeatures, Element.self, using: &generator)
        let weights = randomValues(outputFeatures * inputFeatures, Element.self, using: &generator)
        let bias: [Int32]? = trial % 3 == 1 ? nil : (0..<outputFeatures).map { _ in Int32.random(in: -50_000...50_000, using: &generator) }

        let actual = try fullyConnected(input: input, weights: weights, bias: bias, batch: batch,
                                        inputFeatures: inputFeatures, outputFeatures: outputFeatures, parameters: parameters)

        var expected: [Int64] = []
        for row in 0..<batch {
            for outputFeature in 0..<outputFeatures {
                let weightZeroPoint = Int64(parameters.weightZeroPoints[perChannel ? outputFeature : 0])
                var accumulator = Int64(bias?[outputFeature] ?? 0)
                for inputFeature in 0..<inputFeatures {
                    accumulator += (Int64(input[row * inputFeatures + inputFeature]) - Int64(parameters.inputZeroPoint))
                        * (Int64(weights[outputFeature * inputFeatures + inputFeature]) - weightZeroPoint)
                }
                expected.append(oracleEpilogue(accumulator, multiplier: parameters.outputMultipliers[perChannel ? outputFeature : 0],
                                               outputZeroPoint: parameters.outputZeroPoint, clamp: parameters.outputClamp))
            }
        }
        assertSameValues(actual, expected, "\(Element.self) trial \(trial) [\(batch), \(inputFeatures)] x [\(outputFeatures)]")
    }

    func testAddMatchesOracleAndRealSum() throws {
        var generator = SeededGenerator(seed: 0xADD)
        for trial in 0..<60 {
            try checkAdd(trial: trial, UInt8.self, using: &generator)
            try checkAdd(trial: trial, Int8.self, using: &generator)
        }
    }

    private func checkAdd<Element: QuantizedValue>(trial: Int, _ type: Element.Type,
                                                   using generator: inout SeededGenerator) throws {
        let range = QuantizedRange(qmin: Int32(Element.min), qmax: Int32(Element.max))
        let input1 = try QuantizationParameters(scale: Float.random(in: 0.001...0.1, using: &generator),
                                                zeroPoint: randomZeroPoint(Element.self, using: &generator), range: range)
        let input2 = try QuantizationParameters(scale: Float.random(in: 0.001...0.1, using: &generator),
                                                zeroPoint: randomZeroPoint(Element.self, using: &generator), range: range)
        let output = try QuantizationParameters(scale: Float.random(in: 0.01...0.2, using: &generator),
                                                zeroPoint: randomZeroPoint(Element.self, using: &generator), range: range)
        let parameters = try AddParameters(input1: input1, input2: input2, output: output)
        let count = Int.random(in: 1...200, using: &generator)
        let values1 = randomValues(count, Element.self, using: &generator)
        let values2 = randomValues(count, Element.self, using: &generator)

        let actual = try add(values1, values2, parameters: parameters)

        for index in 0..<count {
            let shifted1 = (Int64(values1[index]) - Int64(input1.zeroPoint)) * (1 << 20)
            let shifted2 = (Int64(values2[index]) - Int64(input2.zeroPoint)) * (1 << 20)
            let sum = Int64(multiplyByQuantizedMultiplier(Int32(shifted1), parameters.input1Multiplier))
                + Int64(multiplyByQuantizedMultiplier(Int32(shifted2), parameters.input2Multiplier))
            let expected = oracleEpilogue(sum, multiplier: parameters.outputMultiplier,
                                          outputZeroPoint: output.zeroPoint, clamp: parameters.outputClamp)
            XCTAssertEqual(Int64(actual[index]), expected, "\(Element.self) trial \(trial) index \(index)")

            // The result is within one output step of the real sum when it is not clamped.
            let realSum = Double(input1.dequantize(Int32(values1[index]))) + Double(input2.dequantize(Int32(values2[index])))
            let ideal = Double(output.zeroPoint) + realSum / Double(output.scale)
            if ideal > Double(range.qmin) + 1 && ideal < Double(range.qmax) - 1 {
                XCTAssertLessThanOrEqual(abs(Double(actual[index]) - ideal), 1.0, "\(Element.self) trial \(trial) index \(index)")
            }
        }
    }

    func testPoolingMatchesOracle() throws {
        var generator = SeededGenerator(seed: 0x9001)
        for trial in 0..<100 {
            try checkPooling(trial: trial, UInt8.self, using: &generator)
            try checkPooling(trial: trial, Int8.self, using: &generator)
        }
    }

    private func checkPooling<Element: QuantizedValue>(trial: Int, _ type: Element.Type,
                                                       using generator: inout SeededGenerator) throws {
        let kernelHeight = Int.random(in: 1...4, using: &generator), kernelWidth = Int.random(in: 1...4, using: &generator)
        let padTop = Int.random(in: 0...(kernelHeight - 1), using: &generator)
        let padBottom = Int.random(in: 0...(kernelHeight - 1), using: &generator)
        let padLeft = Int.random(in: 0...(kernelWidth - 1), using: &generator)
        let padRight = Int.random(in: 0...(kernelWidth - 1), using: &generator)
        let shape = Pool2DShape(batch: Int.random(in: 1...2, using: &generator), channels: Int.random(in: 1...3, using: &generator),
                                inputHeight: Int.random(in: kernelHeight...9, using: &generator),
                                inputWidth: Int.random(in: kernelWidth...9, using: &generator),
                                kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                strideHeight: Int.random(in: 1...3, using: &generator), strideWidth: Int.random(in: 1...3, using: &generator),
                                padTop: padTop, padLeft: padLeft, padBottom: padBottom, padRight: padRight)
        let zeroPoint = randomZeroPoint(Element.self, using: &generator)
        let clamp = randomClamp(Element.self, using: &generator)
        let countIncludePad = trial % 2 == 0
        let input = randomValues(shape.inputCount, Element.self, using: &generator)

        let maximum = try maxPool2D(input: input, shape: shape, outputClamp: clamp)
        let average = try averagePool2D(input: input, shape: shape, zeroPoint: zeroPoint,
                                        countIncludePad: countIncludePad, outputClamp: clamp)

        var expectedMaximum: [Int64] = [], expectedAverage: [Int64] = []
        for plane in 0..<(shape.batch * shape.channels) {
            for outputY in 0..<shape.outputHeight {
                for outputX in 0..<shape.outputWidth {
                    var window: [Int64] = []
                    var padCount: Int64 = 0
                    for kernelY in 0..<kernelHeight {
                        for kernelX in 0..<kernelWidth {
                            let y = outputY * shape.strideHeight - padTop + kernelY
                            let x = outputX * shape.strideWidth - padLeft + kernelX
                            if y >= 0 && y < shape.inputHeight && x >= 0 && x < shape.inputWidth {
                                window.append(Int64(input[(plane * shape.inputHeight + y) * shape.inputWidth + x]))
                            } else {
                                padCount += 1
                            }
                        }
                    }
                    let lower = Int64(clamp.lower), upper = Int64(clamp.upper)
                    expectedMaximum.append(min(max(window.max() ?? lower, lower), upper))
                    var sum = window.reduce(0, +)
                    var count = Int64(window.count)
                    if countIncludePad {
                        sum += padCount * Int64(zeroPoint)
                        count += padCount
                    }
                    // Round half away from zero from the magnitude.
                    let quotient = (2 * abs(sum) + count) / (2 * count)
                    expectedAverage.append(min(max(sum < 0 ? -quotient : quotient, lower), upper))
                }
            }
        }
        assertSameValues(maximum, expectedMaximum, "\(Element.self) max pool trial \(trial) \(shape)")
        assertSameValues(average, expectedAverage, "\(Element.self) average pool trial \(trial) \(shape)")
    }

    func testGlobalAveragePoolMatchesOracle() throws {
        var generator = SeededGenerator(seed: 0x6A9)
        for trial in 0..<60 {
            try checkGlobalAveragePool(trial: trial, UInt8.self, using: &generator)
            try checkGlobalAveragePool(trial: trial, Int8.self, using: &generator)
        }
    }

    private func checkGlobalAveragePool<Element: QuantizedValue>(trial: Int, _ type: Element.Type,
                                                                 using generator: inout SeededGenerator) throws {
        let (batch, channels) = (Int.random(in: 1...2, using: &generator), Int.random(in: 1...5, using: &generator))
        let (height, width) = (Int.random(in: 1...12, using: &generator), Int.random(in: 1...12, using: &generator))
        let multiplier = trial % 3 == 0 ? QuantizedMultiplier.one
            : try QuantizedMultiplier(approximating: Double.random(in: 0.2...3, using: &generator))
        let parameters = RequantizeParameters(inputZeroPoint: randomZeroPoint(Element.self, using: &generator),
                                              outputZeroPoint: randomZeroPoint(Element.self, using: &generator),
                                              multiplier: multiplier, outputClamp: randomClamp(Element.self, using: &generator))
        let input = randomValues(batch * channels * height * width, Element.self, using: &generator)

        let actual = try globalAveragePool(input: input, batch: batch, channels: channels, height: height,
                                           width: width, parameters: parameters)

        let count = Int64(height * width)
        let expected = (0..<(batch * channels)).map { plane -> Int64 in
            let sum = input[(plane * height * width)..<((plane + 1) * height * width)]
                .reduce(Int64(0)) { $0 + Int64($1) - Int64(parameters.inputZeroPoint) }
            let scaled = Int64(multiplyByQuantizedMultiplier(Int32(sum), multiplier))
            let quotient = (2 * abs(scaled) + count) / (2 * count)
            let average = (scaled < 0 ? -quotient : quotient) + Int64(parameters.outputZeroPoint)
            return min(max(average, Int64(parameters.outputClamp.lower)), Int64(parameters.outputClamp.upper))
        }
        assertSameValues(actual, expected, "\(Element.self) trial \(trial)")
    }

    func testRequantizeAndConcatMatchOracle() throws {
        var generator = SeededGenerator(seed: 0xC0CA7)
        for trial in 0..<60 {
            try checkConcat(trial: trial, UInt8.self, using: &generator)
            try checkConcat(trial: trial, Int8.self, using: &generator)
        }
    }

    private func checkConcat<Element: QuantizedValue>(trial: Int, _ type: Element.Type,
                                                      using generator: inout SeededGenerator) throws {
        let range = QuantizedRange(qmin: Int32(Element.min), qmax: Int32(Element.max))
        let output = try QuantizationParameters(scale: Float.random(in: 0.01...0.1, using: &generator),
                                                zeroPoint: randomZeroPoint(Element.self, using: &generator), range: range)
        let (outer, inner) = (Int.random(in: 1...3, using: &generator), Int.random(in: 1...6, using: &generator))
        let inputCount = Int.random(in: 1...4, using: &generator)
        let extents = (0..<inputCount).map { _ in Int.random(in: 0...4, using: &generator) }
        // Every third input shares the output's (S, Z) and takes the copy path.
        let inputParameters = try (0..<inputCount).map { index in
            index % 3 == 2 ? output
                : try QuantizationParameters(scale: Float.random(in: 0.005...0.2, using: &generator),
                                             zeroPoint: randomZeroPoint(Element.self, using: &generator), range: range)
        }
        let requantizations = try inputParameters.map { try RequantizeParameters(from: $0, to: output) }
        let inputs = extents.map { randomValues(outer * $0 * inner, Element.self, using: &generator) }

        let actual = try concat(inputs, outer: outer, axisExtents: extents, inner: inner, parameters: requantizations)

        var expected: [Int64] = []
        for outerIndex in 0..<outer {
            for (index, values) in inputs.enumerated() {
                let block = extents[index] * inner
                for value in values[(outerIndex * block)..<((outerIndex + 1) * block)] {
                    let centered = Int64(value) - Int64(inputParameters[index].zeroPoint)
                    expected.append(oracleEpilogue(centered, multiplier: requantizations[index].multiplier,
                                                   outputZeroPoint: output.zeroPoint, clamp: range.clamp))
                }
            }
        }
        assertSameValues(actual, expected, "\(Element.self) trial \(trial) extents \(extents)")

        // Requantize alone, across container types, within one step of the real value.
        let first = inputs.first { !$0.isEmpty } ?? []
        let signedRange = QuantizedRange(qmin: -128, qmax: 127)
        let target = try QuantizationParameters(scale: output.scale, zeroPoint: 3, range: signedRange)
        let requantized = try requantize(first, to: Int8.self,
                                         parameters: RequantizeParameters(from: inputParameters[0], to: target))
        for (value, result) in zip(first, requantized) {
            let ideal = Double(target.zeroPoint) + Double(inputParameters[0].dequantize(Int32(value))) / Double(target.scale)
            if ideal > -127 && ideal < 126 {
                XCTAssertLessThanOrEqual(abs(Double(result) - ideal), 1.0, "\(Element.self) trial \(trial) value \(value)")
            }
        }
    }

    func testKernelsRejectBadArguments() {
        let parameters = AccumulatingLayerParameters(inputZeroPoint: 0, weightZeroPoints: [0, 0, 0], outputZeroPoint: 0,
                                                     outputMultipliers: [.one], outputClamp: .full(Int8.self))
        let shape = Conv2DShape(batch: 1, inputChannels: 2, inputHeight: 3, inputWidth: 3, outputChannels: 2,
                                kernelHeight: 3, kernelWidth: 3)
        XCTAssertThrowsError(try conv2D(input: [Int8](repeating: 0, count: 18), weights: [Int8](repeating: 0, count: 36),
                                        bias: nil, shape: shape, parameters: parameters)) { error in
            XCTAssertEqual(error as? KernelError, .parameterCountMismatch(kernel: "Conv2D", parameter: "weightZeroPoints",
                                                                          channels: 2, actual: 3))
        }
        var fixed = parameters
        fixed.weightZeroPoints = [0]
        XCTAssertThrowsError(try conv2D(input: [Int8](repeating: 0, count: 17), weights: [Int8](repeating: 0, count: 36),
                                        bias: nil, shape: shape, parameters: fixed)) { error in
            XCTAssertEqual(error as? KernelError, .bufferSizeMismatch(kernel: "Conv2D", buffer: "input", expected: 18, actual: 17))
        }
        var grouped = shape
        grouped.groups = 3
        XCTAssertThrowsError(try conv2D(input: [Int8](repeating: 0, count: 18), weights: [Int8](repeating: 0, count: 36),
                                        bias: nil, shape: grouped, parameters: fixed))
        fixed.outputMultipliers = [QuantizedMultiplier(m0: 5, shift: 0)]
        XCTAssertThrowsError(try conv2D(input: [Int8](repeating: 0, count: 18), weights: [Int8](repeating: 0, count: 36),
                                        bias: nil, shape: shape, parameters: fixed))
        XCTAssertThrowsError(try maxPool2D(input: [UInt8](repeating: 0, count: 4),
                                           shape: Pool2DShape(batch: 1, channels: 1, inputHeight: 2, inputWidth: 2,
                                                              kernelHeight: 3, kernelWidth: 3),
                                           outputClamp: .full(UInt8.self)))
    }
}

/// Quantized 2-D convolution (plain, grouped or depthwise) on NCHW tensors:
///
///     q3[n, co, oy, ox] = clamp(Z3 + M[co] * (acc + bias[co]))
///     acc = sum over ci in the group of co, ky, kx of (q1[n, ci, iy, ix] - Z1) * (q2[co, ci, ky, kx] - Z2[co])
///     iy = oy * strideH - padTop + ky * dilationH, ix likewise
///
/// A padded tap has q1 = Z1, real value 0, so it contributes nothing; the
/// loops simply skip it. With depth N the valid taps of one output, the sum
/// is expanded as `N*Z1*Z2 - Z1*sum(q2) - Z2*sum(q1) + sum(q1*q2)`: sum(q1)
/// is taken once per window and shared by all output channels of a group,
/// and sum(q2) over the window's valid taps comes from a 2-D prefix sum of
/// the weights, so the inner loop is a plain product of stored integers.
///
/// Shapes: input [N, C, H, W], weights [Cout, C / groups, kH, kW], bias
/// [Cout] int32 with scale S1 * S2[co] and zero-point 0 (or nil), output
/// [N, Cout, OH, OW]; see `Conv2DShape`.
@_specialize(where Element == UInt8)
@_specialize(where Element == Int8)
public func conv2D<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    weights: UnsafeBufferPointer<Element>,
    bias: UnsafeBufferPointer<Int32>?,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Conv2DShape,
    parameters: AccumulatingLayerParameters
) throws(KernelError) {
    let kernel = "Conv2D"

    // Parameters.
    let inputZeroPoint = parameters.inputZeroPoint
    let outputZeroPoint = parameters.outputZeroPoint
    let weightZeroPoints = parameters.weightZeroPoints
    let outputMultipliers = parameters.outputMultipliers
    let outputClamp = parameters.outputClamp
    let batch = shape.batch
    let inputChannels = shape.inputChannels, inputHeight = shape.inputHeight, inputWidth = shape.inputWidth
    let outputChannels = shape.outputChannels
    let kernelHeight = shape.kernelHeight, kernelWidth = shape.kernelWidth
    let strideHeight = shape.strideHeight, strideWidth = shape.strideWidth
    let dilationHeight = shape.dilationHeight, dilationWidth = shape.dilationWidth
    let groups = shape.groups

    // Shapes.
    let (outputHeight, outputWidth) = try shape.validated(kernel)
    try checkCount(kernel, "input", expected: shape.inputCount, actual: input.count)
    try checkCount(kernel, "weights", expected: shape.weightCount, actual: weights.count)
    try checkCount(kernel, "output", expected: batch * outputChannels * outputHeight * outputWidth,
                   actual: output.count)
    try parameters.validate(kernel, channels: outputChannels, biasCount: bias?.count, Element.self)

    let inputChannelsPerGroup = inputChannels / groups
    let outputChannelsPerGroup = outputChannels / groups
    let inputPlane = inputHeight * inputWidth
    let outputPlane = outputHeight * outputWidth
    let weightPlane = kernelHeight * kernelWidth
    let weightsPerOutputChannel = inputChannelsPerGroup * weightPlane

    // Weight sums over the valid taps of a window: prefix[co][y][x] is the
    // sum of q2[co, ci, ky, kx] over all ci, ky < y, kx < x.
    let prefixWidth = kernelWidth + 1
    let prefixPlane = (kernelHeight + 1) * prefixWidth
    var weightPrefix = [Int32](repeating: 0, count: inputZeroPoint == 0 ? 0 : outputChannels * prefixPlane)
    if inputZeroPoint != 0 {
        for outputChannel in 0..<outputChannels {
            let prefixBase = outputChannel * prefixPlane
            for kernelY in 0..<kernelHeight {
                for kernelX in 0..<kernelWidth {
                    var tapSum: Int32 = 0
                    for channel in 0..<inputChannelsPerGroup {
                        let index = outputChannel * weightsPerOutputChannel + channel * weightPlane
                            + kernelY * kernelWidth + kernelX
                        tapSum &+= Int32(truncatingIfNeeded: weights[index])
                    }
                    let above = weightPrefix[prefixBase + kernelY * prefixWidth + kernelX + 1]
                    let left = weightPrefix[prefixBase + (kernelY + 1) * prefixWidth + kernelX]
                    let corner = weightPrefix[prefixBase + kernelY * prefixWidth + kernelX]
                    weightPrefix[prefixBase + (kernelY + 1) * prefixWidth + kernelX + 1] =
                        tapSum &+ above &+ left &- corner
                }
            }
        }
    }
    let anyWeightZeroPoint = weightZeroPoints.contains { $0 != 0 }

    // Loops over the named axes.
    for image in 0..<batch {
        for group in 0..<groups {
            let firstInputChannel = group * inputChannelsPerGroup
            let inputGroupBase = (image * inputChannels + firstInputChannel) * inputPlane
            for outputY in 0..<outputHeight {
                let originY = outputY * strideHeight - shape.padTop
                let tapsY = validTaps(origin: originY, dilation: dilationHeight,
                                      window: kernelHeight, extent: inputHeight)
                for outputX in 0..<outputWidth {
                    let originX = outputX * strideWidth - shape.padLeft
                    let tapsX = validTaps(origin: originX, dilation: dilationWidth,
                                          window: kernelWidth, extent: inputWidth)
                    let depth = Int32(inputChannelsPerGroup * tapsY.count * tapsX.count)

                    // sum(q1) over the window, shared by the group's output channels.
                    var inputSum: Int32 = 0
                    if anyWeightZeroPoint {
                        for channel in 0..<inputChannelsPerGroup {
                            let channelBase = inputGroupBase + channel * inputPlane
                            for kernelY in tapsY {
                                let rowBase = channelBase + (originY + kernelY * dilationHeight) * inputWidth + originX
                                for kernelX in tapsX {
                                    inputSum &+= Int32(truncatingIfNeeded: input[rowBase + kernelX * dilationWidth])
                                }
                            }
                        }
                    }

                    for outputChannelInGroup in 0..<outputChannelsPerGroup {
                        let outputChannel = group * outputChannelsPerGroup + outputChannelInGroup
                        let weightBase = outputChannel * weightsPerOutputChannel

                        // sum(q1 * q2). Headroom: |acc| <= N * max|q1 - Z1| * max|q2 - Z2|,
                        // which AccumulatorHeadroom checks against Int32.max in
                        // preparation; partial sums may wrap, the final value is exact.
                        var productSum: Int32 = 0
                        for channel in 0..<inputChannelsPerGroup {
                            let channelBase = inputGroupBase + channel * inputPlane
                            let weightChannelBase = weightBase + channel * weightPlane
                            for kernelY in tapsY {
                                let rowBase = channelBase + (originY + kernelY * dilationHeight) * inputWidth + originX
                                let weightRow = weightChannelBase + kernelY * kernelWidth
                                for kernelX in tapsX {
                                    let q1 = Int32(truncatingIfNeeded: input[rowBase + kernelX * dilationWidth])
                                    let q2 = Int32(truncatingIfNeeded: weights[weightRow + kernelX])
                                    productSum &+= q1 &* q2
                                }
                            }
                        }

                        // sum(q2) over the valid taps, from the prefix sums.
                        var weightSum: Int32 = 0
                        if inputZeroPoint != 0 {
                            let prefixBase = outputChannel * prefixPlane
                            let top = tapsY.lowerBound * prefixWidth, bottom = tapsY.upperBound * prefixWidth
                            weightSum = weightPrefix[prefixBase + bottom + tapsX.upperBound]
                                &- weightPrefix[prefixBase + top + tapsX.upperBound]
                                &- weightPrefix[prefixBase + bottom + tapsX.lowerBound]
                                &+ weightPrefix[prefixBase + top + tapsX.lowerBound]
                        }

                        let weightZeroPoint = weightZeroPoints[weightZeroPoints.count == 1 ? 0 : outputChannel]
                        let accumulator = productSum
                            &- inputZeroPoint &* weightSum
                            &- weightZeroPoint &* inputSum
                            &+ depth &* inputZeroPoint &* weightZeroPoint

                        // Epilogue.
                        let multiplier = outputMultipliers[outputMultipliers.count == 1 ? 0 : outputChannel]
                        let value = outputStage(accumulator: accumulator, bias: bias?[outputChannel] ?? 0,
                                                multiplier: multiplier, outputZeroPoint: outputZeroPoint,
                                                clamp: outputClamp)
                        let outputIndex = (image * outputChannels + outputChannel) * outputPlane
                            + outputY * outputWidth + outputX
                        output[outputIndex] = Element(truncatingIfNeeded: value)
                    }
                }
            }
        }
    }
}

/// Array form of `conv2D(input:weights:bias:output:shape:parameters:)`;
/// returns the output [N, Cout, OH, OW].
public func conv2D<Element: QuantizedValue>(
    input: [Element], weights: [Element], bias: [Int32]?,
    shape: Conv2DShape, parameters: AccumulatingLayerParameters
) throws(KernelError) -> [Element] {
    var output = [Element](repeating: 0, count: max(shape.outputCount, 0))
    let result: Result<Void, KernelError> = input.withUnsafeBufferPointer { inputBuffer in
        weights.withUnsafeBufferPointer { weightBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                withOptionalBuffer(bias) { biasBuffer in
                    Result { () throws(KernelError) in
                        try conv2D(input: inputBuffer, weights: weightBuffer, bias: biasBuffer,
                                   output: outputBuffer, shape: shape, parameters: parameters)
                    }
                }
            }
        }
    }
    try result.get()
    return output
}

/// Calls `body` with a buffer over `array`, or with nil when `array` is nil.
func withOptionalBuffer<Value, Output>(_ array: [Value]?,
                                       _ body: (UnsafeBufferPointer<Value>?) -> Output) -> Output {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0) }
}

/// Quantized 2-D convolution with one input channel per group (depthwise
/// with any channel multiplier, or a single-channel input with groups = 1),
/// bit-exact with `conv2D`. With g = co / (Cout / groups) the input channel
/// of output channel co:
///
///     P[g][y][x] = q1[n, g, y - padTop, x - padLeft] - Z1   (0 in the padding)
///     acc[co][oy][ox] = sum_{ky, kx} P[g][oy*sH + ky*dH][ox*sW + kx*dW] * (q2[co, 0, ky, kx] - Z2[co])
///     q3[n, co, oy, ox] = clamp(Z3 + M[co] * (acc + bias[co]))   (outputStageRow)
///
/// A padded tap holds 0 after subtracting Z1, so it adds nothing, as the
/// reference kernel's skipped taps do. Sums wrap modulo 2^32 like the
/// reference's, so the final accumulator is the same integer. The innermost
/// loop runs along an output row with a fixed weight, which vectorizes.
///
/// Returns false, computing nothing, when a group has more than one input
/// channel; the caller then runs `conv2D` or the packed GEMM.
@_specialize(where Element == Int8)
@_specialize(where Element == UInt8)
public func depthwiseConv2D<Element: QuantizedValue & Int8GemmElement>(
    input: UnsafeBufferPointer<Element>,
    weights: UnsafeBufferPointer<Element>,
    bias: UnsafeBufferPointer<Int32>?,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Conv2DShape,
    parameters: AccumulatingLayerParameters,
    scratch: IntegerScratch
) throws(KernelError) -> Bool {
    let kernel = "DepthwiseConv2D"
    guard shape.groups > 0, shape.groups == shape.inputChannels, shape.outputChannels % shape.groups == 0 else {
        return false
    }
    let (outputHeight, outputWidth) = try shape.validated(kernel)
    try checkCount(kernel, "input", expected: shape.inputCount, actual: input.count)
    try checkCount(kernel, "weights", expected: shape.weightCount, actual: weights.count)
    try checkCount(kernel, "output", expected: shape.outputCount, actual: output.count)
    try parameters.validate(kernel, channels: shape.outputChannels, biasCount: bias?.count, Element.self)

    let inputHeight = shape.inputHeight, inputWidth = shape.inputWidth
    let kernelHeight = shape.kernelHeight, kernelWidth = shape.kernelWidth
    let strideHeight = shape.strideHeight, strideWidth = shape.strideWidth
    let dilationHeight = shape.dilationHeight, dilationWidth = shape.dilationWidth
    let channels = shape.outputChannels, inputChannels = shape.inputChannels
    let channelsPerGroup = shape.outputChannelsPerGroup
    let paddedHeight = max(shape.padTop + inputHeight,
                           (outputHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1)
    let paddedWidth = max(shape.padLeft + inputWidth,
                          (outputWidth - 1) * strideWidth + (kernelWidth - 1) * dilationWidth + 1)
    let paddedPlane = paddedHeight * paddedWidth
    let inputPlane = inputHeight * inputWidth
    let outputPlane = outputHeight * outputWidth
    let weightPlane = kernelHeight * kernelWidth
    let inputZeroPoint = parameters.inputZeroPoint
    let weightZeroPoints = parameters.weightZeroPoints
    let multipliers = parameters.outputMultipliers

    let buffer = scratch.accumulatorBuffer(count: paddedPlane + outputPlane)
    let padded = buffer.baseAddress!
    let sums = buffer.baseAddress! + paddedPlane
    // The border stays 0 for every channel, so only the interior is rewritten per channel.
    padded.update(repeating: 0, count: paddedPlane)
    let source = input.baseAddress!
    let weightBase = weights.baseAddress!

    for image in 0..<shape.batch {
        for group in 0..<inputChannels {
            let plane = source + (image * inputChannels + group) * inputPlane
            for row in 0..<inputHeight {
                let from = plane + row * inputWidth
                let to = padded + (row + shape.padTop) * paddedWidth + shape.padLeft
                for column in 0..<inputWidth {
                    to[column] = Int32(truncatingIfNeeded: from[column]) &- inputZeroPoint
                }
            }

            for channel in (group * channelsPerGroup)..<((group + 1) * channelsPerGroup) {
                sums.update(repeating: 0, count: outputPlane)
                let weightZeroPoint = weightZeroPoints[weightZeroPoints.count == 1 ? 0 : channel]
                let filter = weightBase + channel * weightPlane
                for kernelY in 0..<kernelHeight {
                    for kernelX in 0..<kernelWidth {
                        let weight = Int32(truncatingIfNeeded: filter[kernelY * kernelWidth + kernelX])
                            &- weightZeroPoint
                        let tap = padded + kernelY * dilationHeight * paddedWidth + kernelX * dilationWidth
                        for outputY in 0..<outputHeight {
                            let from = tap + outputY * strideHeight * paddedWidth
                            let to = sums + outputY * outputWidth
                            if strideWidth == 1 {
                                for outputX in 0..<outputWidth { to[outputX] &+= from[outputX] &* weight }
                            } else {
                                for outputX in 0..<outputWidth { to[outputX] &+= from[outputX &* strideWidth] &* weight }
                            }
                        }
                    }
                }

                outputStageRow(UnsafePointer(sums), count: outputPlane, bias: bias?[channel] ?? 0,
                               multiplier: multipliers[multipliers.count == 1 ? 0 : channel],
                               outputZeroPoint: parameters.outputZeroPoint, clamp: parameters.outputClamp,
                               output: output.baseAddress! + (image * channels + channel) * outputPlane, outputStride: 1)
            }
        }
    }
    return true
}

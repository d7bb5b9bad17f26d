import CKernels

/// Quantized 2-D convolution with one input channel per group (depthwise
/// with any channel multiplier, or a single-channel input with groups = 1)
/// over channels-last (NHWC) activations, bit-exact with `conv2D` on the
/// same values in NCHW. With g = co / (Cout / groups) the input channel of
/// output channel co:
///
///     P[y][x][co] = q1[n, y - padTop, x - padLeft, g] - Z1   (0 in the padding)
///     W[ky][kx][co] = q2[co, 0, ky, kx] - Z2[co]
///     acc[oy][ox][co] = sum_{ky, kx} P[oy*sH + ky*dH][ox*sW + kx*dW][co] * W[ky][kx][co]
///     q3[n, oy, ox, co] = clamp(Z3 + M[co] * (acc + bias[co]))   (ChannelOutputStage)
///
/// P repeats each input channel for its Cout/groups output channels, so one
/// loop over co serves every channel multiplier. A single input channel (a
/// first layer on a grayscale image) stays one value per pixel, broadcast
/// against the weights of all output channels (`ck_single_channel_row`). A padded tap
/// holds 0, so it adds nothing, as the reference kernel's skipped taps do.
/// Products and sums wrap modulo 2^32 like the reference's, so the final
/// accumulator is the same integer. The channel loop is innermost
/// (`ck_depthwise_row`), which vectorizes.
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
    let strideHeight = shape.strideHeight
    let channels = shape.outputChannels, inputChannels = shape.inputChannels
    let multiplier = shape.outputChannelsPerGroup
    let paddedHeight = max(shape.padTop + inputHeight,
                           (outputHeight - 1) * strideHeight + (kernelHeight - 1) * shape.dilationHeight + 1)
    let paddedWidth = max(shape.padLeft + inputWidth,
                          (outputWidth - 1) * shape.strideWidth + (kernelWidth - 1) * shape.dilationWidth + 1)
    // A single input channel stays one value per pixel and is broadcast per tap;
    // otherwise each input channel is repeated for its output channels.
    let singleChannel = inputChannels == 1 && channels > 1
    let paddedRow = paddedWidth * (singleChannel ? 1 : channels)
    let taps = kernelHeight * kernelWidth
    let inputZeroPoint = parameters.inputZeroPoint
    let weightZeroPoints = parameters.weightZeroPoints

    // W, tap-major, with Z2 already subtracted.
    let centeredWeights = scratch.buffer(.weights, Int32.self, count: taps * channels).baseAddress!
    for channel in 0..<channels {
        let weightZeroPoint = weightZeroPoints[weightZeroPoints.count == 1 ? 0 : channel]
        for tap in 0..<taps {
            centeredWeights[tap * channels + channel] =
                Int32(truncatingIfNeeded: weights[channel * taps + tap]) &- weightZeroPoint
        }
    }

    // P. The border stays 0 for every image, so only the interior is rewritten per image.
    let padded = scratch.buffer(.padded, Int32.self, count: paddedHeight * paddedRow).baseAddress!
    padded.update(repeating: 0, count: paddedHeight * paddedRow)
    // Output rows are summed in bands of about 32 KiB of accumulators, and each band gets
    // one output stage call, so that its per-channel setup is not paid per row.
    let rowsPerBand = min(outputHeight, max(1, 8192 / (outputWidth * channels)))
    let sums = scratch.accumulatorBuffer(count: rowsPerBand * outputWidth * channels).baseAddress!
    let stage = ChannelOutputStage(parameters: parameters, bias: bias, channels: channels, scratch: scratch)
    let source = input.baseAddress!

    for image in 0..<shape.batch {
        for row in 0..<inputHeight {
            let from = source + (image * inputHeight + row) * inputWidth * inputChannels
            let to = padded + (row + shape.padTop) * paddedRow + shape.padLeft * (singleChannel ? 1 : channels)
            if multiplier == 1 || singleChannel {
                ck_center_bytes(from, inputWidth * inputChannels, Element.isSigned ? 1 : 0, inputZeroPoint, to)
            } else {
                for pixel in 0..<(inputWidth * inputChannels) {
                    let centered = Int32(truncatingIfNeeded: from[pixel]) &- inputZeroPoint
                    let target = to + pixel * multiplier
                    for copy in 0..<multiplier { target[copy] = centered }
                }
            }
        }

        for bandStart in stride(from: 0, to: outputHeight, by: rowsPerBand) {
            let bandRows = min(rowsPerBand, outputHeight - bandStart)
            for bandRow in 0..<bandRows {
                let window = padded + (bandStart + bandRow) * strideHeight * paddedRow
                let rowSums = sums + bandRow * outputWidth * channels
                if singleChannel {
                    ck_single_channel_row(window, paddedRow, channels, outputWidth, shape.strideWidth,
                                          kernelHeight, kernelWidth, shape.dilationHeight, shape.dilationWidth,
                                          centeredWeights, rowSums)
                } else {
                    ck_depthwise_row(window, paddedRow, channels, outputWidth, shape.strideWidth, kernelHeight,
                                     kernelWidth, shape.dilationHeight, shape.dilationWidth, centeredWeights,
                                     rowSums)
                }
            }
            stage.apply(UnsafePointer(sums), accumulatorStride: channels, rows: bandRows * outputWidth,
                        firstChannel: 0, channelCount: channels,
                        output: output.baseAddress! + ((image * outputHeight + bandStart) * outputWidth) * channels,
                        outputStride: channels)
        }
    }
    return true
}

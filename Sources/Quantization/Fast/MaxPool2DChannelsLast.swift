/// Quantized 2-D max pooling over channels-last (NHWC) activations,
/// bit-exact with `maxPool2D` on the same values in NCHW:
///
///     q3[n, oy, ox, c] = clamp(max over valid (ky, kx) of q1[n, iy, ix, c])
///
/// Each output pixel starts from the channels of its first valid tap and
/// takes the elementwise max with every other valid tap, so the innermost
/// loop runs over the contiguous channels and vectorizes. The clamp fits
/// the element type, so clamping the stored max equals clamping it in int32;
/// a window entirely in padding yields the clamp's lower bound, as there.
public func maxPool2DChannelsLast<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Pool2DShape,
    outputClamp: ActivationClamp
) throws(KernelError) {
    if Element.self == Int8.self {
        try maxPool2DChannelsLastKernel(input: input.assumingElement(Int8.self),
                                        output: output.assumingElement(Int8.self), shape: shape,
                                        outputClamp: outputClamp)
    } else if Element.self == UInt8.self {
        try maxPool2DChannelsLastKernel(input: input.assumingElement(UInt8.self),
                                        output: output.assumingElement(UInt8.self), shape: shape,
                                        outputClamp: outputClamp)
    } else {
        try maxPool2DChannelsLastKernel(input: input, output: output, shape: shape, outputClamp: outputClamp)
    }
}

/// Runs `maxPool2DChannelsLast`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func maxPool2DChannelsLastKernel<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Pool2DShape,
    outputClamp: ActivationClamp
) throws(KernelError) {
    let kernel = "MaxPool2DChannelsLast"
    let (outputHeight, outputWidth) = try shape.validated(kernel)
    try checkCount(kernel, "input", expected: shape.inputCount, actual: input.count)
    try checkCount(kernel, "output", expected: shape.batch * shape.channels * outputHeight * outputWidth,
                   actual: output.count)
    try checkClamp(kernel, outputClamp, Element.self)

    let channels = shape.channels
    let inputHeight = shape.inputHeight, inputWidth = shape.inputWidth
    let lower = Element(truncatingIfNeeded: outputClamp.lower)
    let upper = Element(truncatingIfNeeded: outputClamp.upper)
    let source = input.baseAddress!
    var target = output.baseAddress!

    for image in 0..<shape.batch {
        let imageBase = source + image * inputHeight * inputWidth * channels
        for outputY in 0..<outputHeight {
            let originY = outputY * shape.strideHeight - shape.padTop
            let tapsY = validTaps(origin: originY, dilation: 1, window: shape.kernelHeight, extent: inputHeight)
            for outputX in 0..<outputWidth {
                let originX = outputX * shape.strideWidth - shape.padLeft
                let tapsX = validTaps(origin: originX, dilation: 1, window: shape.kernelWidth, extent: inputWidth)
                if tapsY.isEmpty || tapsX.isEmpty {
                    for channel in 0..<channels { target[channel] = lower }
                    target += channels
                    continue
                }
                let first = imageBase + ((originY + tapsY.lowerBound) * inputWidth + originX + tapsX.lowerBound)
                    * channels
                target.update(from: first, count: channels)
                for kernelY in tapsY {
                    let row = imageBase + ((originY + kernelY) * inputWidth + originX) * channels
                    for kernelX in tapsX {
                        let tap = row + kernelX * channels
                        for channel in 0..<channels { target[channel] = max(target[channel], tap[channel]) }
                    }
                }
                for channel in 0..<channels { target[channel] = min(max(target[channel], lower), upper) }
                target += channels
            }
        }
    }
}

/// Quantized 2-D max pooling on NCHW tensors:
///
///     q3[n, c, oy, ox] = clamp(max over valid (ky, kx) of q1[n, c, iy, ix])
///
/// The affine map r = S * (q - Z) is increasing, so the max of q is the
/// quantized max of r and input and output share (S, Z). Padded taps are
/// skipped, never treated as values. The clamp carries a fused activation.
public func maxPool2D<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Pool2DShape,
    outputClamp: ActivationClamp
) throws(KernelError) {
    if Element.self == Int8.self {
        try maxPool2DKernel(input: input.assumingElement(Int8.self), output: output.assumingElement(Int8.self),
                            shape: shape, outputClamp: outputClamp)
    } else if Element.self == UInt8.self {
        try maxPool2DKernel(input: input.assumingElement(UInt8.self), output: output.assumingElement(UInt8.self),
                            shape: shape, outputClamp: outputClamp)
    } else {
        try maxPool2DKernel(input: input, output: output, shape: shape, outputClamp: outputClamp)
    }
}

/// Runs the skeleton of `maxPool2D`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func maxPool2DKernel<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Pool2DShape,
    outputClamp: ActivationClamp
) throws(KernelError) {
    let kernel = "MaxPool2D"

    // Parameters.
    let batch = shape.batch, channels = shape.channels
    let inputHeight = shape.inputHeight, inputWidth = shape.inputWidth
    let kernelHeight = shape.kernelHeight, kernelWidth = shape.kernelWidth
    let strideHeight = shape.strideHeight, strideWidth = shape.strideWidth

    // Shapes.
    let (outputHeight, outputWidth) = try shape.validated(kernel)
    try checkCount(kernel, "input", expected: shape.inputCount, actual: input.count)
    try checkCount(kernel, "output", expected: batch * channels * outputHeight * outputWidth, actual: output.count)
    try checkClamp(kernel, outputClamp, Element.self)

    // Windows that never leave the input need no tap ranges: compare the
    // stored values directly, then clamp in the element type. The clamp fits
    // the type, so this equals clamping the Int32 maximum.
    if shape.padTop == 0, shape.padLeft == 0, kernelHeight > 0, kernelWidth > 0,
       (outputHeight - 1) * strideHeight + kernelHeight <= inputHeight,
       (outputWidth - 1) * strideWidth + kernelWidth <= inputWidth {
        let lower = Element(truncatingIfNeeded: outputClamp.lower)
        let upper = Element(truncatingIfNeeded: outputClamp.upper)
        let source = input.baseAddress!, destination = output.baseAddress!
        for plane in 0..<(batch * channels) {
            let inputPlane = source + plane * inputHeight * inputWidth
            var outputRow = destination + plane * outputHeight * outputWidth
            for outputY in 0..<outputHeight {
                let windowTop = inputPlane + outputY * strideHeight * inputWidth
                for outputX in 0..<outputWidth {
                    let window = windowTop + outputX * strideWidth
                    var maximum = window[0]
                    for kernelY in 0..<kernelHeight {
                        let row = window + kernelY * inputWidth
                        for kernelX in 0..<kernelWidth {
                            maximum = max(maximum, row[kernelX])
                        }
                    }
                    outputRow[outputX] = min(max(maximum, lower), upper)
                }
                outputRow += outputWidth
            }
        }
        return
    }

    // Loops over the named axes.
    for plane in 0..<(batch * channels) {
        let inputBase = plane * inputHeight * inputWidth
        let outputBase = plane * outputHeight * outputWidth
        for outputY in 0..<outputHeight {
            let originY = outputY * strideHeight - shape.padTop
            let tapsY = validTaps(origin: originY, dilation: 1, window: kernelHeight, extent: inputHeight)
            for outputX in 0..<outputWidth {
                let originX = outputX * strideWidth - shape.padLeft
                let tapsX = validTaps(origin: originX, dilation: 1, window: kernelWidth, extent: inputWidth)
                // A window entirely in padding has no value; it yields the clamp's lower bound.
                var maximum = Int32.min
                for kernelY in tapsY {
                    let rowBase = inputBase + (originY + kernelY) * inputWidth + originX
                    for kernelX in tapsX {
                        maximum = max(maximum, Int32(truncatingIfNeeded: input[rowBase + kernelX]))
                    }
                }

                // Epilogue: clamp and narrow.
                output[outputBase + outputY * outputWidth + outputX] =
                    Element(truncatingIfNeeded: clamped(maximum, to: outputClamp))
            }
        }
    }
}

/// Array form of `maxPool2D(input:output:shape:outputClamp:)`.
public func maxPool2D<Element: QuantizedValue>(
    input: [Element], shape: Pool2DShape, outputClamp: ActivationClamp
) throws(KernelError) -> [Element] {
    var output = [Element](repeating: 0, count: max(shape.outputCount, 0))
    let result: Result<Void, KernelError> = input.withUnsafeBufferPointer { inputBuffer in
        output.withUnsafeMutableBufferPointer { outputBuffer in
            Result { () throws(KernelError) in
                try maxPool2D(input: inputBuffer, output: outputBuffer, shape: shape, outputClamp: outputClamp)
            }
        }
    }
    try result.get()
    return output
}

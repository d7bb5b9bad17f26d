/// Quantized 2-D average pooling on NCHW tensors, input and output sharing
/// (S, Z):
///
///     q3[n, c, oy, ox] = clamp(round(sum over taps of q1[n, c, iy, ix] / count))
///
/// with rounding half away from zero. By default padded taps are left out
/// and `count` is the number of valid taps (TFLite's rule). With
/// `countIncludePad`, each padded tap adds Z (real 0) to the sum and `count`
/// is kH * kW (ONNX `count_include_pad = 1`). Headroom: the sum is at most
/// kH * kW * 255 in magnitude, so windows up to 2^23 taps are exact.
///
/// NOTE: the output keeps the input's (S, Z); follow with `requantize` when
/// the model gives the output another scale.
public func averagePool2D<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Pool2DShape,
    zeroPoint: Int32,
    countIncludePad: Bool = false,
    outputClamp: ActivationClamp
) throws(KernelError) {
    if Element.self == Int8.self {
        try averagePool2DKernel(input: input.assumingElement(Int8.self), output: output.assumingElement(Int8.self),
                                shape: shape, zeroPoint: zeroPoint, countIncludePad: countIncludePad,
                                outputClamp: outputClamp)
    } else if Element.self == UInt8.self {
        try averagePool2DKernel(input: input.assumingElement(UInt8.self), output: output.assumingElement(UInt8.self),
                                shape: shape, zeroPoint: zeroPoint, countIncludePad: countIncludePad,
                                outputClamp: outputClamp)
    } else {
        try averagePool2DKernel(input: input, output: output, shape: shape, zeroPoint: zeroPoint,
                                countIncludePad: countIncludePad, outputClamp: outputClamp)
    }
}

/// Runs the skeleton of `averagePool2D`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func averagePool2DKernel<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Pool2DShape,
    zeroPoint: Int32,
    countIncludePad: Bool = false,
    outputClamp: ActivationClamp
) throws(KernelError) {
    let kernel = "AveragePool2D"

    // Parameters.
    let batch = shape.batch, channels = shape.channels
    let inputHeight = shape.inputHeight, inputWidth = shape.inputWidth
    let kernelHeight = shape.kernelHeight, kernelWidth = shape.kernelWidth
    let strideHeight = shape.strideHeight, strideWidth = shape.strideWidth

    // Shapes.
    let (outputHeight, outputWidth) = try shape.validated(kernel)
    try checkCount(kernel, "input", expected: shape.inputCount, actual: input.count)
    try checkCount(kernel, "output", expected: batch * channels * outputHeight * outputWidth, actual: output.count)
    try checkZeroPoint(kernel, "zeroPoint", zeroPoint, Element.self)
    try checkClamp(kernel, outputClamp, Element.self)
    guard kernelHeight * kernelWidth < 1 << 23 else {
        throw .invalidShape(kernel: kernel, field: "window taps", value: kernelHeight * kernelWidth,
                            requirement: "below 2^23 so the int32 sum cannot overflow")
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
                var sum: Int32 = 0
                for kernelY in tapsY {
                    let rowBase = inputBase + (originY + kernelY) * inputWidth + originX
                    for kernelX in tapsX {
                        sum += Int32(truncatingIfNeeded: input[rowBase + kernelX])
                    }
                }
                let validCount = Int32(tapsY.count * tapsX.count)
                var count = validCount
                if countIncludePad {
                    count = Int32(kernelHeight * kernelWidth)
                    sum += (count - validCount) * zeroPoint
                }
                // A window entirely in padding averages real 0 when padding is excluded.
                let average = count == 0 ? zeroPoint : roundingDivide(sum, by: count)

                // Epilogue: clamp and narrow.
                output[outputBase + outputY * outputWidth + outputX] =
                    Element(truncatingIfNeeded: clamped(average, to: outputClamp))
            }
        }
    }
}

/// Array form of `averagePool2D(input:output:shape:zeroPoint:countIncludePad:outputClamp:)`.
public func averagePool2D<Element: QuantizedValue>(
    input: [Element], shape: Pool2DShape, zeroPoint: Int32, countIncludePad: Bool = false,
    outputClamp: ActivationClamp
) throws(KernelError) -> [Element] {
    var output = [Element](repeating: 0, count: max(shape.outputCount, 0))
    let result: Result<Void, KernelError> = input.withUnsafeBufferPointer { inputBuffer in
        output.withUnsafeMutableBufferPointer { outputBuffer in
            Result { () throws(KernelError) in
                try averagePool2D(input: inputBuffer, output: outputBuffer, shape: shape, zeroPoint: zeroPoint,
                                  countIncludePad: countIncludePad, outputClamp: outputClamp)
            }
        }
    }
    try result.get()
    return output
}

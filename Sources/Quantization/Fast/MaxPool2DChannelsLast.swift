import CKernels

/// Quantized 2-D max pooling over channels-last (NHWC) activations,
/// bit-exact with `maxPool2D` on the same values in NCHW:
///
///     q3[n, oy, ox, c] = clamp(max over valid (ky, kx) of q1[n, iy, ix, c])
///
/// Each output pixel starts from the channels of its first valid tap and
/// takes the elementwise max with every other valid tap, so the innermost
/// loop runs over the contiguous channels and vectorizes. The loop is C
/// (`ck_max_pool_channels_last`), because Swift's x86-64 baseline has no
/// signed byte max. The clamp fits the element type, so clamping the stored
/// max equals clamping it in int32; a window entirely in padding yields the
/// clamp's lower bound, as there.
public func maxPool2DChannelsLast<Element: QuantizedValue>(
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
    guard MemoryLayout<Element>.size == 1 else {
        throw .invalidShape(kernel: kernel, field: "element bytes", value: MemoryLayout<Element>.size,
                            requirement: "1 (int8 or uint8)")
    }

    ck_max_pool_channels_last(Element.isSigned ? 1 : 0, input.baseAddress, shape.batch, shape.inputHeight,
                              shape.inputWidth, shape.channels, shape.kernelHeight, shape.kernelWidth,
                              shape.strideHeight, shape.strideWidth, shape.padTop, shape.padLeft, outputHeight,
                              outputWidth, outputClamp.lower, outputClamp.upper, output.baseAddress)
}

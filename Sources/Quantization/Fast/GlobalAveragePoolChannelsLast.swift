/// Quantized global average pooling over channels-last (NHWC) activations,
/// [N, H, W, C] to [N, C], bit-exact with `globalAveragePool` on the same
/// values in NCHW:
///
///     acc[c] = sum over (y, x) of (q1[n, y, x, c] - Z1)
///     q2[n, c] = clamp(Z2 + round(M * acc[c] / (H * W))),  M = S1 / S2
///
/// The sums run pixel by pixel over the contiguous channels, which
/// vectorizes; the epilogue per channel is the reference's. Headroom as
/// there: planes below 2^23 elements cannot overflow the int32 sums.
public func globalAveragePoolChannelsLast<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    batch: Int, channels: Int, height: Int, width: Int,
    parameters: RequantizeParameters,
    scratch: IntegerScratch
) throws(KernelError) {
    if Element.self == Int8.self {
        try globalAveragePoolChannelsLastKernel(input: input.assumingElement(Int8.self),
                                                output: output.assumingElement(Int8.self), batch: batch,
                                                channels: channels, height: height, width: width,
                                                parameters: parameters, scratch: scratch)
    } else if Element.self == UInt8.self {
        try globalAveragePoolChannelsLastKernel(input: input.assumingElement(UInt8.self),
                                                output: output.assumingElement(UInt8.self), batch: batch,
                                                channels: channels, height: height, width: width,
                                                parameters: parameters, scratch: scratch)
    } else {
        try globalAveragePoolChannelsLastKernel(input: input, output: output, batch: batch, channels: channels,
                                                height: height, width: width, parameters: parameters,
                                                scratch: scratch)
    }
}

/// Runs `globalAveragePoolChannelsLast`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func globalAveragePoolChannelsLastKernel<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    batch: Int, channels: Int, height: Int, width: Int,
    parameters: RequantizeParameters,
    scratch: IntegerScratch
) throws(KernelError) {
    let kernel = "GlobalAveragePoolChannelsLast"
    try validateGlobalAveragePool(kernel, inputCount: input.count, outputCount: output.count, batch: batch,
                                  channels: channels, height: height, width: width, parameters: parameters,
                                  Element.self)
    let planeSize = height * width

    let inputZeroPoint = parameters.inputZeroPoint
    let count = Int32(planeSize)
    let sums = scratch.accumulatorBuffer(count: channels).baseAddress!
    var source = input.baseAddress!
    for image in 0..<batch {
        sums.update(repeating: 0, count: channels)
        for _ in 0..<planeSize {
            for channel in 0..<channels {
                sums[channel] &+= Int32(truncatingIfNeeded: source[channel]) &- inputZeroPoint
            }
            source += channels
        }
        for channel in 0..<channels {
            let value = globalAverage(sum: sums[channel], count: count, parameters: parameters)
            output[image * channels + channel] = Element(truncatingIfNeeded: value)
        }
    }
}

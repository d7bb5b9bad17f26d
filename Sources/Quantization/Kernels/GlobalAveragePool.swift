/// Quantized global average pooling (TFLite's MEAN over H and W),
/// [N, C, H, W] to [N, C], with a change of scale from (S1, Z1) to (S2, Z2):
///
///     acc = sum over (y, x) of (q1[n, c, y, x] - Z1)
///     q2[n, c] = clamp(Z2 + round(M * acc / (H * W))),  M = S1 / S2
///
/// M is applied first with `multiplyByQuantizedMultiplier`, then the count
/// divides with rounding half away from zero, the order TFLite uses. For
/// the same (S, Z) on both sides pass `RequantizeParameters` with M = 1.
/// Headroom: |acc| <= H * W * 255, so planes below 2^23 elements are exact
/// when M <= 1; a larger M needs |M * acc| to fit in int32.
public func globalAveragePool<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    batch: Int, channels: Int, height: Int, width: Int,
    parameters: RequantizeParameters
) throws(KernelError) {
    if Element.self == Int8.self {
        try globalAveragePoolKernel(input: input.assumingElement(Int8.self), output: output.assumingElement(Int8.self),
                                    batch: batch, channels: channels, height: height, width: width,
                                    parameters: parameters)
    } else if Element.self == UInt8.self {
        try globalAveragePoolKernel(input: input.assumingElement(UInt8.self), output: output.assumingElement(UInt8.self),
                                    batch: batch, channels: channels, height: height, width: width,
                                    parameters: parameters)
    } else {
        try globalAveragePoolKernel(input: input, output: output, batch: batch, channels: channels,
                                    height: height, width: width, parameters: parameters)
    }
}

/// Runs the skeleton of `globalAveragePool`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func globalAveragePoolKernel<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    batch: Int, channels: Int, height: Int, width: Int,
    parameters: RequantizeParameters
) throws(KernelError) {
    let kernel = "GlobalAveragePool"

    // Parameters.
    let inputZeroPoint = parameters.inputZeroPoint

    // Shapes.
    try validateGlobalAveragePool(kernel, inputCount: input.count, outputCount: output.count, batch: batch,
                                  channels: channels, height: height, width: width, parameters: parameters,
                                  Element.self)
    let planeSize = height * width
    let count = Int32(planeSize)

    // Loop over planes.
    for plane in 0..<(batch * channels) {
        let base = plane * planeSize
        var sum: Int32 = 0
        for offset in 0..<planeSize {
            sum += Int32(truncatingIfNeeded: input[base + offset]) - inputZeroPoint
        }

        // Epilogue: multiplier, rounding division by the count, zero-point, clamp.
        let value = globalAverage(sum: sum, count: count, parameters: parameters)
        output[plane] = Element(truncatingIfNeeded: value)
    }
}

/// Checks the shapes and parameters of a global average pool, with headroom:
/// the int32 sums of planes below 2^23 elements cannot overflow.
func validateGlobalAveragePool<Element: QuantizedValue>(
    _ kernel: String, inputCount: Int, outputCount: Int, batch: Int, channels: Int, height: Int, width: Int,
    parameters: RequantizeParameters, _ type: Element.Type
) throws(KernelError) {
    try checkPositive(kernel, "batch", batch)
    try checkPositive(kernel, "channels", channels)
    try checkPositive(kernel, "height", height)
    try checkPositive(kernel, "width", width)
    let planeSize = height * width
    guard planeSize < 1 << 23 else {
        throw .invalidShape(kernel: kernel, field: "height * width", value: planeSize,
                            requirement: "below 2^23 so the int32 sum cannot overflow")
    }
    try checkCount(kernel, "input", expected: batch * channels * planeSize, actual: inputCount)
    try checkCount(kernel, "output", expected: batch * channels, actual: outputCount)
    try parameters.validate(kernel, Element.self, Element.self)
}

/// Returns `clamp(Z2 + round(M * sum / count))` for the centered sum of one
/// plane: the multiplier first, then the rounding division, as TFLite does.
@inline(__always)
func globalAverage(sum: Int32, count: Int32, parameters: RequantizeParameters) -> Int32 {
    let scaled = multiplyByQuantizedMultiplier(sum, parameters.multiplier)
    let average = Int64(roundingDivide(scaled, by: count)) + Int64(parameters.outputZeroPoint)
    return Int32(min(max(average, Int64(parameters.outputClamp.lower)), Int64(parameters.outputClamp.upper)))
}

/// Array form of `globalAveragePool(input:output:batch:channels:height:width:parameters:)`;
/// returns [N, C].
public func globalAveragePool<Element: QuantizedValue>(
    input: [Element], batch: Int, channels: Int, height: Int, width: Int,
    parameters: RequantizeParameters
) throws(KernelError) -> [Element] {
    var output = [Element](repeating: 0, count: max(batch * channels, 0))
    let result: Result<Void, KernelError> = input.withUnsafeBufferPointer { inputBuffer in
        output.withUnsafeMutableBufferPointer { outputBuffer in
            Result { () throws(KernelError) in
                try globalAveragePool(input: inputBuffer, output: outputBuffer, batch: batch, channels: channels,
                                      height: height, width: width, parameters: parameters)
            }
        }
    }
    try result.get()
    return output
}

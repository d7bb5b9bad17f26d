/// Quantized 2-D convolution (plain, grouped or depthwise) on NCHW tensors:
///
///     q3[n, co, oy, ox] = clamp(Z3 + M[co] * (acc + bias[co]))
///     acc = sum over ci in the group of co, ky, kx of (q1[n, ci, iy, ix] - Z1) * (q2[co, ci, ky, kx] - Z2[co])
///     iy = oy * strideH - padTop + ky * dilationH, ix likewise
///
/// A padded tap has q1 = Z1, real value 0, so it contributes nothing; the
/// loops simply skip it. With N the number of valid taps of one output, the
/// sum is expanded as `N*Z1*Z2 - Z1*sum(q2) - Z2*sum(q1) + sum(q1*q2)`.
/// sum(q1) is taken once per window and shared by all output channels of a
/// group. sum(q2) over the window's valid taps comes from a 2-D prefix sum
/// of the weights at O(1) per output. So the inner loop only multiplies
/// stored integers, tap by tap along whole output rows.
///
/// Shapes: input [N, C, H, W], weights [Cout, C / groups, kH, kW], bias
/// [Cout] int32 with scale S1 * S2[co] and zero-point 0 (or nil), output
/// [N, Cout, OH, OW]; see `Conv2DShape`.
public func conv2D<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    weights: UnsafeBufferPointer<Element>,
    bias: UnsafeBufferPointer<Int32>?,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Conv2DShape,
    parameters: AccumulatingLayerParameters
) throws(KernelError) {
    if Element.self == Int8.self {
        try conv2DKernel(input: input.assumingElement(Int8.self), weights: weights.assumingElement(Int8.self),
                         bias: bias, output: output.assumingElement(Int8.self), shape: shape, parameters: parameters)
    } else if Element.self == UInt8.self {
        try conv2DKernel(input: input.assumingElement(UInt8.self), weights: weights.assumingElement(UInt8.self),
                         bias: bias, output: output.assumingElement(UInt8.self), shape: shape, parameters: parameters)
    } else {
        try conv2DKernel(input: input, weights: weights, bias: bias, output: output, shape: shape, parameters: parameters)
    }
}

/// Runs the skeleton of `conv2D`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func conv2DKernel<Element: QuantizedValue>(
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

    // Scratch planes: sum(q1 * q2) of one output channel, and sum(q1) over
    // each window, which all output channels of a group share.
    var productSums = [Int32](repeating: 0, count: outputPlane)
    var windowInputSums = [Int32](repeating: 0, count: anyWeightZeroPoint ? outputPlane : 0)

    // Loops over the named axes. The products are accumulated tap by tap
    // over whole output rows. The innermost loop then runs along the output
    // width with unit stride, instead of over a short kernel row.
    for image in 0..<batch {
        for group in 0..<groups {
            let firstInputChannel = group * inputChannelsPerGroup
            let inputGroupBase = (image * inputChannels + firstInputChannel) * inputPlane

            if anyWeightZeroPoint {
                windowInputSums.withUnsafeMutableBufferPointer { sums in
                    for index in 0..<outputPlane { sums[index] = 0 }
                    for channel in 0..<inputChannelsPerGroup {
                        accumulateTaps(into: sums, input: input, channelBase: inputGroupBase + channel * inputPlane,
                                       weights: nil, weightBase: 0, shape: shape,
                                       outputHeight: outputHeight, outputWidth: outputWidth)
                    }
                }
            }

            for outputChannelInGroup in 0..<outputChannelsPerGroup {
                let outputChannel = group * outputChannelsPerGroup + outputChannelInGroup
                let weightBase = outputChannel * weightsPerOutputChannel

                // sum(q1 * q2) over the valid taps of every window. Headroom:
                // |acc| <= N * max|q1 - Z1| * max|q2 - Z2|, which
                // AccumulatorHeadroom checks against Int32.max in preparation;
                // partial sums may wrap, the final value is exact.
                productSums.withUnsafeMutableBufferPointer { sums in
                    for index in 0..<outputPlane { sums[index] = 0 }
                    for channel in 0..<inputChannelsPerGroup {
                        accumulateTaps(into: sums, input: input, channelBase: inputGroupBase + channel * inputPlane,
                                       weights: weights, weightBase: weightBase + channel * weightPlane, shape: shape,
                                       outputHeight: outputHeight, outputWidth: outputWidth)
                    }
                }

                let weightZeroPoint = weightZeroPoints[weightZeroPoints.count == 1 ? 0 : outputChannel]
                let multiplier = outputMultipliers[outputMultipliers.count == 1 ? 0 : outputChannel]
                let channelBias = bias?[outputChannel] ?? 0
                let prefixBase = outputChannel * prefixPlane
                let outputBase = (image * outputChannels + outputChannel) * outputPlane

                for outputY in 0..<outputHeight {
                    let tapsY = validTaps(origin: outputY * strideHeight - shape.padTop, dilation: dilationHeight,
                                          window: kernelHeight, extent: inputHeight)
                    for outputX in 0..<outputWidth {
                        let tapsX = validTaps(origin: outputX * strideWidth - shape.padLeft, dilation: dilationWidth,
                                              window: kernelWidth, extent: inputWidth)
                        let pixel = outputY * outputWidth + outputX
                        let depth = Int32(inputChannelsPerGroup * tapsY.count * tapsX.count)

                        // sum(q2) over the valid taps, from the prefix sums.
                        var weightSum: Int32 = 0
                        if inputZeroPoint != 0 {
                            let top = tapsY.lowerBound * prefixWidth, bottom = tapsY.upperBound * prefixWidth
                            weightSum = weightPrefix[prefixBase + bottom + tapsX.upperBound]
                                &- weightPrefix[prefixBase + top + tapsX.upperBound]
                                &- weightPrefix[prefixBase + bottom + tapsX.lowerBound]
                                &+ weightPrefix[prefixBase + top + tapsX.lowerBound]
                        }
                        let inputSum = anyWeightZeroPoint ? windowInputSums[pixel] : 0

                        // N*Z1*Z2 - Z1*sum(q2) - Z2*sum(q1) + sum(q1*q2).
                        let accumulator = productSums[pixel]
                            &- inputZeroPoint &* weightSum
                            &- weightZeroPoint &* inputSum
                            &+ depth &* inputZeroPoint &* weightZeroPoint

                        // Epilogue.
                        let value = outputStage(accumulator: accumulator, bias: channelBias, multiplier: multiplier,
                                                outputZeroPoint: outputZeroPoint, clamp: outputClamp)
                        output[outputBase + pixel] = Element(truncatingIfNeeded: value)
                    }
                }
            }
        }
    }
}

/// Adds, for every output position, the products q1 * q2 of one input
/// channel over the window's valid taps to `sums` ([OH, OW]). With
/// `weights` nil every q2 counts as 1, which gives sum(q1) over the window.
/// Padded taps are skipped, because the caller's zero-point terms treat them
/// as q1 = Z1.
@inline(__always)
private func accumulateTaps<Element: QuantizedValue>(
    into sums: UnsafeMutableBufferPointer<Int32>,
    input: UnsafeBufferPointer<Element>, channelBase: Int,
    weights: UnsafeBufferPointer<Element>?, weightBase: Int,
    shape: Conv2DShape, outputHeight: Int, outputWidth: Int
) {
    let inputHeight = shape.inputHeight, inputWidth = shape.inputWidth
    let strideHeight = shape.strideHeight, strideWidth = shape.strideWidth
    for kernelY in 0..<shape.kernelHeight {
        // Output rows whose tap kernelY lands inside the input.
        let rowOffset = kernelY * shape.dilationHeight - shape.padTop
        let rows = validTaps(origin: rowOffset, dilation: strideHeight, window: outputHeight, extent: inputHeight)
        for kernelX in 0..<shape.kernelWidth {
            let weight = weights.map { Int32(truncatingIfNeeded: $0[weightBase + kernelY * shape.kernelWidth + kernelX]) } ?? 1
            if weight == 0 { continue }
            // Output columns whose tap kernelX lands inside the input.
            let columnOffset = kernelX * shape.dilationWidth - shape.padLeft
            let columns = validTaps(origin: columnOffset, dilation: strideWidth, window: outputWidth, extent: inputWidth)
            if columns.isEmpty { continue }
            for outputY in rows {
                // Row pointers keep index arithmetic out of the inner loop, which
                // lets the compiler vectorize it.
                let inputRow = input.baseAddress! + (channelBase + (outputY * strideHeight + rowOffset) * inputWidth + columnOffset)
                let outputRow = sums.baseAddress! + outputY * outputWidth
                if strideWidth == 1 {
                    for outputX in columns {
                        outputRow[outputX] &+= weight &* Int32(truncatingIfNeeded: inputRow[outputX])
                    }
                } else {
                    for outputX in columns {
                        outputRow[outputX] &+= weight &* Int32(truncatingIfNeeded: inputRow[outputX &* strideWidth])
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

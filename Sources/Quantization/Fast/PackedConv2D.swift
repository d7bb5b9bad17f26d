/// Quantized 2-D convolution on the packed int8 GEMM, bit-exact with
/// `conv2D`:
///
///     A[p][k] = q1[n, g*C/groups + c, iy, ix]   (im2col; Z1 where (iy, ix) is padding)
///     acc[p][j] = sum_k (A[p][k] - Z1) * (B_g[k][j] - Z2)            (Int8Gemm)
///     q3[n, co, oy, ox] = clamp(Z3 + M[co] * (acc[p][j] + bias[co]))  (outputStage)
///
/// with p = oy * OW + ox, k = (c * kH + ky) * kW + kx, co = g * Cout/groups + j.
/// A padded tap holds Z1, real value 0, so it adds exactly nothing, as the
/// reference kernel's skipped taps do. Each image and group is one GEMM of
/// `OH*OW x K` by `K x Cout/groups` on the calling thread.
///
/// Returns false, computing nothing, when the layer's depth could overflow
/// the GEMM's int32 accumulators for this input zero-point; the caller then
/// runs `conv2D`.
@_specialize(where Element == Int8)
@_specialize(where Element == UInt8)
public func packedConv2D<Element: QuantizedValue & Int8GemmElement>(
    input: UnsafeBufferPointer<Element>,
    weights: PackedLayerWeights,
    bias: UnsafeBufferPointer<Int32>?,
    output: UnsafeMutableBufferPointer<Element>,
    shape: Conv2DShape,
    parameters: AccumulatingLayerParameters,
    scratch: IntegerScratch
) throws -> Bool {
    let kernel = "PackedConv2D"
    let (outputHeight, outputWidth) = try shape.validated(kernel)
    try checkCount(kernel, "input", expected: shape.inputCount, actual: input.count)
    try checkCount(kernel, "output", expected: shape.outputCount, actual: output.count)
    try parameters.validate(kernel, channels: shape.outputChannels, biasCount: bias?.count, Element.self)
    let depth = shape.reductionDepth
    let channelsPerGroup = shape.outputChannelsPerGroup
    guard weights.groups.count == shape.groups,
          weights.groups.allSatisfy({ $0.depth == depth && $0.columnCount == channelsPerGroup }) else {
        throw KernelError.invalidShape(kernel: kernel, field: "packed weight groups", value: weights.groups.count,
                                       requirement: "\(shape.groups) groups of \(depth) x \(channelsPerGroup)")
    }
    guard weights.fitsAccumulator(Element.self, inputZeroPoint: parameters.inputZeroPoint) else { return false }

    let plane = outputHeight * outputWidth
    let columns = scratch.columnBuffer(Element.self, count: plane * depth)
    let blockSize = plane * channelsPerGroup
    let buffer = scratch.accumulatorBuffer(count: 2 * blockSize)
    let accumulators = UnsafeMutableBufferPointer(rebasing: buffer[..<blockSize])
    let transposed = UnsafeMutableBufferPointer(rebasing: buffer[blockSize...])
    for image in 0..<shape.batch {
        for group in 0..<shape.groups {
            im2col(input: input, image: image, group: group, shape: shape, outputHeight: outputHeight,
                   outputWidth: outputWidth, padValue: Element(truncatingIfNeeded: parameters.inputZeroPoint),
                   into: columns, scratch: scratch)
            try Int8Gemm.multiply(UnsafeBufferPointer(columns), rowCount: plane, zeroPoint: parameters.inputZeroPoint,
                                  weights: weights.groups[group], into: accumulators, workspace: scratch.workspace)
            let firstChannel = group * channelsPerGroup
            applyOutputStage(accumulators: UnsafeBufferPointer(accumulators), transposed: transposed, rowCount: plane,
                             columnCount: channelsPerGroup, firstChannel: firstChannel, bias: bias,
                             parameters: parameters,
                             output: output.baseAddress! + (image * shape.outputChannels + firstChannel) * plane,
                             rowStride: 1, columnStride: plane)
        }
    }
    return true
}

/// Writes the `OH*OW x (C/groups * kH * kW)` patch matrix of one image and
/// group into `matrix`, row p holding the window of output pixel p in the
/// weights' (c, ky, kx) order, `padValue` where the window leaves the input.
///
/// The group's channels are first copied into `padded` with a border of
/// `padValue` wide enough for every window, so that the patch loop reads
/// without bounds checks.
@inline(__always)
func im2col<Element: QuantizedValue & Int8GemmElement>(
    input: UnsafeBufferPointer<Element>, image: Int, group: Int, shape: Conv2DShape,
    outputHeight: Int, outputWidth: Int, padValue: Element, into matrix: UnsafeMutableBufferPointer<Element>,
    scratch: IntegerScratch
) {
    let inputHeight = shape.inputHeight, inputWidth = shape.inputWidth
    let kernelHeight = shape.kernelHeight, kernelWidth = shape.kernelWidth
    let strideHeight = shape.strideHeight, strideWidth = shape.strideWidth
    let dilationHeight = shape.dilationHeight, dilationWidth = shape.dilationWidth
    let channels = shape.inputChannelsPerGroup
    let inputPlane = inputHeight * inputWidth
    let paddedHeight = max(shape.padTop + inputHeight,
                           (outputHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1)
    let paddedWidth = max(shape.padLeft + inputWidth,
                          (outputWidth - 1) * strideWidth + (kernelWidth - 1) * dilationWidth + 1)
    let paddedPlane = paddedHeight * paddedWidth

    // The zero-point-padded channels of this image and group.
    let padded = scratch.paddedBuffer(Element.self, count: channels * paddedPlane)
    padded.update(repeating: padValue)
    let source = input.baseAddress! + (image * shape.inputChannels + group * channels) * inputPlane
    for channel in 0..<channels {
        for row in 0..<inputHeight {
            (padded.baseAddress! + channel * paddedPlane + (row + shape.padTop) * paddedWidth + shape.padLeft)
                .update(from: source + channel * inputPlane + row * inputWidth, count: inputWidth)
        }
    }

    // One kernel row of one channel at a time, for every pixel of an output row.
    let depth = channels * kernelHeight * kernelWidth
    let base = padded.baseAddress!
    var rowStart = matrix.baseAddress!
    for outputY in 0..<outputHeight {
        for channel in 0..<channels {
            for kernelY in 0..<kernelHeight {
                let inputY: Int = outputY &* strideHeight &+ kernelY &* dilationHeight
                let offset: Int = channel &* paddedPlane &+ inputY &* paddedWidth
                let paddedRow = base + offset
                let column: Int = (channel &* kernelHeight &+ kernelY) &* kernelWidth
                var destination = rowStart + column
                if kernelWidth == 3 && dilationWidth == 1 {
                    // The common 3x3 window, unrolled so that no inner loop runs per pixel.
                    for outputX in 0..<outputWidth {
                        let window = paddedRow + outputX &* strideWidth
                        destination[0] = window[0]
                        destination[1] = window[1]
                        destination[2] = window[2]
                        destination += depth
                    }
                    continue
                }
                for outputX in 0..<outputWidth {
                    let window = paddedRow + outputX &* strideWidth
                    for kernelX in 0..<kernelWidth {
                        destination[kernelX] = window[kernelX &* dilationWidth]
                    }
                    destination += depth
                }
            }
        }
        rowStart += outputWidth &* depth
    }
}

/// The integer epilogue over a `rowCount x columnCount` block of GEMM
/// accumulators (row-major): column j belongs to output channel
/// `firstChannel + j`, and its value of row i goes to
/// `output[i * rowStride + j * columnStride]`. The block is first
/// transposed into `transposed` (same size), so that `outputStageRow` reads
/// each channel's accumulators contiguously.
@inline(__always)
func applyOutputStage<Element: QuantizedValue>(
    accumulators: UnsafeBufferPointer<Int32>, transposed: UnsafeMutableBufferPointer<Int32>,
    rowCount: Int, columnCount: Int, firstChannel: Int,
    bias: UnsafeBufferPointer<Int32>?, parameters: AccumulatingLayerParameters,
    output: UnsafeMutablePointer<Element>, rowStride: Int, columnStride: Int
) {
    let multipliers = parameters.outputMultipliers
    transpose(accumulators.baseAddress!, rowCount: rowCount, columnCount: columnCount,
              into: transposed.baseAddress!)
    for column in 0..<columnCount {
        let channel = firstChannel + column
        outputStageRow(UnsafePointer(transposed.baseAddress! + column * rowCount), count: rowCount,
                       bias: bias?[channel] ?? 0, multiplier: multipliers[multipliers.count == 1 ? 0 : channel],
                       outputZeroPoint: parameters.outputZeroPoint, clamp: parameters.outputClamp,
                       output: output + column * columnStride, outputStride: rowStride)
    }
}

import CKernels

/// Quantized 2-D convolution on the packed int8 GEMM over channels-last
/// (NHWC) activations, bit-exact with `conv2D` on the same values in NCHW:
///
///     A[p][k] = q1[n, iy, ix, g*C/groups + c]   (im2col; Z1 where (iy, ix) is padding)
///     acc[p][j] = sum_k (A[p][k] - Z1) * (B_g[k][j] - Z2)            (Int8Gemm)
///     q3[n, oy, ox, co] = clamp(Z3 + M[co] * (acc[p][j] + bias[co]))  (ChannelOutputStage)
///
/// with p = (n * OH + oy) * OW + ox running over the whole batch,
/// k = (ky * kW + kx) * C/groups + c (the tap-major order in which
/// `PackedLayerWeights` was packed with `taps = kH * kW`) and
/// co = g * Cout/groups + j. A padded tap holds Z1, real value 0, so it adds
/// exactly nothing, as the reference kernel's skipped taps do.
///
/// A 1x1 convolution with stride 1, no padding and one group multiplies the
/// input itself: its NHWC rows are A. Otherwise the rows are gathered in
/// chunks small enough that the chunk of A and its accumulators stay in
/// cache, and each chunk's output stage runs right after its GEMM.
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
    let taps = shape.kernelHeight * shape.kernelWidth
    guard weights.groups.count == shape.groups, weights.taps == taps,
          weights.groups.allSatisfy({ $0.depth == depth && $0.columnCount == channelsPerGroup }) else {
        throw KernelError.invalidShape(kernel: kernel, field: "packed weight groups", value: weights.groups.count,
                                       requirement: "\(shape.groups) groups of \(depth) x \(channelsPerGroup) "
                                           + "packed with \(taps) taps")
    }
    guard weights.fitsAccumulator(Element.self, inputZeroPoint: parameters.inputZeroPoint) else { return false }

    let rowCount = shape.batch * outputHeight * outputWidth
    let direct = taps == 1 && shape.groups == 1 && shape.strideHeight == 1 && shape.strideWidth == 1
        && shape.padTop == 0 && shape.padLeft == 0 && outputHeight == shape.inputHeight
        && outputWidth == shape.inputWidth
    let chunkRows = max(4, 196_608 / (direct ? 4 * channelsPerGroup : depth + 4 * channelsPerGroup) / 4 * 4)
    let accumulators = scratch.accumulatorBuffer(count: min(chunkRows, rowCount) * channelsPerGroup)
    let columns = direct ? nil : scratch.columnBuffer(Element.self, count: min(chunkRows, rowCount) * depth)
    let stage = ChannelOutputStage(parameters: parameters, bias: bias, channels: shape.outputChannels,
                                   scratch: scratch)
    let padValue = Element(truncatingIfNeeded: parameters.inputZeroPoint)

    for group in 0..<shape.groups {
        let firstChannel = group * channelsPerGroup
        var firstRow = 0
        while firstRow < rowCount {
            let rows = min(chunkRows, rowCount - firstRow)
            let activations: UnsafeBufferPointer<Element>
            if let columns {
                im2colChannelsLast(input: input.baseAddress!, rows: firstRow..<(firstRow + rows), group: group,
                                   shape: shape, outputHeight: outputHeight, outputWidth: outputWidth,
                                   padValue: padValue, into: columns.baseAddress!)
                activations = UnsafeBufferPointer(start: columns.baseAddress!, count: rows * depth)
            } else {
                activations = UnsafeBufferPointer(rebasing: input[(firstRow * depth)..<((firstRow + rows) * depth)])
            }
            let block = UnsafeMutableBufferPointer(rebasing: accumulators[..<(rows * channelsPerGroup)])
            try Int8Gemm.multiply(activations, rowCount: rows, zeroPoint: parameters.inputZeroPoint,
                                  weights: weights.groups[group], into: block, workspace: scratch.workspace)
            stage.apply(UnsafePointer(block.baseAddress!), accumulatorStride: channelsPerGroup, rows: rows,
                        firstChannel: firstChannel, channelCount: channelsPerGroup,
                        output: output.baseAddress! + firstRow * shape.outputChannels + firstChannel,
                        outputStride: shape.outputChannels)
            firstRow += rows
        }
    }
    return true
}

/// Writes the patch rows `rows` (p = (n * OH + oy) * OW + ox) of group
/// `group` into `matrix`, one after the other: row p contains the window of
/// output pixel p in tap-major order, each tap the group's C/groups
/// channels of one NHWC input pixel, or `padValue` where the tap lies in
/// the padding (`ck_im2col_channels_last`).
@inline(__always)
func im2colChannelsLast<Element: QuantizedValue & Int8GemmElement>(
    input: UnsafePointer<Element>, rows: Range<Int>, group: Int, shape: Conv2DShape,
    outputHeight: Int, outputWidth: Int, padValue: Element, into matrix: UnsafeMutablePointer<Element>
) {
    let channels = shape.inputChannelsPerGroup
    ck_im2col_channels_last(UnsafeRawPointer(input).assumingMemoryBound(to: UInt8.self), shape.inputHeight,
                            shape.inputWidth, shape.inputChannels, group * channels, channels,
                            shape.kernelHeight, shape.kernelWidth, shape.strideHeight, shape.strideWidth,
                            shape.dilationHeight, shape.dilationWidth, shape.padTop, shape.padLeft, outputHeight,
                            outputWidth, rows.lowerBound, rows.count, UInt8(truncatingIfNeeded: padValue),
                            UnsafeMutableRawPointer(matrix).assumingMemoryBound(to: UInt8.self))
}

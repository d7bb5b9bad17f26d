/// Quantized fully connected layer on the packed int8 GEMM, bit-exact with
/// `fullyConnected`:
///
///     acc[n][o] = sum_i (q1[n, i] - Z1) * (q2[o, i] - Z2)            (Int8Gemm)
///     q3[n, o] = clamp(Z3 + M[o] * (acc[n][o] + bias[o]))           (ChannelOutputStage)
///
/// `weights` is the `[out][in]` matrix packed as one group. Runs on the
/// calling thread. Returns false, computing nothing, when `in` could
/// overflow the GEMM's int32 accumulators for this input zero-point; the
/// caller then runs `fullyConnected`.
@_specialize(where Element == Int8)
@_specialize(where Element == UInt8)
public func packedFullyConnected<Element: QuantizedValue & Int8GemmElement>(
    input: UnsafeBufferPointer<Element>,
    weights: PackedLayerWeights,
    bias: UnsafeBufferPointer<Int32>?,
    output: UnsafeMutableBufferPointer<Element>,
    batch: Int, inputFeatures: Int, outputFeatures: Int,
    parameters: AccumulatingLayerParameters,
    scratch: IntegerScratch
) throws -> Bool {
    let kernel = "PackedFullyConnected"
    try checkPositive(kernel, "batch", batch)
    try checkPositive(kernel, "inputFeatures", inputFeatures)
    try checkPositive(kernel, "outputFeatures", outputFeatures)
    try checkCount(kernel, "input", expected: batch * inputFeatures, actual: input.count)
    try checkCount(kernel, "output", expected: batch * outputFeatures, actual: output.count)
    try parameters.validate(kernel, channels: outputFeatures, biasCount: bias?.count, Element.self)
    guard weights.groups.count == 1, let matrix = weights.groups.first,
          matrix.depth == inputFeatures, matrix.columnCount == outputFeatures else {
        throw KernelError.invalidShape(kernel: kernel, field: "packed weight groups", value: weights.groups.count,
                                       requirement: "one group of \(inputFeatures) x \(outputFeatures)")
    }
    guard weights.fitsAccumulator(Element.self, inputZeroPoint: parameters.inputZeroPoint) else { return false }

    let accumulators = scratch.accumulatorBuffer(count: batch * outputFeatures)
    try Int8Gemm.multiply(input, rowCount: batch, zeroPoint: parameters.inputZeroPoint, weights: matrix,
                          into: accumulators, workspace: scratch.workspace)
    let stage = ChannelOutputStage(parameters: parameters, bias: bias, channels: outputFeatures, scratch: scratch)
    stage.apply(UnsafePointer(accumulators.baseAddress!), accumulatorStride: outputFeatures, rows: batch,
                firstChannel: 0, channelCount: outputFeatures, output: output.baseAddress!,
                outputStride: outputFeatures)
    return true
}

/// Quantized fully connected layer (a matrix product with bias):
///
///     q3[n, o] = clamp(Z3 + M[o] * (acc + bias[o]))
///     acc = sum over i of (q1[n, i] - Z1) * (q2[o, i] - Z2[o])
///         = N*Z1*Z2[o] - Z1*sum_i q2[o, i] - Z2[o]*sum_i q1[n, i] + sum_i q1[n, i]*q2[o, i]
///
/// with N the input features. Row sums of the weights are taken once per
/// call and row sums of the input once per batch row.
///
/// Shapes: input [batch, in], weights [out, in], bias [out] int32 with scale
/// S1 * S2[o] and zero-point 0 (or nil), output [batch, out].
public func fullyConnected<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    weights: UnsafeBufferPointer<Element>,
    bias: UnsafeBufferPointer<Int32>?,
    output: UnsafeMutableBufferPointer<Element>,
    batch: Int, inputFeatures: Int, outputFeatures: Int,
    parameters: AccumulatingLayerParameters
) throws(KernelError) {
    if Element.self == Int8.self {
        try fullyConnectedKernel(input: input.assumingElement(Int8.self), weights: weights.assumingElement(Int8.self),
                                 bias: bias, output: output.assumingElement(Int8.self), batch: batch,
                                 inputFeatures: inputFeatures, outputFeatures: outputFeatures, parameters: parameters)
    } else if Element.self == UInt8.self {
        try fullyConnectedKernel(input: input.assumingElement(UInt8.self), weights: weights.assumingElement(UInt8.self),
                                 bias: bias, output: output.assumingElement(UInt8.self), batch: batch,
                                 inputFeatures: inputFeatures, outputFeatures: outputFeatures, parameters: parameters)
    } else {
        try fullyConnectedKernel(input: input, weights: weights, bias: bias, output: output, batch: batch,
                                 inputFeatures: inputFeatures, outputFeatures: outputFeatures, parameters: parameters)
    }
}

/// Runs the skeleton of `fullyConnected`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func fullyConnectedKernel<Element: QuantizedValue>(
    input: UnsafeBufferPointer<Element>,
    weights: UnsafeBufferPointer<Element>,
    bias: UnsafeBufferPointer<Int32>?,
    output: UnsafeMutableBufferPointer<Element>,
    batch: Int, inputFeatures: Int, outputFeatures: Int,
    parameters: AccumulatingLayerParameters
) throws(KernelError) {
    let kernel = "FullyConnected"

    // Parameters.
    let inputZeroPoint = parameters.inputZeroPoint
    let outputZeroPoint = parameters.outputZeroPoint
    let weightZeroPoints = parameters.weightZeroPoints
    let outputMultipliers = parameters.outputMultipliers
    let outputClamp = parameters.outputClamp

    // Shapes.
    try checkPositive(kernel, "batch", batch)
    try checkPositive(kernel, "inputFeatures", inputFeatures)
    try checkPositive(kernel, "outputFeatures", outputFeatures)
    try checkCount(kernel, "input", expected: batch * inputFeatures, actual: input.count)
    try checkCount(kernel, "weights", expected: outputFeatures * inputFeatures, actual: weights.count)
    try checkCount(kernel, "output", expected: batch * outputFeatures, actual: output.count)
    try parameters.validate(kernel, channels: outputFeatures, biasCount: bias?.count, Element.self)

    // sum_i q2[o, i] for every output feature.
    var weightSums = [Int32](repeating: 0, count: outputFeatures)
    for outputFeature in 0..<outputFeatures {
        var rowSum: Int32 = 0
        for inputFeature in 0..<inputFeatures {
            rowSum &+= Int32(truncatingIfNeeded: weights[outputFeature * inputFeatures + inputFeature])
        }
        weightSums[outputFeature] = rowSum
    }
    let depth = Int32(truncatingIfNeeded: inputFeatures)

    // Loops over the named axes.
    for row in 0..<batch {
        // Row pointers keep index arithmetic out of the inner loops, which
        // lets the compiler vectorize them.
        let inputRow = input.baseAddress! + row * inputFeatures
        var inputSum: Int32 = 0
        for inputFeature in 0..<inputFeatures {
            inputSum &+= Int32(truncatingIfNeeded: inputRow[inputFeature])
        }
        for outputFeature in 0..<outputFeatures {
            let weightRow = weights.baseAddress! + outputFeature * inputFeatures

            // sum(q1 * q2). Headroom: |acc| <= N * max|q1 - Z1| * max|q2 - Z2|,
            // checked by AccumulatorHeadroom in preparation; partial sums may
            // wrap, the final value is exact.
            var productSum: Int32 = 0
            for inputFeature in 0..<inputFeatures {
                let q1 = Int32(truncatingIfNeeded: inputRow[inputFeature])
                let q2 = Int32(truncatingIfNeeded: weightRow[inputFeature])
                productSum &+= q1 &* q2
            }
            let weightZeroPoint = weightZeroPoints[weightZeroPoints.count == 1 ? 0 : outputFeature]
            let accumulator = productSum
                &- inputZeroPoint &* weightSums[outputFeature]
                &- weightZeroPoint &* inputSum
                &+ depth &* inputZeroPoint &* weightZeroPoint

            // Epilogue.
            let multiplier = outputMultipliers[outputMultipliers.count == 1 ? 0 : outputFeature]
            let value = outputStage(accumulator: accumulator, bias: bias?[outputFeature] ?? 0,
                                    multiplier: multiplier, outputZeroPoint: outputZeroPoint,
                                    clamp: outputClamp)
            output[row * outputFeatures + outputFeature] = Element(truncatingIfNeeded: value)
        }
    }
}

/// Array form of `fullyConnected(input:weights:bias:output:batch:inputFeatures:outputFeatures:parameters:)`;
/// returns the output [batch, out].
public func fullyConnected<Element: QuantizedValue>(
    input: [Element], weights: [Element], bias: [Int32]?,
    batch: Int, inputFeatures: Int, outputFeatures: Int,
    parameters: AccumulatingLayerParameters
) throws(KernelError) -> [Element] {
    var output = [Element](repeating: 0, count: max(batch * outputFeatures, 0))
    let result: Result<Void, KernelError> = input.withUnsafeBufferPointer { inputBuffer in
        weights.withUnsafeBufferPointer { weightBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                withOptionalBuffer(bias) { biasBuffer in
                    Result { () throws(KernelError) in
                        try fullyConnected(input: inputBuffer, weights: weightBuffer, bias: biasBuffer,
                                           output: outputBuffer, batch: batch, inputFeatures: inputFeatures,
                                           outputFeatures: outputFeatures, parameters: parameters)
                    }
                }
            }
        }
    }
    try result.get()
    return output
}

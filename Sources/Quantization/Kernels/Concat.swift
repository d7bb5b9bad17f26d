/// Quantized concatenation along one axis, each input requantized to the
/// output's (S, Z):
///
///     q3 = clamp(Z3 + M_i * (q_i - Z_i)),  M_i = S_i / S3
///
/// Every tensor is viewed as [outer, axis extent, inner]; `axisExtents[i]`
/// is input i's extent along the axis and `inner` the product of the later
/// dimensions. An input whose (S, Z) equals the output's is copied.
///
/// NOTE: TFLite's reference concatenation rescales with float arithmetic;
/// this kernel uses the integer requantization, which can differ by one
/// when input and output scales differ.
public func concat<Element: QuantizedValue>(
    inputs: [UnsafeBufferPointer<Element>],
    output: UnsafeMutableBufferPointer<Element>,
    outer: Int, axisExtents: [Int], inner: Int,
    parameters: [RequantizeParameters]
) throws(KernelError) {
    if Element.self == Int8.self {
        try concatKernel(inputs: inputs.map { $0.assumingElement(Int8.self) }, output: output.assumingElement(Int8.self),
                         outer: outer, axisExtents: axisExtents, inner: inner, parameters: parameters)
    } else if Element.self == UInt8.self {
        try concatKernel(inputs: inputs.map { $0.assumingElement(UInt8.self) }, output: output.assumingElement(UInt8.self),
                         outer: outer, axisExtents: axisExtents, inner: inner, parameters: parameters)
    } else {
        try concatKernel(inputs: inputs, output: output, outer: outer, axisExtents: axisExtents, inner: inner,
                         parameters: parameters)
    }
}

/// Runs the skeleton of `concat`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func concatKernel<Element: QuantizedValue>(
    inputs: [UnsafeBufferPointer<Element>],
    output: UnsafeMutableBufferPointer<Element>,
    outer: Int, axisExtents: [Int], inner: Int,
    parameters: [RequantizeParameters]
) throws(KernelError) {
    let kernel = "Concat"

    // Shapes.
    try checkPositive(kernel, "outer", outer)
    try checkPositive(kernel, "inner", inner)
    try checkCount(kernel, "axisExtents", expected: inputs.count, actual: axisExtents.count)
    try checkCount(kernel, "parameters", expected: inputs.count, actual: parameters.count)
    for (index, extent) in axisExtents.enumerated() {
        try checkNonNegative(kernel, "axisExtents[\(index)]", extent)
        try checkCount(kernel, "inputs[\(index)]", expected: outer * extent * inner, actual: inputs[index].count)
        try parameters[index].validate(kernel, Element.self, Element.self)
    }
    let outputAxisExtent = axisExtents.reduce(0, +)
    try checkCount(kernel, "output", expected: outer * outputAxisExtent * inner, actual: output.count)
    let copies = parameters.map { $0.isIdentity(for: Element.self) }

    // Loops over the named axes.
    var outputIndex = 0
    for outerIndex in 0..<outer {
        for (inputIndex, source) in inputs.enumerated() {
            let blockSize = axisExtents[inputIndex] * inner
            let inputBase = outerIndex * blockSize
            let requantization = parameters[inputIndex]
            if copies[inputIndex] {
                for offset in 0..<blockSize {
                    output[outputIndex + offset] = source[inputBase + offset]
                }
            } else {
                for offset in 0..<blockSize {
                    let centered = Int32(truncatingIfNeeded: source[inputBase + offset]) - requantization.inputZeroPoint

                    // Epilogue without bias.
                    let value = outputStage(accumulator: centered, bias: 0, multiplier: requantization.multiplier,
                                            outputZeroPoint: requantization.outputZeroPoint,
                                            clamp: requantization.outputClamp)
                    output[outputIndex + offset] = Element(truncatingIfNeeded: value)
                }
            }
            outputIndex += blockSize
        }
    }
}

/// Array form of `concat(inputs:output:outer:axisExtents:inner:parameters:)`.
public func concat<Element: QuantizedValue>(
    _ inputs: [[Element]], outer: Int, axisExtents: [Int], inner: Int,
    parameters: [RequantizeParameters]
) throws(KernelError) -> [Element] {
    var output = [Element](repeating: 0, count: max(outer * axisExtents.reduce(0, +) * inner, 0))
    let result: Result<Void, KernelError> = withBuffers(inputs[...], collected: []) { buffers in
        output.withUnsafeMutableBufferPointer { outputBuffer in
            Result { () throws(KernelError) in
                try concat(inputs: buffers, output: outputBuffer, outer: outer, axisExtents: axisExtents,
                           inner: inner, parameters: parameters)
            }
        }
    }
    try result.get()
    return output
}

/// Calls `body` with buffers over all `arrays`, nesting one
/// `withUnsafeBufferPointer` per array so that every buffer stays valid.
private func withBuffers<Element, Output>(
    _ arrays: ArraySlice<[Element]>, collected: [UnsafeBufferPointer<Element>],
    _ body: ([UnsafeBufferPointer<Element>]) -> Output
) -> Output {
    guard let first = arrays.first else { return body(collected) }
    return first.withUnsafeBufferPointer { buffer in
        withBuffers(arrays.dropFirst(), collected: collected + [buffer], body)
    }
}

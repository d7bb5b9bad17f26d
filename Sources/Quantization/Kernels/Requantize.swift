/// Integer parameters for moving a tensor from (S1, Z1) to (S2, Z2):
/// q2 = clamp(Z2 + M * (q1 - Z1)) with M = S1 / S2.
public struct RequantizeParameters: Sendable, Equatable {
    /// Z1.
    public var inputZeroPoint: Int32
    /// Z2.
    public var outputZeroPoint: Int32
    /// M = S1 / S2.
    public var multiplier: QuantizedMultiplier
    /// [qmin', qmax'] of the output.
    public var outputClamp: ActivationClamp

    public init(inputZeroPoint: Int32, outputZeroPoint: Int32,
                multiplier: QuantizedMultiplier, outputClamp: ActivationClamp) {
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.multiplier = multiplier
        self.outputClamp = outputClamp
    }

    /// Returns whether the mapping is the identity on stored values, so that
    /// they can be copied: M = 1, the same zero-point, and a clamp covering
    /// the whole input type.
    func isIdentity<Input: QuantizedValue>(for type: Input.Type) -> Bool {
        multiplier == .one && inputZeroPoint == outputZeroPoint
            && outputClamp.lower <= Int32(Input.min) && outputClamp.upper >= Int32(Input.max)
    }

    func validate<Input: QuantizedValue, Output: QuantizedValue>(
        _ kernel: String, _ input: Input.Type, _ output: Output.Type
    ) throws(KernelError) {
        try checkZeroPoint(kernel, "input", inputZeroPoint, Input.self)
        try checkZeroPoint(kernel, "output", outputZeroPoint, Output.self)
        try checkMultipliers(kernel, [multiplier])
        try checkClamp(kernel, outputClamp, Output.self)
    }
}

/// Changes the (S, Z) of a tensor, element by element:
///
///     q2 = clamp(Z2 + M * (q1 - Z1)),  M = S1 / S2
///
/// Input and output may be different 8-bit types (uint8 to int8 and back).
/// Shapes: any, with `output.count == input.count`.
public func requantize<Input: QuantizedValue, Output: QuantizedValue>(
    input: UnsafeBufferPointer<Input>,
    output: UnsafeMutableBufferPointer<Output>,
    parameters: RequantizeParameters
) throws(KernelError) {
    switch (Input.self == Int8.self, Output.self == Int8.self) {
    case (true, true):
        try requantizeKernel(input: input.assumingElement(Int8.self), output: output.assumingElement(Int8.self),
                             parameters: parameters)
    case (false, false) where Input.self == UInt8.self && Output.self == UInt8.self:
        try requantizeKernel(input: input.assumingElement(UInt8.self), output: output.assumingElement(UInt8.self),
                             parameters: parameters)
    default:
        // Conversions between uint8 and int8 run generic; they are rare and elementwise.
        try requantizeKernel(input: input, output: output, parameters: parameters)
    }
}

/// Runs the skeleton of `requantize`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func requantizeKernel<Input: QuantizedValue, Output: QuantizedValue>(
    input: UnsafeBufferPointer<Input>,
    output: UnsafeMutableBufferPointer<Output>,
    parameters: RequantizeParameters
) throws(KernelError) {
    let kernel = "Requantize"

    // Parameters.
    let inputZeroPoint = parameters.inputZeroPoint
    let outputZeroPoint = parameters.outputZeroPoint
    let multiplier = parameters.multiplier
    let outputClamp = parameters.outputClamp

    // Shapes.
    try checkCount(kernel, "output", expected: input.count, actual: output.count)
    try parameters.validate(kernel, Input.self, Output.self)

    // Loop over elements, then the epilogue without bias.
    for index in 0..<input.count {
        let centered = Int32(truncatingIfNeeded: input[index]) - inputZeroPoint
        let value = outputStage(accumulator: centered, bias: 0, multiplier: multiplier,
                                outputZeroPoint: outputZeroPoint, clamp: outputClamp)
        output[index] = Output(truncatingIfNeeded: value)
    }
}

/// Array form of `requantize(input:output:parameters:)`.
public func requantize<Input: QuantizedValue, Output: QuantizedValue>(
    _ input: [Input], to type: Output.Type, parameters: RequantizeParameters
) throws(KernelError) -> [Output] {
    var output = [Output](repeating: 0, count: input.count)
    let result: Result<Void, KernelError> = input.withUnsafeBufferPointer { inputBuffer in
        output.withUnsafeMutableBufferPointer { outputBuffer in
            Result { () throws(KernelError) in
                try requantize(input: inputBuffer, output: outputBuffer, parameters: parameters)
            }
        }
    }
    try result.get()
    return output
}

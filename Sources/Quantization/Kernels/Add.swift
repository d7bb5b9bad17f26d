/// Integer parameters of an elementwise Add of two quantized tensors.
///
/// Both inputs are brought to a common scale before the sum, as TFLite does:
/// with S = 2 * max(S1, S2) and a left shift L = 20,
///
///     x1 = M1 * ((q1 - Z1) * 2^L),  M1 = S1 / S
///     x2 = M2 * ((q2 - Z2) * 2^L),  M2 = S2 / S
///     q3 = clamp(Z3 + M3 * (x1 + x2)),  M3 = S / (2^L * S3)
///
/// M1 and M2 are at most 1/2, so x1 + x2 cannot overflow; the shift keeps
/// 20 fractional bits through the two requantizations.
public struct AddParameters: Sendable, Equatable {
    /// The left shift L applied to both centered inputs.
    public static let inputLeftShift: Int32 = 20

    public var input1ZeroPoint: Int32
    public var input2ZeroPoint: Int32
    public var outputZeroPoint: Int32
    /// M1 = S1 / (2 * max(S1, S2)).
    public var input1Multiplier: QuantizedMultiplier
    /// M2 = S2 / (2 * max(S1, S2)).
    public var input2Multiplier: QuantizedMultiplier
    /// M3 = 2 * max(S1, S2) / (2^20 * S3).
    public var outputMultiplier: QuantizedMultiplier
    public var outputClamp: ActivationClamp

    public init(input1ZeroPoint: Int32, input2ZeroPoint: Int32, outputZeroPoint: Int32,
                input1Multiplier: QuantizedMultiplier, input2Multiplier: QuantizedMultiplier,
                outputMultiplier: QuantizedMultiplier, outputClamp: ActivationClamp) {
        self.input1ZeroPoint = input1ZeroPoint
        self.input2ZeroPoint = input2ZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.input1Multiplier = input1Multiplier
        self.input2Multiplier = input2Multiplier
        self.outputMultiplier = outputMultiplier
        self.outputClamp = outputClamp
    }
}

/// Quantized elementwise Add of two tensors of the same shape; see
/// `AddParameters` for the formula. (q - Z) * 2^20 fits in int32 because
/// |q - Z| <= 255 < 2^11.
///
/// NOTE: no broadcasting; both inputs and the output have the same count.
public func add<Element: QuantizedValue>(
    _ input1: UnsafeBufferPointer<Element>,
    _ input2: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    parameters: AddParameters
) throws(KernelError) {
    if Element.self == Int8.self {
        try addKernel(input1.assumingElement(Int8.self), input2.assumingElement(Int8.self),
                      output: output.assumingElement(Int8.self), parameters: parameters)
    } else if Element.self == UInt8.self {
        try addKernel(input1.assumingElement(UInt8.self), input2.assumingElement(UInt8.self),
                      output: output.assumingElement(UInt8.self), parameters: parameters)
    } else {
        try addKernel(input1, input2, output: output, parameters: parameters)
    }
}

/// Runs the skeleton of `add`. Called with a concrete 8-bit type, it is compiled as a specialized copy.
func addKernel<Element: QuantizedValue>(
    _ input1: UnsafeBufferPointer<Element>,
    _ input2: UnsafeBufferPointer<Element>,
    output: UnsafeMutableBufferPointer<Element>,
    parameters: AddParameters
) throws(KernelError) {
    // Parameters.
    let input1ZeroPoint = parameters.input1ZeroPoint
    let input2ZeroPoint = parameters.input2ZeroPoint
    let outputZeroPoint = parameters.outputZeroPoint
    let input1Multiplier = parameters.input1Multiplier
    let input2Multiplier = parameters.input2Multiplier
    let outputMultiplier = parameters.outputMultiplier
    let outputClamp = parameters.outputClamp
    let leftShift = AddParameters.inputLeftShift

    // Shapes.
    try checkAdd(Element.self, counts: (input1.count, input2.count, output.count), parameters: parameters)

    // Loop over elements.
    for index in 0..<input1.count {
        let shifted1 = (Int32(truncatingIfNeeded: input1[index]) - input1ZeroPoint) << leftShift
        let shifted2 = (Int32(truncatingIfNeeded: input2[index]) - input2ZeroPoint) << leftShift
        let scaled1 = multiplyByQuantizedMultiplier(shifted1, input1Multiplier)
        let scaled2 = multiplyByQuantizedMultiplier(shifted2, input2Multiplier)

        // Epilogue, with the rescaled sum as the accumulator.
        let value = outputStage(accumulator: scaled1 &+ scaled2, bias: 0, multiplier: outputMultiplier,
                                outputZeroPoint: outputZeroPoint, clamp: outputClamp)
        output[index] = Element(truncatingIfNeeded: value)
    }
}

/// Checks what `add` and its vectorized twin need: equal counts, zero-points
/// and clamp bounds in `Element`'s range, and valid multipliers.
func checkAdd<Element: QuantizedValue>(_ type: Element.Type, counts: (input1: Int, input2: Int, output: Int),
                                       parameters: AddParameters) throws(KernelError) {
    let kernel = "Add"
    try checkCount(kernel, "input2", expected: counts.input1, actual: counts.input2)
    try checkCount(kernel, "output", expected: counts.input1, actual: counts.output)
    try checkZeroPoint(kernel, "input1", parameters.input1ZeroPoint, Element.self)
    try checkZeroPoint(kernel, "input2", parameters.input2ZeroPoint, Element.self)
    try checkZeroPoint(kernel, "output", parameters.outputZeroPoint, Element.self)
    try checkMultipliers(kernel, [parameters.input1Multiplier, parameters.input2Multiplier,
                                  parameters.outputMultiplier])
    try checkClamp(kernel, parameters.outputClamp, Element.self)
}

/// Array form of `add(_:_:output:parameters:)`.
public func add<Element: QuantizedValue>(
    _ input1: [Element], _ input2: [Element], parameters: AddParameters
) throws(KernelError) -> [Element] {
    var output = [Element](repeating: 0, count: input1.count)
    let result: Result<Void, KernelError> = input1.withUnsafeBufferPointer { buffer1 in
        input2.withUnsafeBufferPointer { buffer2 in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                Result { () throws(KernelError) in
                    try add(buffer1, buffer2, output: outputBuffer, parameters: parameters)
                }
            }
        }
    }
    try result.get()
    return output
}

import CKernels

/// Adds two quantized tensors elementwise on the vectorized C kernel
/// (`ck_quantized_add`), bit-exact with the reference `add`:
///
///     q3 = clamp(Z3 + M3 * (M1 * ((q1 - Z1) * 2^20) + M2 * ((q2 - Z2) * 2^20)))
///
/// (`AddParameters` derives M1, M2 and M3.) The sum is elementwise, so the
/// inputs may be in either activation layout as long as both share it.
func vectorizedAdd<Element: QuantizedValue>(_ input1: [Element], _ input2: [Element],
                                            parameters: AddParameters) throws(KernelError) -> [Element] {
    try checkAdd(Element.self, counts: (input1.count, input2.count, input1.count), parameters: parameters)
    let (first, second, result) = (parameters.input1Multiplier, parameters.input2Multiplier,
                                   parameters.outputMultiplier)
    return [Element](unsafeUninitializedCapacity: input1.count) { output, initialized in
        input1.withUnsafeBytes { bytes1 in
            input2.withUnsafeBytes { bytes2 in
                ck_quantized_add(Element.isSigned ? 1 : 0, bytes1.baseAddress, bytes2.baseAddress, input1.count,
                                 parameters.input1ZeroPoint, parameters.input2ZeroPoint, first.m0, first.shift,
                                 second.m0, second.shift, result.m0, result.shift, parameters.outputZeroPoint,
                                 parameters.outputClamp.lower, parameters.outputClamp.upper,
                                 UnsafeMutableRawPointer(output.baseAddress))
            }
        }
        initialized = input1.count
    }
}

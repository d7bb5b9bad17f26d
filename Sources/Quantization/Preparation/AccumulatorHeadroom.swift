/// How many products an int32 accumulator can sum without overflow.
///
/// One term of a convolution or matrix product is (q1 - Z1) * (q2 - Z2).
/// With Z inside [qmin, qmax], |q - Z| <= qmax - qmin for an asymmetric
/// operand and <= qmax for a symmetric one (Z = 0). A depth of N terms is
/// safe while N * max|q1 - Z1| * max|q2 - Z2| <= Int32.max, so
///
///     N_max = floor((2^31 - 1) / (max|q1 - Z1| * max|q2 - Z2|))
///
/// For uint8 x uint8 (255 * 255) that is 33,025; for int8 activations and
/// symmetric int8 weights (255 * 127) it is 66,311.
///
/// NOTE: the bias is not part of this bound; a bias larger than the
/// remaining headroom would wrap.
public enum AccumulatorHeadroom {
    /// Largest |q - Z| an operand with this range and zero-point policy can take.
    public static func maxCenteredMagnitude(of range: QuantizedRange, symmetric: Bool) -> Int64 {
        symmetric ? Int64(max(abs(range.qmin), abs(range.qmax))) : Int64(range.qmax - range.qmin)
    }

    /// N_max for the given operand magnitudes.
    public static func maxReductionDepth(inputMagnitude: Int64, weightMagnitude: Int64) -> Int {
        let product = max(inputMagnitude * weightMagnitude, 1)
        return Int(Int64(Int32.max) / product)
    }

    /// N_max for the input and weight ranges of a scheme.
    public static func maxReductionDepth(for scheme: QuantizationScheme) throws(QuantizationError) -> Int {
        let input = maxCenteredMagnitude(of: try scheme.activationRange(), symmetric: false)
        let weight = maxCenteredMagnitude(of: try scheme.weightRange(), symmetric: scheme.weightsAreSymmetric)
        return maxReductionDepth(inputMagnitude: input, weightMagnitude: weight)
    }

    /// Throws `accumulatorOverflow` when `depth` exceeds N_max for `scheme`.
    public static func check(depth: Int, layer: String, scheme: QuantizationScheme) throws(QuantizationError) {
        let limit = try maxReductionDepth(for: scheme)
        guard depth <= limit else {
            throw .accumulatorOverflow(layer: layer, depth: depth, limit: limit)
        }
    }
}

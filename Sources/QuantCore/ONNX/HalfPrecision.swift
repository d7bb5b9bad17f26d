/// Widens an IEEE 754 binary16 value, given as its bit pattern, to Float.
///
/// binary16 is 1 sign bit, 5 exponent bits (bias 15) and 10 fraction bits:
/// normal values are (-1)^s * 2^(e-15) * (1 + f/1024), subnormals (e = 0)
/// are (-1)^s * 2^-14 * (f/1024), and e = 31 encodes infinity (f = 0) or NaN.
/// Every binary16 value is exactly representable in binary32, so the
/// conversion is exact and NaN payloads are kept.
func floatFromHalfBits(_ bits: UInt16) -> Float {
    let sign = UInt32(bits >> 15) << 31
    let exponent = UInt32((bits >> 10) & 0x1F)
    let fraction = UInt32(bits & 0x3FF)

    if exponent == 0x1F {
        // Infinity or NaN: all-ones exponent in binary32, fraction shifted up.
        return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
    }
    if exponent == 0 {
        // Zero or subnormal: f * 2^-24, exact in binary32.
        let magnitude = Float(fraction) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    }
    // Normal: rebias the exponent from 15 to 127.
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (fraction << 13))
}

/// Narrows a Float to the bit pattern of the nearest binary16 value, ties to
/// even. Values beyond the binary16 range become infinity, and NaN stays NaN.
func halfBitsFromFloat(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16((bits >> 16) & 0x8000)
    if value.isNaN { return sign | 0x7E00 }
    let magnitude = abs(value)
    // 65520 is the midpoint between the largest binary16 (65504) and 2^16,
    // so it and everything above round to infinity.
    if magnitude >= 65520 { return sign | 0x7C00 }
    if magnitude < 0x1p-14 {
        // Subnormal range: the value in units of 2^-24, rounded to nearest even.
        let units = (magnitude * 0x1p24).rounded(.toNearestOrEven)
        return sign | UInt16(units)
    }
    let exponent = Int(magnitude.exponent)
    // Fraction in units of 2^(exponent-10), rounded; a carry into the
    // exponent field is the correct result of rounding up.
    let scaled = (magnitude.significand * 1024).rounded(.toNearestOrEven)
    let field = UInt16(exponent + 15) << 10
    return sign | (field + UInt16(scaled) - 1024)
}

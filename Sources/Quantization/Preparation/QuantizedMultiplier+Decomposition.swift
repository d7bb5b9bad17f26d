import Foundation

extension QuantizedMultiplier {
    /// Decomposes a real multiplier M >= 0 into M0 * 2^(shift - 31) with M0
    /// a Q31 integer in [2^30, 2^31).
    ///
    /// Write M = f * 2^shift with f in [0.5, 1); then M0 = round(f * 2^31),
    /// rounded half away from zero. When the rounding reaches 2^31 (f just
    /// below 1), M0 becomes 2^30 and the shift grows by one. M = 0, and any
    /// M so small that the shift would fall below -31, become M0 = 0,
    /// shift = 0, which multiplies everything to 0.
    ///
    /// Throws for a negative, NaN or infinite M, and for M >= 2^30, whose
    /// left shift would overflow the kernels' domain.
    public init(approximating real: Double) throws(QuantizationError) {
        guard real.isFinite && real >= 0 else { throw .unrepresentableMultiplier(real) }
        guard real > 0 else {
            self.init(m0: 0, shift: 0)
            return
        }
        // real = significand * 2^exponent with significand in [1, 2).
        var shift = Int(real.exponent) + 1
        let fraction = real.significand / 2
        var mantissa = (fraction * 0x1p31).rounded(.toNearestOrAwayFromZero)
        if mantissa == 0x1p31 {
            mantissa /= 2
            shift += 1
        }
        if shift < Int(QuantizedMultiplier.validShifts.lowerBound) {
            self.init(m0: 0, shift: 0)
            return
        }
        guard shift <= Int(QuantizedMultiplier.validShifts.upperBound) else {
            throw .unrepresentableMultiplier(real)
        }
        self.init(m0: Int32(mantissa), shift: Int32(shift))
    }

    /// The real value M0 * 2^(shift - 31) this multiplier represents.
    public var realValue: Double {
        Double(m0) * Double(sign: .plus, exponent: Int(shift) - 31, significand: 1)
    }
}

/// Work and traffic of one layer at one precision.
///
/// Bytes per element are 4 for float32 and 1 for every integer bit width
/// (8-bit containers). The bias is float32 in a float layer and int32 (scale
/// `S1 * S2`, zero-point 0) in an integer one, so it costs 4 bytes per
/// element either way. A reshape moves no values and costs no bytes.
///
///     weightBytes          = weightElements * elementBytes
///     biasBytes            = biasElements * 4
///     activationBytesIn    = sum(inputElements) * elementBytes
///     activationBytesOut   = outputElements * elementBytes
///
/// NOTE: per-channel scales, zero-points and requantization multipliers are
/// not counted; they add a few bytes per output channel to an int8 layer.
public struct LayerCost: Sendable, Equatable, Codable {
    /// Multiply-accumulates, or element operations for layers without weights.
    public var macs: Int
    public var weightBytes: Int
    public var biasBytes: Int
    public var activationBytesIn: Int
    public var activationBytesOut: Int

    /// Every byte the layer reads or writes, assuming each is moved once.
    public var totalBytes: Int { weightBytes + biasBytes + activationBytesIn + activationBytesOut }

    /// Bytes the layer adds to the stored model.
    public var storedBytes: Int { weightBytes + biasBytes }

    public init(macs: Int, weightBytes: Int, biasBytes: Int, activationBytesIn: Int, activationBytesOut: Int) {
        self.macs = macs
        self.weightBytes = weightBytes
        self.biasBytes = biasBytes
        self.activationBytesIn = activationBytesIn
        self.activationBytesOut = activationBytesOut
    }

    /// Computes the cost of `layer` at `precision`. Throws when the layer
    /// cannot run in int8 or a bit width is outside 2...8.
    public init(layer: LayerGeometry, precision: SimulatedPrecision) throws(SpeedModelError) {
        try precision.validate(for: layer)
        let elementBytes = precision.elementBytes
        let movesValues = layer.kind != .reshape
        macs = layer.macs
        weightBytes = layer.weightElements * elementBytes
        biasBytes = layer.biasElements * MemoryLayout<Int32>.size
        activationBytesIn = movesValues ? layer.inputElements.reduce(0, +) * elementBytes : 0
        activationBytesOut = movesValues ? layer.outputElements * elementBytes : 0
    }

    enum CodingKeys: String, CodingKey {
        case macs
        case weightBytes = "weight_bytes"
        case biasBytes = "bias_bytes"
        case activationBytesIn = "activation_bytes_in"
        case activationBytesOut = "activation_bytes_out"
    }
}

extension SimulatedPrecision {
    func validate(for layer: LayerGeometry) throws(SpeedModelError) {
        guard case .int8(let weightBits, let activationBits) = self else { return }
        guard layer.kind.supportsInt8 else {
            throw .int8NotSupported(layer: layer.name, kind: layer.kind)
        }
        guard Self.supportedBits.contains(weightBits), Self.supportedBits.contains(activationBits) else {
            throw .invalidBitWidth(layer: layer.name, weightBits: weightBits, activationBits: activationBits)
        }
    }
}

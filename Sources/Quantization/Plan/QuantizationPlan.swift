/// Whether a layer runs in float or in integer arithmetic.
public enum LayerPrecision: String, Sendable, Equatable, Hashable, CaseIterable {
    case float
    case int8
}

/// Quantization settings of one layer: its precision, and for an int8 layer the
/// scheme, weight granularity, bit widths and the calibration method that
/// chooses its activation clip range.
public struct LayerQuantization: Sendable, Equatable, Hashable {
    public var precision: LayerPrecision
    public var scheme: QuantizationScheme.Kind
    public var granularity: QuantizationScheme.WeightGranularity
    /// Weight bit width, 2...8, stored in an 8-bit container.
    public var weightBits: Int
    /// Activation bit width, 2...8, stored in an 8-bit container.
    public var activationBits: Int
    public var calibration: CalibrationMethod

    public init(precision: LayerPrecision = .int8, scheme: QuantizationScheme.Kind = .tflite,
                granularity: QuantizationScheme.WeightGranularity? = nil, weightBits: Int = 8,
                activationBits: Int = 8, calibration: CalibrationMethod = .minMax) {
        self.precision = precision
        self.scheme = scheme
        self.granularity = granularity ?? (scheme == .tflite ? .perChannel : .perTensor)
        self.weightBits = weightBits
        self.activationBits = activationBits
        self.calibration = calibration
    }

    /// The scheme value the integer preparation takes.
    public var quantizationScheme: QuantizationScheme {
        QuantizationScheme(kind: scheme, weightGranularity: granularity,
                           weightBits: weightBits, activationBits: activationBits)
    }
}

/// Execution mode of a plan's int8 layers.
public enum ExecutionMode: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Integer arithmetic only: 8-bit operands, int32 accumulators,
    /// fixed-point requantization.
    case integer
    /// Float simulation for comparison: weights and activations are quantized
    /// and dequantized ("fake quantization") but the arithmetic is float.
    case fakeQuant = "fake-quant"
}

/// A mixed-precision plan: per layer, float or int8 and how. Layers not
/// listed in `layers` use `defaults`.
public struct QuantizationPlan: Sendable, Equatable {
    public var defaults: LayerQuantization
    /// Per-layer settings by layer name, overriding `defaults`.
    public var layers: [String: LayerQuantization]
    public var mode: ExecutionMode

    public init(defaults: LayerQuantization = LayerQuantization(precision: .float),
                layers: [String: LayerQuantization] = [:], mode: ExecutionMode = .integer) {
        self.defaults = defaults
        self.layers = layers
        self.mode = mode
    }

    /// Returns the settings that apply to `layer`.
    public func settings(for layer: String) -> LayerQuantization {
        layers[layer] ?? defaults
    }

    /// Sets `layer`'s settings, dropping the override when it equals the defaults.
    public mutating func set(_ settings: LayerQuantization, for layer: String) {
        layers[layer] = settings == defaults ? nil : settings
    }

    /// Names among `names` that run in int8 under this plan, in the given order.
    public func int8Layers(among names: [String]) -> [String] {
        names.filter { settings(for: $0).precision == .int8 }
    }
}

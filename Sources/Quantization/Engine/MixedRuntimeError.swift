import QuantCore

/// Failures of the mixed float/integer runtime. Each case names the layer
/// or value involved.
public enum MixedRuntimeError: Error, CustomStringConvertible {
    /// A value a step reads is not in the store (an input was not given).
    case missingValue(unit: String, value: ValueKey)
    /// An integer layer got inputs it cannot run on.
    case invalidLayerInput(layer: String, reason: String)
    /// An integer kernel rejected its arguments.
    case kernel(layer: String, KernelError)
    /// A float node failed.
    case floatNode(unit: String, EngineError)
    /// A boundary conversion got a tensor that is not float32.
    case unquantizableElementType(value: String, elementType: ElementType)
    /// The caller cancelled the run.
    case cancelled

    public var description: String {
        switch self {
        case let .missingValue(unit, value):
            return "\(unit) reads \(value), which no earlier step produced; pass every graph input"
        case let .invalidLayerInput(layer, reason):
            return "integer layer \(layer): \(reason)"
        case let .kernel(layer, error):
            return "integer layer \(layer): \(error)"
        case let .floatNode(unit, error):
            return "float step \(unit): \(error)"
        case let .unquantizableElementType(value, elementType):
            return "value \(value) has element type \(elementType); only float32 values can be quantized"
        case .cancelled:
            return "run cancelled"
        }
    }
}

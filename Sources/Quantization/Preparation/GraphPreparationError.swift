import QuantCore

/// Errors in preparing a graph for quantization: a node whose constant
/// inputs or attributes contradict each other. Each case names the node.
public enum GraphPreparationError: Error, Equatable, CustomStringConvertible {
    case invalidWeightShape(node: String, shape: [Int])
    /// A batch normalization parameter has the wrong number of elements for
    /// the channels of the layer it follows.
    case batchNormalizationParameterMismatch(node: String, parameter: String, expected: Int, actual: Int)
    case invalidAttribute(node: String, attribute: String, expected: String, actual: String)
    /// Building a folded tensor failed.
    case tensor(node: String, TensorError)

    public var description: String {
        switch self {
        case .invalidWeightShape(let node, let shape):
            return "node '\(node)' has a weight of invalid shape \(shape); check the model's initializers"
        case .batchNormalizationParameterMismatch(let node, let parameter, let expected, let actual):
            return "batch normalization '\(node)': \(parameter) has \(actual) elements, expected \(expected) "
                + "(one per output channel of the preceding layer)"
        case .invalidAttribute(let node, let attribute, let expected, let actual):
            return "node '\(node)': attribute \(attribute) is \(actual), expected \(expected)"
        case .tensor(let node, let error):
            return "node '\(node)': \(error)"
        }
    }
}

/// Errors raised while validating or running a graph. Every case names the
/// node (or graph value) and carries the offending shape, type or attribute.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// The operator type, domain or opset is not in `OperatorRegistry`.
    case unsupportedOperator(node: String, opType: String, domain: String, opset: Int64, supported: [String])
    /// The model imports no version of the default ONNX domain.
    case missingDefaultOpset
    /// A node reads `value` before any node, initializer or graph input produces it.
    case undefinedValue(node: String, opType: String, value: String)
    /// A node writes `value`, which a graph input, an initializer or an
    /// earlier output already defines; ONNX graphs are single-assignment.
    case duplicateValue(node: String, opType: String, value: String)
    /// A declared graph output is produced by no node, initializer or input.
    case missingGraphOutput(name: String)
    /// A runtime graph input was not passed to `run`.
    case missingGraphInput(name: String)
    /// A graph input was passed with a shape that does not match its declaration.
    case inputShapeMismatch(name: String, expected: [Dimension], actual: [Int])
    /// A graph input was passed with the wrong element type.
    case inputTypeMismatch(name: String, expected: ElementType, actual: ElementType)
    /// A required operator input is missing (absent or an empty name).
    case missingInput(node: String, opType: String, index: Int)
    /// An input has an element type the kernel does not handle.
    case wrongElementType(node: String, opType: String, input: Int, expected: ElementType, actual: ElementType)
    /// The input shapes cannot be combined. `reason` names the rule they break.
    case invalidShape(node: String, opType: String, shapes: [[Int]], reason: String)
    /// An attribute (or an attribute-like input such as Reshape's shape) has an invalid value.
    case invalidAttribute(node: String, opType: String, attribute: String, value: String, reason: String)
    /// The node requests a mode that the float engine does not implement.
    case unsupportedMode(node: String, opType: String, reason: String)
    /// Building an output tensor failed.
    case tensor(node: String, opType: String, error: TensorError)
    /// The packed matrix multiply rejected its operands, which the operator
    /// had already checked: an internal inconsistency, not a model error.
    case matrixMultiply(node: String, opType: String, error: GemmError)

    public var description: String {
        switch self {
        case .unsupportedOperator(let node, let opType, let domain, let opset, let supported):
            let domainText = domain.isEmpty ? "" : " in domain '\(domain)'"
            return "node \(node): operator \(opType)\(domainText) at opset \(opset) is not supported; "
                + "supported operators of the default domain: \(supported.joined(separator: ", "))"
        case .missingDefaultOpset:
            return "the model imports no version of the default ONNX operator set (opset_import is empty)"
        case .undefinedValue(let node, let opType, let value):
            return "node \(node) (\(opType)) reads '\(value)' before any node, initializer or graph input "
                + "produces it; the nodes must be in topological order"
        case .duplicateValue(let node, let opType, let value):
            return "node \(node) (\(opType)) writes '\(value)', which a graph input, an initializer or an "
                + "earlier node already defines; every value must have one producer, so rename one of them"
        case .missingGraphOutput(let name):
            return "graph output '\(name)' is produced by no node, initializer or graph input"
        case .missingGraphInput(let name):
            return "graph input '\(name)' was not given; pass a tensor for every runtime input"
        case .inputShapeMismatch(let name, let expected, let actual):
            let expectedText = "[" + expected.map(\.description).joined(separator: ", ") + "]"
            return "graph input '\(name)' has shape \(actual), but the model expects \(expectedText)"
        case .inputTypeMismatch(let name, let expected, let actual):
            return "graph input '\(name)' has element type \(actual), but the model expects \(expected)"
        case .missingInput(let node, let opType, let index):
            return "node \(node) (\(opType)): required input \(index) is missing"
        case .wrongElementType(let node, let opType, let input, let expected, let actual):
            return "node \(node) (\(opType)): input \(input) has element type \(actual), expected \(expected)"
        case .invalidShape(let node, let opType, let shapes, let reason):
            let shapesText = shapes.map { "\($0)" }.joined(separator: ", ")
            return "node \(node) (\(opType)): invalid input shapes \(shapesText): \(reason)"
        case .invalidAttribute(let node, let opType, let attribute, let value, let reason):
            return "node \(node) (\(opType)): invalid \(attribute) = \(value): \(reason)"
        case .unsupportedMode(let node, let opType, let reason):
            return "node \(node) (\(opType)): \(reason)"
        case .tensor(let node, let opType, let error):
            return "node \(node) (\(opType)): \(error)"
        case .matrixMultiply(let node, let opType, let error):
            return "node \(node) (\(opType)): matrix multiply failed: \(error); "
                + "this is an engine bug, please report it with the model"
        }
    }
}

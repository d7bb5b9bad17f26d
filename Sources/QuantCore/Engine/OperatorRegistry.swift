/// The operators of the default ONNX domain that the float engine runs, with
/// the opset versions each one supports.
///
/// A lower bound above 1 marks a version whose semantics the kernels do not
/// implement: Add/Sub/Mul/Div before 7 used axis-aligned `broadcast`
/// attributes, Reshape before 5 took its shape as an attribute, Dropout and
/// BatchNormalization before 6 and 7 carried `is_test`/`consumed_inputs`.
/// The upper bound is ONNX opset 22; versions after 13 of these operators
/// change only the element types they accept, except AveragePool 19, which
/// adds `dilations` (implemented).
public struct OperatorSupport: Sendable, Equatable {
    public var opType: String
    public var opsets: ClosedRange<Int64>

    public init(opType: String, opsets: ClosedRange<Int64>) {
        self.opType = opType
        self.opsets = opsets
    }
}

public enum OperatorRegistry {
    /// Highest opset of the default domain that any supported operator accepts.
    public static let maximumOpset: Int64 = 22

    public static let supported: [OperatorSupport] = [
        ("Add", 7), ("AveragePool", 1), ("BatchNormalization", 7), ("Clip", 6), ("Concat", 1),
        ("Constant", 1), ("Conv", 1), ("Div", 7), ("Dropout", 7), ("Flatten", 1), ("Gemm", 7),
        ("GlobalAveragePool", 1), ("HardSigmoid", 6), ("HardSwish", 14), ("Identity", 1),
        ("LeakyRelu", 6), ("MatMul", 1), ("MaxPool", 1), ("Mul", 7), ("Relu", 6), ("Reshape", 5),
        ("Sigmoid", 6), ("Softmax", 1), ("Squeeze", 1), ("Sub", 7), ("Tanh", 6), ("Transpose", 1),
        ("Unsqueeze", 1),
    ].map { OperatorSupport(opType: $0.0, opsets: $0.1...maximumOpset) }

    private static let byType: [String: ClosedRange<Int64>] =
        Dictionary(uniqueKeysWithValues: supported.map { ($0.opType, $0.opsets) })

    /// Returns whether `opType` of the default domain is supported at `opset`.
    public static func supports(_ opType: String, domain: String = "", opset: Int64) -> Bool {
        guard domain.isEmpty || domain == "ai.onnx" else { return false }
        return byType[opType]?.contains(opset) ?? false
    }

    /// Rejects a node whose operator, domain or opset is not supported.
    public static func check(_ node: Node, opset: Int64) throws(EngineError) {
        guard supports(node.opType, domain: node.domain, opset: opset) else {
            throw .unsupportedOperator(node: node.displayName, opType: node.opType, domain: node.domain,
                                       opset: opset, supported: supported.map(\.description))
        }
    }
}

extension OperatorSupport: CustomStringConvertible {
    /// The operator and its opset range, such as "Reshape (5-22)".
    public var description: String { "\(opType) (\(opsets.lowerBound)-\(opsets.upperBound))" }
}

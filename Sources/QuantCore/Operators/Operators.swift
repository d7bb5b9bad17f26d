/// Entry point of the float reference kernels: one node at a time.
public enum Operators {
    /// Runs `node` on `inputs` (one per entry of `node.inputs`, nil where an
    /// optional input is omitted) under the default-domain `opset`, and
    /// returns its outputs in order. Integer inputs (shapes, axes) are int64;
    /// numeric inputs are float32. `options` sets how Conv, Gemm and MatMul
    /// run their matrix products; the default runs them on the calling
    /// thread and packs every right-hand matrix per call.
    public static func execute(_ node: Node, inputs: [Tensor?], opset: Int64,
                               options: MatrixMultiplyOptions = MatrixMultiplyOptions()) throws(EngineError) -> [Tensor] {
        try OperatorRegistry.check(node, opset: opset)
        let context = OperatorContext(node: node, inputs: inputs, opset: opset, matrixOptions: options)
        switch node.opType {
        case "Conv": return try Convolution.conv(context)
        case "Gemm": return try MatrixMultiplication.gemm(context)
        case "MatMul": return try MatrixMultiplication.matMul(context)
        case "Add", "Sub", "Mul", "Div": return try ElementwiseArithmetic.binary(context)
        case "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh":
            return try Activations.apply(context)
        case "MaxPool", "AveragePool": return try Pooling.pool(context)
        case "GlobalAveragePool": return try Pooling.globalAveragePool(context)
        case "BatchNormalization": return try BatchNormalization.batchNormalization(context)
        case "Softmax": return try Softmax.softmax(context)
        case "Flatten": return try ShapeOperators.flatten(context)
        case "Reshape": return try ShapeOperators.reshape(context)
        case "Squeeze": return try ShapeOperators.squeeze(context)
        case "Unsqueeze": return try ShapeOperators.unsqueeze(context)
        case "Transpose": return try Transpose.transpose(context)
        case "Concat": return try Concat.concat(context)
        case "Identity": return try PassThrough.identity(context)
        case "Dropout": return try PassThrough.dropout(context)
        case "Constant": return try PassThrough.constant(context)
        default:
            throw .unsupportedOperator(node: node.displayName, opType: node.opType, domain: node.domain,
                                       opset: opset, supported: OperatorRegistry.supported.map(\.description))
        }
    }
}

/// Identity, Dropout (inference) and Constant: operators that compute nothing.
enum PassThrough {
    /// Identity returns its input unchanged.
    static func identity(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        [try context.input(0)]
    }

    /// Dropout at inference is the identity. The optional mask output is all
    /// true (bool from opset 10, ones of the input type before).
    /// From opset 12 a true `training_mode` input would drop elements at random,
    /// which is rejected.
    static func dropout(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        if context.opset >= 12, let training = context.optionalInput(2) {
            guard case .bool(let flags) = training.data else {
                throw .wrongElementType(node: context.name, opType: context.opType, input: 2,
                                        expected: .bool, actual: training.elementType)
            }
            if flags.contains(true) {
                throw context.unsupported("training_mode = true is not supported; the float engine runs inference only")
            }
        }
        if context.opset < 7, try context.int("is_test", default: 0) == 0 {
            throw context.unsupported("is_test = 0 (training) is not supported; the float engine runs inference only")
        }
        guard context.node.outputs.count > 1 else { return [input] }
        let maskData: TensorData = context.opset < 10
            ? .float32(Array(repeating: 1, count: input.count))
            : .bool(Array(repeating: true, count: input.count))
        let mask = try context.tensor(shape: input.shape, data: maskData)
        return [input, mask]
    }

    /// Constant returns its `value` tensor, or from opset 12 a float or int
    /// scalar (value_float, value_int) or 1-D tensor (value_floats, value_ints).
    static func constant(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let attributes = context.node.attributes
        guard attributes.count == 1, let (name, value) = attributes.first else {
            throw context.invalidAttribute("value", "\(attributes.keys.sorted())", "Constant needs exactly one value attribute")
        }
        switch (name, value) {
        case ("value", .tensor(let tensor)):
            return [tensor]
        case ("value_float", .float(let scalar)):
            return [try context.tensor(shape: [], data: .float32([scalar]))]
        case ("value_floats", .floats(let values)):
            return [try context.tensor(shape: [values.count], data: .float32(values))]
        case ("value_int", .int(let scalar)):
            return [try context.tensor(shape: [], data: .int64([scalar]))]
        case ("value_ints", .ints(let values)):
            return [try context.tensor(shape: [values.count], data: .int64(values))]
        default:
            throw context.unsupported("Constant attribute \(name) of kind \(value.kindName) is not supported; "
                                      + "use value, value_float(s) or value_int(s)")
        }
    }
}

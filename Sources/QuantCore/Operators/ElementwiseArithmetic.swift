/// Add, Sub, Mul and Div: `C = A op B` elementwise on float32 with numpy
/// broadcasting (opset 7 and later; the older `broadcast`/`axis` attributes are
/// not implemented).
enum ElementwiseArithmetic {
    static func binary(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let a = try context.input(0)
        let b = try context.input(1)
        let aValues = try context.floats(0)
        let bValues = try context.floats(1)
        guard let outputShape = Broadcasting.shape([a.shape, b.shape]) else {
            throw context.invalidShape([a.shape, b.shape], "the shapes cannot be broadcast together")
        }
        let result: [Float]
        switch context.opType {
        case "Add": result = Broadcasting.combine(aValues, shape: a.shape, bValues, shape: b.shape, into: outputShape, +)
        case "Sub": result = Broadcasting.combine(aValues, shape: a.shape, bValues, shape: b.shape, into: outputShape, -)
        case "Mul": result = Broadcasting.combine(aValues, shape: a.shape, bValues, shape: b.shape, into: outputShape, *)
        default: result = Broadcasting.combine(aValues, shape: a.shape, bValues, shape: b.shape, into: outputShape, /)
        }
        return [try context.tensor(shape: outputShape, data: .float32(result))]
    }
}

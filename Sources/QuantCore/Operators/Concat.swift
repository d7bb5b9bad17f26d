/// Concat joins inputs of equal rank and element type along `axis`
/// (negative counts from the end); every other dimension must match.
enum Concat {
    static func concat(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        var parts: [Tensor] = []
        for index in context.inputs.indices {
            parts.append(try context.input(index))
        }
        guard let first = parts.first else {
            throw .missingInput(node: context.name, opType: context.opType, index: 0)
        }
        let axisAttribute = try context.int("axis", default: context.opset < 4 ? 1 : Int64.min)
        guard axisAttribute != Int64.min else {
            throw context.invalidAttribute("axis", "(missing)", "the attribute is required from opset 4")
        }
        let axis = try context.normalizedAxis(axisAttribute, rank: first.rank)
        let shapes = parts.map(\.shape)
        for part in parts {
            guard part.rank == first.rank,
                  part.shape.indices.allSatisfy({ $0 == axis || part.shape[$0] == first.shape[$0] }) else {
                throw context.invalidShape(shapes, "all dimensions except axis \(axis) must match")
            }
        }
        // Each input contributes `outer` contiguous blocks of shape[axis...] elements.
        let outer = first.shape[..<axis].reduce(1, *)
        var blocks: [TensorData] = []
        for block in 0..<outer {
            for part in parts {
                let blockSize = part.shape[axis...].reduce(1, *)
                blocks.append(part.data.gathered(Array((block * blockSize)..<((block + 1) * blockSize))))
            }
        }
        guard let data = blocks.isEmpty ? first.data : TensorData.concatenated(blocks) else {
            throw context.invalidShape(shapes, "the inputs have different element types: \(parts.map { $0.elementType.description })")
        }
        var outputShape = first.shape
        outputShape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        return [try context.tensor(shape: outputShape, data: data)]
    }
}

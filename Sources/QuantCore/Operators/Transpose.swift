/// Transpose: output axis i is input axis perm[i], so
/// `Y[i0, ..., ir-1] = X[j]` with `j[perm[i]] = i_i`. perm defaults to the
/// reversed axes. Accepts every element type.
enum Transpose {
    static func transpose(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let rank = input.rank
        let permutation = try context.ints("perm")?.map(Int.init) ?? Array((0..<rank).reversed())
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            throw context.invalidAttribute("perm", "\(permutation)", "must be a permutation of 0..<\(rank)")
        }
        let outputShape = permutation.map { input.shape[$0] }
        let inputStrides = Tensor.strides(of: input.shape)
        let permutedStrides = permutation.map { inputStrides[$0] }
        // Walking the output in row-major order with the permuted input strides
        // gives the input index of every output element.
        let indices = Broadcasting.sourceIndices(stridedBy: permutedStrides, in: outputShape)
        return [try context.tensor(shape: outputShape, data: input.data.gathered(indices))]
    }
}

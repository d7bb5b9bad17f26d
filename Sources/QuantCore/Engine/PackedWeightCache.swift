/// The right-hand matrices of Gemm and MatMul nodes that are float32
/// rank-2 initializers, packed once per model for `FloatGemm`, keyed by
/// initializer name and whether the node transposes it (Gemm's transB).
///
/// An entry serves a node only while the node reads the very array it was
/// packed from (the same storage). An initializer replaced at run time, for
/// example through `FloatEngine.resume(from:)`, is therefore packed again
/// per call instead of being multiplied with stale weights.
///
/// Conv needs no entry: its weights are the left-hand operand, which
/// `FloatGemm` reads in place, and the per-image im2col matrix is packed.
public struct PackedWeightCache: Sendable {
    struct Key: Hashable {
        var name: String
        var transposed: Bool
    }

    struct Entry: Sendable {
        var source: [Float]
        var weights: PackedFloatWeights
    }

    private var entries: [Key: Entry] = [:]

    /// Number of packed matrices.
    public var count: Int { entries.count }

    /// Creates an empty cache: every product packs its right-hand side per call.
    public init() {}

    /// Packs the right-hand matrix of every Gemm and MatMul node of `model`
    /// that reads a float32 rank-2 initializer there. Matrices that cannot
    /// be packed (a zero dimension) are left out; their node packs per call
    /// or reports the shape error when it runs.
    public init(model: Model) {
        let graph = model.graph
        for node in graph.nodes where node.domain.isEmpty || node.domain == "ai.onnx" {
            guard node.inputs.count >= 2 else { continue }
            let transposed: Bool
            switch (node.opType, node.attributes["transB"]) {
            case ("Gemm", .int(let value)?): transposed = value != 0
            case ("Gemm", _), ("MatMul", _): transposed = false
            default: continue
            }
            let key = Key(name: node.inputs[1], transposed: transposed)
            guard entries[key] == nil, let tensor = graph.initializers[key.name], tensor.rank == 2,
                  case .float32(let values) = tensor.data else { continue }
            let (depth, columnCount) = transposed ? (tensor.shape[1], tensor.shape[0]) : (tensor.shape[0], tensor.shape[1])
            guard let weights = try? PackedFloatWeights(values, depth: depth, columnCount: columnCount,
                                                        layout: transposed ? .columnMajor : .rowMajor) else { continue }
            entries[key] = Entry(source: values, weights: weights)
        }
    }

    /// Returns the packed form of initializer `name` when `values` is the
    /// array it was packed from, else nil.
    func weights(for name: String, transposed: Bool, values: [Float]) -> PackedFloatWeights? {
        guard let entry = entries[Key(name: name, transposed: transposed)],
              entry.source.count == values.count else { return nil }
        let sameStorage = entry.source.withUnsafeBufferPointer { cached in
            values.withUnsafeBufferPointer { current in cached.baseAddress == current.baseAddress }
        }
        return sameStorage ? entry.weights : nil
    }
}

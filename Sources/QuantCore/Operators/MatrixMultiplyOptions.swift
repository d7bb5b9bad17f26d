/// How Conv, Gemm and MatMul run their matrix products: the packed `FloatGemm`
/// on `threadCount` threads, with right-hand matrices from `packedWeights`
/// where the node reads a cached initializer.
///
/// The default of one thread suits callers that already run one inference
/// per core, such as the evaluation runner: threads inside each product
/// would then oversubscribe the cores.
public struct MatrixMultiplyOptions: Sendable {
    /// Threads per matrix product, at least 1. Products smaller than about
    /// two million multiply-adds always run on the calling thread.
    public var threadCount: Int
    /// Right-hand matrices packed once per model.
    public var packedWeights: PackedWeightCache
    /// Runs the scalar `SGEMM` reference instead of `FloatGemm`, so that
    /// tests can compare the two on whole operators.
    var usesReferenceKernels = false

    /// Creates options; a `threadCount` below 1 counts as 1.
    public init(threadCount: Int = 1, packedWeights: PackedWeightCache = PackedWeightCache()) {
        self.threadCount = max(1, threadCount)
        self.packedWeights = packedWeights
    }
}

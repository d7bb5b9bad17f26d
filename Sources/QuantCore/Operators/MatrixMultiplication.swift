/// Gemm and MatMul. Gemm, and MatMul whose B is a cached initializer, run
/// on `FloatGemm` with B packed (once per model when `PackedWeightCache`
/// holds it); the other MatMul products and the reference path run on `SGEMM`.
enum MatrixMultiplication {
    /// Gemm: `Y = alpha * A' * B' + beta * C`, with `A'` = A or its transpose
    /// (transA), `B'` likewise (transB), A' [M, K], B' [K, N], and C
    /// broadcast unidirectionally to [M, N].
    static func gemm(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let a = try context.input(0)
        let b = try context.input(1)
        var aValues = try context.floats(0)
        var bValues = try context.floats(1)
        let alpha = try context.float("alpha", default: 1)
        let beta = try context.float("beta", default: 1)
        let transposeA = try context.int("transA", default: 0) != 0
        let transposeB = try context.int("transB", default: 0) != 0
        guard a.rank == 2, b.rank == 2 else {
            throw context.invalidShape([a.shape, b.shape], "A and B must be matrices")
        }
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (bRows, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard bRows == k else {
            throw context.invalidShape([a.shape, b.shape], "inner dimensions differ: K = \(k) for A', \(bRows) for B'")
        }
        if transposeA { aValues = SGEMM.transposed(aValues, rows: a.shape[0], columns: a.shape[1]) }

        var product = [Float](repeating: 0, count: m * n)
        if context.matrixOptions.usesReferenceKernels || m == 0 || n == 0 || k == 0 {
            if transposeB { bValues = SGEMM.transposed(bValues, rows: b.shape[0], columns: b.shape[1]) }
            multiply(aValues, bValues, into: &product, m: m, n: n, k: k)
        } else {
            let packed = try packedRightHandSide(context, values: bValues, depth: k, columnCount: n,
                                                 transposed: transposeB)
            try aValues.withUnsafeBufferPointer { aBuffer throws(EngineError) in
                try product.withUnsafeMutableBufferPointer { productBuffer throws(EngineError) in
                    try context.multiply(aBuffer, rowCount: m, weights: packed, into: productBuffer)
                }
            }
        }
        if alpha != 1 {
            for index in product.indices { product[index] *= alpha }
        }
        if let c = context.optionalInput(2), beta != 0 {
            let cValues = try context.floats(of: c, index: 2)
            guard c.rank <= 2, Broadcasting.shape([c.shape, [m, n]]) == [m, n] else {
                throw context.invalidShape([a.shape, b.shape, c.shape], "C cannot be broadcast to [M, N] = [\(m), \(n)]")
            }
            let expanded = Broadcasting.expand(cValues, shape: c.shape, to: [m, n])
            for index in product.indices { product[index] += beta * expanded[index] }
        }
        return [try context.tensor(shape: [m, n], data: .float32(product))]
    }

    /// MatMul with numpy semantics: the last two axes multiply as matrices and
    /// the leading axes broadcast. A 1-D A gains a leading 1 and a 1-D B a
    /// trailing 1, and the result drops both.
    static func matMul(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let a = try context.input(0)
        let b = try context.input(1)
        let aValues = try context.floats(0)
        let bValues = try context.floats(1)
        guard a.rank >= 1, b.rank >= 1 else {
            throw context.invalidShape([a.shape, b.shape], "MatMul needs inputs of rank 1 or more")
        }
        let aShape = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let bShape = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let m = aShape[aShape.count - 2]
        let k = aShape[aShape.count - 1]
        let n = bShape[bShape.count - 1]
        guard bShape[bShape.count - 2] == k else {
            throw context.invalidShape([a.shape, b.shape], "inner dimensions differ: \(k) and \(bShape[bShape.count - 2])")
        }
        let aBatch = Array(aShape.dropLast(2))
        let bBatch = Array(bShape.dropLast(2))
        guard let batchShape = Broadcasting.shape([aBatch, bBatch]) else {
            throw context.invalidShape([a.shape, b.shape], "the batch dimensions cannot be broadcast together")
        }
        let batchCount = batchShape.reduce(1, *)
        // Which matrix of A and of B each output matrix reads.
        let aIndex = Broadcasting.sourceIndices(of: aBatch, in: batchShape)
        let bIndex = Broadcasting.sourceIndices(of: bBatch, in: batchShape)

        var output = [Float](repeating: 0, count: try context.elementCount(batchShape + [m, n]))
        // A constant matrix B multiplies every matrix of A, which lie one
        // after another, so one product of batchCount * m rows covers them.
        if b.rank == 2, m > 0, !context.matrixOptions.usesReferenceKernels,
           let packed = context.matrixOptions.packedWeights.weights(for: context.inputName(1), transposed: false,
                                                                    values: bValues) {
            try aValues.withUnsafeBufferPointer { aBuffer throws(EngineError) in
                try output.withUnsafeMutableBufferPointer { outputBuffer throws(EngineError) in
                    try context.multiply(aBuffer, rowCount: batchCount * m, weights: packed, into: outputBuffer)
                }
            }
            return [try context.tensor(shape: matMulOutputShape(batchShape, a, b, m, n), data: .float32(output))]
        }
        aValues.withUnsafeBufferPointer { aBuffer in
            bValues.withUnsafeBufferPointer { bBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    guard m > 0, n > 0, k > 0 else { return }
                    for batch in 0..<batchCount {
                        SGEMM.multiplyAccumulate(
                            m: m, n: n, k: k,
                            a: aBuffer.baseAddress! + aIndex[batch] * m * k, lda: k,
                            b: bBuffer.baseAddress! + bIndex[batch] * k * n, ldb: n,
                            c: outputBuffer.baseAddress! + batch * m * n, ldc: n)
                    }
                }
            }
        }
        return [try context.tensor(shape: matMulOutputShape(batchShape, a, b, m, n), data: .float32(output))]
    }

    /// The MatMul output shape: the batch shape, then M unless A is 1-D and N unless B is 1-D.
    private static func matMulOutputShape(_ batchShape: [Int], _ a: Tensor, _ b: Tensor, _ m: Int, _ n: Int) -> [Int] {
        var outputShape = batchShape
        if a.rank > 1 { outputShape.append(m) }
        if b.rank > 1 { outputShape.append(n) }
        return outputShape
    }

    /// Returns input 1 packed as the `depth x columnCount` matrix B: the
    /// cached packing when the node reads a cached initializer, else packed
    /// now. `transposed` means the input is stored `[columnCount][depth]`.
    private static func packedRightHandSide(_ context: OperatorContext, values: [Float], depth: Int,
                                            columnCount: Int, transposed: Bool) throws(EngineError) -> PackedFloatWeights {
        if let cached = context.matrixOptions.packedWeights.weights(for: context.inputName(1),
                                                                     transposed: transposed, values: values) {
            return cached
        }
        do {
            return try PackedFloatWeights(values, depth: depth, columnCount: columnCount,
                                          layout: transposed ? .columnMajor : .rowMajor)
        } catch let error as GemmError {
            throw .matrixMultiply(node: context.name, opType: context.opType, error: error)
        } catch {
            preconditionFailure("PackedFloatWeights throws only GemmError, got \(error)")
        }
    }

    static func multiply(_ a: [Float], _ b: [Float], into c: inout [Float], m: Int, n: Int, k: Int) {
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    guard m > 0, n > 0, k > 0 else { return }
                    SGEMM.multiplyAccumulate(m: m, n: n, k: k, a: aBuffer.baseAddress!, lda: k,
                                             b: bBuffer.baseAddress!, ldb: n, c: cBuffer.baseAddress!, ldc: n)
                }
            }
        }
    }
}

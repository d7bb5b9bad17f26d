/// Gemm and MatMul, both on `SGEMM`.
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
        if transposeB { bValues = SGEMM.transposed(bValues, rows: b.shape[0], columns: b.shape[1]) }

        var product = [Float](repeating: 0, count: m * n)
        multiply(aValues, bValues, into: &product, m: m, n: n, k: k)
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
        var outputShape = batchShape
        if a.rank > 1 { outputShape.append(m) }
        if b.rank > 1 { outputShape.append(n) }
        return [try context.tensor(shape: outputShape, data: .float32(output))]
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

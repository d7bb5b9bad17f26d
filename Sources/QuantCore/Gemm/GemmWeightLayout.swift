/// Storage order of the `K x N` right-hand matrix B of `C = A * B` before packing.
public enum GemmWeightLayout: Sendable, Equatable {
    /// Element (k, n) at `k * N + n`: ONNX MatMul and Gemm without transB.
    case rowMajor
    /// Element (k, n) at `n * K + k`, each output column contiguous:
    /// convolution weights `[Cout][Cin * kH * kW]`, Gemm with transB,
    /// TFLite fully connected weights.
    case columnMajor

    /// Returns the storage index of element (`k`, `n`) of a `depth x columnCount` matrix.
    @inline(__always)
    public func index(k: Int, n: Int, depth: Int, columnCount: Int) -> Int {
        switch self {
        case .rowMajor: return k * columnCount + n
        case .columnMajor: return n * depth + k
        }
    }
}

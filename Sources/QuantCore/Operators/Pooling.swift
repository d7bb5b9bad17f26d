/// MaxPool, AveragePool and GlobalAveragePool on X [N, C, *spatial].
///
/// MaxPool: `Y[n, c, oy, ox] = max` of X over the window
/// `(oy * sy - padTop + ky * dy, ox * sx - padLeft + kx * dx)`; padding never
/// wins. AveragePool: the window sum divided by the number of taps inside the
/// input, or with count_include_pad = 1 by the number of taps inside the
/// padded input (taps that ceil_mode adds beyond the padding are never counted).
/// 1-D, 2-D and 3-D pools share one 3-D loop (`PoolingWindow`). GlobalAveragePool averages
/// every spatial axis, of any count, to size 1.
enum Pooling {
    static func pool(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let x = try context.floats(0)
        let spatialRank = input.rank - 2
        guard (1...3).contains(spatialRank) else {
            throw context.unsupported("only 1-D, 2-D and 3-D pooling is implemented; input shape is \(input.shape)")
        }
        guard let kernelAttribute = try context.ints("kernel_shape") else {
            throw context.invalidAttribute("kernel_shape", "(missing)", "the attribute is required")
        }
        if context.opType == "MaxPool", try context.int("storage_order", default: 0) != 0 {
            throw context.unsupported("storage_order = 1 (column-major Indices) is not supported")
        }
        if context.node.outputs.count > 1, !context.node.outputs[1].isEmpty {
            throw context.unsupported("the Indices output of MaxPool is not supported")
        }
        let ceilMode = try context.int("ceil_mode", default: 0) != 0
        let spatialAxes = try context.spatialAxes(inputSpatial: Array(input.shape[2...]),
                                                  kernel: kernelAttribute.map(Int.init), ceilMode: ceilMode)
        let axes = liftedTo3D(spatialAxes)
        let planes = input.shape[0] * input.shape[1]
        let outputShape = Array(input.shape[0..<2]) + spatialAxes.map(\.output)
        let isMax = context.opType == "MaxPool"
        let includePad = try context.int("count_include_pad", default: 0) != 0

        let outputCount = try context.elementCount(outputShape)
        let window = PoolingWindow(axes: axes, isMax: isMax, includesPadding: includePad)
        let inputVolume = axes.reduce(1) { $0 * $1.input }
        let outputVolume = axes.reduce(1) { $0 * $1.output }
        // Every output is written, so the storage starts uninitialized.
        let output = x.withUnsafeBufferPointer { xBuffer in
            [Float](unsafeUninitializedCapacity: outputCount) { yBuffer, initializedCount in
                initializedCount = outputCount
                guard let target = yBuffer.baseAddress else { return }
                guard let source = xBuffer.baseAddress else {
                    // An empty input (a zero-sized axis under padding) has no
                    // taps: every maximum stays -inf and every average is 0.
                    yBuffer.initialize(repeating: isMax ? -.infinity : 0)
                    return
                }
                for plane in 0..<planes {
                    window.pool(source + plane * inputVolume, into: target + plane * outputVolume)
                }
            }
        }
        return [try context.tensor(shape: outputShape, data: .float32(output))]
    }

    static func globalAveragePool(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let x = try context.floats(0)
        guard input.rank >= 3 else {
            throw context.invalidShape([input.shape], "GlobalAveragePool needs [N, C, spatial...]")
        }
        let planes = input.shape[0] * input.shape[1]
        let planeSize = input.shape[2...].reduce(1, *)
        var output = [Float](repeating: 0, count: planes)
        x.withUnsafeBufferPointer { xBuffer in
            output.withUnsafeMutableBufferPointer { yBuffer in
                guard let source = xBuffer.baseAddress, let target = yBuffer.baseAddress else { return }
                averagePlanes(source, planeCount: planes, planeSize: planeSize, into: target)
            }
        }
        let outputShape = Array(input.shape[0..<2]) + Array(repeating: 1, count: input.rank - 2)
        return [try context.tensor(shape: outputShape, data: .float32(output))]
    }

    /// Writes the mean of each of `planeCount` planes of `planeSize` values.
    /// Each sum adds its plane's values in order from 0, as a plain loop
    /// would; eight planes advance together so that their sums, eight
    /// independent dependency chains, overlap in the pipeline.
    static func averagePlanes(_ source: UnsafePointer<Float>, planeCount: Int, planeSize: Int,
                              into target: UnsafeMutablePointer<Float>) {
        guard planeSize > 0 else {
            target.update(repeating: 0, count: planeCount)
            return
        }
        let divisor = Float(planeSize)
        var plane = 0
        while plane + 8 <= planeCount {
            let first = source + plane * planeSize
            var sums = SIMD8<Float>()
            for index in 0..<planeSize {
                sums += SIMD8(first[index], first[planeSize + index], first[2 * planeSize + index],
                              first[3 * planeSize + index], first[4 * planeSize + index],
                              first[5 * planeSize + index], first[6 * planeSize + index],
                              first[7 * planeSize + index])
            }
            for lane in 0..<8 { target[plane + lane] = sums[lane] / divisor }
            plane += 8
        }
        while plane < planeCount {
            let values = source + plane * planeSize
            var sum: Float = 0
            for index in 0..<planeSize { sum += values[index] }
            target[plane] = sum / divisor
            plane += 1
        }
    }
}

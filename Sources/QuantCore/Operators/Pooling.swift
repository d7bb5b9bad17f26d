/// MaxPool, AveragePool and GlobalAveragePool on X [N, C, *spatial].
///
/// MaxPool: `Y[n, c, oy, ox] = max` of X over the window
/// `(oy * sy - padTop + ky * dy, ox * sx - padLeft + kx * dx)`; padding never
/// wins. AveragePool: the window sum divided by the number of taps inside the
/// input, or with count_include_pad = 1 by the number of taps inside the
/// padded input (taps that ceil_mode adds beyond the padding are never counted).
/// 1-D, 2-D and 3-D pools share one 3-D loop. GlobalAveragePool averages
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

        var output = [Float](repeating: 0, count: try context.elementCount(outputShape))
        let (outer, vertical, horizontal) = (axes[0], axes[1], axes[2])
        let planeSize = vertical.input * horizontal.input
        x.withUnsafeBufferPointer { xBuffer in
            output.withUnsafeMutableBufferPointer { yBuffer in
                var outputIndex = 0
                for plane in 0..<planes {
                    let source = xBuffer.baseAddress! + plane * outer.input * planeSize
                    for oz in 0..<outer.output {
                        let zStart = oz * outer.stride - outer.padBegin
                        let layers = taps(start: zStart, axis: outer, lower: 0, upper: outer.input)
                        let paddedLayers = taps(start: zStart, axis: outer, lower: -outer.padBegin,
                                                upper: outer.input + outer.padEnd)
                        for oy in 0..<vertical.output {
                            let yStart = oy * vertical.stride - vertical.padBegin
                            let rows = taps(start: yStart, axis: vertical, lower: 0, upper: vertical.input)
                            let paddedRows = taps(start: yStart, axis: vertical, lower: -vertical.padBegin,
                                                  upper: vertical.input + vertical.padEnd)
                            for ox in 0..<horizontal.output {
                                let xStart = ox * horizontal.stride - horizontal.padBegin
                                let columns = taps(start: xStart, axis: horizontal, lower: 0, upper: horizontal.input)
                                var maximum = -Float.infinity
                                var sum: Float = 0
                                for kz in layers {
                                    let layer = source + (zStart + kz * outer.dilation) * planeSize + xStart
                                    for ky in rows {
                                        let sourceRow = layer + (yStart + ky * vertical.dilation) * horizontal.input
                                        for kx in columns {
                                            let value = sourceRow[kx * horizontal.dilation]
                                            maximum = max(maximum, value)
                                            sum += value
                                        }
                                    }
                                }
                                if isMax {
                                    yBuffer[outputIndex] = maximum
                                } else {
                                    let paddedColumns = taps(start: xStart, axis: horizontal, lower: -horizontal.padBegin,
                                                             upper: horizontal.input + horizontal.padEnd)
                                    let divisor = includePad
                                        ? paddedLayers.count * paddedRows.count * paddedColumns.count
                                        : layers.count * rows.count * columns.count
                                    yBuffer[outputIndex] = divisor > 0 ? sum / Float(divisor) : 0
                                }
                                outputIndex += 1
                            }
                        }
                    }
                }
            }
        }
        return [try context.tensor(shape: outputShape, data: .float32(output))]
    }

    /// Kernel taps k of a window starting at `start` whose position
    /// `start + k * dilation` lies in [lower, upper).
    @inline(__always)
    private static func taps(start: Int, axis: SpatialAxis, lower: Int, upper: Int) -> Range<Int> {
        let step = axis.dilation
        // Without dilation the bounds need no division, which would
        // otherwise dominate a small window such as 2x2.
        if step == 1 {
            let first = max(0, lower - start)
            let end = min(axis.kernel, upper - start)
            return first < end ? first..<end : 0..<0
        }
        let first = start >= lower ? 0 : (lower - start + step - 1) / step
        let end = start >= upper ? 0 : min(axis.kernel, (upper - start + step - 1) / step)
        return first < end ? first..<end : 0..<0
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
            for plane in 0..<planes {
                var sum: Float = 0
                for index in 0..<planeSize { sum += xBuffer[plane * planeSize + index] }
                output[plane] = planeSize > 0 ? sum / Float(planeSize) : 0
            }
        }
        let outputShape = Array(input.shape[0..<2]) + Array(repeating: 1, count: input.rank - 2)
        return [try context.tensor(shape: outputShape, data: .float32(output))]
    }
}

/// MaxPool, AveragePool and GlobalAveragePool on X [N, C, *spatial].
///
/// MaxPool: `Y[n, c, oy, ox] = max` of X over the window
/// `(oy * sy - padTop + ky * dy, ox * sx - padLeft + kx * dx)`; padding never
/// wins. AveragePool: the window sum divided by the number of taps inside the
/// input, or with count_include_pad = 1 by the number of taps inside the
/// padded input (taps that ceil_mode adds beyond the padding are never counted).
/// 1-D pools run as 2-D with a unit-height axis. GlobalAveragePool averages
/// every spatial axis, of any count, to size 1.
enum Pooling {
    static func pool(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let x = try context.floats(0)
        let spatialRank = input.rank - 2
        guard spatialRank == 1 || spatialRank == 2 else {
            // TODO: 3-D pooling is not implemented.
            throw context.unsupported("only 1-D and 2-D pooling is implemented; input shape is \(input.shape)")
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
        let axes = liftedTo2D(try context.spatialAxes(inputSpatial: Array(input.shape[2...]),
                                                      kernel: kernelAttribute.map(Int.init), ceilMode: ceilMode))
        let planes = input.shape[0] * input.shape[1]
        let outputSpatial = spatialRank == 1 ? [axes[1].output] : [axes[0].output, axes[1].output]
        let outputShape = Array(input.shape[0..<2]) + outputSpatial
        let isMax = context.opType == "MaxPool"
        let includePad = try context.int("count_include_pad", default: 0) != 0

        var output = [Float](repeating: 0, count: try context.elementCount(outputShape))
        let (vertical, horizontal) = (axes[0], axes[1])
        x.withUnsafeBufferPointer { xBuffer in
            output.withUnsafeMutableBufferPointer { yBuffer in
                var outputIndex = 0
                for plane in 0..<planes {
                    let source = xBuffer.baseAddress! + plane * vertical.input * horizontal.input
                    for oy in 0..<vertical.output {
                        let yStart = oy * vertical.stride - vertical.padBegin
                        for ox in 0..<horizontal.output {
                            let xStart = ox * horizontal.stride - horizontal.padBegin
                            let rows = taps(start: yStart, axis: vertical, lower: 0, upper: vertical.input)
                            let columns = taps(start: xStart, axis: horizontal, lower: 0, upper: horizontal.input)
                            var maximum = -Float.infinity
                            var sum: Float = 0
                            for ky in rows {
                                let sourceRow = source + (yStart + ky * vertical.dilation) * horizontal.input + xStart
                                for kx in columns {
                                    let value = sourceRow[kx * horizontal.dilation]
                                    maximum = max(maximum, value)
                                    sum += value
                                }
                            }
                            let inside = rows.count * columns.count
                            let paddedRows = taps(start: yStart, axis: vertical, lower: -vertical.padBegin,
                                                  upper: vertical.input + vertical.padEnd)
                            let paddedColumns = taps(start: xStart, axis: horizontal, lower: -horizontal.padBegin,
                                                     upper: horizontal.input + horizontal.padEnd)
                            let insidePadded = paddedRows.count * paddedColumns.count
                            if isMax {
                                yBuffer[outputIndex] = maximum
                            } else {
                                let divisor = includePad ? insidePadded : inside
                                yBuffer[outputIndex] = divisor > 0 ? sum / Float(divisor) : 0
                            }
                            outputIndex += 1
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

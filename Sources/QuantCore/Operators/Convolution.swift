/// Conv (2-D form): `Y[n, m, oy, ox] = B[m] + sum_{c, ky, kx} W[m, c, ky, kx] *
/// X[n, g * C/group + c, oy * sy - padTop + ky * dy, ox * sx - padLeft + kx * dx]`,
/// where `g = m / (M / group)` and samples outside the input read zero.
///
/// Shapes: X [N, C, H, W], W [M, C/group, kH, kW], B [M], Y [N, M, oH, oW];
/// 1-D and 3-D inputs run through the same code with unit or depth axes
/// added. Each image and group is unfolded by im2col into a
/// `(C/group * kH * kW) x (oH * oW)` matrix and
/// multiplied by the group's `(M/group) x (C/group * kH * kW)` weights with
/// `SGEMM`; a 1x1 convolution with unit stride and no padding reads X directly.
enum Convolution {
    static func conv(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let weights = try context.input(1)
        let x = try context.floats(0)
        let w = try context.floats(1)
        let bias = try context.optionalInput(2).map { tensor throws(EngineError) in
            try context.floats(of: tensor, index: 2)
        }

        let spatialRank = input.rank - 2
        guard (1...3).contains(spatialRank) else {
            throw context.unsupported("only 1-D, 2-D and 3-D convolution is implemented; input shape is \(input.shape)")
        }
        guard weights.rank == input.rank else {
            throw context.invalidShape([input.shape, weights.shape], "X and W must have the same rank")
        }
        let batch = input.shape[0]
        let channels = input.shape[1]
        let outputChannels = weights.shape[0]
        let group = Int(try context.int("group", default: 1))
        guard group > 0, channels % group == 0, outputChannels % group == 0 else {
            throw context.invalidAttribute("group", String(group),
                                           "must divide the input channels \(channels) and output channels \(outputChannels)")
        }
        let groupChannels = channels / group
        let groupOutputChannels = outputChannels / group
        guard weights.shape[1] == groupChannels else {
            throw context.invalidShape([input.shape, weights.shape],
                                       "W dimension 1 must be C / group = \(groupChannels)")
        }
        let kernelFromWeights = Array(weights.shape[2...])
        let kernel = try context.ints("kernel_shape").map { $0.map(Int.init) } ?? kernelFromWeights
        guard kernel == kernelFromWeights else {
            throw context.invalidAttribute("kernel_shape", "\(kernel)", "does not match the weight shape \(weights.shape)")
        }
        if let bias, bias.count != outputChannels {
            throw context.invalidShape([input.shape, weights.shape, [bias.count]], "B must have M = \(outputChannels) elements")
        }

        let spatialAxes = try context.spatialAxes(inputSpatial: Array(input.shape[2...]), kernel: kernel, ceilMode: false)
        let axes = liftedTo3D(spatialAxes)
        let outputShape = [batch, outputChannels] + spatialAxes.map(\.output)
        let outputPixels = axes.reduce(1) { $0 * $1.output }
        let inputPixels = axes.reduce(1) { $0 * $1.input }
        let depth = groupChannels * axes.reduce(1) { $0 * $1.kernel }
        let isPointwise = axes.allSatisfy { $0.kernel == 1 && $0.stride == 1 && $0.padBegin == 0 && $0.padEnd == 0 }

        var output = [Float](repeating: 0, count: try context.elementCount(outputShape))
        var columns = [Float](repeating: 0, count: isPointwise ? 0 : depth * outputPixels)
        x.withUnsafeBufferPointer { xBuffer in
            w.withUnsafeBufferPointer { wBuffer in
                output.withUnsafeMutableBufferPointer { yBuffer in
                    columns.withUnsafeMutableBufferPointer { columnBuffer in
                        let xBase = xBuffer.baseAddress!
                        let yBase = yBuffer.baseAddress!
                        if let bias {
                            for image in 0..<batch {
                                for channel in 0..<outputChannels {
                                    let plane = yBase + (image * outputChannels + channel) * outputPixels
                                    plane.update(repeating: bias[channel], count: outputPixels)
                                }
                            }
                        }
                        for image in 0..<batch {
                            for g in 0..<group {
                                let groupInput = xBase + (image * channels + g * groupChannels) * inputPixels
                                let matrix: UnsafePointer<Float>
                                if isPointwise {
                                    matrix = UnsafePointer(groupInput)
                                } else {
                                    unfold(groupInput, channels: groupChannels, axes: axes, into: columnBuffer.baseAddress!)
                                    matrix = UnsafePointer(columnBuffer.baseAddress!)
                                }
                                SGEMM.multiplyAccumulate(
                                    m: groupOutputChannels, n: outputPixels, k: depth,
                                    a: wBuffer.baseAddress! + g * groupOutputChannels * depth, lda: depth,
                                    b: matrix, ldb: outputPixels,
                                    c: yBase + (image * outputChannels + g * groupOutputChannels) * outputPixels,
                                    ldc: outputPixels)
                            }
                        }
                    }
                }
            }
        }
        return [try context.tensor(shape: outputShape, data: .float32(output))]
    }

    /// im2col: writes row `((c * kD + kz) * kH + ky) * kW + kx`, column
    /// `(oz * oH + oy) * oW + ox` as the input sample that weight tap meets at
    /// that output pixel (zero in the padding).
    static func unfold(_ input: UnsafePointer<Float>, channels: Int, axes: [SpatialAxis],
                       into columns: UnsafeMutablePointer<Float>) {
        let (outer, vertical, horizontal) = (axes[0], axes[1], axes[2])
        let outputPixels = outer.output * vertical.output * horizontal.output
        let planeSize = vertical.input * horizontal.input
        var row = 0
        for channel in 0..<channels {
            let volume = input + channel * outer.input * planeSize
            for kz in 0..<outer.kernel {
                for ky in 0..<vertical.kernel {
                    for kx in 0..<horizontal.kernel {
                        let xOffset = kx * horizontal.dilation - horizontal.padBegin
                        var target = columns + row * outputPixels
                        for oz in 0..<outer.output {
                            let iz = oz * outer.stride - outer.padBegin + kz * outer.dilation
                            for oy in 0..<vertical.output {
                                let iy = oy * vertical.stride - vertical.padBegin + ky * vertical.dilation
                                defer { target += horizontal.output }
                                guard iz >= 0 && iz < outer.input && iy >= 0 && iy < vertical.input else {
                                    target.update(repeating: 0, count: horizontal.output)
                                    continue
                                }
                                let sourceRow = volume + iz * planeSize + iy * horizontal.input
                                for ox in 0..<horizontal.output {
                                    let ix = ox * horizontal.stride + xOffset
                                    target[ox] = (ix >= 0 && ix < horizontal.input) ? sourceRow[ix] : 0
                                }
                            }
                        }
                        row += 1
                    }
                }
            }
        }
    }
}

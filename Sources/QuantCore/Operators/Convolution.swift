/// Conv (2-D form): `Y[n, m, oy, ox] = B[m] + sum_{c, ky, kx} W[m, c, ky, kx] *
/// X[n, g * C/group + c, oy * sy - padTop + ky * dy, ox * sx - padLeft + kx * dx]`,
/// where `g = m / (M / group)` and samples outside the input read zero.
///
/// Shapes: X [N, C, H, W], W [M, C/group, kH, kW], B [M], Y [N, M, oH, oW];
/// 1-D and 3-D inputs run through the same code with unit or depth axes
/// added. Each image and group is unfolded by im2col into a
/// `(C/group * kH * kW) x (oH * oW)` matrix and multiplied by the group's
/// `(M/group) x (C/group * kH * kW)` weights, with `FloatGemm` (the im2col
/// matrix packed as its right-hand side) or, in the reference path, `SGEMM`.
/// A 1x1 convolution with unit stride and no padding multiplies X itself.
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
        let depth = groupChannels * axes.reduce(1) { $0 * $1.kernel }
        let isPointwise = axes.allSatisfy { $0.kernel == 1 && $0.stride == 1 && $0.padBegin == 0 && $0.padEnd == 0 }

        let geometry = Geometry(batch: batch, channels: channels, outputChannels: outputChannels, group: group,
                                axes: axes, depth: depth, isPointwise: isPointwise)
        var output = [Float](repeating: 0, count: try context.elementCount(outputShape))
        if context.matrixOptions.usesReferenceKernels {
            referenceConv(x, w, bias, geometry, into: &output)
        } else {
            try packedConv(x, w, bias, geometry, context, into: &output)
        }
        return [try context.tensor(shape: outputShape, data: .float32(output))]
    }

    /// The sizes one convolution multiplies: per image and group, weights
    /// `[groupOutputChannels][depth]` times im2col `[depth][outputPixels]`.
    struct Geometry {
        var batch: Int
        var channels: Int
        var outputChannels: Int
        var group: Int
        var axes: [SpatialAxis]
        var depth: Int
        var isPointwise: Bool

        var groupChannels: Int { channels / group }
        var groupOutputChannels: Int { outputChannels / group }
        var inputPixels: Int { axes.reduce(1) { $0 * $1.input } }
        var outputPixels: Int { axes.reduce(1) { $0 * $1.output } }
    }

    /// The fast path: for each image and group, `C = W_g * B` with
    /// `FloatGemm`, where the weights `W_g` are the left-hand operand read in
    /// place and B is the im2col matrix unfolded straight into packed panels
    /// (a pointwise convolution packs the input planes as they are). C is the
    /// output planes of the group, so no transpose follows; the bias is
    /// added after the product.
    private static func packedConv(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ geometry: Geometry,
                                   _ context: OperatorContext, into output: inout [Float]) throws(EngineError) {
        let outputPixels = geometry.outputPixels
        if geometry.depth > 0, !output.isEmpty {
            if DepthwiseConvolution.applies(to: geometry) {
                DepthwiseConvolution.convolve(x, w, geometry, into: &output)
            } else {
                try multiplyGroups(x, w, geometry, context, into: &output)
            }
        }
        guard let bias else { return }
        output.withUnsafeMutableBufferPointer { yBuffer in
            for image in 0..<geometry.batch {
                for channel in 0..<geometry.outputChannels {
                    let plane = yBuffer.baseAddress! + (image * geometry.outputChannels + channel) * outputPixels
                    let value = bias[channel]
                    for pixel in 0..<outputPixels { plane[pixel] += value }
                }
            }
        }
    }

    /// Writes `W_g * im2col` into the output planes of every image and group.
    private static func multiplyGroups(_ x: [Float], _ w: [Float], _ geometry: Geometry,
                                       _ context: OperatorContext, into output: inout [Float]) throws(EngineError) {
        let (depth, outputPixels) = (geometry.depth, geometry.outputPixels)
        let groupOutputChannels = geometry.groupOutputChannels
        var columns = PackedFloatWeights(zeroedDepth: depth, columnCount: outputPixels)
        var row = [Float](repeating: 0, count: geometry.isPointwise ? 0 : outputPixels)
        for image in 0..<geometry.batch {
            for g in 0..<geometry.group {
                let inputOffset = (image * geometry.channels + g * geometry.groupChannels) * geometry.inputPixels
                x.withUnsafeBufferPointer { xBuffer in
                    columns.packed.withUnsafeMutableBufferPointer { packed in
                        row.withUnsafeMutableBufferPointer { rowBuffer in
                            let groupInput = xBuffer.baseAddress! + inputOffset
                            let target = packed.baseAddress!
                            if geometry.isPointwise {
                                for channel in 0..<geometry.groupChannels {
                                    PackedFloatWeights.packRow(channel, from: groupInput + channel * outputPixels,
                                                               depth: depth, columnCount: outputPixels, into: target)
                                }
                            } else {
                                unfold(groupInput, channels: geometry.groupChannels, axes: geometry.axes,
                                       rowBuffer: rowBuffer.baseAddress!) { k, values in
                                    PackedFloatWeights.packRow(k, from: values, depth: depth,
                                                               columnCount: outputPixels, into: target)
                                }
                            }
                        }
                    }
                }
                let firstChannel = image * geometry.outputChannels + g * groupOutputChannels
                let planes = groupOutputChannels * outputPixels
                try w.withUnsafeBufferPointer { wBuffer throws(EngineError) in
                    try output.withUnsafeMutableBufferPointer { yBuffer throws(EngineError) in
                        let groupWeights = UnsafeBufferPointer(start: wBuffer.baseAddress! + g * groupOutputChannels * depth,
                                                               count: groupOutputChannels * depth)
                        let groupOutput = UnsafeMutableBufferPointer(start: yBuffer.baseAddress! + firstChannel * outputPixels,
                                                                     count: planes)
                        try context.multiply(groupWeights, rowCount: groupOutputChannels, weights: columns,
                                             into: groupOutput)
                    }
                }
            }
        }
    }

    /// The reference path: the output starts as the bias, and `SGEMM` adds
    /// `W_g * im2col` for each image and group.
    private static func referenceConv(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ geometry: Geometry,
                                      into output: inout [Float]) {
        let (depth, outputPixels, inputPixels) = (geometry.depth, geometry.outputPixels, geometry.inputPixels)
        let (channels, outputChannels) = (geometry.channels, geometry.outputChannels)
        let (groupChannels, groupOutputChannels) = (geometry.groupChannels, geometry.groupOutputChannels)
        var columns = [Float](repeating: 0, count: geometry.isPointwise ? 0 : depth * outputPixels)
        var row = [Float](repeating: 0, count: geometry.isPointwise ? 0 : outputPixels)
        x.withUnsafeBufferPointer { xBuffer in
            w.withUnsafeBufferPointer { wBuffer in
                output.withUnsafeMutableBufferPointer { yBuffer in
                    columns.withUnsafeMutableBufferPointer { columnBuffer in
                        row.withUnsafeMutableBufferPointer { rowBuffer in
                            guard !yBuffer.isEmpty else { return }
                            let xBase = xBuffer.baseAddress!
                            let yBase = yBuffer.baseAddress!
                            if let bias {
                                for image in 0..<geometry.batch {
                                    for channel in 0..<outputChannels {
                                        let plane = yBase + (image * outputChannels + channel) * outputPixels
                                        plane.update(repeating: bias[channel], count: outputPixels)
                                    }
                                }
                            }
                            for image in 0..<geometry.batch {
                                for g in 0..<geometry.group {
                                    let groupInput = xBase + (image * channels + g * groupChannels) * inputPixels
                                    let matrix: UnsafePointer<Float>
                                    if geometry.isPointwise {
                                        matrix = UnsafePointer(groupInput)
                                    } else {
                                        let columnBase = columnBuffer.baseAddress!
                                        unfold(groupInput, channels: groupChannels, axes: geometry.axes,
                                               rowBuffer: rowBuffer.baseAddress!) { k, values in
                                            (columnBase + k * outputPixels).update(from: values, count: outputPixels)
                                        }
                                        matrix = UnsafePointer(columnBase)
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
        }
    }

    /// im2col, one row at a time: row `((c * kD + kz) * kH + ky) * kW + kx`
    /// holds at column `(oz * oH + oy) * oW + ox` the input sample that weight
    /// tap meets at that output pixel (zero in the padding). Each row is
    /// built in `rowBuffer` (`oD * oH * oW` values) and handed to
    /// `store(row, rowBuffer)` before the next one overwrites it.
    static func unfold(_ input: UnsafePointer<Float>, channels: Int, axes: [SpatialAxis],
                       rowBuffer: UnsafeMutablePointer<Float>,
                       store: (Int, UnsafePointer<Float>) -> Void) {
        let (outer, vertical, horizontal) = (axes[0], axes[1], axes[2])
        let planeSize = vertical.input * horizontal.input
        var row = 0
        for channel in 0..<channels {
            let volume = input + channel * outer.input * planeSize
            for kz in 0..<outer.kernel {
                for ky in 0..<vertical.kernel {
                    for kx in 0..<horizontal.kernel {
                        let xOffset = kx * horizontal.dilation - horizontal.padBegin
                        // Output columns whose tap lands inside the input:
                        // 0 <= ox * sx + xOffset < W, the same for every row.
                        let firstInside = xOffset >= 0 ? 0 : (-xOffset + horizontal.stride - 1) / horizontal.stride
                        let lastInside = horizontal.input - 1 - xOffset < 0
                            ? -1 : (horizontal.input - 1 - xOffset) / horizontal.stride
                        let insideStart = min(firstInside, horizontal.output)
                        let insideEnd = max(insideStart, min(lastInside + 1, horizontal.output))
                        var target = rowBuffer
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
                                target.update(repeating: 0, count: insideStart)
                                if horizontal.stride == 1 {
                                    (target + insideStart).update(from: sourceRow + insideStart + xOffset,
                                                                  count: insideEnd - insideStart)
                                } else {
                                    for ox in insideStart..<insideEnd {
                                        target[ox] = sourceRow[ox * horizontal.stride + xOffset]
                                    }
                                }
                                (target + insideEnd).update(repeating: 0, count: horizontal.output - insideEnd)
                            }
                        }
                        store(row, rowBuffer)
                        row += 1
                    }
                }
            }
        }
    }
}

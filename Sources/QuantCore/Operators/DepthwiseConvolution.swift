import CKernels

/// The fast path of a depthwise Conv (one input and one output channel per
/// group, 1-D or 2-D): `Y[n, c] = W[c] * X[n, c]` plane by plane, without
/// im2col and without one-row matrix products.
///
/// Each plane is copied into a zero-padded buffer and convolved by
/// `ck_f32_depthwise_plane`, which adds the taps in the im2col order from +0
/// with the same fused or separate multiply-adds as the `FloatGemm` path of
/// this machine. The output is therefore bit-identical to that path; the
/// caller adds the bias afterwards in both cases.
enum DepthwiseConvolution {
    /// Returns whether this path computes `geometry` bit-identically: one
    /// channel in and out per group, no depth axis, and at most one
    /// `FloatGemm` depth block of taps.
    static func applies(to geometry: Convolution.Geometry) -> Bool {
        let outer = geometry.axes[0]
        guard geometry.groupChannels == 1, geometry.groupOutputChannels == 1,
              outer.input == 1, outer.kernel == 1, outer.output == 1,
              geometry.depth <= FloatGemm.depthBlock else { return false }
        // The padded plane exceeds the input only by its padding. Huge pads,
        // which would make it far larger than the input and the im2col matrix
        // together, are left to the GEMM path.
        let (height, width) = paddedSize(geometry)
        let (area, overflow) = height.multipliedReportingOverflow(by: width)
        return !overflow && area <= 4 * geometry.inputPixels + geometry.depth * geometry.outputPixels + 65_536
    }

    /// Rows and columns of the zero-padded plane: exactly the positions the windows read.
    private static func paddedSize(_ geometry: Convolution.Geometry) -> (height: Int, width: Int) {
        let (vertical, horizontal) = (geometry.axes[1], geometry.axes[2])
        guard geometry.outputPixels > 0 else { return (0, 0) }
        return ((vertical.output - 1) * vertical.stride + (vertical.kernel - 1) * vertical.dilation + 1,
                (horizontal.output - 1) * horizontal.stride + (horizontal.kernel - 1) * horizontal.dilation + 1)
    }

    /// Writes the convolution of every plane of `x` (without bias) into `output`.
    static func convolve(_ x: [Float], _ w: [Float], _ geometry: Convolution.Geometry, into output: inout [Float],
                         instructionSet: FloatGemmInstructionSet = .fastest) {
        let (vertical, horizontal) = (geometry.axes[1], geometry.axes[2])
        let outputPixels = geometry.outputPixels
        guard outputPixels > 0 else { return }
        let (paddedHeight, paddedWidth) = paddedSize(geometry)
        let copiedRows = max(0, min(vertical.input, paddedHeight - vertical.padBegin))
        let copiedColumns = max(0, min(horizontal.input, paddedWidth - horizontal.padBegin))
        var padded = [Float](repeating: 0, count: paddedHeight * paddedWidth)
        let isa = instructionSet.kernelISA ?? CK_ISA_SCALAR
        let taps = vertical.kernel * horizontal.kernel

        x.withUnsafeBufferPointer { xBuffer in
            w.withUnsafeBufferPointer { wBuffer in
                padded.withUnsafeMutableBufferPointer { paddedBuffer in
                    output.withUnsafeMutableBufferPointer { yBuffer in
                        let paddedBase = paddedBuffer.baseAddress!
                        for plane in 0..<(geometry.batch * geometry.channels) {
                            let channel = plane % geometry.channels
                            let source = xBuffer.baseAddress! + plane * geometry.inputPixels
                            // Only the input part changes between planes; the padding stays zero.
                            for row in 0..<copiedRows {
                                (paddedBase + (row + vertical.padBegin) * paddedWidth + horizontal.padBegin)
                                    .update(from: source + row * horizontal.input, count: copiedColumns)
                            }
                            ck_f32_depthwise_plane(isa, paddedBase, paddedWidth, wBuffer.baseAddress! + channel * taps,
                                                   vertical.kernel, horizontal.kernel, vertical.stride,
                                                   horizontal.stride, vertical.dilation, horizontal.dilation,
                                                   yBuffer.baseAddress! + plane * outputPixels, vertical.output,
                                                   horizontal.output)
                        }
                    }
                }
            }
        }
    }
}

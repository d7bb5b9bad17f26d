/// Geometry of a 2-D pooling window on NCHW activations.
///
/// Input is [N, C, H, W] and output [N, C, OH, OW] with
/// `OH = (H + padTop + padBottom - kH) / strideH + 1`, likewise OW.
public struct Pool2DShape: Sendable, Equatable, Hashable {
    public var batch: Int
    public var channels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padTop: Int
    public var padLeft: Int
    public var padBottom: Int
    public var padRight: Int

    public init(batch: Int, channels: Int, inputHeight: Int, inputWidth: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0) {
        self.batch = batch
        self.channels = channels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.padBottom = padBottom
        self.padRight = padRight
    }

    /// The window that covers the whole plane, for global pooling.
    public static func global(batch: Int, channels: Int, height: Int, width: Int) -> Pool2DShape {
        Pool2DShape(batch: batch, channels: channels, inputHeight: height, inputWidth: width,
                    kernelHeight: height, kernelWidth: width)
    }

    /// Output height OH, or 0 when the geometry is invalid.
    public var outputHeight: Int { (try? validated("Pool2D").height) ?? 0 }
    /// Output width OW, or 0 when the geometry is invalid.
    public var outputWidth: Int { (try? validated("Pool2D").width) ?? 0 }
    public var inputCount: Int { batch * channels * inputHeight * inputWidth }
    public var outputCount: Int { batch * channels * outputHeight * outputWidth }

    /// Checks every field and returns (OH, OW).
    func validated(_ kernel: String) throws(KernelError) -> (height: Int, width: Int) {
        try checkPositive(kernel, "batch", batch)
        try checkPositive(kernel, "channels", channels)
        let height = try slidingOutputExtent(kernel, axis: "height", input: inputHeight, window: kernelHeight,
                                             stride: strideHeight, dilation: 1,
                                             padBefore: padTop, padAfter: padBottom)
        let width = try slidingOutputExtent(kernel, axis: "width", input: inputWidth, window: kernelWidth,
                                            stride: strideWidth, dilation: 1,
                                            padBefore: padLeft, padAfter: padRight)
        return (height, width)
    }
}

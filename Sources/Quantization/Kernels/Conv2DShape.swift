/// Geometry of a 2-D convolution on NCHW activations.
///
/// Input is [N, C, H, W], weights are [Cout, C / groups, kH, kW], output is
/// [N, Cout, OH, OW] with `OH = (H + padTop + padBottom - dilationH * (kH - 1) - 1) / strideH + 1`
/// and likewise for OW. A depthwise convolution is `groups == C` (and
/// Cout = C * depth multiplier).
public struct Conv2DShape: Sendable, Equatable, Hashable {
    public var batch: Int
    public var inputChannels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var outputChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var padTop: Int
    public var padLeft: Int
    public var padBottom: Int
    public var padRight: Int
    public var groups: Int

    public init(batch: Int, inputChannels: Int, inputHeight: Int, inputWidth: Int,
                outputChannels: Int, kernelHeight: Int, kernelWidth: Int,
                strideHeight: Int = 1, strideWidth: Int = 1,
                dilationHeight: Int = 1, dilationWidth: Int = 1,
                padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0,
                groups: Int = 1) {
        self.batch = batch
        self.inputChannels = inputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.padBottom = padBottom
        self.padRight = padRight
        self.groups = groups
    }

    /// Input channels each output channel reads, C / groups.
    public var inputChannelsPerGroup: Int { groups > 0 ? inputChannels / groups : 0 }
    /// Output channels each group produces, Cout / groups.
    public var outputChannelsPerGroup: Int { groups > 0 ? outputChannels / groups : 0 }
    /// Reduction depth of one output value without padding, (C / groups) * kH * kW.
    public var reductionDepth: Int { inputChannelsPerGroup * kernelHeight * kernelWidth }

    /// Output height OH, or 0 when the geometry is invalid.
    public var outputHeight: Int {
        (try? slidingOutputExtent("Conv2D", axis: "height", input: inputHeight, window: kernelHeight,
                                  stride: strideHeight, dilation: dilationHeight,
                                  padBefore: padTop, padAfter: padBottom)) ?? 0
    }

    /// Output width OW, or 0 when the geometry is invalid.
    public var outputWidth: Int {
        (try? slidingOutputExtent("Conv2D", axis: "width", input: inputWidth, window: kernelWidth,
                                  stride: strideWidth, dilation: dilationWidth,
                                  padBefore: padLeft, padAfter: padRight)) ?? 0
    }

    /// [N, C, H, W].
    public var inputShape: [Int] { [batch, inputChannels, inputHeight, inputWidth] }
    /// [N, Cout, OH, OW].
    public var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }
    public var inputCount: Int { batch * inputChannels * inputHeight * inputWidth }
    public var weightCount: Int { outputChannels * inputChannelsPerGroup * kernelHeight * kernelWidth }
    public var outputCount: Int { batch * outputChannels * outputHeight * outputWidth }

    /// Checks every field and returns (OH, OW).
    func validated(_ kernel: String) throws(KernelError) -> (height: Int, width: Int) {
        try checkPositive(kernel, "batch", batch)
        try checkPositive(kernel, "inputChannels", inputChannels)
        try checkPositive(kernel, "outputChannels", outputChannels)
        try checkPositive(kernel, "groups", groups)
        guard inputChannels % groups == 0 else {
            throw .invalidShape(kernel: kernel, field: "inputChannels", value: inputChannels,
                                requirement: "a multiple of groups (\(groups))")
        }
        guard outputChannels % groups == 0 else {
            throw .invalidShape(kernel: kernel, field: "outputChannels", value: outputChannels,
                                requirement: "a multiple of groups (\(groups))")
        }
        let height = try slidingOutputExtent(kernel, axis: "height", input: inputHeight, window: kernelHeight,
                                             stride: strideHeight, dilation: dilationHeight,
                                             padBefore: padTop, padAfter: padBottom)
        let width = try slidingOutputExtent(kernel, axis: "width", input: inputWidth, window: kernelWidth,
                                            stride: strideWidth, dilation: dilationWidth,
                                            padBefore: padLeft, padAfter: padRight)
        return (height, width)
    }
}

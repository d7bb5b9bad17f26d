import QuantCore

/// Statistics of one weight tensor: a histogram of all its values and the
/// min/max of each output channel, the slice at index `c` of
/// `outputChannelAxis` (axis 0 for a convolution's `[M, C/group, kH, kW]`
/// weight, the N axis for a fully connected layer). Per-channel ranges are
/// what symmetric per-channel int8 weights are scaled from.
public struct WeightStatistics: Sendable, Equatable {
    public let tensorName: String
    public let shape: [Int]
    public let outputChannelAxis: Int
    public let histogram: Histogram
    /// Range of each output channel, in channel order.
    public let channelRanges: [ClipRange]

    /// Computes the statistics of a float32 weight. Throws when the tensor
    /// is not float32 or `outputChannelAxis` is not an axis of it.
    public init(tensorName: String, tensor: Tensor, outputChannelAxis: Int = 0,
                binCount: Int = Histogram.defaultBinCount) throws(WeightStatisticsError) {
        let values: [Float]
        do {
            values = try tensor.floats(tensorName)
        } catch {
            throw .notFloat(tensor: tensorName, elementType: tensor.elementType)
        }
        guard (0..<tensor.rank).contains(outputChannelAxis) else {
            throw .invalidChannelAxis(tensor: tensorName, axis: outputChannelAxis, shape: tensor.shape)
        }
        self.tensorName = tensorName
        self.shape = tensor.shape
        self.outputChannelAxis = outputChannelAxis

        var histogram = Histogram(binCount: binCount)
        histogram.add(values)
        self.histogram = histogram

        let channelCount = tensor.shape[outputChannelAxis]
        let inner = tensor.shape[(outputChannelAxis + 1)...].reduce(1, *)
        var lows = [Float](repeating: .infinity, count: channelCount)
        var highs = [Float](repeating: -.infinity, count: channelCount)
        for (index, value) in values.enumerated() where value.isFinite {
            let channel = (index / inner) % channelCount
            lows[channel] = Swift.min(lows[channel], value)
            highs[channel] = Swift.max(highs[channel], value)
        }
        // A channel without finite values gets [0, 0], which quantizes to zeros.
        self.channelRanges = (0..<channelCount).map { channel in
            lows[channel] <= highs[channel]
                ? ClipRange(lower: lows[channel], upper: highs[channel]) : ClipRange(lower: 0, upper: 0)
        }
    }
}

/// Errors in collecting weight statistics. Each case carries the tensor name.
public enum WeightStatisticsError: Error, Equatable, CustomStringConvertible {
    case notFloat(tensor: String, elementType: ElementType)
    case invalidChannelAxis(tensor: String, axis: Int, shape: [Int])
    /// A layer names a weight that is not an initializer of the graph.
    case missingWeight(layer: String, tensor: String)

    public var description: String {
        switch self {
        case .notFloat(let tensor, let elementType):
            return "weight '\(tensor)' has element type \(elementType); only float32 weights can be calibrated"
        case .invalidChannelAxis(let tensor, let axis, let shape):
            return "output channel axis \(axis) is not an axis of weight '\(tensor)' with shape \(shape)"
        case .missingWeight(let layer, let tensor):
            return "layer '\(layer)' reads weight '\(tensor)', which is not an initializer of the graph"
        }
    }
}

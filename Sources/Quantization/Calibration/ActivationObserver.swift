import QuantCore

/// Everything calibration records about one activation tensor: its
/// histogram, exact min/max and moving-average min/max. One pass over the
/// calibration data is enough for every `CalibrationMethod`, so the range
/// can be recomputed with another method without running the model again.
public struct ActivationObserver: Sendable, Equatable {
    /// Value name of the tensor in the prepared graph.
    public let tensorName: String
    public private(set) var histogram: Histogram
    public private(set) var minMax = MinMaxObserver()
    public private(set) var movingAverage: MovingAverageMinMaxObserver

    public init(tensorName: String, binCount: Int = Histogram.defaultBinCount,
                averagingConstant: Double = MovingAverageMinMaxObserver.defaultAveragingConstant) {
        self.tensorName = tensorName
        self.histogram = Histogram(binCount: binCount)
        self.movingAverage = MovingAverageMinMaxObserver(averagingConstant: averagingConstant)
    }

    /// Records one batch of the tensor's values.
    public mutating func observe(_ batch: [Float]) {
        batch.withUnsafeBufferPointer { values in
            let extremes = FiniteExtremes(values)
            histogram.add(values, extremes: extremes)
            minMax.observe(extremes)
            movingAverage.observe(extremes)
        }
    }

    /// Records one batch given as a tensor; only float32 tensors are accepted.
    public mutating func observe(_ batch: Tensor) throws(TensorError) {
        observe(try batch.floats(tensorName))
    }

    /// Computes the clip range that `method` chooses for `bitWidth`-bit
    /// quantization. Only `mse` and `kl` use `bitWidth`, but every method
    /// checks it.
    public func clipRange(method: CalibrationMethod, bitWidth: Int = 8) throws(CalibrationError) -> ClipRange {
        guard CalibrationError.supportedBitWidths.contains(bitWidth) else { throw .invalidBitWidth(bitWidth) }
        let range: ClipRange?
        switch method {
        case .minMax: range = minMax.range
        case .movingAverage: range = movingAverage.range
        case .percentile(let value): range = PercentileClipping.range(of: histogram, percentile: value)
        case .mse: range = MSEClipping.range(of: histogram, bitWidth: bitWidth)
        case .kl: range = KLDivergenceClipping.range(of: histogram, bitWidth: bitWidth)
        }
        guard let range else { throw .noValuesObserved(tensor: tensorName) }
        return range
    }
}

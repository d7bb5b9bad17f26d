import QuantCore

/// Calibration state of a whole prepared model: an `ActivationObserver` for
/// every activation tensor a layer reads or writes, and `WeightStatistics`
/// for every layer weight. A float run of each calibration batch feeds
/// `observe(_:)` with the values it computed.
public struct ModelCalibration: Sendable, Equatable {
    /// Observed tensor names in graph order: each layer's inputs, then its
    /// output, each name once.
    public let activationNames: [String]
    public private(set) var activations: [String: ActivationObserver]
    /// Weight statistics by layer name, for layers with a weight.
    public let weights: [String: WeightStatistics]
    public private(set) var batchCount = 0

    /// Creates empty observers for the layers of `prepared` and computes the
    /// statistics of their weights.
    public init(prepared: PreparedModel, binCount: Int = Histogram.defaultBinCount) throws(WeightStatisticsError) {
        var names: [String] = []
        var seen = Set<String>()
        for layer in prepared.layers {
            for name in layer.inputs + [layer.output] where prepared.model.graph.initializers[name] == nil {
                if seen.insert(name).inserted { names.append(name) }
            }
        }
        activationNames = names
        activations = Dictionary(uniqueKeysWithValues: names.map {
            ($0, ActivationObserver(tensorName: $0, binCount: binCount))
        })

        var weights: [String: WeightStatistics] = [:]
        for layer in prepared.layers {
            guard let weightName = layer.weight else { continue }
            guard let tensor = prepared.model.graph.initializers[weightName] else {
                throw .missingWeight(layer: layer.name, tensor: weightName)
            }
            weights[layer.name] = try WeightStatistics(tensorName: weightName, tensor: tensor,
                                                       outputChannelAxis: layer.weightOutputChannelAxis ?? 0,
                                                       binCount: binCount)
        }
        self.weights = weights
    }

    /// Records one batch. `values` maps tensor names to the values a float
    /// run computed. Names that are not observed are ignored, and an observed
    /// name missing from `values` keeps its state.
    public mutating func observe(_ values: [String: Tensor]) throws(TensorError) {
        for name in activationNames {
            guard let tensor = values[name] else { continue }
            try activations[name]!.observe(tensor)
        }
        batchCount += 1
    }

    /// Computes the clip range of every observed tensor with `method`.
    public func clipRanges(method: CalibrationMethod,
                           bitWidth: Int = 8) throws(CalibrationError) -> [String: ClipRange] {
        var ranges: [String: ClipRange] = [:]
        for name in activationNames {
            ranges[name] = try activations[name]!.clipRange(method: method, bitWidth: bitWidth)
        }
        return ranges
    }
}

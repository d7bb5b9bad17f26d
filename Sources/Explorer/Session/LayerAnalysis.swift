import Foundation
import QuantCore
import Quantization

/// The quantization parameters one layer gets under a plan, computed from
/// calibration statistics alone, and what they do to the calibration data.
///
/// - Weights: one (S, Z) per output channel or per tensor, chosen from the
///   observed min/max by the plan's scheme (symmetric Z = 0 for TFLite,
///   asymmetric for the paper's scheme).
/// - Output: the clip range [a, b] the calibration method picks for the
///   layer's output tensor, then (S, Z) from it.
/// - Multiplier: M = S_in * S_w / S_out = M0 * 2^-shift, per weight scale,
///   with S_in from the layer's first input under the same method.
/// - Clipped fraction: the share of calibration values of the output that
///   fall outside [S (qmin - Z), S (qmax - Z)].
/// - Estimated SQNR: 10 log10(sum r^2 / sum (r - r')^2) over the calibration
///   histogram, with r the bin centre and r' = S (clamp(round(r / S) + Z) - Z).
public struct LayerAnalysis: Sendable, Equatable {
    public var layerName: String
    public var settings: LayerQuantization
    /// One entry per output channel for per-channel weights, else one entry;
    /// empty for layers without weights.
    public var weightParameters: [QuantizationParameters]
    /// Observed weight min/max over the whole tensor.
    public var weightRange: ClipRange?
    /// Observed weight min/max per output channel.
    public var channelRanges: [ClipRange]
    public var inputParameters: QuantizationParameters?
    /// Observed output min/max on the calibration data.
    public var outputRange: ClipRange?
    /// The clip range the calibration method chose for the output.
    public var outputClip: ClipRange?
    public var outputParameters: QuantizationParameters?
    /// M0 and shift per weight scale (one for per-tensor weights).
    public var multipliers: [QuantizedMultiplier]
    public var outputClippedFraction: Double?
    public var estimatedOutputSQNR: Double?
    public var weightSQNR: Double?
    /// Set when the parameters could not be computed, with the reason.
    public var problem: String?

    /// Analyses `layer` of `context` under `settings`.
    public init(layer: QuantizableLayer, settings: LayerQuantization, context: ExplorerContext) {
        layerName = layer.name
        self.settings = settings
        weightParameters = []
        channelRanges = []
        multipliers = []
        let scheme = settings.quantizationScheme
        let calibration = context.calibration
        do {
            if let statistics = calibration.weights[layer.name] {
                channelRanges = statistics.channelRanges
                if let low = statistics.histogram.min, let high = statistics.histogram.max {
                    weightRange = ClipRange(lower: Float(low), upper: Float(high))
                }
                weightParameters = try LayerAnalysis.weightParameters(statistics: statistics, scheme: scheme)
                if let weightName = layer.weight, let tensor = context.prepared.model.graph.initializers[weightName] {
                    weightSQNR = LayerAnalysis.weightSQNR(tensor: tensor, statistics: statistics,
                                                          parameters: weightParameters)
                }
            }
            if let input = layer.inputs.first, let observer = calibration.activations[input] {
                let clip = try observer.clipRange(method: settings.calibration, bitWidth: settings.activationBits)
                inputParameters = try scheme.activationParameters(min: clip.lower, max: clip.upper)
            }
            if let observer = calibration.activations[layer.output] {
                let histogram = observer.histogram
                if let low = histogram.min, let high = histogram.max {
                    outputRange = ClipRange(lower: Float(low), upper: Float(high))
                }
                let clip = try observer.clipRange(method: settings.calibration, bitWidth: settings.activationBits)
                outputClip = clip
                let parameters = try scheme.activationParameters(min: clip.lower, max: clip.upper)
                outputParameters = parameters
                (outputClippedFraction, estimatedOutputSQNR) = LayerAnalysis.histogramNoise(histogram, parameters)
            }
            if let input = inputParameters, let output = outputParameters {
                for weight in weightParameters {
                    let real = Double(input.scale) * Double(weight.scale) / Double(output.scale)
                    multipliers.append(try QuantizedMultiplier(approximating: real))
                }
            }
        } catch {
            problem = "\(error)"
        }
    }

    /// Whether weights have one scale per output channel.
    public var isPerChannel: Bool { weightParameters.count > 1 }

    static func weightParameters(statistics: WeightStatistics,
                                 scheme: QuantizationScheme) throws -> [QuantizationParameters] {
        switch scheme.weightGranularity {
        case .perChannel:
            return try statistics.channelRanges.map { range in
                try scheme.weightParameters(min: range.lower, max: range.upper)
            }
        case .perTensor:
            let low = Float(statistics.histogram.min ?? 0)
            let high = Float(statistics.histogram.max ?? 0)
            return [try scheme.weightParameters(min: low, max: high)]
        }
    }

    /// Returns the dequantized value of `real`: S (clamp(round(r / S) + Z) - Z).
    static func fakeQuantized(_ real: Float, _ parameters: QuantizationParameters) -> Float {
        parameters.dequantize(parameters.quantize(real))
    }

    /// SQNR of the weights in dB after quantizing each output channel with
    /// its own parameters (or all with the one per-tensor entry).
    static func weightSQNR(tensor: Tensor, statistics: WeightStatistics,
                           parameters: [QuantizationParameters]) -> Double? {
        guard let values = try? tensor.floats(), !parameters.isEmpty else { return nil }
        let channelCount = statistics.shape[statistics.outputChannelAxis]
        let inner = statistics.shape[(statistics.outputChannelAxis + 1)...].reduce(1, *)
        var signal = 0.0
        var noise = 0.0
        for (index, value) in values.enumerated() where value.isFinite {
            let channel = parameters.count == 1 ? 0 : (index / inner) % channelCount
            let error = Double(value) - Double(fakeQuantized(value, parameters[channel]))
            signal += Double(value) * Double(value)
            noise += error * error
        }
        return decibels(signal: signal, noise: noise)
    }

    /// Returns the clipped fraction and the SQNR estimate of a histogram
    /// quantized with `parameters`, taking each bin's values at its centre.
    static func histogramNoise(_ histogram: Histogram,
                               _ parameters: QuantizationParameters) -> (clipped: Double?, sqnr: Double?) {
        guard histogram.count > 0 else { return (nil, nil) }
        let representable = parameters.representableRange
        var clipped = 0
        var signal = 0.0
        var noise = 0.0
        for (index, count) in histogram.counts.enumerated() where count > 0 {
            let centre = histogram.edge(index) + histogram.binWidth / 2
            if Float(centre) < representable.lowerBound || Float(centre) > representable.upperBound {
                clipped += count
            }
            let error = centre - Double(fakeQuantized(Float(centre), parameters))
            signal += Double(count) * centre * centre
            noise += Double(count) * error * error
        }
        return (Double(clipped) / Double(histogram.count), decibels(signal: signal, noise: noise))
    }

    /// 10 log10(signal / noise); infinity for zero noise, nil without signal.
    static func decibels(signal: Double, noise: Double) -> Double? {
        guard signal > 0 else { return nil }
        guard noise > 0 else { return .infinity }
        return 10 * log10(signal / noise)
    }
}

import Foundation
import QuantCore
import Quantization

/// Everything the detail view shows for one layer: its numbers as label and
/// value pairs, the weight and output histograms with the quantization grid,
/// and the per-output-channel weight ranges.
public struct LayerDetail: Sendable, Equatable {
    public var title: String
    public var numbers: [HelpEntry]
    public var weightHistogram: HistogramView?
    public var activationHistogram: HistogramView?
    public var channelRanges: [ChannelRange]

    /// Bins of the drawn histograms; `HistogramView` spreads them over the columns.
    static let displayBins = 96
    /// Grid ticks are drawn only up to this many levels, so they stay apart.
    static let maximumTickLevels = 32

    public init(layer: QuantizableLayer, analysis: LayerAnalysis, context: ExplorerContext,
                metrics: LayerMetrics?, logScale: Bool, selectedChannel: Int) {
        let settings = analysis.settings
        let isInt8 = settings.precision == .int8
        title = "\(layer.name) (\(layer.opType), \(layer.kind))"
        var numbers: [HelpEntry] = []
        func add(_ term: String, _ text: String) { numbers.append(HelpEntry(term: term, text: text)) }
        let shape = context.facts[layer.name]?.outputShape.map(String.init).joined(separator: "x") ?? "?"
        add("output shape", shape + (layer.activation == .none ? "" : ", fused \(layer.activation)"))
        if !layer.foldedBatchNormalizations.isEmpty {
            add("folded BN", layer.foldedBatchNormalizations.joined(separator: ", "))
        }
        let bits = "w\(settings.weightBits)/a\(settings.activationBits) bits"
        add("precision", isInt8 ? "int8, \(bits)" : "float (int8 would use \(bits))")
        let schemeText = settings.scheme == .tflite ? "tflite (int8, symmetric w)" : "paper (uint8, asymmetric)"
        add("scheme", schemeText + ", " + (settings.granularity == .perChannel ? "per-channel" : "per-tensor"))
        add("calibration", settings.calibration.name)
        if let range = analysis.weightRange {
            add("weights", "min \(LayerRow.number(Double(range.lower))) max \(LayerRow.number(Double(range.upper)))")
            let scales = analysis.weightParameters.map { Double($0.scale) }
            let zeros = Set(analysis.weightParameters.map(\.zeroPoint)).sorted()
            if analysis.isPerChannel {
                add("weight S", "\(scales.count) channels, \(LayerRow.number(scales.min() ?? 0)) to "
                    + "\(LayerRow.number(scales.max() ?? 0))")
            } else if let scale = scales.first {
                add("weight S", LayerRow.number(scale))
            }
            add("weight Z", zeros.map(String.init).joined(separator: ", "))
        }
        if let range = analysis.outputRange {
            add("output", "min \(LayerRow.number(Double(range.lower))) max \(LayerRow.number(Double(range.upper)))")
        }
        if let clip = analysis.outputClip, let output = analysis.outputParameters {
            add("clip [a, b]", "[\(LayerRow.number(Double(clip.lower))), \(LayerRow.number(Double(clip.upper)))]")
            add("output S, Z", "S=\(LayerRow.number(Double(output.scale))) Z=\(output.zeroPoint) q in \(output.range)")
        }
        if !analysis.multipliers.isEmpty {
            // The paper writes M = M0 * 2^-n; the stored shift is TFLite's left shift, n = -shift.
            let channel = min(selectedChannel, analysis.multipliers.count - 1)
            let multiplier = analysis.multipliers[channel]
            let exponents = analysis.multipliers.map { -$0.shift }
            let range = exponents.min() == exponents.max() ? "" : " (\(exponents.min() ?? 0)..\(exponents.max() ?? 0))"
            let channelNote = analysis.multipliers.count > 1 ? "ch \(channel): " : ""
            add("M0, shift", "\(channelNote)M0=\(multiplier.m0) n=\(-multiplier.shift)\(range), "
                + "M=\(LayerRow.number(multiplier.realValue))")
        }
        if let clipped = analysis.outputClippedFraction {
            add("clipped", String(format: "%.3f%% of calibration outputs", clipped * 100))
        }
        if let sqnr = analysis.weightSQNR {
            add("SQNR weights", LayerRow.decibels(sqnr) + " dB")
        }
        if let sqnr = analysis.estimatedOutputSQNR {
            add("SQNR output", LayerRow.decibels(sqnr) + " dB estimated from calibration")
        }
        if isInt8, let metrics {
            let sqnr = metrics.sqnr.map { LayerRow.decibels($0) + " dB" } ?? "-"
            let rmse = metrics.rmsePerScale.map { String(format: "%.2f", $0) } ?? "-"
            add("measured", "SQNR \(sqnr), RMSE/S \(rmse) against float, with earlier layers' error")
        }
        if let problem = analysis.problem {
            add("problem", problem)
        }
        for note in layer.notes {
            add("note", note)
        }
        self.numbers = numbers

        channelRanges = analysis.channelRanges.enumerated().map { index, range in
            ChannelRange(label: "ch \(index)", minimum: Double(range.lower), maximum: Double(range.upper))
        }
        weightHistogram = LayerDetail.weightHistogram(layer: layer, analysis: analysis, context: context,
                                                      logScale: logScale, selectedChannel: selectedChannel)
        activationHistogram = LayerDetail.activationHistogram(layer: layer, analysis: analysis, context: context,
                                                              logScale: logScale)
    }

    /// Markers of a quantization grid over [lower, upper]: the clip bounds,
    /// the real value 0 (q = Z), and every level when there are few.
    static func markers(parameters: QuantizationParameters, clip: (Double, Double)) -> [ChartMarker] {
        var markers = [ChartMarker(value: clip.0, kind: .clipBound, label: "a"),
                       ChartMarker(value: clip.1, kind: .clipBound, label: "b"),
                       ChartMarker(value: 0, kind: .zeroPoint, label: "Z=\(parameters.zeroPoint)")]
        let levels = Int(parameters.range.steps) + 1
        if levels <= maximumTickLevels {
            markers += (parameters.range.qmin ... parameters.range.qmax).map { level in
                ChartMarker(value: Double(parameters.dequantize(level)), kind: .gridTick, label: "")
            }
        }
        return markers
    }

    static func weightHistogram(layer: QuantizableLayer, analysis: LayerAnalysis, context: ExplorerContext,
                                logScale: Bool, selectedChannel: Int) -> HistogramView? {
        guard let weightName = layer.weight, let tensor = context.prepared.model.graph.initializers[weightName],
              let statistics = context.calibration.weights[layer.name], let values = try? tensor.floats(),
              let range = analysis.weightRange, !analysis.weightParameters.isEmpty else { return nil }
        let lower = min(Double(range.lower), 0)
        let upper = max(Double(range.upper), 0)
        guard upper > lower else { return nil }
        let channelCount = statistics.shape[statistics.outputChannelAxis]
        let inner = statistics.shape[(statistics.outputChannelAxis + 1)...].reduce(1, *)
        var floatCounts = [Double](repeating: 0, count: displayBins)
        var quantizedCounts = [Double](repeating: 0, count: displayBins)
        func bin(_ value: Double) -> Int {
            min(displayBins - 1, max(0, Int((value - lower) / (upper - lower) * Double(displayBins))))
        }
        for (index, value) in values.enumerated() where value.isFinite {
            let channel = analysis.weightParameters.count == 1 ? 0 : (index / inner) % channelCount
            floatCounts[bin(Double(value))] += 1
            quantizedCounts[bin(Double(LayerAnalysis.fakeQuantized(value, analysis.weightParameters[channel])))] += 1
        }
        // Per-channel weights have one grid per channel; the selected channel's is drawn.
        let channel = analysis.weightParameters.count == 1 ? 0 : min(selectedChannel, analysis.weightParameters.count - 1)
        let parameters = analysis.weightParameters[channel]
        let representable = parameters.representableRange
        let markers = LayerDetail.markers(parameters: parameters,
                                          clip: (Double(representable.lowerBound), Double(representable.upperBound)))
        return HistogramView(lowerBound: lower, upperBound: upper,
                             primary: HistogramSeries(name: "float", counts: floatCounts),
                             overlay: HistogramSeries(name: "dequantized", counts: quantizedCounts),
                             markers: markers, logScale: logScale)
    }

    static func activationHistogram(layer: QuantizableLayer, analysis: LayerAnalysis, context: ExplorerContext,
                                    logScale: Bool) -> HistogramView? {
        guard let histogram = context.calibration.activations[layer.output]?.histogram, histogram.count > 0,
              let clip = analysis.outputClip, let parameters = analysis.outputParameters,
              let observedMin = histogram.min, let observedMax = histogram.max else { return nil }
        let lower = min(observedMin, Double(clip.lower), 0)
        let upper = max(observedMax, Double(clip.upper), 0)
        guard upper > lower else { return nil }
        let floatCounts = histogram.redistributed(over: lower, upper, binCount: displayBins)
        var quantizedCounts = [Double](repeating: 0, count: displayBins)
        for (index, count) in histogram.counts.enumerated() where count > 0 {
            let centre = histogram.edge(index) + histogram.binWidth / 2
            let value = Double(LayerAnalysis.fakeQuantized(Float(centre), parameters))
            let target = min(displayBins - 1, max(0, Int((value - lower) / (upper - lower) * Double(displayBins))))
            quantizedCounts[target] += Double(count)
        }
        return HistogramView(lowerBound: lower, upperBound: upper,
                             primary: HistogramSeries(name: "float", counts: floatCounts),
                             overlay: HistogramSeries(name: "dequantized", counts: quantizedCounts),
                             markers: markers(parameters: parameters, clip: (Double(clip.lower), Double(clip.upper))),
                             logScale: logScale)
    }
}

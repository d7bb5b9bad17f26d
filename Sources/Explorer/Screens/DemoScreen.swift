import Foundation

/// A screen built from fixture values that shows every widget working
/// together: a layer table, a histogram with an overlay and markers, the
/// per-channel ranges of the selected layer, and calibration progress.
///
/// NOTE: The layers, histograms and ranges are synthetic (Gaussian bin
/// counts and fixed per-channel ranges), not taken from a model.
public struct DemoScreen: Screen {
    public enum Action: Hashable, Sendable {
        case up, down, pageUp, pageDown, top, bottom
        case nextChannel, previousChannel
        case togglePrecision, toggleLogScale, toggleOverlay
        case recalibrate, help, quit
        case selectLayer(Int)
        case selectChannel(Int)
    }

    public enum Request: Hashable, Sendable {
        case recalibrate(layer: Int)
    }

    /// One fixture layer: its name, operator, precision and value spread.
    public struct Layer: Hashable, Sendable {
        public var name: String
        public var op: String
        public var isQuantized: Bool
        /// Standard deviation of the synthetic activation distribution.
        public var spread: Double
        public var sqnr: Double
    }

    public var layers: [Layer]
    public var selectedLayer = 0
    public var layerScrollOffset = 0
    public var selectedChannel = 0
    public var logScale = false
    public var showsOverlay = true
    /// Calibration progress in [0, 1] while a recalibration runs, else nil.
    public var calibrationProgress: Double?
    public var accuracyHistory: [Double] = [91.2, 91.0, 90.7, 90.9, 89.8, 90.4, 90.1, 90.6, 90.8, 90.5]

    public init() {
        let names = ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "conv3", "relu3",
                     "flatten", "fc1", "relu4", "fc2"]
        let ops = ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Conv", "Relu",
                   "Flatten", "Gemm", "Relu", "Gemm"]
        layers = names.indices.map { index in
            Layer(name: names[index], op: ops[index], isQuantized: index != names.count - 1,
                  spread: 0.25 + 0.06 * Double(index % 5), sqnr: 38.5 - 1.7 * Double(index))
        }
    }

    public var title: String { "quantscope: widget demo (fixture data)" }
    public var minimumSize: Size { Size(width: 80, height: 24) }

    public var keyTable: KeyTable<Action> {
        // Help and Quit come first so the key bar keeps them on narrow terminals.
        KeyTable(name: "Layers", bindings: [
            KeyBinding(keys: [.character("?"), .function(1)], action: .help, label: "Help",
                       help: "Show this help."),
            KeyBinding(keys: [.character("q"), .function(10)], action: .quit, label: "Quit",
                       help: "Leave the explorer."),
            KeyBinding(keys: [.up, .character("k")], action: .up, label: "Up", help: "Select the previous layer.",
                       showInBar: false),
            KeyBinding(keys: [.down, .character("j")], action: .down, label: "Down", help: "Select the next layer.",
                       showInBar: false),
            KeyBinding(keys: [.pageUp], action: .pageUp, label: "PgUp", help: "Move the selection up one page.",
                       showInBar: false),
            KeyBinding(keys: [.pageDown], action: .pageDown, label: "PgDn", help: "Move the selection down one page.",
                       showInBar: false),
            KeyBinding(keys: [.home, .character("g")], action: .top, label: "First", help: "Select the first layer.",
                       showInBar: false),
            KeyBinding(keys: [.end, .character("G")], action: .bottom, label: "Last", help: "Select the last layer.",
                       showInBar: false),
            KeyBinding(keys: [.tab], action: .nextChannel, label: "Channel",
                       help: "Select the next output channel in the range bars."),
            KeyBinding(keys: [.backTab], action: .previousChannel, label: "Channel",
                       help: "Select the previous output channel in the range bars.", showInBar: false),
            KeyBinding(keys: [.space], action: .togglePrecision, label: "int8/float",
                       help: "Switch the selected layer between int8 and float execution."),
            KeyBinding(keys: [.character("l")], action: .toggleLogScale, label: "Log",
                       help: "Switch the histogram between a linear and a logarithmic count axis."),
            KeyBinding(keys: [.character("o")], action: .toggleOverlay, label: "Overlay",
                       help: "Show or hide the dequantized values over the float histogram."),
            KeyBinding(keys: [.character("r")], action: .recalibrate, label: "Recalibrate",
                       help: "Recompute the selected layer's scale and zero-point in the background."),
        ])
    }

    public var glossary: [HelpEntry] {
        [
            HelpEntry(term: "scale S", text: "The real-valued step between adjacent quantized values: r = S * (q - Z)."),
            HelpEntry(term: "zero-point Z", text: "The quantized value that represents the real value 0 exactly."),
            HelpEntry(term: "SQNR", text: "Signal-to-quantization-noise ratio in dB: 10 log10(sum r^2 / sum (r - r')^2), "
                + "where r' is the dequantized value. Higher is better."),
            HelpEntry(term: "clip range", text: "The real interval [lo, hi] mapped onto the integer range; values outside it saturate."),
        ]
    }

    public var status: String? {
        let layer = layers[selectedLayer]
        let precision = layer.isQuantized ? "int8" : "float"
        return "layer \(selectedLayer + 1)/\(layers.count) \(layer.name): \(precision), SQNR \(String(format: "%.1f", layer.sqnr)) dB"
    }

    /// The rectangles of the four panels for a content area.
    public struct Layout: Hashable, Sendable {
        public var table: Rect
        public var histogram: Rect
        public var ranges: Rect
        public var progress: Rect
    }

    public func layout(area: Rect) -> Layout {
        let (top, bottom) = area.splitTop(max(12, area.height * 55 / 100))
        let (tableBox, histogramBox) = top.splitLeft(max(40, area.width / 2))
        let (rangesBox, progressBox) = bottom.splitLeft(max(50, area.width * 62 / 100))
        return Layout(table: tableBox, histogram: histogramBox, ranges: rangesBox, progress: progressBox)
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let boxes = layout(area: area)
        let layer = layers[selectedLayer]

        grid.drawBox(boxes.table, glyphs: glyphs, title: "Layers")
        table.render(into: &grid, area: boxes.table.inset(by: 1), glyphs: glyphs)

        grid.drawBox(boxes.histogram, glyphs: glyphs, title: "Activations of \(layer.name)")
        histogram.render(into: &grid, area: boxes.histogram.inset(by: 1), glyphs: glyphs)

        grid.drawBox(boxes.ranges, glyphs: glyphs, title: "Weight range per output channel")
        rangeBars.render(into: &grid, area: boxes.ranges.inset(by: 1), glyphs: glyphs)

        grid.drawBox(boxes.progress, glyphs: glyphs, title: "Accuracy")
        let inner = boxes.progress.inset(by: 1)
        let latest = accuracyHistory.last ?? 0
        grid.write("top-1 \(String(format: "%.1f", latest))%", in: inner.row(0), ellipsis: glyphs.ellipsis)
        Sparkline(values: accuracyHistory).render(into: &grid, area: inner.row(1), glyphs: glyphs)
        if let calibrationProgress {
            ProgressBar(fraction: calibrationProgress, label: "calibrating")
                .render(into: &grid, area: inner.row(3), glyphs: glyphs)
        } else {
            grid.write("press r to recalibrate", in: inner.row(3), role: .dim, ellipsis: glyphs.ellipsis)
        }
    }

    public mutating func perform(_ action: Action) -> Effect<Request> {
        let page = 8
        switch action {
        case .up: selectLayer(selectedLayer - 1)
        case .down: selectLayer(selectedLayer + 1)
        case .pageUp: selectLayer(selectedLayer - page)
        case .pageDown: selectLayer(selectedLayer + page)
        case .top: selectLayer(0)
        case .bottom: selectLayer(layers.count - 1)
        case .selectLayer(let index): selectLayer(index)
        case .nextChannel: selectedChannel = (selectedChannel + 1) % DemoScreen.channelCount
        case .previousChannel:
            selectedChannel = (selectedChannel + DemoScreen.channelCount - 1) % DemoScreen.channelCount
        case .selectChannel(let index): selectedChannel = min(max(0, index), DemoScreen.channelCount - 1)
        case .togglePrecision:
            layers[selectedLayer].isQuantized.toggle()
            let precision = layers[selectedLayer].isQuantized ? "int8" : "float"
            return .batch([.redraw, .message("\(layers[selectedLayer].name) now runs in \(precision)")])
        case .toggleLogScale: logScale.toggle()
        case .toggleOverlay: showsOverlay.toggle()
        case .recalibrate:
            guard calibrationProgress == nil else { return .error("a recalibration is already running") }
            calibrationProgress = 0
            return .batch([.recompute(.recalibrate(layer: selectedLayer)),
                           .message("recalibrating \(layers[selectedLayer].name)")])
        case .help: return .showHelp
        case .quit: return .quit
        }
        return .redraw
    }

    public func action(for mouse: MouseEvent, area: Rect) -> Action? {
        let boxes = layout(area: area)
        switch mouse.button {
        case .wheelUp: return .up
        case .wheelDown: return .down
        case .left:
            if let row = table.rowIndex(at: mouse.point, area: boxes.table.inset(by: 1)) {
                return .selectLayer(row)
            }
            if let channel = rangeBars.channelIndex(at: mouse.point, area: boxes.ranges.inset(by: 1)) {
                return .selectChannel(channel)
            }
            return nil
        case .middle, .right:
            return nil
        }
    }

    private mutating func selectLayer(_ index: Int) {
        selectedLayer = min(max(0, index), layers.count - 1)
        // Nine rows fit at the minimum size; keep the offset stable while the selection stays visible.
        layerScrollOffset = Table.visibleOffset(selected: selectedLayer, currentOffset: layerScrollOffset,
                                                visibleRows: 9, rowCount: layers.count)
    }

    // MARK: Fixture widgets

    static let channelCount = 8
    static let binCount = 48
    /// Quantization levels of the fixture grid: deliberately coarse, so the
    /// overlay and grid ticks are visible at demo width.
    static let gridLevels = 16

    var table: Table {
        let columns = [TableColumn("layer", width: 8), TableColumn("op", width: 8),
                       TableColumn("prec", width: 5), TableColumn("SQNR dB", alignment: .right)]
        let rows = layers.map { layer in
            [TableCell(layer.name), TableCell(layer.op, role: .dim),
             layer.isQuantized ? TableCell("int8", role: .int8) : TableCell("float", role: .float),
             TableCell(String(format: "%.1f", layer.sqnr), role: layer.sqnr >= 30 ? .good : .warning)]
        }
        return Table(columns: columns, rows: rows, selectedRow: selectedLayer, scrollOffset: layerScrollOffset)
    }

    var histogram: HistogramView {
        let spread = layers[selectedLayer].spread
        let bound = 4 * spread
        let binWidth = 2 * bound / Double(DemoScreen.binCount)
        let counts = (0 ..< DemoScreen.binCount).map { bin -> Double in
            let center = -bound + (Double(bin) + 0.5) * binWidth
            return (1000 * exp(-center * center / (2 * spread * spread))).rounded()
        }
        let clip = 3 * spread
        let step = 2 * clip / Double(DemoScreen.gridLevels - 1)
        var dequantized = Array(repeating: 0.0, count: DemoScreen.binCount)
        for (bin, count) in counts.enumerated() {
            let center = -bound + (Double(bin) + 0.5) * binWidth
            let snapped = (min(clip, max(-clip, center)) / step).rounded() * step
            let target = min(DemoScreen.binCount - 1, max(0, Int((snapped + bound) / binWidth)))
            dequantized[target] += count
        }
        var markers = [ChartMarker(value: -clip, kind: .clipBound, label: "lo"),
                       ChartMarker(value: clip, kind: .clipBound, label: "hi"),
                       ChartMarker(value: 0, kind: .zeroPoint, label: "Z")]
        markers += (0 ..< DemoScreen.gridLevels).map { level in
            ChartMarker(value: -clip + Double(level) * step, kind: .gridTick, label: "")
        }
        return HistogramView(lowerBound: -bound, upperBound: bound,
                             primary: HistogramSeries(name: "float", counts: counts),
                             overlay: showsOverlay ? HistogramSeries(name: "dequantized", counts: dequantized) : nil,
                             markers: markers, logScale: logScale)
    }

    var rangeBars: RangeBars {
        let spread = layers[selectedLayer].spread
        let channels = (0 ..< DemoScreen.channelCount).map { channel in
            let low = -spread * (0.3 + 0.07 * Double((channel * 7 + selectedLayer) % 10))
            let high = spread * (0.2 + 0.08 * Double((channel * 3 + selectedLayer) % 10))
            return ChannelRange(label: "ch \(channel)", minimum: low, maximum: high)
        }
        return RangeBars(channels: channels, selectedChannel: selectedChannel)
    }
}

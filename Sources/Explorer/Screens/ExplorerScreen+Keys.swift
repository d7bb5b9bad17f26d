/// The key table and glossary of the explorer: dispatch, the key bar and the
/// help screen all read `keyTable`.
extension ExplorerScreen {
    public var keyTable: KeyTable<Action> {
        var bindings: [KeyBinding<Action>] = [
            KeyBinding(keys: [.character("?"), .function(1)], action: .help, label: "Help",
                       help: "Show the keys and the glossary."),
            KeyBinding(keys: [.character("q"), .function(10)], action: .quit, label: "Quit",
                       help: "Leave the explorer; the plan is not saved automatically."),
        ]
        if view == .layers {
            bindings.append(KeyBinding(keys: [.enter], action: .openDetail, label: "Detail",
                                       help: "Open the selected layer's histograms and numbers full screen."))
        } else {
            bindings.append(KeyBinding(keys: [.escape, .backspace], action: .back, label: "Back",
                                       help: "Return to the layer table."))
        }
        bindings += [
            KeyBinding(keys: [.space], action: .togglePrecision, label: "int8/float",
                       help: "Switch the selected layer between int8 and float; evaluation restarts at once."),
            KeyBinding(keys: [.character("I")], action: .allInt8, label: "All int8",
                       help: "Put every layer in int8, keeping each layer's bits and calibration."),
            KeyBinding(keys: [.character("F")], action: .allFloat, label: "All float",
                       help: "Put every layer in float."),
            KeyBinding(keys: [.character("u")], action: .undo, label: "Undo", help: "Undo the last plan change."),
            KeyBinding(keys: [.control("r")], action: .redo, label: "Redo", help: "Redo the last undone plan change.",
                       showInBar: false),
            KeyBinding(keys: [.character("s")], action: .save, label: "Save",
                       help: "Save the plan as JSON next to the model (MODEL.plan.json); an existing file is "
                           + "never replaced, the next free name MODEL.plan-2.json, -3, ... is used instead."),
            KeyBinding(keys: [.character("o")], action: .load, label: "Load",
                       help: "Load the plan file last saved, or the one given with --plan."),
            KeyBinding(keys: [.up, .character("k")], action: .up, label: "Up", help: "Select the previous layer.",
                       showInBar: false),
            KeyBinding(keys: [.down, .character("j")], action: .down, label: "Down", help: "Select the next layer.",
                       showInBar: false),
            KeyBinding(keys: [.pageUp], action: .pageUp, label: "PgUp", help: "Move the selection up a page.",
                       showInBar: false),
            KeyBinding(keys: [.pageDown], action: .pageDown, label: "PgDn", help: "Move the selection down a page.",
                       showInBar: false),
            KeyBinding(keys: [.home, .character("g")], action: .top, label: "First", help: "Select the first layer.",
                       showInBar: false),
            KeyBinding(keys: [.end, .character("G")], action: .bottom, label: "Last", help: "Select the last layer.",
                       showInBar: false),
            KeyBinding(keys: [.character("w")], action: .weightBitsDown, label: "W bits-",
                       help: "One bit fewer for the selected layer's weights (down to 2).", showInBar: false),
            KeyBinding(keys: [.character("W")], action: .weightBitsUp, label: "W bits+",
                       help: "One bit more for the selected layer's weights (up to 8).", showInBar: false),
            KeyBinding(keys: [.character("a")], action: .activationBitsDown, label: "A bits-",
                       help: "One bit fewer for the selected layer's activations (down to 2).", showInBar: false),
            KeyBinding(keys: [.character("A")], action: .activationBitsUp, label: "A bits+",
                       help: "One bit more for the selected layer's activations (up to 8).", showInBar: false),
            KeyBinding(keys: [.character("c")], action: .toggleGranularity, label: "Per-channel",
                       help: "Switch the selected layer's weights between per-tensor and per-channel scales.",
                       showInBar: false),
            KeyBinding(keys: [.character("m")], action: .nextCalibration, label: "Calibration",
                       help: "Cycle the selected layer's calibration method: minmax, moving-average, "
                           + "percentile:99.99, mse, kl.", showInBar: false),
            KeyBinding(keys: [.character("S")], action: .toggleScheme, label: "Scheme",
                       help: "Switch every layer between the tflite scheme (int8, symmetric per-channel weights) "
                           + "and the paper's (uint8, asymmetric per-tensor).", showInBar: false),
            KeyBinding(keys: [.character("l")], action: .toggleLogScale, label: "Log",
                       help: "Switch the histograms between linear and logarithmic counts.", showInBar: false),
            KeyBinding(keys: [.tab], action: .nextChannel, label: "Channel",
                       help: "Select the next output channel: its weight grid is drawn in the histogram.",
                       showInBar: false),
            KeyBinding(keys: [.backTab], action: .previousChannel, label: "Channel",
                       help: "Select the previous output channel.", showInBar: false),
        ]
        return KeyTable(name: view == .layers ? "Layers" : "Layer detail", bindings: bindings)
    }

    public var glossary: [HelpEntry] {
        [
            HelpEntry(term: "S (scale)", text: "The real step between adjacent integers: a real value r is stored as "
                + "an integer q with r = S (q - Z)."),
            HelpEntry(term: "Z (zero-point)", text: "The integer that stands for real 0, so zero padding is exact. "
                + "Symmetric (tflite) weights have Z = 0."),
            HelpEntry(term: "clip [a, b]", text: "The real range mapped onto [qmin, qmax]: widened to contain 0, "
                + "S = (b - a) / (qmax - qmin), Z = round(qmin - a / S). Values outside saturate."),
            HelpEntry(term: "M0, shift", text: "The output multiplier M = S_in S_w / S_out written as "
                + "M0 2^-shift, M0 a Q31 integer in [0.5, 1), so requantizing needs no floating point."),
            HelpEntry(term: "SQNR", text: "Signal-to-quantization-noise ratio in dB: 10 log10(sum r^2 / "
                + "sum (r - r')^2), r the float value and r' the quantized one. Each 1 bit adds about 6 dB."),
            HelpEntry(term: "RMSE/scale", text: "Root-mean-square error of a layer's output divided by its S. "
                + "Rounding alone gives about 0.29 (1/sqrt 12); larger values mean clipping or accumulated error."),
            HelpEntry(term: "clipped", text: "Fraction of calibration values outside [S (qmin - Z), S (qmax - Z)]; "
                + "they saturate to the ends of the range."),
            HelpEntry(term: "per-channel", text: "One S per output channel of the weights instead of one per "
                + "tensor, so a channel of small weights keeps its resolution. The table shows the spread of the "
                + "weight scales and the detail view the selected channel's grid."),
            HelpEntry(term: "calibration", text: "How [a, b] is chosen from calibration data: minmax (observed "
                + "extremes), moving-average (of per-batch extremes), percentile:P (per tail), mse (least "
                + "expected error), kl (least KL divergence)."),
            HelpEntry(term: "all-int8", text: "The baseline: every layer in int8 with the plan's default scheme, "
                + "bits and calibration, without the per-layer changes."),
            HelpEntry(term: "subset, full", text: "Each change is evaluated on the first samples first (subset "
                + "n/N) for a quick answer, then on the whole set (full)."),
            HelpEntry(term: "delta pp", text: "Top-1 changes are in percentage points. The table's change "
                + "column is the effect measured when that layer was last switched alone."),
        ]
    }

    public func action(for mouse: MouseEvent, area: Rect) -> Action? {
        switch mouse.button {
        case .wheelUp: return .up
        case .wheelDown: return .down
        case .left:
            let layout = ExplorerLayout(area: area, view: view, layerCount: context.layers.count)
            if view == .layers, let table = layout.table,
               let row = layerTable(visibleRows: table.height - 3, wide: table.width >= ExplorerScreen.wideTableWidth).rowIndex(at: mouse.point, area: table.inset(by: 1)) {
                return row == selectedLayer ? .openDetail : .selectLayer(row)
            }
            return nil
        case .middle, .right:
            return view == .detail ? .back : nil
        }
    }
}

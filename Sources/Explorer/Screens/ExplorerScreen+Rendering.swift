import Foundation

/// Drawing of the explorer's panels: the layer table, the layer detail and
/// the evaluation panel.
extension ExplorerScreen {
    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        grid.fill(area)
        let layout = ExplorerLayout(area: area, view: view, layerCount: context.layers.count)
        if let box = layout.table {
            grid.drawBox(box, glyphs: glyphs, title: "Layers (Enter: detail, Space: int8/float)")
            layerTable(visibleRows: box.height - 3, wide: box.width >= ExplorerScreen.wideTableWidth).render(into: &grid, area: box.inset(by: 1), glyphs: glyphs)
        }
        if let box = layout.detail {
            renderDetail(into: &grid, area: box, glyphs: glyphs)
        }
        if let box = layout.evaluation {
            let source = (context.evaluationData.source as NSString).lastPathComponent
            grid.drawBox(box, glyphs: glyphs, title: "Evaluation on \(context.evaluationData.count) samples of \(source)")
            renderEvaluation(into: &grid, area: box.inset(by: 1), glyphs: glyphs)
        }
    }

    /// The narrowest table box that gets the wide columns and still leaves
    /// the layer name 15 columns.
    static let wideTableWidth = 140

    /// Builds the layer table; wide areas also get the operator, shape and range columns.
    func layerTable(visibleRows: Int, wide: Bool = false) -> Table {
        var columns = [TableColumn("layer")]
        if wide { columns += [TableColumn("op", width: 10), TableColumn("shape", width: 11)] }
        columns += [TableColumn("precision", width: 10), TableColumn("out S, Z", width: 14),
                    TableColumn("weight S", width: 16)]
        if wide { columns += [TableColumn("weights", width: 16), TableColumn("outputs", width: 16)] }
        columns += [TableColumn("SQNR", width: 5, alignment: .right), TableColumn("RMSE/S", width: 6, alignment: .right),
                    TableColumn("dTop1", width: 6, alignment: .right)]
        let cells: [[TableCell]] = rows.map { row in
            var line = [TableCell(row.name)]
            if wide { line += [TableCell(row.op, role: .dim), TableCell(row.outputShape, role: .dim)] }
            line += [TableCell(row.precision, role: row.isInt8 ? .int8 : .float), TableCell(row.outputScale),
                     TableCell(row.weightScale)]
            if wide { line += [TableCell(row.weightRange, role: .dim), TableCell(row.activationRange, role: .dim)] }
            let sqnrRole: Role = (row.sqnrValue ?? .infinity) >= 30 ? .good : (row.sqnrValue ?? 0) >= 15 ? .warning : .bad
            line += [TableCell(row.sqnr, role: row.sqnrValue == nil ? .dim : sqnrRole), TableCell(row.rmsePerScale),
                     TableCell(row.accuracyChange, role: row.accuracyChange.hasPrefix("-") ? .bad : .normal)]
            return line
        }
        let offset = Table.visibleOffset(selected: selectedLayer, currentOffset: scrollOffset,
                                         visibleRows: visibleRows, rowCount: cells.count)
        return Table(columns: columns, rows: cells, selectedRow: selectedLayer, scrollOffset: offset)
    }

    func renderDetail(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let detail = detail(logScale: logScale)
        let numbersWidth = area.width >= 120 ? 56 : area.width * 55 / 100
        let (numbersBox, chartsBox) = area.splitLeft(numbersWidth)
        grid.drawBox(numbersBox, glyphs: glyphs, title: detail.title)
        renderNumbers(detail.numbers, into: &grid, area: numbersBox.inset(by: 1), glyphs: glyphs)

        let weightBox: Rect
        let activationBox: Rect
        let rangesBox: Rect
        if chartsBox.width >= 90 {
            // Histograms stacked on the left, the channel ranges beside them.
            let (histograms, ranges) = chartsBox.splitLeft(chartsBox.width * 64 / 100)
            (weightBox, activationBox) = histograms.splitTop(histograms.height / 2)
            rangesBox = ranges
        } else {
            let third = chartsBox.height / 3
            let (upper, rest) = chartsBox.splitTop(third)
            weightBox = upper
            (activationBox, rangesBox) = rest.splitTop(third)
        }
        grid.drawBox(weightBox, glyphs: glyphs, title: "Weights")
        if let histogram = detail.weightHistogram {
            histogram.render(into: &grid, area: weightBox.inset(by: 1), glyphs: glyphs)
        } else {
            grid.write("no weights", in: weightBox.inset(by: 1).row(0), role: .dim, ellipsis: glyphs.ellipsis)
        }
        grid.drawBox(activationBox, glyphs: glyphs, title: "Outputs (calibration)")
        if let histogram = detail.activationHistogram {
            histogram.render(into: &grid, area: activationBox.inset(by: 1), glyphs: glyphs)
        } else {
            grid.write("no calibration data", in: activationBox.inset(by: 1).row(0), role: .dim,
                       ellipsis: glyphs.ellipsis)
        }
        grid.drawBox(rangesBox, glyphs: glyphs, title: "Weight range per output channel (Tab)")
        if detail.channelRanges.isEmpty {
            grid.write("no weights", in: rangesBox.inset(by: 1).row(0), role: .dim, ellipsis: glyphs.ellipsis)
        } else {
            RangeBars(channels: detail.channelRanges, selectedChannel: selectedChannel)
                .render(into: &grid, area: rangesBox.inset(by: 1), glyphs: glyphs)
        }
    }

    /// Writes label/value pairs with values wrapped beside their labels. Lines
    /// that do not fit are left out, and the last line counts them.
    func renderNumbers(_ numbers: [HelpEntry], into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let termWidth = min(13, max(0, area.width / 3))
        let textWidth = max(1, area.width - termWidth - 1)
        var lines: [(String, String)] = []
        for entry in numbers {
            for (index, text) in TextLayout.wrap(entry.text, width: textWidth).enumerated() {
                lines.append((index == 0 ? entry.term : "", text))
            }
        }
        for (row, line) in lines.prefix(area.height).enumerated() {
            let rect = area.row(row)
            grid.write(Grid.fit(line.0, width: termWidth, alignment: .left, ellipsis: glyphs.ellipsis),
                       x: rect.x, y: rect.y, role: .accent, clip: rect)
            grid.write(line.1, in: Rect(x: rect.x + termWidth + 1, y: rect.y, width: textWidth, height: 1),
                       ellipsis: glyphs.ellipsis)
        }
        if lines.count > area.height, area.height > 0 {
            let rect = area.row(area.height - 1)
            grid.fill(rect)
            grid.write("\(lines.count - area.height + 1) more lines: enlarge the terminal", in: rect, role: .dim,
                       ellipsis: glyphs.ellipsis)
        }
    }

    func renderEvaluation(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let floatStatus = status(.float)
        for (index, target) in EvaluationTarget.allCases.enumerated() {
            let row = area.row(index)
            let status = status(target)
            var x = grid.write(Grid.fit(target.rawValue, width: 9, alignment: .left, ellipsis: glyphs.ellipsis),
                               x: row.x, y: row.y, role: .accent, clip: row)
            if let result = status.result {
                let top1 = result.top1.map { String(format: "top-1 %6.2f%%", $0 * 100) } ?? "top-1 n/a"
                x = grid.write(top1 + " ", x: x, y: row.y, clip: row)
                // Deltas compare results on the same samples: subset with subset, full with full.
                let floatResult = status.isFull ? (floatStatus.isFull ? floatStatus.result : nil)
                    : floatStatus.subsetResult
                if target != .float, let value = result.top1, let floatTop1 = floatResult?.top1 {
                    let delta = (value - floatTop1) * 100
                    let role: Role
                    if delta < -1 {
                        role = .bad
                    } else if delta < 0 {
                        role = .warning
                    } else {
                        role = .good
                    }
                    x = grid.write(String(format: "%+6.2f pp ", delta), x: x, y: row.y, role: role, clip: row)
                } else {
                    x = grid.write(String(repeating: " ", count: 10), x: x, y: row.y, clip: row)
                }
                var samples = status.isFull ? "full \(result.samples)"
                    : "subset \(result.samples)/\(context.evaluationData.count)"
                if result.isCached { samples += " cached" }
                x = grid.write(samples + "  ", x: x, y: row.y, role: .dim, clip: row)
            }
            let rest = Rect(x: x, y: row.y, width: row.maxX - x, height: 1)
            switch status.phase {
            case .running(let done, let total):
                ProgressBar(fraction: total > 0 ? Double(done) / Double(total) : 0,
                            label: "running \(total == context.evaluationData.count ? "full" : "subset")")
                    .render(into: &grid, area: Rect(x: rest.x, y: rest.y, width: min(rest.width, 40), height: 1),
                            glyphs: glyphs)
            case .failed(let reason):
                grid.write("failed: " + reason, in: rest, role: .error, ellipsis: glyphs.ellipsis)
            case .waiting:
                if status.result == nil {
                    grid.write("waiting", in: rest, role: .dim, ellipsis: glyphs.ellipsis)
                }
            case .finished:
                break
            }
        }
        grid.write(speedText, in: area.row(3), ellipsis: glyphs.ellipsis)
        grid.write("int8 layers run as: " + executionDescription, in: area.row(4), role: .dim,
                   ellipsis: glyphs.ellipsis)
    }

    /// Simulated latency and size of the plan and of all-int8 against float.
    var speedText: String {
        guard let speed else { return "speed: no simulation for this model" }
        guard let planReport = try? speed.report(for: plan), let allReport = try? speed.report(for: allInt8Plan) else {
            return "speed: simulation failed for this plan"
        }
        let totals = planReport.totals
        return String(format: "sim. %@: plan %.2fx float speed, %.2f ms; all-int8 %.2fx; %.2f/%.2f MB",
                      speed.profile.identifier, totals.speedup, totals.latencySeconds * 1000, allReport.totals.speedup,
                      Double(totals.modelSizeBytes) / 1_000_000, Double(totals.floatModelSizeBytes) / 1_000_000)
    }
}

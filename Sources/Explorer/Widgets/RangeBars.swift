/// The value range of one channel, for example the weights of one output
/// channel of a convolution.
public struct ChannelRange: Hashable, Sendable {
    public var label: String
    public var minimum: Double
    public var maximum: Double

    public init(label: String, minimum: Double, maximum: Double) {
        self.label = label
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// One horizontal bar per channel showing [minimum, maximum] on a common axis
/// that always includes 0, with the zero column marked on every row.
///
/// Rows: an axis row with the axis ends and `0`, then one row per channel:
/// a selection gutter, the label, the bar and the range as numbers. The axis
/// is [min(0, all minima), max(0, all maxima)]; a value v sits at cell
/// position (v - lo) / (hi - lo) * barWidth. Bar ends that fall in the
/// second half of a cell's start or the first half of a cell's end are drawn
/// as half blocks.
public struct RangeBars: Hashable, Sendable {
    public var channels: [ChannelRange]
    public var selectedChannel: Int?
    /// The first channel shown; `render` moves it as little as needed to show the selection.
    public var scrollOffset: Int

    public static let maximumLabelWidth = 12

    public init(channels: [ChannelRange], selectedChannel: Int? = nil, scrollOffset: Int = 0) {
        self.channels = channels
        self.selectedChannel = selectedChannel
        self.scrollOffset = scrollOffset
    }

    /// The common axis, [min(0, minima), max(0, maxima)], ignoring non-finite values.
    public var axis: (lower: Double, upper: Double) {
        let minima = channels.map(\.minimum).filter(\.isFinite)
        let maxima = channels.map(\.maximum).filter(\.isFinite)
        return (min(0, minima.min() ?? 0), max(0, maxima.max() ?? 0))
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        grid.fill(area)
        guard area.height >= 2, area.width >= 10 else { return }
        guard !channels.isEmpty else {
            grid.write("no channels", in: area.row(0), role: .dim, ellipsis: glyphs.ellipsis)
            return
        }
        let visibleRows = area.height - 1
        let needsScrollBar = channels.count > visibleRows
        let labelWidth = min(RangeBars.maximumLabelWidth, channels.map(\.label.count).max() ?? 0)
        let rangeTexts = channels.map { "[\(TextLayout.compact($0.minimum)), \(TextLayout.compact($0.maximum))]" }
        let rangeWidth = rangeTexts.map(\.count).max() ?? 0
        let barX = area.x + 2 + labelWidth + 1
        let barWidth = area.maxX - barX - 1 - rangeWidth - (needsScrollBar ? 1 : 0)
        guard barWidth >= 3 else {
            grid.write("too narrow for range bars", in: area.row(0), role: .dim, ellipsis: glyphs.ellipsis)
            return
        }
        let (lower, upper) = axis
        let span = upper - lower
        let position = { (value: Double) -> Double in span > 0 ? (value - lower) / span * Double(barWidth) : 0 }
        let zeroColumn = min(barWidth - 1, Int(position(0)))

        let axisRow = area.row(0)
        let lowerText = TextLayout.compact(lower)
        let upperText = TextLayout.compact(upper)
        grid.write(lowerText, x: barX, y: axisRow.y, role: .dim, clip: axisRow)
        grid.write(upperText, x: barX + barWidth - upperText.count, y: axisRow.y, role: .dim, clip: axisRow)
        if zeroColumn > lowerText.count, zeroColumn < barWidth - upperText.count - 1 {
            grid.write("0", x: barX + zeroColumn, y: axisRow.y, role: .marker, clip: axisRow)
        }

        let offset = Table.visibleOffset(selected: selectedChannel, currentOffset: scrollOffset,
                                         visibleRows: visibleRows, rowCount: channels.count)
        for line in 0 ..< visibleRows where offset + line < channels.count {
            let index = offset + line
            let channel = channels[index]
            let row = area.row(line + 1)
            let isSelected = index == selectedChannel
            if isSelected {
                grid[row.x, row.y] = Cell(glyphs.selectionMarker, role: .selected)
            }
            let labelRect = Rect(x: row.x + 2, y: row.y, width: labelWidth, height: 1)
            grid.write(channel.label, in: labelRect, role: isSelected ? .selected : .normal,
                       alignment: .right, ellipsis: glyphs.ellipsis)
            drawBar(channel, position: position, barWidth: barWidth,
                    into: &grid, at: Point(x: barX, y: row.y), glyphs: glyphs)
            grid[barX + zeroColumn, row.y] = Cell(glyphs.zeroLine, role: .marker)
            grid.write(rangeTexts[index], x: barX + barWidth + 1, y: row.y, role: .dim, clip: row)
        }
        if needsScrollBar {
            let bar = Rect(x: area.maxX - 1, y: area.y + 1, width: 1, height: visibleRows)
            ScrollIndicator(total: channels.count, visible: visibleRows, offset: offset)
                .render(into: &grid, area: bar, glyphs: glyphs)
        }
    }

    /// Returns the channel under a screen point, for mouse selection.
    public func channelIndex(at point: Point, area: Rect) -> Int? {
        guard area.contains(point), point.y > area.y else { return nil }
        let offset = Table.visibleOffset(selected: selectedChannel, currentOffset: scrollOffset,
                                         visibleRows: area.height - 1, rowCount: channels.count)
        let index = offset + point.y - area.y - 1
        return index < channels.count ? index : nil
    }

    private func drawBar(_ channel: ChannelRange, position: (Double) -> Double, barWidth: Int,
                         into grid: inout Grid, at origin: Point, glyphs: Glyphs) {
        guard channel.minimum.isFinite, channel.maximum.isFinite, channel.minimum <= channel.maximum else {
            grid.write("invalid range", x: origin.x, y: origin.y, role: .bad)
            return
        }
        let start = position(channel.minimum)
        let end = position(channel.maximum)
        var drawnAny = false
        for cell in 0 ..< barWidth {
            let cellStart = Double(cell)
            let coverage = min(end, cellStart + 1) - max(start, cellStart)
            guard coverage > 0 else { continue }
            let glyph: Character
            if coverage >= 0.75 {
                glyph = glyphs.horizontalEighths[8]
            } else if coverage >= 0.25 {
                glyph = start > cellStart ? glyphs.rightHalfBlock : glyphs.leftHalfBlock
            } else {
                continue
            }
            grid[origin.x + cell, origin.y] = Cell(glyph, role: .accent)
            drawnAny = true
        }
        if !drawnAny {
            // A range narrower than a quarter cell still gets one mark.
            let cell = min(barWidth - 1, max(0, Int(start)))
            grid[origin.x + cell, origin.y] = Cell(glyphs.leftHalfBlock, role: .accent)
        }
    }
}

/// A column of a `Table`. A nil width shares the columns left over by the
/// fixed-width columns equally.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var width: Int?
    public var alignment: Alignment

    public init(_ title: String, width: Int? = nil, alignment: Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// One cell of a table row with its own role, for example `int8` in the
/// `int8` role. The text alone must carry the meaning.
public struct TableCell: Hashable, Sendable {
    public var text: String
    public var role: Role

    public init(_ text: String, role: Role = .normal) {
        self.text = text
        self.role = role
    }
}

/// A scrollable table with a header row, a selected row and a scroll bar.
///
/// Layout, left to right: a two-column gutter holding the selection marker,
/// the columns separated by one space, and a one-column scroll bar when the
/// rows do not fit. The selected row is drawn in the `selected` role and
/// also carries the marker, so it is visible on a monochrome terminal.
public struct Table: Hashable, Sendable {
    public var columns: [TableColumn]
    public var rows: [[TableCell]]
    public var selectedRow: Int?
    /// The first row shown. `render` moves it as little as needed to keep the
    /// selected row visible; screens store `visibleOffset(...)` to scroll stably.
    public var scrollOffset: Int

    public init(columns: [TableColumn], rows: [[TableCell]], selectedRow: Int? = nil, scrollOffset: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.selectedRow = selectedRow
        self.scrollOffset = scrollOffset
    }

    /// The first visible row for `visibleRows` rows: the current offset moved
    /// just enough to show `selected`, and clamped to the rows there are.
    public static func visibleOffset(selected: Int?, currentOffset: Int, visibleRows: Int, rowCount: Int) -> Int {
        guard visibleRows > 0 else { return 0 }
        var offset = currentOffset
        if let selected {
            if selected < offset { offset = selected }
            if selected >= offset + visibleRows { offset = selected - visibleRows + 1 }
        }
        return min(max(0, offset), max(0, rowCount - visibleRows))
    }

    /// The widths of the columns for a content width (without gutter and scroll bar).
    public func columnWidths(contentWidth: Int) -> [Int] {
        let separators = max(0, columns.count - 1)
        let fixed = columns.compactMap(\.width).reduce(0, +)
        let flexibleCount = columns.filter { $0.width == nil }.count
        let spare = max(0, contentWidth - separators - fixed)
        var remainder = flexibleCount > 0 ? spare % flexibleCount : 0
        return columns.map { column in
            if let width = column.width { return width }
            let extra = remainder > 0 ? 1 : 0
            remainder -= extra
            return spare / flexibleCount + extra
        }
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        grid.fill(area)
        guard area.height > 0, area.width > 2 else { return }
        let visibleRows = area.height - 1
        let needsScrollBar = rows.count > visibleRows
        let contentWidth = area.width - 2 - (needsScrollBar ? 1 : 0)
        let widths = columnWidths(contentWidth: contentWidth)
        let contentArea = Rect(x: area.x, y: area.y, width: area.width - (needsScrollBar ? 1 : 0), height: area.height)

        let header = contentArea.row(0)
        grid.fill(header, role: .header)
        drawCells(columns.map { TableCell($0.title, role: .header) }, widths: widths,
                  row: header, glyphs: glyphs, into: &grid)

        let offset = Table.visibleOffset(selected: selectedRow, currentOffset: scrollOffset,
                                         visibleRows: visibleRows, rowCount: rows.count)
        for line in 0 ..< visibleRows where offset + line < rows.count {
            let index = offset + line
            let rowRect = contentArea.row(line + 1)
            if index == selectedRow {
                grid.fill(rowRect, role: .selected)
                grid[rowRect.x, rowRect.y] = Cell(glyphs.selectionMarker, role: .selected)
                let cells = rows[index].map { TableCell($0.text, role: .selected) }
                drawCells(cells, widths: widths, row: rowRect, glyphs: glyphs, into: &grid)
            } else {
                drawCells(rows[index], widths: widths, row: rowRect, glyphs: glyphs, into: &grid)
            }
        }
        if needsScrollBar {
            let bar = Rect(x: area.maxX - 1, y: area.y + 1, width: 1, height: visibleRows)
            ScrollIndicator(total: rows.count, visible: visibleRows, offset: offset)
                .render(into: &grid, area: bar, glyphs: glyphs)
        }
    }

    /// Returns the row under a screen point, for mouse selection.
    public func rowIndex(at point: Point, area: Rect) -> Int? {
        guard area.contains(point), point.y > area.y else { return nil }
        let offset = Table.visibleOffset(selected: selectedRow, currentOffset: scrollOffset,
                                         visibleRows: area.height - 1, rowCount: rows.count)
        let index = offset + point.y - area.y - 1
        return index < rows.count ? index : nil
    }

    private func drawCells(_ cells: [TableCell], widths: [Int], row: Rect, glyphs: Glyphs, into grid: inout Grid) {
        var x = row.x + 2
        for (index, column) in columns.enumerated() {
            let cell = index < cells.count ? cells[index] : TableCell("")
            let slot = Rect(x: x, y: row.y, width: widths[index], height: 1).intersection(row)
            grid.write(cell.text, in: slot, role: cell.role, alignment: column.alignment, ellipsis: glyphs.ellipsis)
            x += widths[index] + 1
        }
    }
}

/// A one-row progress bar, `label [█████▍    ]  54%`, with 1/8-cell resolution
/// in Unicode. The percentage is always written out as text.
public struct ProgressBar: Hashable, Sendable {
    /// Completed fraction; values outside [0, 1] are clamped and NaN counts as 0.
    public var fraction: Double
    public var label: String

    public init(fraction: Double, label: String = "") {
        self.fraction = fraction
        self.label = label
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let row = area.row(0)
        grid.fill(row)
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let percent = " " + Grid.fit("\(Int((clamped * 100).rounded(.down)))%", width: 4, alignment: .right, ellipsis: "%")
        var x = row.x
        if !label.isEmpty {
            x = grid.write(label + " ", x: x, y: row.y, clip: row)
        }
        let barWidth = row.maxX - x - 2 - percent.count
        guard barWidth > 0 else {
            grid.write(percent.trimmingLeadingSpaces(), x: x, y: row.y, clip: row)
            return
        }
        grid.write("[", x: x, y: row.y, role: .dim, clip: row)
        let filledEighths = Int((clamped * Double(barWidth * 8)).rounded(.down))
        for cell in 0 ..< barWidth {
            let eighths = min(8, max(0, filledEighths - cell * 8))
            grid[x + 1 + cell, row.y] = Cell(glyphs.horizontalEighths[eighths], role: .accent)
        }
        grid.write("]", x: x + 1 + barWidth, y: row.y, role: .dim, clip: row)
        grid.write(percent, x: x + 2 + barWidth, y: row.y, clip: row)
    }
}

extension String {
    func trimmingLeadingSpaces() -> String {
        String(drop { $0 == " " })
    }
}

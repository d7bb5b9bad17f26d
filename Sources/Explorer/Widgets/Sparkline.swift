/// A one-row chart of a series: one glyph per value, scaled from the
/// smallest to the largest value shown. The most recent values are kept
/// when the series is longer than the area is wide.
public struct Sparkline: Hashable, Sendable {
    public var values: [Double]
    public var role: Role

    public init(values: [Double], role: Role = .accent) {
        self.values = values
        self.role = role
    }

    /// The glyphs for a width, before drawing; non-finite values are blank.
    public func glyphs(width: Int, glyphs: Glyphs) -> [Character] {
        let shown = values.suffix(max(0, width))
        let finite = shown.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else {
            return shown.map { _ in " " }
        }
        let levels = glyphs.sparkline
        return shown.map { value in
            guard value.isFinite else { return " " }
            // A flat series sits in the middle, so it reads as "no change", not as "all zero".
            let fraction = high > low ? (value - low) / (high - low) : 0.5
            return levels[Int((fraction * Double(levels.count - 1)).rounded())]
        }
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let row = area.row(0)
        grid.fill(row)
        grid.write(String(self.glyphs(width: row.width, glyphs: glyphs)), x: row.x, y: row.y, role: role, clip: row)
    }
}

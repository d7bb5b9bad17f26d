/// What a screen shows instead of itself when the terminal is smaller than
/// the screen's minimum size.
public struct TooSmallScreen: Hashable, Sendable {
    public var required: Size
    public var actual: Size

    public init(required: Size, actual: Size) {
        self.required = required
        self.actual = actual
    }

    public var text: String {
        "terminal too small: need \(required), have \(actual)"
    }

    /// Draws the text centred and wrapped to the area, with a hint below it.
    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        grid.fill(area)
        let problem = TextLayout.wrap(text, width: area.width)
        let hint = TextLayout.wrap("enlarge the window to continue", width: area.width)
        let lines = problem + hint
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let row = Rect(x: area.x, y: top + index, width: area.width, height: 1).intersection(area)
            let role: Role = index < problem.count ? .warning : .dim
            grid.write(line, in: row, role: role, alignment: .center, ellipsis: glyphs.ellipsis)
        }
    }
}

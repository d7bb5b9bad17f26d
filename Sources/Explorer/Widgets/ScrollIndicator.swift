/// A vertical scroll bar: a track the height of the view with a thumb whose
/// size is visible/total of it and whose position follows the offset.
public struct ScrollIndicator: Hashable, Sendable {
    public var total: Int
    public var visible: Int
    public var offset: Int

    public init(total: Int, visible: Int, offset: Int) {
        self.total = total
        self.visible = visible
        self.offset = offset
    }

    /// Whether there is anything to scroll; the indicator draws nothing otherwise.
    public var isNeeded: Bool { total > visible && visible > 0 }

    /// Draws into the first column of `area`.
    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        guard isNeeded, area.height > 0, area.width > 0 else { return }
        let height = area.height
        let thumbSize = max(1, visible * height / total)
        let maxOffset = total - visible
        let clampedOffset = min(max(0, offset), maxOffset)
        let thumbStart = (height - thumbSize) * clampedOffset / maxOffset
        for row in 0 ..< height {
            let isThumb = row >= thumbStart && row < thumbStart + thumbSize
            grid[area.x, area.y + row] = Cell(isThumb ? glyphs.scrollThumb : glyphs.scrollTrack, role: .scrollbar)
        }
    }
}

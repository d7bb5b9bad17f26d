/// The bottom bar: each binding of a key table marked `showInBar`, as its
/// keys followed by its label, for example `q Quit  ? Help`. Bindings that do
/// not fit whole are left out rather than cut.
public struct KeyBar<Action: Hashable & Sendable>: Sendable {
    /// One binding's place on the bar.
    public struct Item: Sendable {
        public var action: Action
        public var keys: String
        public var label: String
        public var columns: Range<Int>
    }

    public var bindings: [KeyBinding<Action>]

    public init(table: KeyTable<Action>) {
        self.bindings = table.barBindings
    }

    /// The items that fit in `width` columns, with columns relative to the bar's left edge.
    public func layout(width: Int, glyphs: Glyphs) -> [Item] {
        var items: [Item] = []
        var column = 0
        for binding in bindings {
            let keys = binding.keyLabel(glyphs: glyphs)
            let length = keys.count + 1 + binding.label.count
            guard column + length <= width else { break }
            items.append(Item(action: binding.action, keys: keys, label: binding.label,
                              columns: column ..< column + length))
            column += length + 2
        }
        return items
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let row = area.row(0)
        grid.fill(row)
        for item in layout(width: row.width, glyphs: glyphs) {
            let start = row.x + item.columns.lowerBound
            let afterKeys = grid.write(item.keys, x: start, y: row.y, role: .keyHint, clip: row)
            grid.write(" " + item.label, x: afterKeys, y: row.y, role: .normal, clip: row)
        }
    }

    /// The action whose item covers `column`, so a click on the bar does what
    /// the key would.
    public func action(atColumn column: Int, area: Rect, glyphs: Glyphs) -> Action? {
        let relative = column - area.x
        return layout(width: area.width, glyphs: glyphs).first { $0.columns.contains(relative) }?.action
    }
}

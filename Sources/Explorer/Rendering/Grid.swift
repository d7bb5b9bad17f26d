/// A width x height array of cells that screens and widgets draw into.
///
/// Every write is clipped to the grid, and optionally to a smaller rectangle,
/// so a widget given a rectangle never draws outside it. Reads outside the
/// grid return a blank cell and writes outside it are ignored.
public struct Grid: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, filledWith cell: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: cell, count: self.width * self.height)
    }

    public init(size: Size) {
        self.init(width: size.width, height: size.height)
    }

    public var size: Size { Size(width: width, height: height) }
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, x < width, y >= 0, y < height else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, x < width, y >= 0, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from column `x` of row `y`, one character per column,
    /// clipped to `clip` (the whole grid when nil). Returns the column after
    /// the last character, counting clipped characters too, so callers can
    /// continue a line.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, role: Role = .normal, clip: Rect? = nil) -> Int {
        let limit = (clip ?? bounds).intersection(bounds)
        var column = x
        for character in text {
            if limit.contains(Point(x: column, y: y)) {
                self[column, y] = Cell(character, role: role)
            }
            column += 1
        }
        return column
    }

    /// Writes `text` into the rectangle's first row, cut to its width with
    /// `ellipsis` as the last character when it does not fit.
    @discardableResult
    public mutating func write(_ text: String, in rect: Rect, role: Role = .normal,
                               alignment: Alignment = .left, ellipsis: Character) -> Int {
        guard !rect.isEmpty else { return rect.x }
        let fitted = Grid.fit(text, width: rect.width, alignment: alignment, ellipsis: ellipsis)
        return write(fitted, x: rect.x, y: rect.y, role: role, clip: rect)
    }

    /// Fills the rectangle with one character and role.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: Role = .normal) {
        let area = rect.intersection(bounds)
        for y in area.y ..< area.maxY {
            for x in area.x ..< area.maxX {
                self[x, y] = Cell(character, role: role)
            }
        }
    }

    /// Changes the role of every cell in the rectangle and keeps its characters.
    public mutating func applyRole(_ role: Role, to rect: Rect) {
        let area = rect.intersection(bounds)
        for y in area.y ..< area.maxY {
            for x in area.x ..< area.maxX {
                self[x, y].role = role
            }
        }
    }

    /// Draws a box along the rectangle's edge with an optional title in the
    /// top edge. The inside is left untouched; use `rect.inset(by: 1)` for it.
    public mutating func drawBox(_ rect: Rect, glyphs: Glyphs, role: Role = .border, title: String? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let box = glyphs.box
        for x in rect.x + 1 ..< rect.maxX - 1 {
            self[x, rect.y] = Cell(box.horizontal, role: role)
            self[x, rect.maxY - 1] = Cell(box.horizontal, role: role)
        }
        for y in rect.y + 1 ..< rect.maxY - 1 {
            self[rect.x, y] = Cell(box.vertical, role: role)
            self[rect.maxX - 1, y] = Cell(box.vertical, role: role)
        }
        self[rect.x, rect.y] = Cell(box.topLeft, role: role)
        self[rect.maxX - 1, rect.y] = Cell(box.topRight, role: role)
        self[rect.x, rect.maxY - 1] = Cell(box.bottomLeft, role: role)
        self[rect.maxX - 1, rect.maxY - 1] = Cell(box.bottomRight, role: role)
        if let title, rect.width > 4 {
            let slot = Rect(x: rect.x + 2, y: rect.y, width: rect.width - 4, height: 1)
            let label = " \(title) "
            let fitted = Grid.fit(label, width: min(label.count, slot.width), alignment: .left,
                                  ellipsis: glyphs.ellipsis)
            write(fitted, x: slot.x, y: slot.y, role: .title, clip: slot)
        }
    }

    /// Copies `other` into this grid with its top-left corner at `origin`.
    public mutating func paste(_ other: Grid, at origin: Point) {
        for y in 0 ..< other.height {
            for x in 0 ..< other.width {
                self[origin.x + x, origin.y + y] = other[x, y]
            }
        }
    }

    /// The characters of row `y` without trailing spaces.
    public func text(ofRow y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        let characters = cells[(y * width) ..< (y * width + width)].map(\.character)
        return String(characters).trimmingTrailingSpaces()
    }

    /// The grid as text, one line per row with trailing spaces trimmed, each
    /// line ending in a newline. This is the capture format of golden files.
    public func renderPlainText() -> String {
        var result = ""
        for y in 0 ..< height {
            result += text(ofRow: y)
            result += "\n"
        }
        return result
    }

    /// Cuts or pads `text` to exactly `width` characters. A cut text ends in
    /// `ellipsis`, so the reader sees that something is missing.
    public static func fit(_ text: String, width: Int, alignment: Alignment, ellipsis: Character) -> String {
        guard width > 0 else { return "" }
        let count = text.count
        if count > width {
            return String(text.prefix(width - 1)) + String(ellipsis)
        }
        let padding = width - count
        switch alignment {
        case .left:
            return text + String(repeating: " ", count: padding)
        case .right:
            return String(repeating: " ", count: padding) + text
        case .center:
            let left = padding / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: padding - left)
        }
    }
}

/// Horizontal placement of text in a cell range.
public enum Alignment: Hashable, Sendable {
    case left
    case right
    case center
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " {
            end = index(before: end)
        }
        return String(self[startIndex ..< end])
    }
}

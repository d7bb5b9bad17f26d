/// A mouse button or wheel direction.
public enum MouseButton: Hashable, Sendable {
    case left
    case middle
    case right
    case wheelUp
    case wheelDown
}

/// A mouse press at a cell of the terminal.
public struct MouseEvent: Hashable, Sendable {
    public var column: Int
    public var row: Int
    public var button: MouseButton

    public init(column: Int, row: Int, button: MouseButton) {
        self.column = column
        self.row = row
        self.button = button
    }

    public var point: Point { Point(x: column, y: row) }
}

/// A key press, mouse press or resize, normalized once by the terminal
/// backend (or by `KeyString.parse` for scripted input).
///
/// Space, Enter, Tab, Escape and Backspace have their own cases and never
/// appear as `.character`; `.control` carries a lowercase letter.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case insert, delete
    case enter, escape, tab, backTab, space, backspace
    /// A function key F1 ... F63.
    case function(Int)
    /// Control plus a lowercase letter a ... z.
    case control(Character)
    case mouse(MouseEvent)
    /// The terminal now has this size.
    case resize(Size)

    /// The key a terminal character stands for: control codes become named
    /// keys or `.control`, everything else `.character`.
    public init(character: Character) {
        switch character {
        case "\r", "\n", "\r\n": self = .enter
        case "\t": self = .tab
        case " ": self = .space
        case "\u{1B}": self = .escape
        case "\u{7F}", "\u{08}": self = .backspace
        default:
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
               scalar.value >= 1, scalar.value <= 26,
               let letter = Unicode.Scalar(scalar.value + 0x60) {
                self = .control(Character(letter))
            } else {
                self = .character(character)
            }
        }
    }

    /// A short name for key bars and help: the character itself, an arrow
    /// glyph, or a name such as `Enter`, `PgDn`, `F1`, `^C`.
    public func label(glyphs: Glyphs) -> String {
        switch self {
        case .character(let character): return String(character)
        case .up: return String(glyphs.arrowUp)
        case .down: return String(glyphs.arrowDown)
        case .left: return String(glyphs.arrowLeft)
        case .right: return String(glyphs.arrowRight)
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .insert: return "Ins"
        case .delete: return "Del"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .space: return "Space"
        case .backspace: return "Bksp"
        case .function(let number): return "F\(number)"
        case .control(let letter): return "^" + String(letter).uppercased()
        case .mouse(let event): return "click \(event.column),\(event.row)"
        case .resize(let size): return "resize \(size)"
        }
    }
}

import CNCurses
import Explorer
import Foundation

/// A terminal that cannot be used for the explorer.
enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case initializationFailed(term: String)

    var description: String {
        switch self {
        case .notATerminal:
            return "the explorer needs an interactive terminal, but standard input or output is not one; "
                + "run it in a terminal, or capture a screen with --snapshot"
        case .initializationFailed(let term):
            return "ncurses could not initialize the terminal type '\(term)'; set TERM to a known type such as xterm-256color"
        }
    }
}

/// The ncurses backend, and the only code that calls ncurses: it draws a
/// `Grid` with wide characters and turns ncurses input into `Key` values.
///
/// Creating it switches the terminal to the explorer's mode: no echo,
/// unbuffered keys, keypad and mouse decoding, and a hidden cursor.
/// `shutdown()` restores the terminal and is safe to call more than once.
final class NCursesTerminal {
    let glyphs: Glyphs
    let theme: Theme
    private var isActive = true
    /// The ncurses attributes and colour pair for each role, indexed by `Role.rawValue`.
    private var renditions: [(attributes: attr_t, pair: Int16)] = []

    init(environment: [String: String]) throws {
        setlocale(LC_ALL, "")
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError.notATerminal
        }
        guard qs_newterm() != nil else {
            throw TerminalError.initializationFailed(term: environment["TERM"] ?? "(unset)")
        }
        cbreak()
        noecho()
        nonl()
        keypad(qs_stdscr(), true)
        nodelay(qs_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        mousemask(qs_mouse_press_mask(), nil)
        mouseinterval(0)

        glyphs = Glyphs.forLocale(isUTF8: qs_locale_is_utf8() != 0)
        var hasColors = has_colors()
        if hasColors {
            start_color()
            use_default_colors()
            hasColors = Int(qs_color_pairs()) > Role.allCases.count && qs_colors() >= 8
        }
        theme = Theme.forTerminal(hasColors: hasColors, environment: environment)
        renditions = Role.allCases.map { role in makeRendition(for: role) }
    }

    deinit {
        shutdown()
    }

    /// The terminal's current size.
    var size: Size {
        Size(width: Int(qs_cols()), height: Int(qs_lines()))
    }

    /// Restores the terminal to the mode it had before.
    func shutdown() {
        guard isActive else { return }
        isActive = false
        mousemask(0, nil)
        curs_set(1)
        endwin()
    }

    /// Draws a grid; ncurses sends only the cells that changed since the last draw.
    func draw(_ grid: Grid) {
        let current = size
        let width = min(grid.width, current.width)
        let height = min(grid.height, current.height)
        var cell = cchar_t()
        for y in 0 ..< height {
            for x in 0 ..< width {
                let content = grid[x, y]
                let rendition = renditions[content.role.rawValue]
                // A cchar_t contains one spacing character plus a few combining ones, zero-terminated.
                var characters = content.character.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
                if qs_wcwidth(characters[0]) != 1 {
                    // The grid gives every character one column; a wide or unprintable one would shift the row.
                    characters = [wchar_t(UInt8(ascii: "?"))]
                }
                characters.append(0)
                setcchar(&cell, characters, rendition.attributes, rendition.pair, nil)
                if x == current.width - 1, y == current.height - 1 {
                    // Adding to the bottom-right cell would move the cursor past the screen; inserting does not.
                    mvwins_wch(qs_stdscr(), Int32(y), Int32(x), &cell)
                } else {
                    mvwadd_wch(qs_stdscr(), Int32(y), Int32(x), &cell)
                }
            }
        }
        wrefresh(qs_stdscr())
    }

    /// Reads the next pending key, mouse press or resize; returns nil when there is none.
    func readKey() -> Key? {
        while true {
            var value: wint_t = 0
            let result = wget_wch(qs_stdscr(), &value)
            if result == ERR {
                return nil
            }
            if result == KEY_CODE_YES {
                if let key = key(forCode: Int32(bitPattern: value)) {
                    return key
                }
                continue
            }
            guard let scalar = Unicode.Scalar(value) else { continue }
            return Key(character: Character(scalar))
        }
    }

    private func key(forCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize(size)
        case KEY_MOUSE: return mouseKey()
        case qs_key_f0() + 1 ... qs_key_f0() + 63: return .function(Int(code - qs_key_f0()))
        default: return nil
        }
    }

    private func mouseKey() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let button: MouseButton
        switch qs_mouse_button(event.bstate) {
        case 1: button = .left
        case 2: button = .middle
        case 3: button = .right
        case 4: button = .wheelUp
        case 5: button = .wheelDown
        default: return nil
        }
        return .mouse(MouseEvent(column: Int(event.x), row: Int(event.y), button: button))
    }

    private func makeRendition(for role: Role) -> (attributes: attr_t, pair: Int16) {
        let style = theme.style(for: role)
        var attributes = qs_attr_normal()
        if style.attributes.contains(.bold) { attributes |= qs_attr_bold() }
        if style.attributes.contains(.dim) { attributes |= qs_attr_dim() }
        if style.attributes.contains(.reverse) { attributes |= qs_attr_reverse() }
        if style.attributes.contains(.underline) { attributes |= qs_attr_underline() }
        guard theme.scheme == .color, style.foreground != nil || style.background != nil else {
            return (attributes, 0)
        }
        let pair = Int16(role.rawValue + 1)
        init_pair(pair, Int16(style.foreground?.rawValue ?? -1), Int16(style.background?.rawValue ?? -1))
        return (attributes, pair)
    }
}

/// One of the eight standard terminal colours (the ANSI order ncurses uses).
public enum TerminalColor: Int, Hashable, Sendable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// Text attributes a terminal can show without colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
}

/// How one role looks: colours (nil is the terminal's default) and attributes.
public struct Style: Hashable, Sendable {
    public var foreground: TerminalColor?
    public var background: TerminalColor?
    public var attributes: TextAttributes

    public init(foreground: TerminalColor? = nil, background: TerminalColor? = nil, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// The mapping from semantic roles to styles.
///
/// The monochrome scheme is used when the terminal has no colours or the
/// `NO_COLOR` environment variable is set to a non-empty value. It uses only
/// bold, dim, reverse and underline, and it never needs them for meaning:
/// widgets also mark selection, precision and markers with text or glyphs.
public struct Theme: Hashable, Sendable {
    public enum Scheme: Hashable, Sendable {
        case color
        case monochrome
    }

    public let scheme: Scheme

    public init(scheme: Scheme) {
        self.scheme = scheme
    }

    public static let color = Theme(scheme: .color)
    public static let monochrome = Theme(scheme: .monochrome)

    /// The theme for a terminal with or without colour support, honouring
    /// `NO_COLOR` in `environment`.
    public static func forTerminal(hasColors: Bool, environment: [String: String]) -> Theme {
        let noColorRequested = !(environment["NO_COLOR"] ?? "").isEmpty
        return hasColors && !noColorRequested ? .color : .monochrome
    }

    public func style(for role: Role) -> Style {
        switch scheme {
        case .color: return Theme.colorStyle(for: role)
        case .monochrome: return Theme.monochromeStyle(for: role)
        }
    }

    private static func colorStyle(for role: Role) -> Style {
        switch role {
        case .normal: return Style()
        case .dim: return Style(attributes: .dim)
        case .title: return Style(foreground: .black, background: .cyan, attributes: .bold)
        case .header: return Style(foreground: .black, background: .green)
        case .selected: return Style(foreground: .black, background: .cyan)
        case .accent: return Style(foreground: .cyan, attributes: .bold)
        case .border: return Style(foreground: .blue)
        case .good: return Style(foreground: .green)
        case .warning: return Style(foreground: .yellow, attributes: .bold)
        case .bad: return Style(foreground: .red, attributes: .bold)
        case .error: return Style(foreground: .white, background: .red, attributes: .bold)
        case .int8: return Style(foreground: .magenta)
        case .float: return Style(foreground: .blue, attributes: .bold)
        case .histogramFloat: return Style(foreground: .cyan)
        case .histogramQuantized: return Style(foreground: .yellow, attributes: .bold)
        case .marker: return Style(foreground: .red)
        case .keyHint: return Style(foreground: .black, background: .cyan)
        case .scrollbar: return Style(foreground: .blue)
        }
    }

    private static func monochromeStyle(for role: Role) -> Style {
        switch role {
        case .normal, .good, .int8, .histogramFloat, .border, .scrollbar: return Style()
        case .dim: return Style(attributes: .dim)
        case .title: return Style(attributes: [.bold, .reverse])
        case .header: return Style(attributes: [.bold, .underline])
        case .selected: return Style(attributes: .reverse)
        case .accent, .warning, .float, .histogramQuantized, .marker: return Style(attributes: .bold)
        case .bad: return Style(attributes: [.bold, .underline])
        case .error: return Style(attributes: [.bold, .reverse])
        case .keyHint: return Style(attributes: .reverse)
        }
    }
}

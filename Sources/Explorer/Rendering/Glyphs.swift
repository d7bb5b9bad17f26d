/// The characters widgets draw with: a Unicode set, and an ASCII set for
/// terminals whose locale is not UTF-8. Widgets never write a literal glyph,
/// so switching sets changes every screen at once.
public struct Glyphs: Hashable, Sendable {
    /// Box-drawing characters for frames.
    public struct Box: Hashable, Sendable {
        public var horizontal: Character
        public var vertical: Character
        public var topLeft: Character
        public var topRight: Character
        public var bottomLeft: Character
        public var bottomRight: Character
    }

    public var isUnicode: Bool
    public var box: Box
    /// Partial cells for vertical bars: index k is a cell filled k/8 from the
    /// bottom, so index 0 is empty and index 8 is full.
    public var verticalEighths: [Character]
    /// Partial cells for horizontal bars: index k is a cell filled k/8 from
    /// the left, so index 0 is empty and index 8 is full.
    public var horizontalEighths: [Character]
    /// Sparkline levels from lowest to highest.
    public var sparkline: [Character]
    /// The right half of a cell, used where a horizontal range starts mid-cell.
    public var rightHalfBlock: Character
    /// The left half of a cell, used where a horizontal range ends mid-cell.
    public var leftHalfBlock: Character
    public var arrowUp: Character
    public var arrowDown: Character
    public var arrowLeft: Character
    public var arrowRight: Character
    /// Marks the selected row in front of its text, next to the selected role,
    /// so selection is visible without colour or reverse video.
    public var selectionMarker: Character
    public var ellipsis: Character
    public var scrollTrack: Character
    public var scrollThumb: Character
    /// A point of a second, overlaid data series, for example the dequantized
    /// values drawn over a float histogram.
    public var overlayPoint: Character
    /// Vertical marker lines on charts.
    public var gridTick: Character
    public var clipBound: Character
    public var zeroPoint: Character
    /// The zero line of a horizontal axis.
    public var zeroLine: Character

    public static let unicode = Glyphs(
        isUnicode: true,
        box: Box(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘"),
        verticalEighths: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        horizontalEighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        sparkline: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        rightHalfBlock: "▐", leftHalfBlock: "▌",
        arrowUp: "↑", arrowDown: "↓", arrowLeft: "←", arrowRight: "→",
        selectionMarker: "▶", ellipsis: "…", scrollTrack: "│", scrollThumb: "█",
        overlayPoint: "•", gridTick: "╎", clipBound: "┃", zeroPoint: "┇", zeroLine: "┃")

    /// The ASCII set. Vertical bars lose their sub-cell resolution except
    /// for a coarse top: `.` below a quarter, `-` below a half, `=` below
    /// three quarters, `#` above.
    public static let ascii = Glyphs(
        isUnicode: false,
        box: Box(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+"),
        verticalEighths: [" ", ".", ".", "-", "-", "=", "=", "#", "#"],
        horizontalEighths: [" ", " ", " ", " ", "#", "#", "#", "#", "#"],
        sparkline: ["_", ".", "-", "~", "=", "+", "*", "#"],
        rightHalfBlock: "#", leftHalfBlock: "#",
        arrowUp: "^", arrowDown: "v", arrowLeft: "<", arrowRight: ">",
        selectionMarker: ">", ellipsis: "~", scrollTrack: "|", scrollThumb: "#",
        overlayPoint: "*", gridTick: ":", clipBound: "!", zeroPoint: "0", zeroLine: "|")

    /// The set for a terminal: Unicode when the locale's character set is UTF-8.
    public static func forLocale(isUTF8: Bool) -> Glyphs {
        isUTF8 ? .unicode : .ascii
    }

    /// The partial vertical cell for a fraction in [0, 1] of one cell,
    /// rounded to the nearest eighth.
    public func verticalBlock(filling fraction: Double) -> Character {
        verticalEighths[Glyphs.eighths(fraction)]
    }

    /// The partial horizontal cell for a fraction in [0, 1] of one cell,
    /// rounded to the nearest eighth.
    public func horizontalBlock(filling fraction: Double) -> Character {
        horizontalEighths[Glyphs.eighths(fraction)]
    }

    /// The glyph of a chart marker kind.
    public func glyph(for kind: MarkerKind) -> Character {
        switch kind {
        case .gridTick: return gridTick
        case .clipBound: return clipBound
        case .zeroPoint: return zeroPoint
        case .custom(let unicode, let ascii): return isUnicode ? unicode : ascii
        }
    }

    static func eighths(_ fraction: Double) -> Int {
        guard fraction.isFinite else { return 0 }
        return Int((min(1, max(0, fraction)) * 8).rounded())
    }
}

/// What a vertical chart marker stands for; each kind has its own glyph.
public enum MarkerKind: Hashable, Sendable {
    /// A representable value of the quantization grid, S * (q - Z).
    case gridTick
    /// The lower or upper end of the clipping range.
    case clipBound
    /// The real value 0, which the zero-point Z represents exactly.
    case zeroPoint
    case custom(unicode: Character, ascii: Character)
}

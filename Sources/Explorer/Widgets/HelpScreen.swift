/// One line of the help screen: a term (keys, or a glossary word) and its explanation.
public struct HelpEntry: Hashable, Sendable {
    public var term: String
    public var text: String

    public init(term: String, text: String) {
        self.term = term
        self.text = text
    }
}

/// A titled group of help entries, such as one screen's key table or the glossary.
public struct HelpSection: Hashable, Sendable {
    public var title: String
    public var entries: [HelpEntry]

    public init(title: String, entries: [HelpEntry]) {
        self.title = title
        self.entries = entries
    }
}

/// The help screen: key table sections and a glossary, in a frame, scrolled
/// by whole lines. Explanations wrap beside their terms.
public struct HelpScreen: Hashable, Sendable {
    public var title: String
    public var sections: [HelpSection]
    public var scrollOffset: Int

    /// The widest term column; longer terms wrap their explanation onto the next line.
    public static let maximumTermWidth = 18

    public init(title: String, sections: [HelpSection], glossary: [HelpEntry], scrollOffset: Int = 0) {
        self.title = title
        self.sections = glossary.isEmpty ? sections : sections + [HelpSection(title: "Glossary", entries: glossary)]
        self.scrollOffset = scrollOffset
    }

    /// One line of laid-out help: a term column (empty on continuation lines) and text.
    public struct Line: Hashable, Sendable {
        public var term: String
        public var text: String
        public var role: Role
    }

    /// The lines of the help text for an inner width, before scrolling.
    public func lines(width: Int) -> [Line] {
        let allTerms = sections.flatMap { $0.entries.map(\.term.count) }
        let termWidth = min(HelpScreen.maximumTermWidth, allTerms.max() ?? 0)
        let indent = String(repeating: " ", count: termWidth + 4)
        let textWidth = max(1, width - indent.count)
        var lines: [Line] = []
        for (index, section) in sections.enumerated() {
            if index > 0 {
                lines.append(Line(term: "", text: "", role: .normal))
            }
            lines.append(Line(term: "", text: section.title, role: .header))
            for entry in section.entries {
                let wrapped = TextLayout.wrap(entry.text, width: textWidth)
                var continuation = wrapped[...]
                if entry.term.count > termWidth {
                    lines.append(Line(term: "  " + entry.term, text: "", role: .normal))
                } else {
                    let term = "  " + Grid.fit(entry.term, width: termWidth, alignment: .left, ellipsis: " ") + "  "
                    lines.append(Line(term: term, text: wrapped[0], role: .normal))
                    continuation = wrapped.dropFirst()
                }
                lines += continuation.map { Line(term: indent, text: $0, role: .normal) }
            }
        }
        return lines
    }

    /// The largest useful scroll offset for an area.
    public func maximumScrollOffset(area: Rect) -> Int {
        let inner = area.inset(by: 1)
        return max(0, lines(width: inner.width - 1).count - inner.height)
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        grid.fill(area)
        grid.drawBox(area, glyphs: glyphs, title: "Help: \(title)")
        let inner = area.inset(by: 1)
        guard inner.width >= 2, inner.height >= 1 else { return }
        let textArea = Rect(x: inner.x, y: inner.y, width: inner.width - 1, height: inner.height)
        let scrollColumn = Rect(x: inner.maxX - 1, y: inner.y, width: 1, height: inner.height)
        let allLines = lines(width: textArea.width)
        let offset = min(max(0, scrollOffset), max(0, allLines.count - textArea.height))
        for row in 0 ..< textArea.height where offset + row < allLines.count {
            let line = allLines[offset + row]
            let rowRect = textArea.row(row)
            // Keys and glossary terms stand out from their explanation.
            let afterTerm = grid.write(line.term, x: rowRect.x, y: rowRect.y, role: .accent, clip: rowRect)
            let rest = Rect(x: afterTerm, y: rowRect.y, width: rowRect.maxX - afterTerm, height: 1)
            grid.write(line.text, in: rest, role: line.role, ellipsis: glyphs.ellipsis)
        }
        ScrollIndicator(total: allLines.count, visible: textArea.height, offset: offset)
            .render(into: &grid, area: scrollColumn, glyphs: glyphs)
    }
}

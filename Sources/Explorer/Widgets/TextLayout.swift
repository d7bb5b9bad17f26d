import Foundation

/// Text helpers shared by the widgets.
enum TextLayout {
    /// Breaks `text` into lines of at most `width` characters at spaces.
    /// A word longer than `width` is split across lines.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            while word.count > width {
                if !current.isEmpty {
                    lines.append(current)
                    current = ""
                }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty || lines.isEmpty {
            lines.append(current)
        }
        return lines
    }

    /// A number in at most three significant digits, as `%.3g` formats it,
    /// for example `-0.52`, `127`, `1.5e-05`.
    static func compact(_ value: Double) -> String {
        String(format: "%.3g", value)
    }
}

/// A note for the message line, shown until the next key.
public struct Message: Hashable, Sendable {
    public enum Severity: Hashable, Sendable {
        case info
        case error
    }

    public var text: String
    public var severity: Severity

    public init(_ text: String, severity: Severity = .info) {
        self.text = text
        self.severity = severity
    }
}

/// The line above the key bar: the current message, or else the screen's
/// status text. Errors start with `error:` so they read as errors without colour.
public struct MessageLine: Hashable, Sendable {
    public var message: Message?
    public var status: String?

    public init(message: Message?, status: String? = nil) {
        self.message = message
        self.status = status
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        let row = area.row(0)
        grid.fill(row)
        if let message {
            switch message.severity {
            case .info:
                grid.write(message.text, in: row, role: .accent, ellipsis: glyphs.ellipsis)
            case .error:
                grid.write("error: " + message.text, in: row, role: .error, ellipsis: glyphs.ellipsis)
            }
        } else if let status {
            grid.write(status, in: row, role: .dim, ellipsis: glyphs.ellipsis)
        }
    }
}

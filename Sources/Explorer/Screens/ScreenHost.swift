/// Runs one screen inside the explorer's chrome, as a pure value: keys in,
/// requests and a new grid out. The ncurses loop and the snapshot command
/// both drive a host, so a scripted key sequence reproduces what a user sees.
///
/// Layout, top to bottom: the title row, the screen's content, the message
/// line and the key bar. Below the screen's minimum size the whole terminal
/// shows `TooSmallScreen` instead; keys are still dispatched, so the quit key works.
public struct ScreenHost<S: Screen>: Sendable {
    /// Actions of the help overlay.
    public enum HelpAction: Hashable, Sendable {
        case scrollUp, scrollDown, pageUp, pageDown, top, bottom, close
    }

    /// The work left to the caller after a key: requests to start, a redraw, or quitting.
    public struct Response: Sendable {
        /// Background work the screen asked for, in order.
        public var requests: [S.Request] = []
        public var needsRedraw = false
        public var shouldQuit = false
    }

    public var screen: S
    public private(set) var size: Size
    public var glyphs: Glyphs
    public private(set) var message: Message?
    /// The help overlay's scroll offset, nil while help is closed.
    public private(set) var helpScrollOffset: Int?

    public init(screen: S, size: Size, glyphs: Glyphs) {
        self.screen = screen
        self.size = size
        self.glyphs = glyphs
    }

    public var isShowingHelp: Bool { helpScrollOffset != nil }

    public static var helpKeyTable: KeyTable<HelpAction> {
        KeyTable(name: "Help", bindings: [
            KeyBinding(keys: [.up, .character("k")], action: .scrollUp, label: "Up", help: "Scroll the help up one line."),
            KeyBinding(keys: [.down, .character("j")], action: .scrollDown, label: "Down",
                       help: "Scroll the help down one line."),
            KeyBinding(keys: [.pageUp], action: .pageUp, label: "Page", help: "Scroll the help up one page.",
                       showInBar: false),
            KeyBinding(keys: [.pageDown, .space], action: .pageDown, label: "Page",
                       help: "Scroll the help down one page."),
            KeyBinding(keys: [.home, .character("g")], action: .top, label: "Top", help: "Go to the top of the help.",
                       showInBar: false),
            KeyBinding(keys: [.end, .character("G")], action: .bottom, label: "End",
                       help: "Go to the end of the help.", showInBar: false),
            KeyBinding(keys: [.escape, .character("q"), .character("?"), .function(1)], action: .close,
                       label: "Close", help: "Close the help and return to the screen."),
        ])
    }

    /// The rectangle the screen draws its content into.
    public var contentArea: Rect {
        Rect(x: 0, y: 1, width: size.width, height: size.height - 3)
    }

    private var keyBarArea: Rect { Rect(x: 0, y: size.height - 1, width: size.width, height: 1) }

    public var helpScreen: HelpScreen {
        HelpScreen(title: screen.title,
                   sections: [screen.keyTable.helpSection(glyphs: glyphs),
                              ScreenHost.helpKeyTable.helpSection(glyphs: glyphs)],
                   glossary: screen.glossary, scrollOffset: helpScrollOffset ?? 0)
    }

    /// Handles one key, mouse event or resize.
    public mutating func handle(_ key: Key) -> Response {
        var response = Response()
        if message != nil {
            message = nil
            response.needsRedraw = true
        }
        if case .resize(let newSize) = key {
            size = newSize
            response.needsRedraw = true
            return response
        }
        if isShowingHelp {
            if let action = helpAction(for: key) {
                performHelp(action)
                response.needsRedraw = true
            }
            return response
        }
        guard let action = screenAction(for: key) else { return response }
        apply(screen.perform(action), to: &response)
        return response
    }

    /// Applies an effect that did not come from a key, for example when
    /// background work finished and the caller updated the screen.
    public mutating func apply(_ effect: Effect<S.Request>) -> Response {
        var response = Response()
        apply(effect, to: &response)
        return response
    }

    public func render() -> Grid {
        var grid = Grid(size: size)
        guard size.covers(screen.minimumSize) else {
            TooSmallScreen(required: screen.minimumSize, actual: size)
                .render(into: &grid, area: grid.bounds, glyphs: glyphs)
            return grid
        }
        let titleRow = grid.bounds.row(0)
        grid.fill(titleRow, role: .title)
        grid.write(" " + screen.title, in: titleRow, role: .title, ellipsis: glyphs.ellipsis)
        if isShowingHelp {
            helpScreen.render(into: &grid, area: contentArea, glyphs: glyphs)
            KeyBar(table: ScreenHost.helpKeyTable).render(into: &grid, area: keyBarArea, glyphs: glyphs)
        } else {
            screen.render(into: &grid, area: contentArea, glyphs: glyphs)
            KeyBar(table: screen.keyTable).render(into: &grid, area: keyBarArea, glyphs: glyphs)
        }
        MessageLine(message: message, status: screen.status)
            .render(into: &grid, area: grid.bounds.row(size.height - 2), glyphs: glyphs)
        return grid
    }

    private func screenAction(for key: Key) -> S.Action? {
        guard case .mouse(let event) = key else { return screen.keyTable.action(for: key) }
        if event.row == keyBarArea.y, event.button == .left {
            return KeyBar(table: screen.keyTable).action(atColumn: event.column, area: keyBarArea, glyphs: glyphs)
        }
        guard contentArea.contains(event.point) else { return nil }
        return screen.action(for: event, area: contentArea)
    }

    private func helpAction(for key: Key) -> HelpAction? {
        guard case .mouse(let event) = key else { return ScreenHost.helpKeyTable.action(for: key) }
        switch event.button {
        case .wheelUp: return .scrollUp
        case .wheelDown: return .scrollDown
        case .left where event.row == keyBarArea.y:
            return KeyBar(table: ScreenHost.helpKeyTable).action(atColumn: event.column, area: keyBarArea, glyphs: glyphs)
        default: return nil
        }
    }

    private mutating func performHelp(_ action: HelpAction) {
        let page = max(1, contentArea.height - 2)
        let maximum = helpScreen.maximumScrollOffset(area: contentArea)
        let current = helpScrollOffset ?? 0
        let next: Int
        switch action {
        case .scrollUp: next = current - 1
        case .scrollDown: next = current + 1
        case .pageUp: next = current - page
        case .pageDown: next = current + page
        case .top: next = 0
        case .bottom: next = maximum
        case .close:
            helpScrollOffset = nil
            return
        }
        helpScrollOffset = min(max(0, next), maximum)
    }

    private mutating func apply(_ effect: Effect<S.Request>, to response: inout Response) {
        switch effect {
        case .none:
            break
        case .redraw:
            response.needsRedraw = true
        case .recompute(let request):
            response.requests.append(request)
            response.needsRedraw = true
        case .message(let text):
            message = Message(text)
            response.needsRedraw = true
        case .error(let text):
            message = Message(text, severity: .error)
            response.needsRedraw = true
        case .showHelp:
            helpScrollOffset = 0
            response.needsRedraw = true
        case .quit:
            response.shouldQuit = true
        case .batch(let effects):
            for effect in effects {
                apply(effect, to: &response)
            }
        }
    }
}

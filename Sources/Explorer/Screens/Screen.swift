/// A screen of the explorer: a value that draws its state into a grid and
/// turns actions from its key table into a new state plus an `Effect`.
///
/// Screens never touch the terminal. `ScreenHost` owns the chrome around a
/// screen (title row, message line, key bar, help, the too-small notice)
/// and gives the screen the content rectangle between them.
public protocol Screen: Sendable {
    associatedtype Action: Hashable & Sendable
    associatedtype Request: Sendable = Never

    /// The text of the title row.
    var title: String { get }
    /// The smallest terminal, chrome included, the screen can be drawn in.
    var minimumSize: Size { get }
    /// The one table for dispatch, the key bar and the help screen.
    var keyTable: KeyTable<Action> { get }
    /// Terms the help screen explains after the keys.
    var glossary: [HelpEntry] { get }
    /// A line shown in the message line while there is no message.
    var status: String? { get }

    /// Draws the screen's content into `area`, touching nothing outside it.
    func render(into grid: inout Grid, area: Rect, glyphs: Glyphs)
    /// Applies an action and reports what must happen next.
    mutating func perform(_ action: Action) -> Effect<Request>
    /// Returns the action for a mouse event in the content area, or nil to ignore it.
    func action(for mouse: MouseEvent, area: Rect) -> Action?
}

extension Screen {
    public var glossary: [HelpEntry] { [] }
    public var status: String? { nil }

    public func action(for mouse: MouseEvent, area: Rect) -> Action? { nil }
}

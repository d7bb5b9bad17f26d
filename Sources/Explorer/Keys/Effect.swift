/// What must happen after a screen handled an action. Handlers return an
/// effect instead of drawing or starting work themselves, so they stay pure
/// and testable; the host carries the effect out.
///
/// `Request` is the screen's own kind of background work, for example
/// "recompute layer 3 with per-channel scales". Screens without any use
/// `Never`.
public enum Effect<Request: Sendable>: Sendable {
    /// Nothing changed.
    case none
    /// The screen's state changed and it must be drawn again.
    case redraw
    /// Start background work; the result comes back as a state change later.
    case recompute(Request)
    /// Show a one-line note in the message line until the next key.
    case message(String)
    /// Show an error in the message line until the next key.
    case error(String)
    /// Show the help screen built from the screen's key table and glossary.
    case showHelp
    /// Leave the explorer.
    case quit
    /// Several effects, carried out in order.
    indirect case batch([Effect])
}

extension Effect {
    /// Converts the requests with `transform` and keeps everything else, so a
    /// screen that embeds another can pass its effects on under its own
    /// request type.
    public func mapRequest<Other: Sendable>(_ transform: (Request) -> Other) -> Effect<Other> {
        switch self {
        case .none: return .none
        case .redraw: return .redraw
        case .recompute(let request): return .recompute(transform(request))
        case .message(let text): return .message(text)
        case .error(let text): return .error(text)
        case .showHelp: return .showHelp
        case .quit: return .quit
        case .batch(let effects): return .batch(effects.map { $0.mapRequest(transform) })
        }
    }
}

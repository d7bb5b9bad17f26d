/// One entry of a key table: the keys that trigger an action, a short label
/// for the key bar and one sentence for the help screen.
public struct KeyBinding<Action: Hashable & Sendable>: Sendable {
    public var keys: [Key]
    public var action: Action
    public var label: String
    public var help: String
    public var showInBar: Bool

    public init(keys: [Key], action: Action, label: String, help: String, showInBar: Bool = true) {
        self.keys = keys
        self.action = action
        self.label = label
        self.help = help
        self.showInBar = showInBar
    }

    /// The keys as the key bar and help screen show them, joined with `/`.
    public func keyLabel(glyphs: Glyphs) -> String {
        keys.map { $0.label(glyphs: glyphs) }.joined(separator: "/")
    }
}

/// The one table that maps a screen's keys to its actions. Dispatch, the key
/// bar and the help screen all read it, so they cannot disagree.
public struct KeyTable<Action: Hashable & Sendable>: Sendable {
    /// The section title on the help screen.
    public var name: String
    public var bindings: [KeyBinding<Action>]

    public init(name: String, bindings: [KeyBinding<Action>]) {
        self.name = name
        self.bindings = bindings
    }

    /// The action of the first binding that lists `key`.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    public func binding(for action: Action) -> KeyBinding<Action>? {
        bindings.first { $0.action == action }
    }

    /// The bindings the key bar shows, in table order.
    public var barBindings: [KeyBinding<Action>] {
        bindings.filter(\.showInBar)
    }

    /// Keys that more than one binding lists; only the first of those bindings
    /// is ever dispatched, so a correct table has none.
    public var conflictingKeys: [Key] {
        var seen: Set<Key> = []
        var conflicts: [Key] = []
        for binding in bindings {
            for key in binding.keys {
                if seen.contains(key), !conflicts.contains(key) {
                    conflicts.append(key)
                }
                seen.insert(key)
            }
        }
        return conflicts
    }

    /// The help screen section for this table.
    public func helpSection(glyphs: Glyphs) -> HelpSection {
        HelpSection(title: name, entries: bindings.map { HelpEntry(term: $0.keyLabel(glyphs: glyphs), text: $0.help) })
    }
}

/// Scripted key input, as given to a snapshot command's `--keys` option.
///
/// Every character stands for its own key, except that `<name>` stands for a
/// named key. Names are case-insensitive:
///
/// | name | key |
/// |---|---|
/// | `<up>` `<down>` `<left>` `<right>` | arrows |
/// | `<pgup>` `<pageup>` `<pgdn>` `<pagedown>` `<home>` `<end>` | paging |
/// | `<ins>` `<insert>` `<del>` `<delete>` | insert, delete |
/// | `<enter>` `<cr>` `<esc>` `<escape>` `<tab>` `<s-tab>` `<backtab>` | |
/// | `<space>` `<bs>` `<backspace>` | |
/// | `<lt>` `<gt>` | the characters `<` and `>` |
/// | `<f1>` ... `<f63>` | function keys |
/// | `<c-x>` | Control plus the letter x |
/// | `<click:COL,ROW>` `<rclick:COL,ROW>` `<mclick:COL,ROW>` | mouse press, 0-based cell |
/// | `<wheelup:COL,ROW>` `<wheeldown:COL,ROW>` | mouse wheel |
/// | `<resize:WxH>` | the terminal now has W columns and H rows |
///
/// Example: `jjj<space>?<down><enter>q`.
public enum KeyString {
    public static func parse(_ text: String) throws(KeyStringError) -> [Key] {
        var keys: [Key] = []
        var index = text.startIndex
        var offset = 0
        while index < text.endIndex {
            let character = text[index]
            guard character == "<" else {
                keys.append(Key(character: character))
                index = text.index(after: index)
                offset += 1
                continue
            }
            guard let close = text[index...].firstIndex(of: ">") else {
                throw .unterminatedName(String(text[index...]), offset: offset)
            }
            let name = String(text[text.index(after: index) ..< close])
            keys.append(try namedKey(name, offset: offset))
            offset += text.distance(from: index, to: close) + 1
            index = text.index(after: close)
        }
        return keys
    }

    private static let simpleNames: [String: Key] = [
        "up": .up, "down": .down, "left": .left, "right": .right,
        "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
        "home": .home, "end": .end, "ins": .insert, "insert": .insert, "del": .delete, "delete": .delete,
        "enter": .enter, "cr": .enter, "esc": .escape, "escape": .escape,
        "tab": .tab, "s-tab": .backTab, "backtab": .backTab,
        "space": .space, "bs": .backspace, "backspace": .backspace,
        "lt": .character("<"), "gt": .character(">"),
    ]

    private static let mouseButtons: [String: MouseButton] = [
        "click": .left, "rclick": .right, "mclick": .middle, "wheelup": .wheelUp, "wheeldown": .wheelDown,
    ]

    private static func namedKey(_ name: String, offset: Int) throws(KeyStringError) -> Key {
        let lowered = name.lowercased()
        if let key = simpleNames[lowered] {
            return key
        }
        if lowered.hasPrefix("c-"), lowered.count == 3, let letter = lowered.last, ("a" ... "z").contains(letter) {
            return .control(letter)
        }
        if lowered.hasPrefix("f"), let number = Int(lowered.dropFirst()) {
            guard (1 ... 63).contains(number) else { throw .invalidArgument(name, offset: offset) }
            return .function(number)
        }
        let parts = lowered.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, let button = mouseButtons[parts[0]] {
            let numbers = parts[1].split(separator: ",").compactMap { Int($0) }
            guard numbers.count == 2, numbers[0] >= 0, numbers[1] >= 0 else {
                throw .invalidArgument(name, offset: offset)
            }
            return .mouse(MouseEvent(column: numbers[0], row: numbers[1], button: button))
        }
        if parts.count == 2, parts[0] == "resize" {
            let numbers = parts[1].split(separator: "x").compactMap { Int($0) }
            guard numbers.count == 2, numbers[0] > 0, numbers[1] > 0 else {
                throw .invalidArgument(name, offset: offset)
            }
            return .resize(Size(width: numbers[0], height: numbers[1]))
        }
        throw .unknownName(name, offset: offset)
    }
}

/// A key string that `KeyString.parse` rejects. `offset` counts characters
/// from the start of the string to the `<` of the bad name.
public enum KeyStringError: Error, Hashable, CustomStringConvertible {
    case unterminatedName(String, offset: Int)
    case unknownName(String, offset: Int)
    case invalidArgument(String, offset: Int)

    public var description: String {
        switch self {
        case .unterminatedName(let rest, let offset):
            return "invalid key string: '\(rest)' at character \(offset) has no closing '>'; write <lt> for a literal '<'"
        case .unknownName(let name, let offset):
            return "invalid key string: unknown key name <\(name)> at character \(offset); "
                + "use names such as <up>, <pgdn>, <enter>, <esc>, <space>, <f1>, <c-x>, <click:COL,ROW>"
        case .invalidArgument(let name, let offset):
            return "invalid key string: <\(name)> at character \(offset) has an invalid argument; "
                + "expected <f1>...<f63>, <click:COL,ROW> with non-negative numbers, or <resize:WxH> with positive numbers"
        }
    }
}

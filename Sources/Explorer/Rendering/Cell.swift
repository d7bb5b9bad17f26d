/// One terminal cell: a character and the role it is drawn with.
///
/// Every character is assumed to occupy one column. The explorer draws ASCII,
/// box-drawing and block-element glyphs, which all do.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var role: Role

    public init(_ character: Character, role: Role = .normal) {
        self.character = character
        self.role = role
    }

    public static let blank = Cell(" ")
}

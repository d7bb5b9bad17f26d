/// A semantic colour role. Screens and widgets name what a cell means and a
/// `Theme` decides how that looks, so a monochrome terminal still shows the
/// difference through attributes, and the text itself always carries the
/// meaning as well.
public enum Role: Int, CaseIterable, Hashable, Sendable {
    case normal
    case dim
    case title
    case header
    case selected
    case accent
    case border
    case good
    case warning
    case bad
    case error
    case int8
    case float
    case histogramFloat
    case histogramQuantized
    case marker
    case keyHint
    case scrollbar
}

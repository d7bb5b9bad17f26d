/// Where the explorer's panels go in a content area.
///
/// Layers view: the evaluation panel along the bottom; above it the layer
/// table, with the selected layer's detail to its right when the area is at
/// least `sideDetailSize`. Detail view: the layer detail fills the area.
struct ExplorerLayout {
    static let evaluationHeight = 7
    static let sideDetailSize = Size(width: 140, height: 34)

    var table: Rect?
    var detail: Rect?
    var evaluation: Rect?

    init(area: Rect, view: ExplorerScreen.View) {
        switch view {
        case .detail:
            detail = area
        case .layers:
            let (top, bottom) = area.splitBottom(ExplorerLayout.evaluationHeight)
            evaluation = bottom
            if area.width >= ExplorerLayout.sideDetailSize.width, area.height >= ExplorerLayout.sideDetailSize.height {
                let (left, right) = top.splitLeft(area.width * 52 / 100)
                table = left
                detail = right
            } else {
                table = top
            }
        }
    }
}

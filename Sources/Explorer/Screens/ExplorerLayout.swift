/// Where the explorer's panels go in a content area.
///
/// Layers view: the evaluation panel along the bottom; above it the layer
/// table, with the selected layer's detail below the table when the area is
/// at least `detailPanelSize`. Detail view: the layer detail fills the area.
struct ExplorerLayout {
    static let evaluationHeight = 7
    static let detailPanelSize = Size(width: 120, height: 40)

    var table: Rect?
    var detail: Rect?
    var evaluation: Rect?

    init(area: Rect, view: ExplorerScreen.View, layerCount: Int) {
        switch view {
        case .detail:
            detail = area
        case .layers:
            let (top, bottom) = area.splitBottom(ExplorerLayout.evaluationHeight)
            evaluation = bottom
            if area.width >= ExplorerLayout.detailPanelSize.width, area.height >= ExplorerLayout.detailPanelSize.height {
                // The table takes its rows plus frame and header, up to 40% of the area.
                let (upper, lower) = top.splitTop(min(layerCount + 3, area.height * 40 / 100))
                table = upper
                detail = lower
            } else {
                table = top
            }
        }
    }
}

import XCTest
@testable import Explorer

/// Renders a widget into a fresh grid of the given size and returns its text.
private func capture(width: Int, height: Int, _ draw: (inout Grid, Rect) -> Void) -> (text: String, grid: Grid) {
    var grid = Grid(width: width, height: height)
    draw(&grid, grid.bounds)
    return (grid.renderPlainText(), grid)
}

final class TableTests: XCTestCase {
    private let table = Table(
        columns: [TableColumn("name", width: 6), TableColumn("prec", width: 5, alignment: .right)],
        rows: [[TableCell("a"), TableCell("int8", role: .int8)],
               [TableCell("b"), TableCell("float", role: .float)],
               [TableCell("c"), TableCell("int8", role: .int8)],
               [TableCell("d"), TableCell("float", role: .float)]],
        selectedRow: 2)

    func testSelectedRowKeptVisibleUnicode() {
        let (text, grid) = capture(width: 16, height: 3) { table.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(text, """
          name    prec
          b      float █
        ▶ c       int8 │

        """)
        XCTAssertEqual(grid[2, 0].role, .header)
        XCTAssertEqual(grid[10, 1].role, .float)
        XCTAssertEqual(grid[2, 2].role, .selected)
    }

    func testSelectedRowKeptVisibleAscii() {
        let (text, _) = capture(width: 16, height: 3) { table.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertEqual(text, """
          name    prec
          b      float #
        > c       int8 |

        """)
    }

    func testNoScrollBarWhenRowsFit() {
        let (text, _) = capture(width: 16, height: 5) { table.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertEqual(text, """
          name    prec
          a       int8
          b      float
        > c       int8
          d      float

        """)
    }

    func testLongCellIsCut() {
        let wide = Table(columns: [TableColumn("layer", width: 5)], rows: [[TableCell("convolution")]])
        let (text, _) = capture(width: 8, height: 2) { wide.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(text, "  layer\n  conv…\n")
    }

    func testVisibleOffsetMovesMinimally() {
        XCTAssertEqual(Table.visibleOffset(selected: 5, currentOffset: 0, visibleRows: 3, rowCount: 10), 3)
        XCTAssertEqual(Table.visibleOffset(selected: 4, currentOffset: 3, visibleRows: 3, rowCount: 10), 3)
        XCTAssertEqual(Table.visibleOffset(selected: 1, currentOffset: 3, visibleRows: 3, rowCount: 10), 1)
        XCTAssertEqual(Table.visibleOffset(selected: nil, currentOffset: 9, visibleRows: 3, rowCount: 10), 7)
        XCTAssertEqual(Table.visibleOffset(selected: 0, currentOffset: 0, visibleRows: 0, rowCount: 10), 0)
    }

    func testFlexibleColumnsShareSpareWidth() {
        let flexible = Table(columns: [TableColumn("a", width: 4), TableColumn("b"), TableColumn("c")], rows: [])
        XCTAssertEqual(flexible.columnWidths(contentWidth: 17), [4, 6, 5])
    }

    func testRowIndexUnderClick() {
        let area = Rect(x: 0, y: 0, width: 16, height: 3)
        XCTAssertEqual(table.rowIndex(at: Point(x: 4, y: 1), area: area), 1)
        XCTAssertEqual(table.rowIndex(at: Point(x: 4, y: 2), area: area), 2)
        XCTAssertNil(table.rowIndex(at: Point(x: 4, y: 0), area: area), "the header is not a row")
    }
}

final class HistogramViewTests: XCTestCase {
    func testEighthResolutionBars() {
        let view = HistogramView(lowerBound: 0, upperBound: 4,
                                 primary: HistogramSeries(name: "float", counts: [1, 2, 4, 8]))
        let (text, grid) = capture(width: 4, height: 4) { view.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(text, "█ fl\n▁▂▄█\n────\n0  4\n")
        XCTAssertEqual(grid[3, 1].role, .histogramFloat)
    }

    func testBinsSpreadOverColumnsWithMarker() {
        let view = HistogramView(lowerBound: -1, upperBound: 1,
                                 primary: HistogramSeries(name: "float", counts: [2, 8]),
                                 markers: [ChartMarker(value: 0, kind: .zeroPoint, label: "Z")])
        let (text, grid) = capture(width: 8, height: 5) { view.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(text, """
        █ float
            ████
        ▄▄▄▄████
        ────┇───
        -1  Z  1

        """)
        XCTAssertEqual(grid[4, 3].role, .marker)
    }

    func testOverlayDrawnAsPoints() {
        let view = HistogramView(lowerBound: -1, upperBound: 1,
                                 primary: HistogramSeries(name: "float", counts: [2, 8]),
                                 overlay: HistogramSeries(name: "dequantized", counts: [8, 2]))
        let (text, grid) = capture(width: 8, height: 5) { view.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertEqual(text, """
        # float
        ****####
        ----****
        --------
        -1     1

        """)
        XCTAssertEqual(grid[0, 1].role, .histogramQuantized)
        XCTAssertEqual(grid[0, 2].role, .histogramFloat)
    }

    func testMarkersRunThroughEmptySpace() {
        let view = HistogramView(lowerBound: 0, upperBound: 4,
                                 primary: HistogramSeries(name: "f", counts: [8, 0, 8, 0]),
                                 markers: [ChartMarker(value: 1.5, kind: .clipBound, label: ""),
                                           ChartMarker(value: 2.5, kind: .gridTick, label: "")])
        let (text, _) = capture(width: 4, height: 5) { view.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertEqual(text, """
        # f
        #!#
        #!#
        -!:-
        0  4

        """)
    }

    func testMarkersBeyondRangeShowAsArrows() {
        let view = HistogramView(lowerBound: 0, upperBound: 4,
                                 primary: HistogramSeries(name: "f", counts: [1]),
                                 markers: [ChartMarker(value: -3, kind: .clipBound, label: "lo"),
                                           ChartMarker(value: 9, kind: .clipBound, label: "hi")])
        let (_, grid) = capture(width: 6, height: 4) { view.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertEqual(grid.text(ofRow: 2), "<---->")
        XCTAssertEqual(grid[0, 2].role, .marker)
    }

    func testLogScaleRaisesSmallCounts() {
        let series = HistogramSeries(name: "f", counts: [10, 100])
        let linear = HistogramView(lowerBound: 0, upperBound: 1, primary: series)
        var logarithmic = linear
        logarithmic.logScale = true
        let (linearText, _) = capture(width: 2, height: 4) { linear.render(into: &$0, area: $1, glyphs: .unicode) }
        let (logText, _) = capture(width: 2, height: 4) { logarithmic.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(linearText.split(separator: "\n")[1], "▁█")
        XCTAssertEqual(logText.split(separator: "\n")[1], "▄█")
    }

    func testColumnMassesConserveTotal() {
        var generator = SystemRandomNumberGenerator()
        let counts = (0 ..< 37).map { _ in Double(Int.random(in: 0 ... 1000, using: &generator)) }
        let view = HistogramView(lowerBound: -1, upperBound: 1, primary: HistogramSeries(name: "f", counts: counts))
        for width in [1, 5, 36, 37, 38, 80, 200] {
            let total = view.columnMasses(view.primary, columns: width).reduce(0, +)
            XCTAssertEqual(total, counts.reduce(0, +), accuracy: 1e-6, "width \(width)")
        }
    }

    func testMarkerColumnAtRangeEnds() {
        let view = HistogramView(lowerBound: -1, upperBound: 1, primary: HistogramSeries(name: "f", counts: [1]))
        XCTAssertEqual(view.column(of: -1, width: 10), 0)
        XCTAssertEqual(view.column(of: 1, width: 10), 9)
        XCTAssertEqual(view.column(of: 0, width: 10), 5)
        XCTAssertNil(view.column(of: 1.01, width: 10))
    }

    func testTooFewRowsSaysSo() {
        let view = HistogramView(lowerBound: 0, upperBound: 1, primary: HistogramSeries(name: "f", counts: [1]))
        let (text, _) = capture(width: 30, height: 3) { view.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(text, "histogram needs 4 rows\n\n\n")
    }
}

final class RangeBarsTests: XCTestCase {
    private let bars = RangeBars(channels: [ChannelRange(label: "a", minimum: -1, maximum: 1),
                                            ChannelRange(label: "b", minimum: 0, maximum: 0.5)],
                                 selectedChannel: 1)

    func testBarsOnCommonAxisWithZero() {
        let (text, grid) = capture(width: 30, height: 3) { bars.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(text, """
            -1      0       1
          a ████████┃████████ [-1, 1]
        ▶ b         ┃████     [0, 0.5]

        """)
        XCTAssertEqual(grid[12, 1].role, .marker)
        XCTAssertEqual(grid[2, 2].role, .selected)
    }

    func testAsciiBars() {
        let (text, _) = capture(width: 30, height: 3) { bars.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertEqual(text, """
            -1      0       1
          a ########|######## [-1, 1]
        > b         |####     [0, 0.5]

        """)
    }

    func testAxisAlwaysIncludesZero() {
        let positive = RangeBars(channels: [ChannelRange(label: "x", minimum: 0.2, maximum: 0.8)])
        XCTAssertEqual(positive.axis.lower, 0)
        XCTAssertEqual(positive.axis.upper, 0.8)
    }

    func testInvalidRangeIsReported() {
        let broken = RangeBars(channels: [ChannelRange(label: "x", minimum: 1, maximum: -1),
                                          ChannelRange(label: "y", minimum: -1, maximum: 1)])
        let (text, _) = capture(width: 40, height: 3) { broken.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertTrue(text.contains("invalid range"), text)
    }
}

final class SmallWidgetTests: XCTestCase {
    func testSparklineLevels() {
        let line = Sparkline(values: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(String(line.glyphs(width: 8, glyphs: .unicode)), "▁▂▃▄▅▆▇█")
        // Only the shown values set the scale.
        XCTAssertEqual(String(line.glyphs(width: 3, glyphs: .unicode)), "▁▅█")
        XCTAssertEqual(String(line.glyphs(width: 8, glyphs: .ascii)), "_.-~=+*#")
    }

    func testSparklineFlatAndMissingValues() {
        XCTAssertEqual(String(Sparkline(values: [5, 5]).glyphs(width: 4, glyphs: .unicode)), "▅▅")
        XCTAssertEqual(String(Sparkline(values: [1, .nan, 2]).glyphs(width: 4, glyphs: .unicode)), "▁ █")
    }

    func testProgressBarEighths() {
        let (text, _) = capture(width: 16, height: 1) {
            ProgressBar(fraction: 0.5).render(into: &$0, area: $1, glyphs: .unicode)
        }
        XCTAssertEqual(text, "[████▌    ]  50%\n")
    }

    func testProgressBarAsciiWithLabelAndClamp() {
        let (text, _) = capture(width: 20, height: 1) {
            ProgressBar(fraction: 1.7, label: "eval").render(into: &$0, area: $1, glyphs: .ascii)
        }
        XCTAssertEqual(text, "eval [########] 100%\n")
    }

    func testMessageLineErrorIsPrefixed() {
        let (text, grid) = capture(width: 30, height: 1) {
            MessageLine(message: Message("scale is zero", severity: .error), status: "ready")
                .render(into: &$0, area: $1, glyphs: .unicode)
        }
        XCTAssertEqual(text, "error: scale is zero\n")
        XCTAssertEqual(grid[0, 0].role, .error)
    }

    func testMessageLineFallsBackToStatus() {
        let (text, _) = capture(width: 30, height: 1) {
            MessageLine(message: nil, status: "ready").render(into: &$0, area: $1, glyphs: .unicode)
        }
        XCTAssertEqual(text, "ready\n")
    }

    func testTooSmallScreenText() {
        let notice = TooSmallScreen(required: Size(width: 80, height: 24), actual: Size(width: 60, height: 20))
        XCTAssertEqual(notice.text, "terminal too small: need 80x24, have 60x20")
        let (text, _) = capture(width: 60, height: 4) { notice.render(into: &$0, area: $1, glyphs: .unicode) }
        XCTAssertEqual(text, """

                 terminal too small: need 80x24, have 60x20
                       enlarge the window to continue


        """)
    }

    func testTooSmallScreenWrapsInNarrowTerminal() {
        let notice = TooSmallScreen(required: Size(width: 80, height: 24), actual: Size(width: 20, height: 8))
        let (text, _) = capture(width: 20, height: 8) { notice.render(into: &$0, area: $1, glyphs: .ascii) }
        XCTAssertTrue(text.contains("need 80x24, have"), text)
        XCTAssertTrue(text.contains("20x8"), text)
    }

    func testWrapBreaksAtSpacesAndLongWords() {
        XCTAssertEqual(TextLayout.wrap("one two three", width: 7), ["one two", "three"])
        XCTAssertEqual(TextLayout.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
        XCTAssertEqual(TextLayout.wrap("", width: 4), [""])
    }
}

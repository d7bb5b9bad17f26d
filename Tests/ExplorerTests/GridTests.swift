import XCTest
@testable import Explorer

final class GridTests: XCTestCase {
    func testWriteClipsAtRightEdge() {
        var grid = Grid(width: 5, height: 1)
        let end = grid.write("abcdefg", x: 2, y: 0)
        XCTAssertEqual(grid.renderPlainText(), "  abc\n")
        XCTAssertEqual(end, 9, "the returned column counts clipped characters too")
    }

    func testWriteClipsAtLeftEdge() {
        var grid = Grid(width: 5, height: 1)
        grid.write("abcdef", x: -2, y: 0)
        XCTAssertEqual(grid.renderPlainText(), "cdef\n")
    }

    func testWriteOutsideRowsIsIgnored() {
        var grid = Grid(width: 3, height: 2)
        grid.write("xyz", x: 0, y: -1)
        grid.write("xyz", x: 0, y: 2)
        XCTAssertEqual(grid.renderPlainText(), "\n\n")
    }

    func testWriteClipsToRectangle() {
        var grid = Grid(width: 8, height: 2)
        grid.write("abcdefgh", x: 0, y: 1, role: .accent, clip: Rect(x: 2, y: 1, width: 3, height: 1))
        XCTAssertEqual(grid.renderPlainText(), "\n  cde\n")
        XCTAssertEqual(grid[2, 1].role, .accent)
        XCTAssertEqual(grid[5, 1], .blank)
    }

    func testPlainTextTrimsTrailingSpacesOnly() {
        var grid = Grid(width: 6, height: 2)
        grid.write(" a b", x: 0, y: 0)
        XCTAssertEqual(grid.renderPlainText(), " a b\n\n")
    }

    func testOutOfRangeReadIsBlank() {
        let grid = Grid(width: 2, height: 2, filledWith: Cell("x"))
        XCTAssertEqual(grid[-1, 0], .blank)
        XCTAssertEqual(grid[0, 2], .blank)
        XCTAssertEqual(grid[1, 1], Cell("x"))
    }

    func testFitCutsWithEllipsis() {
        XCTAssertEqual(Grid.fit("quantization", width: 6, alignment: .left, ellipsis: "…"), "quant…")
        XCTAssertEqual(Grid.fit("ab", width: 5, alignment: .right, ellipsis: "…"), "   ab")
        XCTAssertEqual(Grid.fit("ab", width: 5, alignment: .center, ellipsis: "…"), " ab  ")
        XCTAssertEqual(Grid.fit("ab", width: 0, alignment: .left, ellipsis: "…"), "")
    }

    func testBoxUnicodeWithTitle() {
        var grid = Grid(width: 12, height: 3)
        grid.drawBox(grid.bounds, glyphs: .unicode, title: "Layers")
        XCTAssertEqual(grid.renderPlainText(), """
        ┌─ Layers ─┐
        │          │
        └──────────┘

        """)
        XCTAssertEqual(grid[3, 0].role, .title)
        XCTAssertEqual(grid[0, 0].role, .border)
    }

    func testBoxAsciiCutsLongTitle() {
        var grid = Grid(width: 10, height: 3)
        grid.drawBox(grid.bounds, glyphs: .ascii, title: "Activations")
        XCTAssertEqual(grid.renderPlainText(), """
        +- Acti~-+
        |        |
        +--------+

        """)
    }

    func testApplyRoleKeepsCharacters() {
        var grid = Grid(width: 4, height: 1)
        grid.write("abcd", x: 0, y: 0)
        grid.applyRole(.selected, to: Rect(x: 1, y: 0, width: 2, height: 1))
        XCTAssertEqual(grid[1, 0], Cell("b", role: .selected))
        XCTAssertEqual(grid[0, 0].role, .normal)
        XCTAssertEqual(grid.renderPlainText(), "abcd\n")
    }

    func testRectSplits() {
        let rect = Rect(x: 1, y: 2, width: 10, height: 6)
        let (top, rest) = rect.splitTop(2)
        XCTAssertEqual(top, Rect(x: 1, y: 2, width: 10, height: 2))
        XCTAssertEqual(rest, Rect(x: 1, y: 4, width: 10, height: 4))
        let (left, right) = rect.splitLeft(20)
        XCTAssertEqual(left.width, 10)
        XCTAssertTrue(right.isEmpty)
        XCTAssertTrue(rect.inset(by: 4).isEmpty)
    }
}

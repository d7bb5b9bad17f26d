import XCTest
@testable import Explorer

private enum SampleAction: Hashable, Sendable {
    case quit, help, down, toggle
}

private let sampleTable = KeyTable<SampleAction>(name: "Sample", bindings: [
    KeyBinding(keys: [.character("q")], action: .quit, label: "Quit", help: "Leave the screen."),
    KeyBinding(keys: [.character("?"), .function(1)], action: .help, label: "Help", help: "Show the help."),
    KeyBinding(keys: [.down, .character("j")], action: .down, label: "Down", help: "Move down one row.",
               showInBar: false),
    KeyBinding(keys: [.space], action: .toggle, label: "Switch", help: "Switch between int8 and float."),
])

final class KeyTableTests: XCTestCase {
    func testDispatchFindsEveryKey() {
        XCTAssertEqual(sampleTable.action(for: .character("q")), .quit)
        XCTAssertEqual(sampleTable.action(for: .function(1)), .help)
        XCTAssertEqual(sampleTable.action(for: .down), .down)
        XCTAssertEqual(sampleTable.action(for: .character("j")), .down)
        XCTAssertEqual(sampleTable.action(for: .space), .toggle)
        XCTAssertNil(sampleTable.action(for: .character("x")))
    }

    func testFirstBindingWinsAndConflictIsListed() {
        var table = sampleTable
        table.bindings.append(KeyBinding(keys: [.character("q"), .up], action: .toggle, label: "X", help: "X."))
        XCTAssertEqual(table.action(for: .character("q")), .quit)
        XCTAssertEqual(table.conflictingKeys, [.character("q")])
        XCTAssertEqual(sampleTable.conflictingKeys, [])
    }

    func testBarShowsOnlyBarBindings() {
        let (text, grid) = renderBar(width: 40, glyphs: .unicode)
        XCTAssertEqual(text, "q Quit  ?/F1 Help  Space Switch\n")
        XCTAssertEqual(grid[0, 0].role, .keyHint)
        XCTAssertEqual(grid[2, 0].role, .normal)
    }

    func testBarDropsItemsThatDoNotFit() {
        let (text, _) = renderBar(width: 20, glyphs: .unicode)
        XCTAssertEqual(text, "q Quit  ?/F1 Help\n")
    }

    func testBarClickMapsToAction() {
        let bar = KeyBar(table: sampleTable)
        let area = Rect(x: 0, y: 0, width: 40, height: 1)
        XCTAssertEqual(bar.action(atColumn: 0, area: area, glyphs: .unicode), .quit)
        XCTAssertEqual(bar.action(atColumn: 12, area: area, glyphs: .unicode), .help)
        XCTAssertNil(bar.action(atColumn: 6, area: area, glyphs: .unicode), "the gap between items")
        XCTAssertEqual(bar.action(atColumn: 20, area: area, glyphs: .unicode), .toggle)
    }

    func testHelpListsEveryBindingOfTheSameTable() {
        let help = HelpScreen(title: "Sample", sections: [sampleTable.helpSection(glyphs: .ascii)],
                              glossary: [HelpEntry(term: "Z", text: "The zero-point.")])
        let lines = help.lines(width: 60)
        for binding in sampleTable.bindings {
            let matching = lines.filter { $0.text == binding.help }
            XCTAssertEqual(matching.count, 1, binding.help)
            XCTAssertEqual(matching.first?.term.trimmingCharacters(in: .whitespaces), binding.keyLabel(glyphs: .ascii))
        }
        let glossaryTitle = lines.first { $0.text == "Glossary" }
        XCTAssertEqual(glossaryTitle?.role, .header)
        XCTAssertTrue(lines.contains { $0.text == "The zero-point." })
    }

    func testHelpRendering() {
        let help = HelpScreen(title: "Sample", sections: [sampleTable.helpSection(glyphs: .ascii)],
                              glossary: [HelpEntry(term: "Z", text: "The zero-point: the integer for real 0.")])
        var grid = Grid(width: 40, height: 12)
        help.render(into: &grid, area: grid.bounds, glyphs: .ascii)
        XCTAssertEqual(grid.renderPlainText(), """
        +- Help: Sample -----------------------+
        |Sample                                |
        |  q      Leave the screen.            |
        |  ?/F1   Show the help.               |
        |  v/j    Move down one row.           |
        |  Space  Switch between int8 and      |
        |         float.                       |
        |                                      |
        |Glossary                              |
        |  Z      The zero-point: the integer  |
        |         for real 0.                  |
        +--------------------------------------+

        """)
    }

    func testHelpScrollsWithIndicator() {
        let help = HelpScreen(title: "Sample", sections: [sampleTable.helpSection(glyphs: .ascii)],
                              glossary: [], scrollOffset: 2)
        var grid = Grid(width: 30, height: 5)
        help.render(into: &grid, area: grid.bounds, glyphs: .ascii)
        // Six lines in three rows: the scroll bar takes the column inside the right border.
        XCTAssertEqual(grid.text(ofRow: 1), "|  ?/F1   Show the help.    ||")
        XCTAssertEqual(help.maximumScrollOffset(area: grid.bounds), 3)
        XCTAssertEqual(grid[28, 1].character, "|")
        XCTAssertEqual(grid[28, 2].character, "#", "offset 2 of 3 puts the one-row thumb in the middle")
        XCTAssertEqual(grid[28, 3].character, "|")
    }

    private func renderBar(width: Int, glyphs: Glyphs) -> (String, Grid) {
        var grid = Grid(width: width, height: 1)
        KeyBar(table: sampleTable).render(into: &grid, area: grid.bounds, glyphs: glyphs)
        return (grid.renderPlainText(), grid)
    }
}

final class EffectTests: XCTestCase {
    func testMapRequestConvertsNestedRequests() {
        let effect: Effect<Int> = .batch([.recompute(2), .message("m"), .batch([.recompute(5), .quit])])
        let mapped = effect.mapRequest { "layer \($0)" }
        var host = ScreenHost(screen: DemoScreen(), size: Size(width: 80, height: 24), glyphs: .ascii)
        let response = host.apply(mapped.mapRequest { _ in DemoScreen.Request.recalibrate(layer: 0) })
        XCTAssertEqual(response.requests.count, 2)
        XCTAssertTrue(response.shouldQuit)
        XCTAssertEqual(host.message, Message("m"))
        guard case .batch(let effects) = mapped, case .recompute(let first) = effects[0] else {
            return XCTFail("\(mapped)")
        }
        XCTAssertEqual(first, "layer 2")
    }
}

import XCTest
@testable import Explorer

final class ScreenHostTests: XCTestCase {
    private func host(width: Int = 80, height: Int = 24, glyphs: Glyphs = .unicode) -> ScreenHost<DemoScreen> {
        ScreenHost(screen: DemoScreen(), size: Size(width: width, height: height), glyphs: glyphs)
    }

    private func press(_ keys: String, on host: inout ScreenHost<DemoScreen>) throws -> [ScreenHost<DemoScreen>.Response] {
        try KeyString.parse(keys).map { host.handle($0) }
    }

    func testKeysMoveSelection() throws {
        var host = host()
        _ = try press("jjj<up>", on: &host)
        XCTAssertEqual(host.screen.selectedLayer, 2)
        XCTAssertEqual(host.render().text(ofRow: 22), "layer 3/12 pool1: int8, SQNR 35.1 dB")
        _ = try press("<end>", on: &host)
        XCTAssertEqual(host.screen.selectedLayer, 11)
        _ = try press("<pgup>g", on: &host)
        XCTAssertEqual(host.screen.selectedLayer, 0)
    }

    func testSpaceSwitchesPrecisionAsText() throws {
        var host = host(glyphs: .ascii)
        _ = try press("<space>", on: &host)
        let text = host.render().renderPlainText()
        XCTAssertTrue(text.contains("> conv1    Conv     float"), text)
        XCTAssertTrue(text.contains("conv1 now runs in float"), text)
    }

    func testMessageClearsOnNextKey() throws {
        var host = host()
        _ = try press("<space>", on: &host)
        XCTAssertNotNil(host.message)
        _ = try press("j", on: &host)
        XCTAssertNil(host.message)
    }

    func testHelpOpensAndCloses() throws {
        var host = host()
        _ = try press("?", on: &host)
        XCTAssertTrue(host.isShowingHelp)
        let text = host.render().renderPlainText()
        XCTAssertTrue(text.contains("Help: quantscope: widget demo"), text)
        XCTAssertTrue(text.contains("Esc/q/?/F1 Close"), "the key bar switches to the help table")
        _ = try press("q", on: &host)
        XCTAssertFalse(host.isShowingHelp, "q closes the help instead of quitting")
        XCTAssertFalse(try press("<f1><esc>", on: &host).contains { $0.shouldQuit })
    }

    func testHelpAndBarComeFromScreenTable() {
        var host = host()
        _ = host.handle(.character("?"))
        let lines = host.helpScreen.lines(width: 76)
        for binding in host.screen.keyTable.bindings {
            XCTAssertTrue(lines.contains { $0.text.hasPrefix(String(binding.help.prefix(20))) }, binding.help)
        }
        XCTAssertEqual(host.screen.keyTable.conflictingKeys, [])
        XCTAssertEqual(ScreenHost<DemoScreen>.helpKeyTable.conflictingKeys, [])
    }

    func testQuitAndRecomputeRequests() throws {
        var host = host()
        let responses = try press("jr", on: &host)
        XCTAssertEqual(responses[1].requests, [.recalibrate(layer: 1)])
        XCTAssertEqual(host.screen.calibrationProgress, 0)
        _ = try press("r", on: &host)
        XCTAssertTrue(host.render().text(ofRow: 22).hasPrefix("error: a recalibration is already running"))
        XCTAssertTrue(try press("q", on: &host).last?.shouldQuit ?? false)
    }

    func testResizeBelowMinimumShowsNotice() throws {
        var host = host()
        _ = try press("<resize:60x20>", on: &host)
        let text = host.render().renderPlainText()
        XCTAssertTrue(text.contains("terminal too small: need 80x24, have 60x20"), text)
        _ = try press("<resize:100x30>", on: &host)
        XCTAssertEqual(host.render().size, Size(width: 100, height: 30))
        XCTAssertTrue(host.render().text(ofRow: 0).contains("widget demo"))
    }

    func testKeysStillWorkWhileTooSmall() throws {
        var host = host(width: 40, height: 10)
        XCTAssertTrue(try press("q", on: &host).last?.shouldQuit ?? false)
    }

    func testClickSelectsTableRow() throws {
        var host = host()
        // The layer table's box starts at row 1; its header is row 2, so row 5 is the third layer.
        _ = try press("<click:10,5>", on: &host)
        XCTAssertEqual(host.screen.selectedLayer, 2)
        _ = try press("<wheeldown:10,5>", on: &host)
        XCTAssertEqual(host.screen.selectedLayer, 3)
    }

    func testClickOnKeyBarRunsItsAction() throws {
        var host = host()
        let bar = host.render().text(ofRow: 23)
        let column = try XCTUnwrap(bar.firstIndex(of: "H")).utf16Offset(in: bar)
        _ = try press("<click:\(column),23>", on: &host)
        XCTAssertTrue(host.isShowingHelp, bar)
    }

    func testAsciiRenderingIsPureAscii() throws {
        var host = host(glyphs: .ascii)
        _ = try press("jj<tab>lo", on: &host)
        let text = host.render().renderPlainText()
        XCTAssertTrue(text.allSatisfy(\.isASCII), text)
        XCTAssertTrue(text.contains("> pool1"), "the selection is marked by a glyph, not only by colour")
    }

    func testRenderFillsTheWholeSize() {
        let grid = host(width: 120, height: 40).render()
        XCTAssertEqual(grid.size, Size(width: 120, height: 40))
        XCTAssertTrue(grid.text(ofRow: 39).hasPrefix("?/F1 Help  q/F10 Quit"))
    }
}

/// SplitMix64, so the random key sequences are the same on every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class ScreenHostRobustnessTests: XCTestCase {
    func testRandomKeysAndSizesKeepGridSize() {
        var generator = SeededGenerator(state: 2018)
        let keys: [Key] = [.up, .down, .pageUp, .pageDown, .home, .end, .tab, .backTab, .space, .escape,
                           .character("?"), .character("l"), .character("o"), .character("r"), .character("x"),
                           .function(1), .enter]
        var host = ScreenHost(screen: DemoScreen(), size: Size(width: 80, height: 24), glyphs: .unicode)
        for step in 0 ..< 2000 {
            let key: Key
            switch Int.random(in: 0 ..< 10, using: &generator) {
            case 0:
                key = .resize(Size(width: Int.random(in: 1 ... 140, using: &generator),
                                   height: Int.random(in: 1 ... 50, using: &generator)))
            case 1:
                key = .mouse(MouseEvent(column: Int.random(in: -2 ... 150, using: &generator),
                                        row: Int.random(in: -2 ... 60, using: &generator),
                                        button: [.left, .right, .wheelUp, .wheelDown].randomElement(using: &generator)!))
            default:
                key = keys.randomElement(using: &generator)!
            }
            _ = host.handle(key)
            let grid = host.render()
            XCTAssertEqual(grid.size, host.size, "step \(step), key \(key)")
            XCTAssertTrue((0 ..< host.screen.layers.count).contains(host.screen.selectedLayer), "step \(step)")
        }
    }
}

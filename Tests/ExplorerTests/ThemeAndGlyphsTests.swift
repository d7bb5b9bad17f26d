import XCTest
@testable import Explorer

final class ThemeAndGlyphsTests: XCTestCase {
    func testMonochromeUsesNoColor() {
        for role in Role.allCases {
            let style = Theme.monochrome.style(for: role)
            XCTAssertNil(style.foreground, "\(role)")
            XCTAssertNil(style.background, "\(role)")
        }
    }

    func testMonochromeMarksSelectionAndErrors() {
        XCTAssertTrue(Theme.monochrome.style(for: .selected).attributes.contains(.reverse))
        XCTAssertTrue(Theme.monochrome.style(for: .error).attributes.contains(.reverse))
        XCTAssertTrue(Theme.monochrome.style(for: .title).attributes.contains(.reverse))
        XCTAssertTrue(Theme.monochrome.style(for: .header).attributes.contains(.underline))
    }

    func testMonochromeSeparatesOverlaidSeries() {
        XCTAssertNotEqual(Theme.monochrome.style(for: .histogramFloat), Theme.monochrome.style(for: .histogramQuantized))
        XCTAssertNotEqual(Glyphs.unicode.overlayPoint, Glyphs.unicode.verticalEighths[8])
        XCTAssertNotEqual(Glyphs.ascii.overlayPoint, Glyphs.ascii.verticalEighths[8])
    }

    func testNoColorSelectsMonochrome() {
        XCTAssertEqual(Theme.forTerminal(hasColors: true, environment: ["NO_COLOR": "1"]).scheme, .monochrome)
        XCTAssertEqual(Theme.forTerminal(hasColors: true, environment: ["NO_COLOR": ""]).scheme, .color)
        XCTAssertEqual(Theme.forTerminal(hasColors: true, environment: [:]).scheme, .color)
        XCTAssertEqual(Theme.forTerminal(hasColors: false, environment: [:]).scheme, .monochrome)
    }

    func testAsciiGlyphsAreAscii() {
        let glyphs = Glyphs.ascii
        var all: [Character] = glyphs.verticalEighths + glyphs.horizontalEighths + glyphs.sparkline
        all += [glyphs.box.horizontal, glyphs.box.vertical, glyphs.box.topLeft, glyphs.box.topRight,
                glyphs.box.bottomLeft, glyphs.box.bottomRight, glyphs.rightHalfBlock, glyphs.leftHalfBlock,
                glyphs.arrowUp, glyphs.arrowDown, glyphs.arrowLeft, glyphs.arrowRight, glyphs.selectionMarker,
                glyphs.ellipsis, glyphs.scrollTrack, glyphs.scrollThumb, glyphs.overlayPoint, glyphs.gridTick,
                glyphs.clipBound, glyphs.zeroPoint, glyphs.zeroLine]
        for character in all {
            XCTAssertTrue(character.isASCII, "\(character) is not ASCII")
        }
    }

    func testMarkerKindsHaveDistinctGlyphs() {
        for glyphs in [Glyphs.unicode, Glyphs.ascii] {
            let markers = [glyphs.glyph(for: .gridTick), glyphs.glyph(for: .clipBound), glyphs.glyph(for: .zeroPoint)]
            XCTAssertEqual(Set(markers).count, 3, "\(markers)")
        }
    }

    func testEighthsTablesHaveNineLevels() {
        for glyphs in [Glyphs.unicode, Glyphs.ascii] {
            XCTAssertEqual(glyphs.verticalEighths.count, 9)
            XCTAssertEqual(glyphs.horizontalEighths.count, 9)
            XCTAssertEqual(glyphs.verticalEighths[0], " ")
        }
    }

    func testVerticalBlockRounding() {
        XCTAssertEqual(Glyphs.unicode.verticalBlock(filling: 0), " ")
        XCTAssertEqual(Glyphs.unicode.verticalBlock(filling: 0.5), "▄")
        XCTAssertEqual(Glyphs.unicode.verticalBlock(filling: 1), "█")
        XCTAssertEqual(Glyphs.unicode.verticalBlock(filling: 7), "█")
        XCTAssertEqual(Glyphs.unicode.verticalBlock(filling: .nan), " ")
        XCTAssertEqual(Glyphs.forLocale(isUTF8: false), .ascii)
    }
}

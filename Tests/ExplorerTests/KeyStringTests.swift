import XCTest
@testable import Explorer

final class KeyStringTests: XCTestCase {
    func testCharactersAndNames() throws {
        let keys = try KeyString.parse("jjj<space>?<down><enter>q")
        XCTAssertEqual(keys, [.character("j"), .character("j"), .character("j"), .space, .character("?"),
                              .down, .enter, .character("q")])
    }

    func testNamesAreCaseInsensitive() throws {
        XCTAssertEqual(try KeyString.parse("<PgDn><Esc><S-Tab><F12><C-l>"),
                       [.pageDown, .escape, .backTab, .function(12), .control("l")])
    }

    func testLiteralAngleBrackets() throws {
        XCTAssertEqual(try KeyString.parse("<lt>x<gt>"), [.character("<"), .character("x"), .character(">")])
    }

    func testPlainSpaceBecomesSpaceKey() throws {
        XCTAssertEqual(try KeyString.parse("a b"), [.character("a"), .space, .character("b")])
    }

    func testMouseAndResize() throws {
        XCTAssertEqual(try KeyString.parse("<click:3,4><wheeldown:0,0><resize:100x30>"), [
            .mouse(MouseEvent(column: 3, row: 4, button: .left)),
            .mouse(MouseEvent(column: 0, row: 0, button: .wheelDown)),
            .resize(Size(width: 100, height: 30)),
        ])
    }

    func testUnknownNameReportsOffset() {
        XCTAssertThrowsError(try KeyString.parse("jj<sapce>")) { error in
            XCTAssertEqual(error as? KeyStringError, .unknownName("sapce", offset: 2))
        }
    }

    func testUnterminatedName() {
        XCTAssertThrowsError(try KeyString.parse("a<down")) { error in
            XCTAssertEqual(error as? KeyStringError, .unterminatedName("<down", offset: 1))
        }
    }

    func testInvalidArguments() {
        for text in ["<f0>", "<f64>", "<click:3>", "<click:-1,2>", "<resize:0x10>", "<resize:80by24>"] {
            XCTAssertThrowsError(try KeyString.parse(text), text) { error in
                guard case .invalidArgument = error as? KeyStringError else {
                    return XCTFail("\(text): \(error)")
                }
            }
        }
    }

    func testErrorMessageNamesTheValue() {
        let message = KeyStringError.unknownName("sapce", offset: 2).description
        XCTAssertTrue(message.contains("<sapce>"), message)
        XCTAssertTrue(message.contains("character 2"), message)
    }

    func testControlCharactersNormalize() {
        XCTAssertEqual(Key(character: "\u{03}"), .control("c"))
        XCTAssertEqual(Key(character: "\r"), .enter)
        XCTAssertEqual(Key(character: "\u{7F}"), .backspace)
        XCTAssertEqual(Key(character: "\u{1B}"), .escape)
        XCTAssertEqual(Key(character: "\t"), .tab)
        XCTAssertEqual(Key(character: "é"), .character("é"))
    }
}

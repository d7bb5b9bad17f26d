import Evaluation
import XCTest

final class ImageDecoderTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    /// A 4 x 3 RGB gradient whose pixels all differ.
    private let width = 4
    private let height = 3
    private var rgbPixels: [UInt8] {
        var pixels: [UInt8] = []
        for pixel in 0..<(width * height) {
            pixels += [UInt8(pixel * 20), UInt8(255 - pixel * 20), UInt8(pixel * 7)]
        }
        return pixels
    }

    func testPNGRGBRoundTrip() throws {
        let bytes = TestFiles.png(width: width, height: height, channels: 3, pixels: rgbPixels)
        let image = try PNGDecoder.decode(bytes, channels: 3, path: "test.png")
        XCTAssertEqual(image.width, width)
        XCTAssertEqual(image.height, height)
        XCTAssertEqual(image.channels, 3)
        XCTAssertEqual(image.pixels, rgbPixels)
    }

    func testPNGGrayRoundTripAndGrayToRGB() throws {
        let gray: [UInt8] = [0, 50, 100, 150, 200, 250]
        let bytes = TestFiles.png(width: 3, height: 2, channels: 1, pixels: gray)
        XCTAssertEqual(try PNGDecoder.decode(bytes, channels: 1, path: "gray.png").pixels, gray)
        let rgb = try PNGDecoder.decode(bytes, channels: 3, path: "gray.png")
        XCTAssertEqual(rgb.pixels, gray.flatMap { [$0, $0, $0] })
    }

    func testCorruptedPNGRejected() {
        var bytes = TestFiles.png(width: width, height: height, channels: 3, pixels: rgbPixels)
        XCTAssertNotNil(assertThrowsDataError { try PNGDecoder.decode(Array(bytes.prefix(40)), channels: 3, path: "cut.png") })
        for index in 40..<(bytes.count - 12) { bytes[index] ^= 0x33 }
        XCTAssertNotNil(assertThrowsDataError { try PNGDecoder.decode(bytes, channels: 3, path: "bad.png") })
        XCTAssertNotNil(assertThrowsDataError { try PNGDecoder.decode([1, 2, 3], channels: 1, path: "tiny.png") })
    }

    func testJPEGGrayDecodesCloseToSource() throws {
        let gray = (0..<64).map { UInt8($0 * 4) }
        let bytes = TestFiles.jpeg(width: 8, height: 8, channels: 1, pixels: gray)
        let image = try JPEGDecoder.decode(bytes, channels: 1, path: "gray.jpg")
        XCTAssertEqual(image.width, 8)
        XCTAssertEqual(image.height, 8)
        let largestError = zip(image.pixels, gray).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(largestError, 8, "quality 95 JPEG, largest pixel error \(largestError)")
    }

    func testJPEGRGBToGrayUsesLuma() throws {
        let pixels = (0..<64).flatMap { _ in [UInt8(200), UInt8(100), UInt8(50)] }
        let bytes = TestFiles.jpeg(width: 8, height: 8, channels: 3, pixels: pixels)
        let rgb = try JPEGDecoder.decode(bytes, channels: 3, path: "rgb.jpg")
        XCTAssertEqual(rgb.pixels.count, 8 * 8 * 3)
        let gray = try JPEGDecoder.decode(bytes, channels: 1, path: "rgb.jpg")
        let expected = 0.299 * 200 + 0.587 * 100 + 0.114 * 50
        for value in gray.pixels { XCTAssertEqual(Double(value), expected, accuracy: 4) }
    }

    func testTruncatedJPEGRejected() {
        let bytes = TestFiles.jpeg(width: 16, height: 16, channels: 1, pixels: (0..<256).map { UInt8($0) })
        for cut in [2, 20, bytes.count / 2, bytes.count - 2] {
            let error = assertThrowsDataError { try JPEGDecoder.decode(Array(bytes.prefix(cut)), channels: 1, path: "cut.jpg") }
            guard case .corrupted(let path, _, let reason) = error else {
                XCTFail("cut at \(cut): wrong error \(String(describing: error))")
                continue
            }
            XCTAssertEqual(path, "cut.jpg")
            XCTAssertFalse(reason.isEmpty)
        }
    }

    func testCorruptedJPEGRejectedRepeatedly() {
        let bytes = TestFiles.jpeg(width: 16, height: 16, channels: 3, pixels: (0..<768).map { UInt8($0 % 256) })
        // Damage the headers (fatal errors through error_exit) and the entropy-
        // coded data (warnings), many times, to show the decoder thread exits
        // cleanly every time.
        for round in 0..<50 {
            var damaged = bytes
            let start = round % 2 == 0 ? 4 : bytes.count / 2
            for index in stride(from: start, to: min(start + 40, bytes.count - 2), by: 2) {
                damaged[index] = UInt8(truncatingIfNeeded: index * 31 + round)
            }
            XCTAssertNotNil(assertThrowsDataError { try JPEGDecoder.decode(damaged, channels: 3, path: "bad.jpg") },
                            "round \(round)")
        }
        XCTAssertNoThrow(try JPEGDecoder.decode(bytes, channels: 3, path: "good.jpg"))
    }
}

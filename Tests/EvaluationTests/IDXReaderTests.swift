import Evaluation
import QuantCore
import XCTest

final class IDXReaderTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    func testRawImagesKeepShapeAndValues() throws {
        let values = (0..<24).map { UInt8($0 * 10) }
        let path = try TestFiles.file("images.idx", TestFiles.idx(shape: [2, 3, 4], values: values))
        let tensor = try IDXReader.read(path: path)
        XCTAssertEqual(tensor.shape, [2, 3, 4])
        XCTAssertEqual(tensor.data, .uint8(values))
    }

    func testGzipDetectedByMagicNotName() throws {
        let values = (0..<12).map { UInt8(255 - $0) }
        let compressed = TestFiles.gzip(TestFiles.idx(shape: [3, 2, 2], values: values))
        let path = try TestFiles.file("images-no-extension", compressed)
        let tensor = try IDXReader.read(path: path)
        XCTAssertEqual(tensor.shape, [3, 2, 2])
        XCTAssertEqual(tensor.data, .uint8(values))
    }

    func testConcatenatedGzipMembersReadAsOneStream() throws {
        let whole = TestFiles.idx(shape: [4], values: [1, 2, 3, 4])
        let compressed = TestFiles.gzip(Array(whole.prefix(6))) + TestFiles.gzip(Array(whole.dropFirst(6)))
        let tensor = try IDXReader.decode(compressed, path: "labels.gz")
        XCTAssertEqual(tensor.data, .uint8([1, 2, 3, 4]))
    }

    func testLimitKeepsFirstItems() throws {
        let bytes = TestFiles.idx(shape: [5], values: [9, 8, 7, 6, 5])
        XCTAssertEqual(try IDXReader.decode(bytes, path: "raw", limit: 2).data, .uint8([9, 8]))
        XCTAssertEqual(try IDXReader.decode(TestFiles.gzip(bytes), path: "gz", limit: 3).shape, [3])
    }

    func testNonUint8TypeRejected() {
        let bytes = TestFiles.idx(shape: [1], values: [0, 0, 0, 0], typeByte: 0x0D)
        let error = assertThrowsDataError { try IDXReader.decode(bytes, path: "floats.idx") }
        guard case .unsupportedElementType(_, _, let found, _) = error else {
            return XCTFail("wrong error \(String(describing: error))")
        }
        XCTAssertTrue(found.contains("float32"))
    }

    func testBadMagicRejected() {
        let error = assertThrowsDataError { try IDXReader.decode([1, 2, 8, 1, 0, 0, 0, 1, 5], path: "bad") }
        guard case .corrupted(let path, let element, _) = error else { return XCTFail("wrong error \(String(describing: error))") }
        XCTAssertEqual(path, "bad")
        XCTAssertEqual(element, "magic number")
    }

    func testTruncatedRawPayloadReportsSizes() {
        let bytes = TestFiles.idx(shape: [2, 2, 2], values: [1, 2, 3])
        let error = assertThrowsDataError { try IDXReader.decode(bytes, path: "short.idx") }
        XCTAssertEqual(error, .truncated(path: "short.idx", element: "IDX data of shape [2, 2, 2]",
                                         expectedBytes: 16 + 8, actualBytes: 16 + 3))
    }

    func testTruncatedHeaderRejected() {
        let bytes = Array(TestFiles.idx(shape: [2, 2, 2], values: []).prefix(10))
        XCTAssertNotNil(assertThrowsDataError { try IDXReader.decode(bytes, path: "header.idx") })
    }

    func testHugeDeclaredShapeRejectedBeforeAllocation() {
        let bytes = TestFiles.idx(shape: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF], values: [1])
        let error = assertThrowsDataError { try IDXReader.decode(bytes, path: "huge.idx") }
        guard case .tooLarge = error else { return XCTFail("wrong error \(String(describing: error))") }
        let gzipError = assertThrowsDataError { try IDXReader.decode(TestFiles.gzip(bytes), path: "huge.gz") }
        XCTAssertNotNil(gzipError)
    }

    func testTruncatedGzipRejected() {
        let compressed = TestFiles.gzip(TestFiles.idx(shape: [100, 10], values: (0..<1000).map { UInt8($0 % 251) }))
        for cut in [5, compressed.count / 2, compressed.count - 3] {
            XCTAssertNotNil(assertThrowsDataError { try IDXReader.decode(Array(compressed.prefix(cut)), path: "cut.gz") },
                            "cut at \(cut)")
        }
    }

    func testCorruptedGzipRejected() {
        var compressed = TestFiles.gzip(TestFiles.idx(shape: [100, 10], values: (0..<1000).map { UInt8($0 % 7) }))
        for index in stride(from: 12, to: compressed.count - 8, by: 3) { compressed[index] ^= 0x5A }
        XCTAssertNotNil(assertThrowsDataError { try IDXReader.decode(compressed, path: "corrupt.gz") })
    }

    func testMissingFileNamed() {
        let error = assertThrowsDataError { try IDXReader.read(path: "/nonexistent/images.idx") }
        XCTAssertEqual(error, .fileNotFound(path: "/nonexistent/images.idx"))
    }
}

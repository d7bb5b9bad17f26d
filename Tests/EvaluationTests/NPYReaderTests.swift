import Evaluation
import QuantCore
import XCTest

final class NPYReaderTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    private func decode(_ bytes: [UInt8]) throws -> Tensor {
        try NPYReader.decode(bytes[...], path: "test.npy", element: "array")
    }

    func testFloat32Version1() throws {
        let values: [Float] = [0.5, -1.25, 3, 1e-3, 7, 8]
        let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [2, 3]),
                                  data: TestFiles.floatBytes(values))
        let tensor = try decode(bytes)
        XCTAssertEqual(tensor.shape, [2, 3])
        XCTAssertEqual(tensor.data, .float32(values))
    }

    func testFloat64NarrowedToFloat32() throws {
        let values: [Double] = [0.1, -2.5, 1e10]
        let data = values.flatMap { TestFiles.littleEndian($0.bitPattern, width: 8) }
        let tensor = try decode(TestFiles.npy(header: TestFiles.npyHeader(descr: "<f8", shape: [3]), data: data))
        XCTAssertEqual(tensor.data, .float32(values.map(Float.init)))
    }

    func testUint8AndInt64() throws {
        let pixels = try decode(TestFiles.npy(header: TestFiles.npyHeader(descr: "|u1", shape: [1, 2, 2]),
                                              data: [0, 127, 128, 255]))
        XCTAssertEqual(pixels.data, .uint8([0, 127, 128, 255]))
        let labels = try decode(TestFiles.npy(header: TestFiles.npyHeader(descr: "<i8", shape: [3]),
                                              data: TestFiles.int64Bytes([9, 0, -4])))
        XCTAssertEqual(labels.data, .int64([9, 0, -4]))
    }

    func testBigEndianConverted() throws {
        let value: Float = 2.75
        let bigEndianBytes = TestFiles.bigEndian(value.bitPattern)
        let tensor = try decode(TestFiles.npy(header: TestFiles.npyHeader(descr: ">f4", shape: [1]), data: bigEndianBytes))
        XCTAssertEqual(tensor.data, .float32([2.75]))
    }

    func testVersions2And3() throws {
        for major: UInt8 in [2, 3] {
            let tensor = try decode(TestFiles.npy(header: TestFiles.npyHeader(descr: "|u1", shape: [2]), data: [4, 5],
                                                  major: major))
            XCTAssertEqual(tensor.data, .uint8([4, 5]), "version \(major)")
        }
    }

    func testScalarAndKeyOrder() throws {
        let header = "{'shape': (), 'fortran_order': False, 'descr': '<f4'}"
        let tensor = try decode(TestFiles.npy(header: header, data: TestFiles.floatBytes([42])))
        XCTAssertEqual(tensor.shape, [])
        XCTAssertEqual(tensor.data, .float32([42]))
    }

    func testFortranOrderRejected() {
        let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [1], fortranOrder: true),
                                  data: TestFiles.floatBytes([1]))
        let error = assertThrowsDataError { try decode(bytes) }
        XCTAssertTrue(error?.description.contains("fortran_order") ?? false, String(describing: error))
    }

    func testObjectArrayRejected() {
        let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "|O", shape: [1]), data: [0, 0, 0, 0, 0, 0, 0, 0])
        let error = assertThrowsDataError { try decode(bytes) }
        guard case .unsupportedElementType(_, _, let found, _) = error else {
            return XCTFail("wrong error \(String(describing: error))")
        }
        XCTAssertTrue(found.contains("|O"))
    }

    func testUnsupportedDtypeRejected() {
        let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "<U4", shape: [1]), data: Array(repeating: 0, count: 16))
        XCTAssertNotNil(assertThrowsDataError { try decode(bytes) })
    }

    func testMalformedHeadersRejected() {
        let headers = [
            "{'descr': '<f4', 'fortran_order': False}",
            "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, -2)}",
            "['descr', '<f4']",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
            "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
            "{'descr: '<f4', 'fortran_order': False, 'shape': (1,)}",
        ]
        for header in headers {
            let error = assertThrowsDataError { try decode(TestFiles.npy(header: header, data: TestFiles.floatBytes([1]))) }
            guard case .corrupted(_, let element, _) = error else {
                XCTFail("\(header): wrong error \(String(describing: error))")
                continue
            }
            XCTAssertEqual(element, "array header", header)
        }
    }

    func testShortDataReportsSizes() {
        let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [2, 2]), data: TestFiles.floatBytes([1, 2, 3]))
        let error = assertThrowsDataError { try decode(bytes) }
        XCTAssertEqual(error, .truncated(path: "test.npy", element: "array of shape [2, 2]",
                                         expectedBytes: bytes.count + 4, actualBytes: bytes.count))
    }

    func testExtraDataRejected() {
        let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [1]), data: TestFiles.floatBytes([1, 2]))
        XCTAssertNotNil(assertThrowsDataError { try decode(bytes) })
    }

    func testBadMagicAndTruncatedHeaderRejected() {
        let good = TestFiles.npy(header: TestFiles.npyHeader(descr: "|u1", shape: [1]), data: [1])
        var badMagic = good
        badMagic[1] = 0x41
        XCTAssertNotNil(assertThrowsDataError { try decode(badMagic) })
        for cut in [0, 5, 9, 20, good.count - 1] {
            XCTAssertNotNil(assertThrowsDataError { try decode(Array(good.prefix(cut))) }, "cut at \(cut)")
        }
        var badVersion = good
        badVersion[6] = 9
        XCTAssertNotNil(assertThrowsDataError { try decode(badVersion) })
    }

    func testHugeShapeRejectedBeforeAllocation() {
        let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "<f8", shape: [1 << 40, 1 << 30]), data: [])
        let error = assertThrowsDataError { try decode(bytes) }
        guard case .tooLarge = error else { return XCTFail("wrong error \(String(describing: error))") }
    }
}

final class NPZArchiveTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    private let images = TestFiles.npy(header: TestFiles.npyHeader(descr: "|u1", shape: [2, 2, 2]), data: [0, 1, 2, 3, 4, 5, 6, 7])
    private let labels = TestFiles.npy(header: TestFiles.npyHeader(descr: "<i8", shape: [2]), data: TestFiles.int64Bytes([3, 1]))

    func testStoredAndDeflatedMembers() throws {
        for deflated in [false, true] {
            let bytes = TestFiles.zip([("x.npy", images), ("y.npy", labels)], deflated: deflated)
            let archive = try NPZArchive(bytes: bytes, path: "data.npz")
            XCTAssertEqual(archive.names, ["x", "y"])
            XCTAssertEqual(try archive.array(named: "x").data, .uint8([0, 1, 2, 3, 4, 5, 6, 7]))
            XCTAssertEqual(try archive.array(named: "y").data, .int64([3, 1]))
        }
    }

    func testLocalHeaderZip64SizesIgnored() throws {
        // numpy.savez opens members with force_zip64, so local headers carry
        // 0xFFFFFFFF sizes; the central directory has the real ones.
        var bytes = TestFiles.zip([("x.npy", images)], deflated: true)
        for offset in 18..<26 { bytes[offset] = 0xFF }
        let archive = try NPZArchive(bytes: bytes, path: "numpy.npz")
        XCTAssertEqual(try archive.array(named: "x").data, .uint8([0, 1, 2, 3, 4, 5, 6, 7]))
    }

    func testMissingArrayListsNames() throws {
        let archive = try NPZArchive(bytes: TestFiles.zip([("x.npy", images)], deflated: false), path: "data.npz")
        let error = assertThrowsDataError { try archive.array(named: "labels") }
        XCTAssertEqual(error, .arrayNotFound(path: "data.npz", name: "labels", available: ["x"]))
    }

    func testCorruptedCRCRejected() throws {
        var bytes = TestFiles.zip([("x.npy", images)], deflated: false)
        bytes[30 + 5 + images.count - 1] ^= 0xFF  // last data byte of the member
        let archive = try NPZArchive(bytes: bytes, path: "data.npz")
        let error = assertThrowsDataError { try archive.array(named: "x") }
        XCTAssertTrue(error?.description.contains("CRC-32") ?? false, String(describing: error))
    }

    func testTruncatedArchivesNeverCrash() {
        let bytes = TestFiles.zip([("x.npy", images), ("y.npy", labels)], deflated: true)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            let prefix = Array(bytes.prefix(cut))
            XCTAssertNotNil(assertThrowsDataError { () throws -> Tensor in
                let archive = try NPZArchive(bytes: prefix, path: "cut.npz")
                _ = try archive.array(named: "x")
                return try archive.array(named: "y")
            }, "cut at \(cut)")
        }
    }

    func testZip64Rejected() {
        var bytes = TestFiles.zip([("x.npy", images)], deflated: false)
        let end = bytes.count - 22
        for offset in 8..<12 { bytes[end + offset] = 0xFF }  // entry counts 0xFFFF mean ZIP64
        let error = assertThrowsDataError { try NPZArchive(bytes: bytes, path: "big.npz") }
        XCTAssertTrue(error?.description.contains("ZIP64") ?? false, String(describing: error))
    }

    func testDirectoryOffsetOutOfRangeRejected() {
        var bytes = TestFiles.zip([("x.npy", images)], deflated: false)
        let end = bytes.count - 22
        for offset in 16..<20 { bytes[end + offset] = 0x7F }
        XCTAssertNotNil(assertThrowsDataError { try NPZArchive(bytes: bytes, path: "bad.npz") })
    }
}

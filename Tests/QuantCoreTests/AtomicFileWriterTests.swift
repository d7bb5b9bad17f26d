@testable import QuantCore
import Foundation
import XCTest

final class AtomicFileWriterTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func isCharacterDevice(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
    }

    func testRegularFileIsReplaced() throws {
        let path = folder.appendingPathComponent("out.bin").path
        try AtomicFileWriter.write([1, 2, 3], to: path)
        try AtomicFileWriter.write([4, 5], to: path)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), [4, 5])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(leftovers, ["out.bin"])
    }

    func testSymbolicLinkKeepsPointingAtTarget() throws {
        let target = folder.appendingPathComponent("target.bin").path
        let link = folder.appendingPathComponent("link.bin").path
        try AtomicFileWriter.write([1], to: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try AtomicFileWriter.write([7, 8], to: link)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: target))), [7, 8])
    }

    func testFullDeviceReportsErrorAndStaysDevice() throws {
        try XCTSkipUnless(isCharacterDevice("/dev/full"), "/dev/full is not a character device here")
        XCTAssertThrowsError(try AtomicFileWriter.write([1, 2, 3], to: "/dev/full")) { error in
            XCTAssertEqual((error as? AtomicFileError)?.reason, String(cString: strerror(ENOSPC)))
        }
        XCTAssertTrue(isCharacterDevice("/dev/full"))
    }

    func testNullDeviceAcceptsWriteAndStaysDevice() throws {
        try XCTSkipUnless(isCharacterDevice("/dev/null"), "/dev/null is not a character device here")
        try AtomicFileWriter.write([1, 2, 3], to: "/dev/null")
        XCTAssertTrue(isCharacterDevice("/dev/null"))
    }

    func testMissingFolderReportsError() {
        let path = folder.appendingPathComponent("missing/out.bin").path
        XCTAssertThrowsError(try AtomicFileWriter.write([1], to: path))
    }
}

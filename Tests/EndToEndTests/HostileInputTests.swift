import Foundation
import XCTest

/// Malformed data and options given to `eval` and `inspect`: each must end
/// with a message naming the value and the right exit status, never a crash
/// or a silently wrong figure.
final class HostileInputTests: XCTestCase {
    private let model = "SampleModels/mlp.onnx"
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes `count` blank 28 x 28 images as IDX and returns the path.
    private func writeImages(_ count: Int) throws -> String {
        var bytes: [UInt8] = [0, 0, 8, 3]
        for value in [count, 28, 28] { bytes += bigEndian(UInt32(value)) }
        bytes += [UInt8](repeating: 0, count: count * 28 * 28)
        return try write(bytes, named: "images.idx")
    }

    /// Writes `labels` as an IDX label file and returns the path.
    private func writeLabels(_ labels: [UInt8]) throws -> String {
        try write([0, 0, 8, 1] + bigEndian(UInt32(labels.count)) + labels, named: "labels.idx")
    }

    private func write(_ bytes: [UInt8], named name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    func testLabelBeyondTheModelsClassesIsRejected() throws {
        let images = try writeImages(3)
        let labels = try writeLabels([0, 10, 1])
        let output = try BinaryRunner.run(["eval", model, "--data", images, "--labels", labels])
        XCTAssertEqual(output.status, 1, output.standardOutput)
        XCTAssertTrue(output.standardError.contains("label 1 is 10"), output.standardError)
        XCTAssertTrue(output.standardError.contains("10 output classes"), output.standardError)
    }

    func testSaveOutputsToFullDeviceFails() throws {
        var status = stat()
        try XCTSkipUnless(stat("/dev/full", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR,
                          "/dev/full is not a character device here")
        let images = try writeImages(2)
        let output = try BinaryRunner.run(["eval", model, "--data", images, "--save-outputs", "/dev/full"])
        XCTAssertEqual(output.status, 1, output.standardOutput)
        XCTAssertTrue(output.standardError.contains("/dev/full"), output.standardError)
        XCTAssertTrue(output.standardError.contains("has free space"), output.standardError)
        XCTAssertEqual(stat("/dev/full", &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFCHR)
    }

    func testInvalidCalibrationIsUsageError() throws {
        for method in ["percentile:101", "percentile:abc", "median"] {
            let output = try BinaryRunner.run(["eval", model, "--quantize", "all", "--calibration", method])
            XCTAssertEqual(output.status, 2, method)
            XCTAssertTrue(output.standardError.contains("invalid value '\(method)' for --calibration"),
                          output.standardError)
        }
    }

    func testConstantCalibrationImagesWarn() throws {
        let images = try writeImages(2)
        let output = try BinaryRunner.run(["eval", model, "--limit", "20", "--quantize", "all",
                                           "--calibration-data", images])
        XCTAssertEqual(output.status, 0, output.standardError)
        XCTAssertTrue(output.standardError.contains("every calibration value in \(images) is"), output.standardError)
    }

    func testFullStandardOutputFails() throws {
        let device = FileHandle(forWritingAtPath: "/dev/full")
        try XCTSkipIf(device == nil, "/dev/full cannot be opened here")
        let process = Process()
        process.executableURL = BinaryRunner.executable
        process.arguments = ["inspect", model, "--json"]
        process.currentDirectoryURL = BinaryRunner.repositoryRoot
        process.standardOutput = device
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, message)
        XCTAssertTrue(message.contains("cannot write to standard output"), message)
    }

    func testQuantizationSettingWithoutLayersIsUsageError() throws {
        let output = try BinaryRunner.run(["eval", model, "--weight-bits", "4"])
        XCTAssertEqual(output.status, 2, output.standardOutput)
        XCTAssertTrue(output.standardError.contains("option --weight-bits has no effect without --quantize or --plan"),
                      output.standardError)
    }

    func testEmptyLayerListIsUsageError() throws {
        let output = try BinaryRunner.run(["eval", model, "--quantize", ","])
        XCTAssertEqual(output.status, 2, output.standardOutput)
        XCTAssertTrue(output.standardError.contains("invalid value ',' for --quantize"), output.standardError)
    }
}

import Foundation
import XCTest

/// Runs `quantscope eval` on every sample model over the whole shipped test
/// set and compares top-1 with the figure stored in the model's metadata
/// (`quantscope.float_top1`, measured with onnxruntime when the model was
/// exported).
final class SampleModelEvalTests: XCTestCase {
    private static let expectedTop1: [String: Double] = [
        "mlp": 0.8961, "cnn": 0.9125, "mobilenet": 0.8916, "resnet": 0.9055,
    ]

    func testFloatTop1MatchesModelCards() throws {
        for (name, expected) in Self.expectedTop1.sorted(by: { $0.key < $1.key }) {
            let output = try BinaryRunner.run(["eval", "SampleModels/\(name).onnx", "--json"])
            XCTAssertEqual(output.status, 0, "\(name): \(output.standardError)")
            let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
            XCTAssertEqual(object?["samples"] as? Int, 10_000, name)
            let top1 = try XCTUnwrap(object?["top1"] as? Double, name)
            XCTAssertEqual(top1, expected, accuracy: 0.5e-4, name)
        }
    }

    func testLimitAndTextOutput() throws {
        let output = try BinaryRunner.run(["eval", "SampleModels/mlp.onnx", "--limit", "250"])
        XCTAssertEqual(output.status, 0, output.standardError)
        XCTAssertTrue(output.standardOutput.contains("of 250)"), output.standardOutput)
    }

    func testShapeMismatchShowsBothShapes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quantscope-shape-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A float32 array of shape [2, 3, 5, 5]: neither 1 channel nor 28 x 28.
        let path = folder.appendingPathComponent("wrong.npy").path
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 5, 5), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: 2 * 3 * 5 * 5 * 4)
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let output = try BinaryRunner.run(["eval", "SampleModels/cnn.onnx", "--data", path])
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.standardError.contains("28"), output.standardError)
        XCTAssertTrue(output.standardError.contains("5"), output.standardError)
    }
}

import Foundation
import XCTest
@testable import QuantCore

/// Reads every model and data set file of the installed ONNX operator test
/// data (Debian package libonnx-testdata), when it is present.
final class ONNXTestDataSweepTests: XCTestCase {
    static let root = "/usr/share/libonnx-testdata/data/node"

    /// Every model must decode. A data set file must decode unless its
    /// element type is unsupported or it is not a `TensorProto` at all
    /// (sequence and optional test cases store `SequenceProto` and
    /// `OptionalProto` files, in directories whose names contain "seq" or "_opt").
    func testInstalledTestDataDecodes() throws {
        guard FileManager.default.fileExists(atPath: Self.root) else {
            throw XCTSkip("libonnx-testdata is not installed at \(Self.root)")
        }
        var modelCount = 0
        var tensorCount = 0
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: Self.root))
        for case let relative as String in enumerator {
            let path = Self.root + "/" + relative
            if relative.hasSuffix(".onnx") {
                do {
                    _ = try ONNXReader.readModel(at: path)
                    modelCount += 1
                } catch {
                    XCTFail("\(error)")
                }
            } else if relative.hasSuffix(".pb") {
                do {
                    _ = try ONNXReader.readTensor(at: path)
                    tensorCount += 1
                } catch .unsupportedElementType {
                    continue
                } catch {
                    let isTensorFile = !relative.contains("seq") && !relative.contains("_opt")
                    if isTensorFile { XCTFail("\(error)") }
                }
            }
        }
        XCTAssertGreaterThan(modelCount, 900)
        XCTAssertGreaterThan(tensorCount, 2000)
    }
}

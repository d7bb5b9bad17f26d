import XCTest
import QuantCore
@testable import Evaluation

final class NPYWriterTests: XCTestCase {
    func testFloatRoundTripThroughReader() throws {
        let tensor = Tensor(shape: [2, 3], floats: [0, -1.5, 3.25, .greatestFiniteMagnitude, -0, 1e-30])
        let bytes = NPYWriter.encode(tensor)
        let decoded = try NPYReader.decode(bytes[...], path: "memory.npy", element: "array")
        XCTAssertEqual(decoded, tensor)
    }

    func testHeaderIsPaddedToSixtyFourBytes() {
        let bytes = NPYWriter.encode(Tensor(shape: [5], floats: [1, 2, 3, 4, 5]))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        XCTAssertEqual(bytes[10 + headerLength - 1], UInt8(ascii: "\n"))
        XCTAssertEqual(bytes.count, 10 + headerLength + 20)
    }

    func testIntegerTypesRoundTrip() throws {
        let cases: [Tensor] = [
            try Tensor(shape: [3], data: .uint8([0, 128, 255])),
            try Tensor(shape: [1, 2], data: .int64([Int64.min, 7])),
        ]
        for tensor in cases {
            let decoded = try NPYReader.decode(NPYWriter.encode(tensor)[...], path: "memory.npy", element: "array")
            XCTAssertEqual(decoded, tensor)
        }
    }
}

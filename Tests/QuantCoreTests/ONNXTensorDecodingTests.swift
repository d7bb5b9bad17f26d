import XCTest
@testable import QuantCore

/// Tensors stored in the typed repeated fields (`float_data`, `int32_data`,
/// `int64_data`) rather than `raw_data`, and tensors the reader rejects.
final class ONNXTensorDecodingTests: XCTestCase {
    /// Builds a `TensorProto` with `dims`, `data_type` and `name`, and `body` adds the data.
    static func tensorProto(dims: [Int64], type: Int32, name: String = "t",
                            body: (inout ProtobufWriter) -> Void = { _ in }) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writePackedInt64s(1, dims)
        writer.writeInt64(2, Int64(type))
        writer.writeString(8, name)
        body(&writer)
        return writer.bytes
    }

    private func decode(_ bytes: [UInt8]) throws -> Tensor {
        try ONNXReader.decodeTensor(bytes, source: "test.pb").tensor
    }

    private func expectError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line,
                             _ check: (ModelLoadError) -> Void) {
        XCTAssertThrowsError(try decode(bytes), file: file, line: line) { error in
            guard let error = error as? ModelLoadError else { return XCTFail("untyped error \(error)") }
            check(error)
        }
    }

    func testFloatDataPackedAndUnpacked() throws {
        let packed = Self.tensorProto(dims: [3], type: 1) { $0.writePackedFloats(4, [1, -2.5, 3]) }
        XCTAssertEqual(try decode(packed).data, .float32([1, -2.5, 3]))
        let unpacked = Self.tensorProto(dims: [3], type: 1) { writer in
            for value: Float in [1, -2.5, 3] { writer.writeFloat(4, value) }
        }
        XCTAssertEqual(try decode(unpacked).data, .float32([1, -2.5, 3]))
    }

    func testInt32DataForInt32() throws {
        let bytes = Self.tensorProto(dims: [2, 2], type: 6) { $0.writePackedInt64s(5, [Int64(Int32.min), -1, 0, Int64(Int32.max)]) }
        let tensor = try decode(bytes)
        XCTAssertEqual(tensor.shape, [2, 2])
        XCTAssertEqual(tensor.data, .int32([Int32.min, -1, 0, Int32.max]))
    }

    func testInt64DataUnpacked() throws {
        let bytes = Self.tensorProto(dims: [2], type: 7) { writer in
            writer.writeInt64(7, Int64.min)
            writer.writeInt64(7, 5)
        }
        XCTAssertEqual(try decode(bytes).data, .int64([Int64.min, 5]))
    }

    func testNarrowTypesInInt32Data() throws {
        let int8 = Self.tensorProto(dims: [3], type: 3) { $0.writePackedInt64s(5, [-128, 0, 127]) }
        XCTAssertEqual(try decode(int8).data, .int8([-128, 0, 127]))
        let uint8 = Self.tensorProto(dims: [3], type: 2) { $0.writePackedInt64s(5, [0, 128, 255]) }
        XCTAssertEqual(try decode(uint8).data, .uint8([0, 128, 255]))
        let bool = Self.tensorProto(dims: [3], type: 9) { $0.writePackedInt64s(5, [1, 0, 1]) }
        XCTAssertEqual(try decode(bool).data, .bool([true, false, true]))
    }

    func testFloat16InInt32DataAndRawData() throws {
        // 0x3C00 = 1, 0xC000 = -2, 0x3555 = 0.333251953125.
        let typed = Self.tensorProto(dims: [3], type: 10) { $0.writePackedInt64s(5, [0x3C00, 0xC000, 0x3555]) }
        XCTAssertEqual(try decode(typed).data, .float32([1, -2, 0.333251953125]))
        let raw = Self.tensorProto(dims: [3], type: 10) { $0.writeBytes(9, [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35]) }
        XCTAssertEqual(try decode(raw).data, .float32([1, -2, 0.333251953125]))
    }

    func testInt8OutOfRangeIsRejected() {
        let bytes = Self.tensorProto(dims: [1], type: 3) { $0.writePackedInt64s(5, [200]) }
        expectError(bytes) { error in
            guard case .invalidModel(_, let element, let problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(element, "tensor 't'")
            XCTAssertTrue(problem.contains("200"), problem)
        }
    }

    func testTypedDataCountMismatch() {
        let bytes = Self.tensorProto(dims: [4], type: 1) { $0.writePackedFloats(4, [1, 2, 3]) }
        expectError(bytes) { error in
            XCTAssertEqual(error, .tensorDataMismatch(source: "test.pb", element: "tensor 't'", tensor: "t",
                                                      expectedElements: 4, actualElements: 3, field: "float_data"))
        }
    }

    func testRawDataCountMismatch() {
        let bytes = Self.tensorProto(dims: [2], type: 1) { $0.writeBytes(9, [0, 0, 128, 63]) }
        expectError(bytes) { error in
            XCTAssertEqual(error, .tensorDataMismatch(source: "test.pb", element: "tensor 't'", tensor: "t",
                                                      expectedElements: 2, actualElements: 1,
                                                      field: "raw_data (4 bytes)"))
        }
    }

    func testTrillionElementTensorIsRejectedBeforeAllocation() {
        let bytes = Self.tensorProto(dims: [1_000_000, 1_000_000], type: 1, name: "huge") {
            $0.writeBytes(9, [0, 0, 0, 0])
        }
        expectError(bytes) { error in
            XCTAssertEqual(error, .tensorTooLarge(source: "test.pb", element: "tensor 'huge'", tensor: "huge",
                                                  dims: [1_000_000, 1_000_000], claimedElements: 1_000_000_000_000,
                                                  limit: 1 << 31))
            XCTAssertTrue(error.description.contains("1000000000000"), error.description)
            XCTAssertTrue(error.description.contains("'huge'"), error.description)
        }
    }

    func testOverflowingDimsAreRejected() {
        let bytes = Self.tensorProto(dims: [Int64.max, 2], type: 1) { $0.writeBytes(9, []) }
        expectError(bytes) { error in
            guard case .tensorTooLarge(_, _, _, let dims, let claimed, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(dims, [Int64.max, 2])
            XCTAssertNil(claimed)
        }
    }

    func testNegativeDimsAreRejected() {
        let bytes = Self.tensorProto(dims: [2, -3], type: 1) { $0.writeBytes(9, []) }
        expectError(bytes) { error in
            XCTAssertEqual(error, .negativeDimension(source: "test.pb", element: "tensor 't'", tensor: "t", dims: [2, -3]))
        }
    }

    func testClaimBeyondDataIsRejectedEvenBelowLimit() {
        // 2^30 elements are under the limit but the message contains 8 bytes.
        let bytes = Self.tensorProto(dims: [1 << 30], type: 7) { $0.writePackedInt64s(7, [1, 2]) }
        expectError(bytes) { error in
            XCTAssertEqual(error, .tensorDataMismatch(source: "test.pb", element: "tensor 't'", tensor: "t",
                                                      expectedElements: 1 << 30, actualElements: 2,
                                                      field: "int64_data"))
        }
    }

    func testExternalDataIsRejectedWithAdvice() {
        let bytes = Self.tensorProto(dims: [4], type: 1, name: "conv1.weight") { writer in
            var entry = ProtobufWriter()
            entry.writeString(1, "location")
            entry.writeString(2, "weights.bin")
            writer.writeMessage(13, entry)
            writer.writeInt64(14, 1)
        }
        expectError(bytes) { error in
            XCTAssertEqual(error, .externalData(source: "test.pb", element: "tensor 'conv1.weight'", tensor: "conv1.weight"))
            XCTAssertTrue(error.description.contains("save_as_external_data=False"), error.description)
        }
    }

    func testUnsupportedElementTypeIsNamed() {
        let bytes = Self.tensorProto(dims: [1], type: 11, name: "d") { $0.writeBytes(9, [UInt8](repeating: 0, count: 8)) }
        expectError(bytes) { error in
            XCTAssertEqual(error, .unsupportedElementType(source: "test.pb", element: "tensor 'd'", tensor: "d", rawType: 11))
            XCTAssertTrue(error.description.contains("double"), error.description)
        }
    }
}

import XCTest
@testable import Evaluation

final class PrecisionConversionTests: XCTestCase {
    func testFloatInt8FloatChainHasOnePair() throws {
        let conversions = try SpeedTestNetworks.chain().conversions(precisions: [.float, .int8, .float])
        XCTAssertEqual(conversions.count, 2)
        XCTAssertEqual(conversions.count { $0.direction == .quantize }, 1)
        XCTAssertEqual(conversions.count { $0.direction == .dequantize }, 1)
        XCTAssertEqual(conversions.first?.value, "a")
        XCTAssertEqual(conversions.first?.consumers, ["b"])
        XCTAssertEqual(conversions.last?.value, "b")
        XCTAssertEqual(conversions.last?.producer, "b")
        XCTAssertEqual(conversions.last?.consumers, ["c"])
    }

    func testAllInt8ConvertsAtGraphEdges() throws {
        let conversions = try SpeedTestNetworks.chain().conversions(precisions: [.int8, .int8, .int8])
        XCTAssertEqual(conversions.count, 2)
        let quantize = try XCTUnwrap(conversions.first)
        XCTAssertEqual(quantize.direction, .quantize)
        XCTAssertEqual(quantize.value, "image")
        XCTAssertNil(quantize.producer, "the graph input has no producing layer")
        XCTAssertEqual(quantize.elements, 256)
        let dequantize = try XCTUnwrap(conversions.last)
        XCTAssertEqual(dequantize.direction, .dequantize)
        XCTAssertEqual(dequantize.value, "c")
        XCTAssertEqual(dequantize.consumers, [], "only the graph output reads it")
    }

    func testAllFloatHasNoConversions() throws {
        let conversions = try SpeedTestNetworks.chain().conversions(precisions: [.float, .float, .float])
        XCTAssertEqual(conversions, [])
    }

    func testConversionBytes() {
        let quantize = PrecisionConversion(direction: .quantize, value: "x", producer: nil, consumers: [], elements: 10)
        XCTAssertEqual(quantize.bytesRead, 40)
        XCTAssertEqual(quantize.bytesWritten, 10)
        let dequantize = PrecisionConversion(direction: .dequantize, value: "x", producer: nil, consumers: [],
                                             elements: 10)
        XCTAssertEqual(dequantize.bytesRead, 10)
        XCTAssertEqual(dequantize.bytesWritten, 40)
    }

    /// A float value read by two int8 layers is quantized once for both.
    func testBranchSharesOneQuantize() throws {
        let stem = try SpeedTestNetworks.convolution(name: "stem", output: "stem")
        func branch(_ name: String) throws -> LayerGeometry {
            try LayerGeometry(name: name, kind: .convolution, inputs: ["stem"], output: name,
                              inputShapes: [[1, 4, 8, 8]], outputShape: [1, 4, 8, 8], weightShape: [4, 4, 1, 1])
        }
        let sum = try LayerGeometry(name: "sum", kind: .add, inputs: ["left", "right"], output: "sum",
                                    inputShapes: [[1, 4, 8, 8], [1, 4, 8, 8]], outputShape: [1, 4, 8, 8])
        let network = try NetworkGeometry(layers: [stem, branch("left"), branch("right"), sum],
                                          graphInputs: ["image"], graphOutputs: ["sum"])
        let conversions = try network.conversions(precisions: [.float, .int8, .int8, .float])
        XCTAssertEqual(conversions.map(\.value), ["stem", "left", "right"])
        XCTAssertEqual(conversions.first?.consumers, ["left", "right"])
        XCTAssertEqual(conversions.dropFirst().map(\.direction), [.dequantize, .dequantize])
    }

    func testPrecisionCountMismatchThrows() throws {
        XCTAssertThrowsError(try SpeedTestNetworks.chain().conversions(precisions: [.float])) {
            XCTAssertEqual($0 as? SpeedModelError, .precisionCountMismatch(layers: 3, precisions: 1))
        }
    }

    func testUnknownInputThrows() throws {
        let layer = try SpeedTestNetworks.convolution(input: "missing")
        XCTAssertThrowsError(try NetworkGeometry(layers: [layer], graphInputs: ["image"], graphOutputs: ["conv"])) {
            XCTAssertEqual($0 as? SpeedModelError, .unknownInput(layer: "conv", value: "missing"))
        }
    }
}

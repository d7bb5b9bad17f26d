import Quantization
import XCTest
@testable import Evaluation

final class LayerCostTests: XCTestCase {
    func testConvolutionCostFloat() throws {
        let cost = try LayerCost(layer: SpeedTestNetworks.convolution(), precision: .float)
        XCTAssertEqual(cost.macs, 6912)
        XCTAssertEqual(cost.weightBytes, 108 * 4)
        XCTAssertEqual(cost.biasBytes, 4 * 4)
        XCTAssertEqual(cost.activationBytesIn, 192 * 4)
        XCTAssertEqual(cost.activationBytesOut, 256 * 4)
        XCTAssertEqual(cost.totalBytes, 432 + 16 + 768 + 1024)
    }

    func testConvolutionCostInt8() throws {
        let cost = try LayerCost(layer: SpeedTestNetworks.convolution(), precision: .int8)
        XCTAssertEqual(cost.macs, 6912)
        XCTAssertEqual(cost.weightBytes, 108)
        XCTAssertEqual(cost.biasBytes, 16, "int32 bias keeps 4 bytes per element")
        XCTAssertEqual(cost.activationBytesIn, 192)
        XCTAssertEqual(cost.activationBytesOut, 256)
        XCTAssertEqual(cost.storedBytes, 124)
    }

    func testFullyConnectedCost() throws {
        let layer = try SpeedTestNetworks.fullyConnected()
        let float = try LayerCost(layer: layer, precision: .float)
        let int8 = try LayerCost(layer: layer, precision: .int8)
        XCTAssertEqual(float.macs, 100)
        XCTAssertEqual(float.weightBytes, 200)
        XCTAssertEqual(float.biasBytes, 20)
        XCTAssertEqual(float.activationBytesIn, 80)
        XCTAssertEqual(float.activationBytesOut, 40)
        XCTAssertEqual(int8.weightBytes, 50)
        XCTAssertEqual(int8.biasBytes, 20)
        XCTAssertEqual(int8.activationBytesIn, 20)
        XCTAssertEqual(int8.activationBytesOut, 10)
    }

    func testFullyConnectedMACsIgnoreWeightOrientation() throws {
        let transposed = try LayerGeometry(name: "fc", kind: .fullyConnected, inputs: ["x"], output: "y",
                                           inputShapes: [[2, 10]], outputShape: [2, 5], weightShape: [10, 5])
        XCTAssertEqual(transposed.macs, 100)
    }

    func testDepthwiseAndGroupedMACs() throws {
        let depthwise = try LayerGeometry(name: "dw", kind: .depthwiseConvolution, inputs: ["x"], output: "y",
                                          inputShapes: [[1, 16, 10, 10]], outputShape: [1, 16, 5, 5],
                                          weightShape: [16, 1, 3, 3], groups: 16)
        XCTAssertEqual(depthwise.macs, 16 * 5 * 5 * 9)
        let grouped = try LayerGeometry(name: "g", kind: .groupedConvolution, inputs: ["x"], output: "y",
                                        inputShapes: [[1, 16, 10, 10]], outputShape: [1, 32, 10, 10],
                                        weightShape: [32, 4, 3, 3], groups: 4)
        XCTAssertEqual(grouped.macs, 32 * 10 * 10 * 4 * 9)
    }

    func testLowBitWidthsKeepByteContainers() throws {
        let layer = try SpeedTestNetworks.convolution()
        let eightBit = try LayerCost(layer: layer, precision: .int8)
        for bits in [2, 4, 7] {
            let narrow = try LayerCost(layer: layer, precision: .int8(weightBits: bits, activationBits: bits))
            XCTAssertEqual(narrow, eightBit, "\(bits)-bit values are stored in 8-bit containers")
        }
        XCTAssertEqual(SimulatedPrecision.int8(weightBits: 4, activationBits: 6).containerBits, 8)
    }

    func testReshapeMovesNoBytes() throws {
        let reshape = try LayerGeometry(name: "flatten", kind: .reshape, inputs: ["x"], output: "y",
                                        inputShapes: [[1, 4, 2, 2]], outputShape: [1, 16])
        let cost = try LayerCost(layer: reshape, precision: .float)
        XCTAssertEqual(cost.macs, 0)
        XCTAssertEqual(cost.totalBytes, 0)
    }

    func testBitWidthOutsideRangeThrows() throws {
        let layer = try SpeedTestNetworks.convolution()
        XCTAssertThrowsError(try LayerCost(layer: layer, precision: .int8(weightBits: 9, activationBits: 8))) {
            XCTAssertEqual($0 as? SpeedModelError, .invalidBitWidth(layer: "conv", weightBits: 9, activationBits: 8))
        }
        XCTAssertThrowsError(try LayerCost(layer: layer, precision: .int8(weightBits: 8, activationBits: 1)))
    }

    func testFloatOperationRejectsInt8() throws {
        let softmax = try LayerGeometry(name: "softmax", kind: .floatOperation, inputs: ["x"], output: "y",
                                        inputShapes: [[1, 10]], outputShape: [1, 10])
        XCTAssertThrowsError(try LayerCost(layer: softmax, precision: .int8)) {
            XCTAssertEqual($0 as? SpeedModelError, .int8NotSupported(layer: "softmax", kind: .floatOperation))
        }
    }

    func testGeometryRejectsZeroDimension() {
        XCTAssertThrowsError(try LayerGeometry(name: "bad", kind: .add, inputs: ["x"], output: "y",
                                               inputShapes: [[1, 0, 4]], outputShape: [1, 0, 4])) {
            XCTAssertEqual($0 as? SpeedModelError, .invalidShape(layer: "bad", shape: [1, 0, 4]))
        }
    }

    func testGeometryRejectsGroupMismatch() {
        XCTAssertThrowsError(try LayerGeometry(name: "dw", kind: .depthwiseConvolution, inputs: ["x"], output: "y",
                                               inputShapes: [[1, 8, 4, 4]], outputShape: [1, 8, 4, 4],
                                               weightShape: [8, 1, 3, 3], groups: 4)) {
            XCTAssertEqual($0 as? SpeedModelError,
                           .weightShapeMismatch(layer: "dw", weightShape: [8, 1, 3, 3], inputChannels: 8, groups: 4))
        }
    }

    func testGeometryFromPreparedLayer() throws {
        let prepared = QuantizableLayer(name: "fc", kind: .fullyConnected, opType: "Gemm", inputs: ["features"],
                                        output: "logits", weight: "fc.weight", bias: "fc.bias",
                                        weightOutputChannelAxis: 0, nodes: ["fc"])
        let geometry = try LayerGeometry(layer: prepared, inputShapes: [[2, 10]], outputShape: [2, 5],
                                         weightShape: [5, 10])
        XCTAssertEqual(geometry.kind, .fullyConnected)
        XCTAssertEqual(geometry.inputs, ["features"])
        XCTAssertEqual(geometry.output, "logits")
        XCTAssertEqual(geometry.biasElements, 5)
        XCTAssertEqual(geometry.macs, 100)
        XCTAssertEqual(LayerGeometry.Kind(.maxPool), .pooling)
    }

    func testGeometryRequiresWeightShape() {
        XCTAssertThrowsError(try LayerGeometry(name: "conv", kind: .convolution, inputs: ["x"], output: "y",
                                               inputShapes: [[1, 3, 4, 4]], outputShape: [1, 3, 4, 4])) {
            XCTAssertEqual($0 as? SpeedModelError, .missingWeightShape(layer: "conv", kind: .convolution))
        }
    }
}

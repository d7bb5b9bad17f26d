import Foundation
import XCTest
@testable import QuantCore

/// Reads real files from the ONNX project's operator test data (copied into
/// Fixtures/onnx-reader) and checks the decoded values exactly.
final class ONNXReaderFixtureTests: XCTestCase {
    static func fixturePath(_ relative: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/onnx-reader/\(relative)").path
    }

    func testConvModelStructure() throws {
        let model = try ONNXReader.readModel(at: Self.fixturePath("test_conv_with_strides_padding/model.onnx"))
        XCTAssertEqual(model.irVersion, 6)
        XCTAssertEqual(model.producerName, "backend-test")
        XCTAssertEqual(model.opsetImports, [OpsetImport(domain: "", version: 11)])
        XCTAssertEqual(model.defaultOpsetVersion, 11)
        XCTAssertEqual(model.graph.name, "test_conv_with_strides_padding")
        XCTAssertEqual(model.graph.nodes.count, 1)

        let conv = model.graph.nodes[0]
        XCTAssertEqual(conv.opType, "Conv")
        XCTAssertEqual(conv.inputs, ["x", "W"])
        XCTAssertEqual(conv.outputs, ["y"])
        XCTAssertEqual(conv.attributes["kernel_shape"], .ints([3, 3]))
        XCTAssertEqual(conv.attributes["pads"], .ints([1, 1, 1, 1]))
        XCTAssertEqual(conv.attributes["strides"], .ints([2, 2]))
        XCTAssertEqual(conv.attributes.count, 3)

        XCTAssertEqual(model.graph.inputs.map(\.name), ["x", "W"])
        XCTAssertEqual(model.graph.inputs[0].elementType, .float32)
        XCTAssertEqual(model.graph.inputs[0].shape, [.value(1), .value(1), .value(7), .value(5)])
        XCTAssertEqual(model.graph.inputs[1].shape, [.value(1), .value(1), .value(3), .value(3)])
        XCTAssertEqual(model.graph.outputs.map(\.name), ["y"])
        XCTAssertEqual(model.graph.outputs[0].shape, [.value(1), .value(1), .value(4), .value(3)])
        XCTAssertTrue(model.graph.initializers.isEmpty)
        XCTAssertEqual(model.graph.runtimeInputs.map(\.name), ["x", "W"])
    }

    func testConvDataSetTensors() throws {
        let directory = "test_conv_with_strides_padding/test_data_set_0/"
        let (xName, x) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "input_0.pb"))
        XCTAssertEqual(xName, "x")
        XCTAssertEqual(x.shape, [1, 1, 7, 5])
        XCTAssertEqual(try x.floats(), (0..<35).map(Float.init))

        let (wName, w) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "input_1.pb"))
        XCTAssertEqual(wName, "W")
        XCTAssertEqual(w.shape, [1, 1, 3, 3])
        XCTAssertEqual(try w.floats(), [Float](repeating: 1, count: 9))

        let (yName, y) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "output_0.pb"))
        XCTAssertEqual(yName, "y")
        XCTAssertEqual(y.shape, [1, 1, 4, 3])
        XCTAssertEqual(try y.floats(), [12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124])
    }

    func testQLinearConvUInt8Tensors() throws {
        let model = try ONNXReader.readModel(at: Self.fixturePath("test_qlinearconv/model.onnx"))
        XCTAssertEqual(model.graph.inputs.map(\.name),
                       ["x", "x_scale", "x_zero_point", "w", "w_scale", "w_zero_point", "y_scale", "y_zero_point"])
        XCTAssertEqual(model.graph.inputs.map(\.elementType), [.uint8, .float32, .uint8, .uint8, .float32, .uint8, .float32, .uint8])

        let directory = "test_qlinearconv/test_data_set_0/"
        let (_, x) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "input_0.pb"))
        XCTAssertEqual(x.shape, [1, 1, 7, 7])
        guard case .uint8(let xValues) = x.data else { return XCTFail("x is \(x.elementType), expected uint8") }
        XCTAssertEqual(Array(xValues.prefix(8)), [255, 174, 162, 25, 203, 168, 58, 15])

        let (_, scale) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "input_1.pb"))
        XCTAssertEqual(scale.shape, [])
        XCTAssertEqual(try scale.floats(), [0.003692046971991658])

        let (_, wScale) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "input_4.pb"))
        XCTAssertEqual(wScale.shape, [1])

        let (_, wZeroPoint) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "input_5.pb"))
        XCTAssertEqual(wZeroPoint.data, .uint8([255]))

        let (yName, y) = try ONNXReader.readTensor(at: Self.fixturePath(directory + "output_0.pb"))
        XCTAssertEqual(yName, "y")
        XCTAssertEqual(y.data, .uint8([0, 81, 93, 230, 52, 87, 197, 240, 196, 18, 160, 126, 255, 191, 199, 13, 102,
                                       34, 87, 243, 89, 23, 77, 69, 60, 18, 93, 18, 67, 216, 131, 178, 175, 153,
                                       212, 128, 25, 234, 172, 214, 215, 121, 0, 101, 163, 114, 213, 107, 8]))
    }

    func testFloat16TensorWidens() throws {
        let (name, tensor) = try ONNXReader.readTensor(
            at: Self.fixturePath("test_cast_FLOAT16_to_FLOAT/test_data_set_0/input_0.pb"))
        XCTAssertEqual(name, "input")
        XCTAssertEqual(tensor.shape, [3, 4])
        XCTAssertEqual(try tensor.floats(), [0.1182861328125, 0.64013671875, 0.143310546875, 0.94482421875,
                                             0.52197265625, 0.41455078125, 0.2646484375, 0.7744140625,
                                             0.4560546875, 0.568359375, 0.0187835693359375, 0.61767578125])
    }

    func testConstantTensorAttributeInFloatData() throws {
        let model = try ONNXReader.readModel(at: Self.fixturePath("test_constant/model.onnx"))
        guard case .tensor(let value) = model.graph.nodes[0].attributes["value"] else {
            return XCTFail("Constant has no TENSOR attribute 'value'")
        }
        XCTAssertEqual(value.shape, [5, 5])
        XCTAssertEqual(value.count, 25)
        let (_, expected) = try ONNXReader.readTensor(at: Self.fixturePath("test_constant/test_data_set_0/output_0.pb"))
        XCTAssertEqual(value.data, expected.data)
    }

    func testIfModelSubgraphs() throws {
        let model = try ONNXReader.readModel(at: Self.fixturePath("test_if/model.onnx"))
        let node = model.graph.nodes[0]
        XCTAssertEqual(node.opType, "If")
        guard case .graph(let elseBranch) = node.attributes["else_branch"] else {
            return XCTFail("If has no GRAPH attribute 'else_branch'")
        }
        XCTAssertEqual(elseBranch.nodes.map(\.opType), ["Constant"])
        XCTAssertEqual(elseBranch.nodes[0].outputs, ["else_out"])
        guard case .tensor(let constant) = elseBranch.nodes[0].attributes["value"] else {
            return XCTFail("else branch Constant has no tensor")
        }
        XCTAssertEqual(try constant.floats(), [5, 4, 3, 2, 1])
        guard case .graph(let thenBranch) = node.attributes["then_branch"] else {
            return XCTFail("If has no GRAPH attribute 'then_branch'")
        }
        XCTAssertEqual(thenBranch.nodes.count, 1)
    }
}

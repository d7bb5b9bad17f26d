import Foundation
import XCTest
@testable import QuantCore

/// Writes models for Fixtures/onnx-reader/check_writer.py, which loads them
/// with the Python onnx checker and onnxruntime. Runs only when
/// QUANTSCOPE_WRITER_CHECK_DIR names an output directory.
final class ONNXWriterExportTests: XCTestCase {
    static let rewrittenFixtures = ["test_conv_with_strides_padding", "test_qlinearconv", "test_if",
                                    "test_constant", "test_cast_FLOAT16_to_FLOAT"]

    func testExportModelsForExternalCheck() throws {
        guard let directory = ProcessInfo.processInfo.environment["QUANTSCOPE_WRITER_CHECK_DIR"] else {
            throw XCTSkip("set QUANTSCOPE_WRITER_CHECK_DIR to write models for check_writer.py")
        }
        for name in Self.rewrittenFixtures {
            let model = try ONNXReader.readModel(at: ONNXReaderFixtureTests.fixturePath("\(name)/model.onnx"))
            try ONNXWriter.writeModel(model, to: "\(directory)/\(name).onnx")
        }
        try ONNXWriter.writeModel(try Self.smallNetwork(), to: "\(directory)/small_network.onnx")
        let input = try Tensor(shape: [1, 1, 4, 4], data: .float32((0..<16).map { Float($0) / 8 - 1 }))
        try ONNXWriter.writeTensor(input, name: "image", to: "\(directory)/small_network_input.pb")
    }

    /// Conv, Relu, Reshape, QuantizeLinear and DequantizeLinear with
    /// float32, int64 and int8 initializers, and a Constant node.
    static func smallNetwork() throws -> Model {
        let weights = try Tensor(shape: [2, 1, 3, 3], data: .float32((0..<18).map { Float($0 % 5) / 4 - 0.5 }))
        let bias = try Tensor(shape: [2], data: .float32([0.25, -0.5]))
        let flatShape = try Tensor(shape: [2], data: .int64([1, -1]))
        let scale = try Tensor(shape: [], data: .float32([0.05]))
        let zeroPoint = try Tensor(shape: [], data: .int8([-3]))
        let offset = try Tensor(shape: [1], data: .float32([0.5]))
        let nodes = [
            Node(name: "conv", opType: "Conv", inputs: ["image", "weights", "bias"], outputs: ["conv_out"],
                 attributes: ["pads": .ints([1, 1, 1, 1]), "strides": .ints([1, 1]), "kernel_shape": .ints([3, 3])]),
            Node(opType: "Relu", inputs: ["conv_out"], outputs: ["relu_out"]),
            Node(opType: "Reshape", inputs: ["relu_out", "flat_shape"], outputs: ["flat"]),
            Node(opType: "QuantizeLinear", inputs: ["flat", "scale", "zero_point"], outputs: ["quantized"]),
            Node(opType: "DequantizeLinear", inputs: ["quantized", "scale", "zero_point"], outputs: ["dequantized"]),
            Node(opType: "Constant", inputs: [], outputs: ["offset"], attributes: ["value": .tensor(offset)]),
            Node(opType: "Add", inputs: ["dequantized", "offset"], outputs: ["output"]),
        ]
        let initializers = [("weights", weights), ("bias", bias), ("flat_shape", flatShape),
                            ("scale", scale), ("zero_point", zeroPoint)]
        let graph = Graph(name: "small_network", nodes: nodes,
                          initializers: Dictionary(uniqueKeysWithValues: initializers),
                          initializerOrder: initializers.map(\.0),
                          inputs: [ValueInfo(name: "image", shape: [.parameter("batch"), .value(1), .value(4), .value(4)])],
                          outputs: [ValueInfo(name: "output", shape: [.parameter("batch"), .value(32)])])
        return Model(irVersion: 8, opsetImports: [OpsetImport(domain: "", version: 13)], graph: graph,
                     metadataProps: [(key: "source", value: "ONNXWriterExportTests")])
    }
}

import XCTest
import QuantCore
@testable import Quantization

final class ModelCalibrationTests: XCTestCase {
    /// x -> conv (relu fused) -> flatten -> y.
    private func preparedModel() throws -> PreparedModel {
        let nodes = [
            Node(name: "conv", opType: "Conv", inputs: ["x", "w"], outputs: ["c"]),
            Node(name: "relu", opType: "Relu", inputs: ["c"], outputs: ["r"]),
            Node(name: "flatten", opType: "Flatten", inputs: ["r"], outputs: ["y"]),
        ]
        let graph = Graph(nodes: nodes, initializers: ["w": Tensor(shape: [2, 1, 1, 1], floats: [0.5, -3])],
                          inputs: [ValueInfo(name: "x", shape: nil)], outputs: [ValueInfo(name: "y", shape: nil)])
        return try GraphPreparation.prepare(Model(graph: graph))
    }

    func testObservesLayerInputsAndOutputs() throws {
        var calibration = try ModelCalibration(prepared: preparedModel())
        XCTAssertEqual(calibration.activationNames, ["x", "r", "y"])

        try calibration.observe(["x": Tensor(shape: [2], floats: [-1, 4]), "r": Tensor(shape: [1], floats: [2]),
                                 "y": Tensor(shape: [1], floats: [2]), "c": Tensor(shape: [1], floats: [99])])
        try calibration.observe(["x": Tensor(shape: [1], floats: [7]), "r": Tensor(shape: [1], floats: [0]),
                                 "y": Tensor(shape: [1], floats: [0])])

        let ranges = try calibration.clipRanges(method: .minMax)
        XCTAssertEqual(ranges["x"], ClipRange(lower: -1, upper: 7))
        XCTAssertEqual(ranges["r"], ClipRange(lower: 0, upper: 2))
        XCTAssertNil(ranges["c"], "the pre-activation value is not a layer output")
        XCTAssertEqual(calibration.batchCount, 2)
    }

    func testWeightStatisticsPerLayer() throws {
        let calibration = try ModelCalibration(prepared: preparedModel())

        let weight = try XCTUnwrap(calibration.weights["conv"])
        XCTAssertEqual(weight.tensorName, "w")
        XCTAssertEqual(weight.channelRanges, [ClipRange(lower: 0.5, upper: 0.5), ClipRange(lower: -3, upper: -3)])
    }

    func testUnobservedTensorThrowsOnRanges() throws {
        var calibration = try ModelCalibration(prepared: preparedModel())
        try calibration.observe(["x": Tensor(shape: [1], floats: [1])])

        XCTAssertThrowsError(try calibration.clipRanges(method: .kl)) { error in
            XCTAssertEqual(error as? CalibrationError, .noValuesObserved(tensor: "r"))
        }
    }

    func testThreadCountLeavesStatisticsUnchanged() throws {
        let prepared = try GraphPreparation.prepare(SmallCNN.model())
        let images = SmallCNN.images(count: 70)
        let sequential = try CalibratedModel.calibrate(prepared: prepared, images: images, batchSize: 8, threadCount: 1)
        for threads in [2, 3, 16] {
            let parallel = try CalibratedModel.calibrate(prepared: prepared, images: images, batchSize: 8,
                                                         threadCount: threads)
            XCTAssertEqual(parallel.calibration, sequential.calibration, "\(threads) threads")
            XCTAssertEqual(parallel.calibration.batchCount, 9, "\(threads) threads: 70 images in batches of 8")
            XCTAssertEqual(parallel.sampleShapes, sequential.sampleShapes, "\(threads) threads")
        }
    }
}

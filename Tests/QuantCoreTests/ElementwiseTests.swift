@testable import QuantCore
import XCTest

final class ElementwiseTests: XCTestCase {
    func testAddBroadcastsTrailingVector() throws {
        let output = try runOperator("Add", [floats([2, 3], [1, 2, 3, 4, 5, 6]), floats([3], [10, 20, 30])])
        XCTAssertEqual(output.shape, [2, 3])
        XCTAssertEqual(values(output), [11, 22, 33, 14, 25, 36])
    }

    func testMulBroadcastsBothDirections() throws {
        let output = try runOperator("Mul", [floats([2, 1], [1, 2]), floats([1, 3], [3, 4, 5])])
        XCTAssertEqual(output.shape, [2, 3])
        XCTAssertEqual(values(output), [3, 4, 5, 6, 8, 10])
    }

    func testSubBroadcastsAcrossRanks() throws {
        let output = try runOperator("Sub", [floats([3, 1, 2], [0, 1, 2, 3, 4, 5]), floats([2, 1], [10, 20])])
        XCTAssertEqual(output.shape, [3, 2, 2])
        XCTAssertEqual(values(output), [-10, -9, -20, -19, -8, -7, -18, -17, -6, -5, -16, -15])
    }

    func testDivByScalar() throws {
        let output = try runOperator("Div", [floats([], [12]), floats([2, 2], [1, 2, 3, 4])])
        XCTAssertEqual(output.shape, [2, 2])
        XCTAssertEqual(values(output), [12, 6, 4, 3])
    }

    func testIncompatibleShapesAreRejected() {
        XCTAssertThrowsError(try runOperator("Add", [floats([2, 3], Array(repeating: 0, count: 6)), floats([2], [0, 0])])) { error in
            guard case EngineError.invalidShape(_, _, let shapes, _)? = error as? EngineError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(shapes, [[2, 3], [2]])
        }
    }

    func testClipBoundsByOpset() throws {
        let x = floats([4], [-2, -0.5, 0.5, 2])
        let attributeClip = try runOperator("Clip", [x], attributes: ["min": .float(-1), "max": .float(1)], opset: 6)
        XCTAssertEqual(values(attributeClip), [-1, -0.5, 0.5, 1])
        let onlyMax = try runOperator("Clip", [x, nil, floats([], [1])], opset: 13)
        XCTAssertEqual(values(onlyMax), [-2, -0.5, 0.5, 1])
        let both = try runOperator("Clip", [x, floats([], [0]), floats([], [1])], opset: 11)
        XCTAssertEqual(values(both), [0, 0, 0.5, 1])
    }

    func testActivationsAtHandPoints() throws {
        let x = floats([3], [-3, 0, 3])
        XCTAssertEqual(values(try runOperator("Relu", [x])), [0, 0, 3])
        XCTAssertEqual(values(try runOperator("LeakyRelu", [x], attributes: ["alpha": .float(0.5)])), [-1.5, 0, 3])
        XCTAssertEqual(values(try runOperator("HardSigmoid", [x])), [0, 0.5, 1])
        XCTAssertEqual(values(try runOperator("HardSwish", [x], opset: 14)), [0, 0, 3])
        XCTAssertEqual(values(try runOperator("Sigmoid", [x]))[1], 0.5)
        XCTAssertEqual(values(try runOperator("Tanh", [x]))[2], 0.9950547, accuracy: 1e-6)
    }

    func testBatchNormalizationInference() throws {
        let x = floats([1, 2, 1, 2], [1, 2, 3, 4])
        let output = try runOperator("BatchNormalization", [x, floats([2], [2, 1]), floats([2], [0, 1]),
                                                            floats([2], [1, 3]), floats([2], [4, 1])],
                                     attributes: ["epsilon": .float(0)])
        // Channel 0: 2 * (x - 1) / 2; channel 1: (x - 3) / 1 + 1.
        XCTAssertEqual(values(output), [0, 1, 1, 2])
    }

    func testBatchNormalizationRejectsTrainingMode() {
        let x = floats([1, 1, 1, 1], [1])
        let parameter = floats([1], [1])
        XCTAssertThrowsError(try runOperator("BatchNormalization", [x, parameter, parameter, parameter, parameter],
                                             attributes: ["training_mode": .int(1)], opset: 15)) { error in
            guard case EngineError.unsupportedMode(_, "BatchNormalization", let reason)? = error as? EngineError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(reason.contains("training_mode"))
        }
    }
}

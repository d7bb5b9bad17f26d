@testable import QuantCore
import XCTest

final class ShapeOperatorTests: XCTestCase {
    private let x = floats([2, 3, 4], (0..<24).map(Float.init))

    func testReshapeZeroCopiesAndMinusOneInfers() throws {
        XCTAssertEqual(try runOperator("Reshape", [x, int64s([0, -1])]).shape, [2, 12])
        XCTAssertEqual(try runOperator("Reshape", [x, int64s([-1, 0, 2])]).shape, [4, 3, 2])
        XCTAssertEqual(try runOperator("Reshape", [x, int64s([4, 0, 2])]).shape, [4, 3, 2])
        XCTAssertEqual(values(try runOperator("Reshape", [x, int64s([24])])), values(x))
    }

    func testReshapeAllowZeroKeepsRealZero() throws {
        let empty = try Tensor(shape: [0, 3], data: .float32([]))
        let output = try runOperator("Reshape", [empty, int64s([3, 0])], attributes: ["allowzero": .int(1)], opset: 14)
        XCTAssertEqual(output.shape, [3, 0])
    }

    func testReshapeRejectsTwoInferredDimensions() {
        XCTAssertThrowsError(try runOperator("Reshape", [x, int64s([-1, -1])])) { error in
            guard case EngineError.invalidAttribute(_, _, "shape", let value, _)? = error as? EngineError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(value, "[-1, -1]")
        }
    }

    func testReshapeRejectsWrongCount() {
        XCTAssertThrowsError(try runOperator("Reshape", [x, int64s([5, -1])]))
        XCTAssertThrowsError(try runOperator("Reshape", [x, int64s([5, 5])]))
    }

    func testFlattenAxes() throws {
        XCTAssertEqual(try runOperator("Flatten", [x]).shape, [2, 12])
        XCTAssertEqual(try runOperator("Flatten", [x], attributes: ["axis": .int(0)]).shape, [1, 24])
        XCTAssertEqual(try runOperator("Flatten", [x], attributes: ["axis": .int(-1)]).shape, [6, 4])
        XCTAssertEqual(try runOperator("Flatten", [x], attributes: ["axis": .int(3)]).shape, [24, 1])
        XCTAssertThrowsError(try runOperator("Flatten", [x], attributes: ["axis": .int(4)]))
    }

    func testSqueezeAxesAttributeAndInput() throws {
        let y = floats([1, 3, 1], [1, 2, 3])
        XCTAssertEqual(try runOperator("Squeeze", [y], attributes: ["axes": .ints([0])], opset: 11).shape, [3, 1])
        XCTAssertEqual(try runOperator("Squeeze", [y, int64s([-1])], opset: 13).shape, [1, 3])
        XCTAssertEqual(try runOperator("Squeeze", [y], opset: 13).shape, [3])
        XCTAssertThrowsError(try runOperator("Squeeze", [y, int64s([1])], opset: 13))
    }

    func testUnsqueezeAxesAttributeAndInput() throws {
        let y = floats([3], [1, 2, 3])
        XCTAssertEqual(try runOperator("Unsqueeze", [y], attributes: ["axes": .ints([1])], opset: 11).shape, [3, 1])
        XCTAssertEqual(try runOperator("Unsqueeze", [y, int64s([0, -1])], opset: 13).shape, [1, 3, 1])
    }

    func testTransposeDefaultAndPermutation() throws {
        let matrix = floats([2, 3], [1, 2, 3, 4, 5, 6])
        let reversed = try runOperator("Transpose", [matrix])
        XCTAssertEqual(reversed.shape, [3, 2])
        XCTAssertEqual(values(reversed), [1, 4, 2, 5, 3, 6])
        let permuted = try runOperator("Transpose", [x], attributes: ["perm": .ints([1, 0, 2])])
        XCTAssertEqual(permuted.shape, [3, 2, 4])
        XCTAssertEqual(Array(values(permuted)[4..<8]), [12, 13, 14, 15])
    }

    func testConcatNegativeAxis() throws {
        let output = try runOperator("Concat", [floats([2, 1], [1, 2]), floats([2, 2], [3, 4, 5, 6])],
                                     attributes: ["axis": .int(-1)])
        XCTAssertEqual(output.shape, [2, 3])
        XCTAssertEqual(values(output), [1, 3, 4, 2, 5, 6])
    }

    func testDropoutMaskAndConstantAttributes() throws {
        let outputs = try runOperatorOutputs("Dropout", [floats([2], [1, 2])], opset: 13, outputs: 2)
        XCTAssertEqual(values(outputs[0]), [1, 2])
        XCTAssertEqual(outputs[1].data, .bool([true, true]))
        let constant = try runOperator("Constant", [], attributes: ["value_ints": .ints([3, 4])])
        XCTAssertEqual(constant.data, .int64([3, 4]))
        let scalar = try runOperator("Constant", [], attributes: ["value_float": .float(2.5)])
        XCTAssertEqual(scalar.shape, [])
    }
}

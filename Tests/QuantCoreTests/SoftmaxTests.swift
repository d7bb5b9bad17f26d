@testable import QuantCore
import XCTest

final class SoftmaxTests: XCTestCase {
    private let x = floats([1, 2, 2], [1, 2, 3, 4])

    func testOpset11CoercesToMatrixAtAxis() throws {
        // Default axis 1 flattens [1, 2, 2] to [1, 4]: one softmax over all four.
        let output = try runOperator("Softmax", [x], opset: 11)
        XCTAssertEqual(output.shape, [1, 2, 2])
        let expected: [Float] = [0.0320586, 0.08714432, 0.23688282, 0.64391426]
        XCTAssertLessThan(maximumDifference(values(output), expected), 1e-6)
    }

    func testOpset13NormalizesEachAxisSlice() throws {
        // Default axis -1: each pair normalizes separately.
        let output = try runOperator("Softmax", [x], opset: 13)
        let expected: [Float] = [0.26894142, 0.73105858, 0.26894142, 0.73105858]
        XCTAssertLessThan(maximumDifference(values(output), expected), 1e-6)
    }

    func testOpset13MiddleAxis() throws {
        let output = try runOperator("Softmax", [x], attributes: ["axis": .int(1)], opset: 13)
        // Slices along axis 1 are (1, 3) and (2, 4).
        let expected: [Float] = [0.11920292, 0.11920292, 0.88079708, 0.88079708]
        XCTAssertLessThan(maximumDifference(values(output), expected), 1e-6)
    }

    func testLargeValuesStayFinite() throws {
        let output = try runOperator("Softmax", [floats([1, 2], [10000, 10001])])
        XCTAssertLessThan(maximumDifference(values(output), [0.26894142, 0.73105858]), 1e-6)
    }
}

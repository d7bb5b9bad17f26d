@testable import QuantCore
import XCTest

final class PoolingTests: XCTestCase {
    private let oneToSixteen = floats([1, 1, 4, 4], (1...16).map(Float.init))

    func testMaxPoolCeilModeAddsPartialWindow() throws {
        let attributes: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2])]
        let floor = try runOperator("MaxPool", [oneToSixteen], attributes: attributes)
        XCTAssertEqual(floor.shape, [1, 1, 1, 1])
        XCTAssertEqual(values(floor), [11])
        let ceil = try runOperator("MaxPool", [oneToSixteen], attributes: attributes.merging(["ceil_mode": .int(1)]) { $1 })
        XCTAssertEqual(ceil.shape, [1, 1, 2, 2])
        XCTAssertEqual(values(ceil), [11, 12, 15, 16])
    }

    func testCeilModeDropsWindowStartingInEndPadding() throws {
        // Length 5, kernel 2, stride 2, padding 1 each side: ceil gives 4 windows,
        // but the fourth would start at index 5, inside the end padding only.
        let x = floats([1, 1, 5], [1, 2, 3, 4, 5])
        let output = try runOperator("MaxPool", [x], attributes: ["kernel_shape": .ints([2]), "strides": .ints([2]),
                                                                   "pads": .ints([1, 1]), "ceil_mode": .int(1)])
        XCTAssertEqual(output.shape, [1, 1, 3])
        XCTAssertEqual(values(output), [1, 3, 5])
    }

    func testMaxPoolSameLowerAndUpper() throws {
        let attributes: [String: Attribute] = ["kernel_shape": .ints([2, 2])]
        let lower = try runOperator("MaxPool", [oneToSixteen],
                                    attributes: attributes.merging(["auto_pad": .string(Array("SAME_LOWER".utf8))]) { $1 })
        XCTAssertEqual(lower.shape, [1, 1, 4, 4])
        XCTAssertEqual(values(lower), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
        let upper = try runOperator("MaxPool", [oneToSixteen],
                                    attributes: attributes.merging(["auto_pad": .string(Array("SAME_UPPER".utf8))]) { $1 })
        XCTAssertEqual(values(upper), [6, 7, 8, 8, 10, 11, 12, 12, 14, 15, 16, 16, 14, 15, 16, 16])
    }

    func testMaxPoolDilations() throws {
        let output = try runOperator("MaxPool", [oneToSixteen], attributes: ["kernel_shape": .ints([2, 2]),
                                                                              "dilations": .ints([2, 2])])
        XCTAssertEqual(output.shape, [1, 1, 2, 2])
        XCTAssertEqual(values(output), [11, 12, 15, 16])
    }

    func testAveragePoolCountIncludePad() throws {
        let x = floats([1, 1, 3, 3], (1...9).map(Float.init))
        let attributes: [String: Attribute] = ["kernel_shape": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]
        let excluded = try runOperator("AveragePool", [x], attributes: attributes)
        let included = try runOperator("AveragePool", [x], attributes: attributes.merging(["count_include_pad": .int(1)]) { $1 })
        XCTAssertEqual(excluded.shape, [1, 1, 4, 4])
        // Top-left window sees only x[0, 0] = 1; the window at (1, 1) sees 1 + 2 + 4 + 5.
        XCTAssertEqual(values(excluded)[0], 1)
        XCTAssertEqual(values(included)[0], 0.25)
        XCTAssertEqual(values(excluded)[5], 3)
        XCTAssertEqual(values(included)[5], 3)
        XCTAssertEqual(values(excluded)[15], 9)
        XCTAssertEqual(values(included)[15], 2.25)
    }

    func testAveragePoolCeilModeDividesByTapsInside() throws {
        let output = try runOperator("AveragePool", [oneToSixteen],
                                     attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "ceil_mode": .int(1)])
        XCTAssertEqual(output.shape, [1, 1, 2, 2])
        XCTAssertEqual(values(output), [6, 7.5, 12, 13.5])
    }

    func testGlobalAveragePool() throws {
        let x = floats([1, 2, 2, 2], [1, 2, 3, 4, 10, 20, 30, 40])
        let output = try runOperator("GlobalAveragePool", [x])
        XCTAssertEqual(output.shape, [1, 2, 1, 1])
        XCTAssertEqual(values(output), [2.5, 25])
    }
}

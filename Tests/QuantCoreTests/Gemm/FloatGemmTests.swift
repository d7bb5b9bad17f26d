@testable import QuantCore
import XCTest

/// `FloatGemm` against its scalar triple loop. The two sum in different
/// orders, so they may differ by rounding: the budget per element is
/// `K * 2^-23 * sum_k |A[i][k] * B[k][j]|`, the classic bound on the
/// rounding error of two K-term float sums (gamma_K times the absolute sum,
/// for each side).
final class FastFloatGemmTests: XCTestCase {
    func testFloatGemmMatchesReference() throws {
        let shapes: [(rows: Int, columns: Int, depth: Int)] = [
            (1, 1, 1), (1, 9, 3), (7, 1, 5), (6, 8, 256), (7, 17, 257), (13, 70, 129),
            (37, 130, 300), (150, 40, 600), (13, 33, 1000),
        ]
        var largestDifference: Float = 0
        var largestBudgetShare: Float = 0
        for (index, (rows, columns, depth)) in shapes.enumerated() {
            let a = seededFloats(rows * depth, seed: UInt64(2 * index))
            let b = seededFloats(depth * columns, seed: UInt64(2 * index + 1))
            for layout in [GemmWeightLayout.rowMajor, .columnMajor] {
                let expected = try FloatGemm.reference(a, rowCount: rows, b: b, depth: depth, columnCount: columns,
                                                       layout: layout)
                let packed = try PackedFloatWeights(b, depth: depth, columnCount: columns, layout: layout)
                for instructionSet in FloatGemmInstructionSet.available {
                    let actual = try FloatGemm.multiply(a, rowCount: rows, weights: packed, threadCount: 2,
                                                        instructionSet: instructionSet)
                    XCTAssertEqual(actual.count, expected.count)
                    for row in 0..<rows {
                        for column in 0..<columns {
                            var absoluteSum: Float = 0
                            for k in 0..<depth {
                                absoluteSum += abs(a[row * depth + k]
                                    * b[layout.index(k: k, n: column, depth: depth, columnCount: columns)])
                            }
                            let budget = Float(depth) * Float.ulpOfOne * absoluteSum
                            let difference = abs(actual[row * columns + column] - expected[row * columns + column])
                            largestDifference = max(largestDifference, difference)
                            if budget > 0 { largestBudgetShare = max(largestBudgetShare, difference / budget) }
                            XCTAssertLessThanOrEqual(difference, budget, "\(instructionSet) M\(rows) N\(columns) "
                                                     + "K\(depth) \(layout) at (\(row), \(column))")
                        }
                    }
                }
            }
        }
        print("FloatGemm paths \(FloatGemmInstructionSet.available.map(\.rawValue)): largest difference "
              + "from reference \(largestDifference), largest share of the error budget \(largestBudgetShare)")
    }

    func testFloatGemmRejectsWrongBufferSize() throws {
        let packed = try PackedFloatWeights([Float](repeating: 1, count: 6), depth: 2, columnCount: 3,
                                            layout: .rowMajor)
        XCTAssertThrowsError(try FloatGemm.multiply([Float](repeating: 1, count: 5), rowCount: 2,
                                                    weights: packed)) { error in
            XCTAssertEqual(error as? GemmError, .bufferSizeMismatch(operand: "A", expected: 4, actual: 5))
        }
    }

    func testPackingPlacesEveryElement() throws {
        let width = FloatGemm.panelWidth
        for (depth, columns) in [(1, 1), (3, 31), (17, 32), (40, 33), (129, 70)] {
            let b = (0..<(depth * columns)).map { Float($0 + 1) }
            for layout in [GemmWeightLayout.rowMajor, .columnMajor] {
                let packed = try PackedFloatWeights(b, depth: depth, columnCount: columns, layout: layout)
                let panels = (columns + width - 1) / width
                XCTAssertEqual(packed.packed.count, panels * depth * width, "K\(depth) N\(columns) \(layout) size")
                var mismatches = 0
                for panel in 0..<panels {
                    for k in 0..<depth {
                        for lane in 0..<width {
                            let n = panel * width + lane
                            let expected = n < columns
                                ? b[layout.index(k: k, n: n, depth: depth, columnCount: columns)] : 0
                            if packed.packed[(panel * depth + k) * width + lane] != expected { mismatches += 1 }
                        }
                    }
                }
                XCTAssertEqual(mismatches, 0, "K\(depth) N\(columns) \(layout): misplaced packed elements")
            }
        }
    }
}

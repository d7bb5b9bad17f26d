@testable import QuantCore
import XCTest

final class MatrixMultiplicationTests: XCTestCase {
    private func naiveProduct(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var sum: Double = 0
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
            c[i * n + j] = Float(sum)
        } }
        return c
    }

    func testSGEMMMatchesNaiveAcrossBlockEdges() {
        for (m, n, k) in [(1, 1, 1), (5, 7, 3), (13, 300, 257), (64, 129, 128)] {
            let a = seededFloats(m * k, seed: UInt64(m))
            let b = seededFloats(k * n, seed: UInt64(n))
            var c = [Float](repeating: 0, count: m * n)
            MatrixMultiplication.multiply(a, b, into: &c, m: m, n: n, k: k)
            let difference = maximumDifference(c, naiveProduct(a, b, m: m, n: n, k: k))
            print("SGEMM \(m)x\(n)x\(k): max |difference| = \(difference)")
            XCTAssertLessThan(difference, 1e-4, "\(m)x\(n)x\(k)")
        }
    }

    func testGemmTransposesScalesAndBroadcastsC() throws {
        let a = floats([3, 2], [1, 2, 3, 4, 5, 6])       // A' = A^T is [2, 3]
        let b = floats([4, 3], (1...12).map(Float.init)) // B' = B^T is [3, 4]
        let c = floats([4], [1, 2, 3, 4])
        let output = try runOperator("Gemm", [a, b, c], attributes: ["transA": .int(1), "transB": .int(1),
                                                                     "alpha": .float(2), "beta": .float(-1)])
        XCTAssertEqual(output.shape, [2, 4])
        let aT: [Float] = [1, 3, 5, 2, 4, 6]
        let bT = SGEMM.transposed((1...12).map(Float.init), rows: 4, columns: 3)
        let product = naiveProduct(aT, bT, m: 2, n: 4, k: 3)
        let expected = product.enumerated().map { 2 * $0.element - Float($0.offset % 4 + 1) }
        XCTAssertEqual(values(output), expected)
    }

    func testGemmWithoutC() throws {
        let output = try runOperator("Gemm", [floats([1, 2], [1, 2]), floats([2, 1], [3, 4])])
        XCTAssertEqual(values(output), [11])
    }

    func testMatMulBroadcastsBatchDimensions() throws {
        let a = seededFloats(2 * 1 * 3 * 4, seed: 1)
        let b = seededFloats(3 * 4 * 2, seed: 2)
        let output = try runOperator("MatMul", [floats([2, 1, 3, 4], a), floats([3, 4, 2], b)])
        XCTAssertEqual(output.shape, [2, 3, 3, 2])
        for outer in 0..<2 {
            for inner in 0..<3 {
                let expected = naiveProduct(Array(a[(outer * 12)..<(outer * 12 + 12)]), Array(b[(inner * 8)..<(inner * 8 + 8)]),
                                            m: 3, n: 2, k: 4)
                let start = (outer * 3 + inner) * 6
                XCTAssertLessThan(maximumDifference(Array(values(output)[start..<(start + 6)]), expected), 1e-6)
            }
        }
    }

    func testMatMulOneDimensionalOperands() throws {
        let dot = try runOperator("MatMul", [floats([3], [1, 2, 3]), floats([3], [4, 5, 6])])
        XCTAssertEqual(dot.shape, [])
        XCTAssertEqual(values(dot), [32])
        let matrixVector = try runOperator("MatMul", [floats([2, 3], [1, 0, 0, 0, 1, 0]), floats([3], [7, 8, 9])])
        XCTAssertEqual(matrixVector.shape, [2])
        XCTAssertEqual(values(matrixVector), [7, 8])
        let vectorMatrix = try runOperator("MatMul", [floats([2], [1, 1]), floats([2, 2], [1, 2, 3, 4])])
        XCTAssertEqual(vectorMatrix.shape, [2])
        XCTAssertEqual(values(vectorMatrix), [4, 6])
    }
}

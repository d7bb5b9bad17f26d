@testable import QuantCore
import XCTest

final class ConvolutionTests: XCTestCase {
    /// Direct six-loop convolution, the oracle for the im2col + SGEMM path.
    private func directConv(x: [Float], xShape: [Int], w: [Float], wShape: [Int], bias: [Float]?,
                            group: Int, stride: [Int], dilation: [Int], padTop: Int, padLeft: Int,
                            outHeight: Int, outWidth: Int) -> [Float] {
        let (n, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
        let (m, cg, kh, kw) = (wShape[0], wShape[1], wShape[2], wShape[3])
        let mg = m / group
        var y = [Float](repeating: 0, count: n * m * outHeight * outWidth)
        for image in 0..<n { for oc in 0..<m { for oy in 0..<outHeight { for ox in 0..<outWidth {
            var sum: Double = Double(bias?[oc] ?? 0)
            let g = oc / mg
            for ic in 0..<cg { for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * stride[0] - padTop + ky * dilation[0]
                let ix = ox * stride[1] - padLeft + kx * dilation[1]
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                let xv = x[((image * c + g * cg + ic) * h + iy) * wd + ix]
                let wv = w[((oc * cg + ic) * kh + ky) * kw + kx]
                sum += Double(xv * wv)
            } } }
            y[((image * m + oc) * outHeight + oy) * outWidth + ox] = Float(sum)
        } } } }
        return y
    }

    func testConvMatchesDirectLoopForGroupsStridesDilations() throws {
        struct Case { var n, c, h, w, m, k, group, stride, dilation, pad: Int }
        let cases = [
            Case(n: 2, c: 3, h: 9, w: 7, m: 5, k: 3, group: 1, stride: 1, dilation: 1, pad: 1),
            Case(n: 1, c: 4, h: 10, w: 10, m: 6, k: 3, group: 2, stride: 2, dilation: 1, pad: 0),
            Case(n: 3, c: 6, h: 8, w: 8, m: 6, k: 3, group: 6, stride: 1, dilation: 2, pad: 2),
            Case(n: 2, c: 8, h: 5, w: 6, m: 7, k: 1, group: 1, stride: 1, dilation: 1, pad: 0),
        ]
        for (index, test) in cases.enumerated() {
            let xShape = [test.n, test.c, test.h, test.w]
            let wShape = [test.m, test.c / test.group, test.k, test.k]
            let x = seededFloats(xShape.reduce(1, *), seed: UInt64(index))
            let w = seededFloats(wShape.reduce(1, *), seed: UInt64(100 + index))
            let bias = seededFloats(test.m, seed: UInt64(200 + index))
            let attributes: [String: Attribute] = [
                "group": .int(Int64(test.group)), "strides": .ints([Int64(test.stride), Int64(test.stride)]),
                "dilations": .ints([Int64(test.dilation), Int64(test.dilation)]),
                "pads": .ints(Array(repeating: Int64(test.pad), count: 4)),
            ]
            let output = try runOperator("Conv", [floats(xShape, x), floats(wShape, w), floats([test.m], bias)],
                                         attributes: attributes)
            let extent = test.dilation * (test.k - 1) + 1
            let outHeight = (test.h + 2 * test.pad - extent) / test.stride + 1
            let outWidth = (test.w + 2 * test.pad - extent) / test.stride + 1
            XCTAssertEqual(output.shape, [test.n, test.m, outHeight, outWidth], "case \(index)")
            let expected = directConv(x: x, xShape: xShape, w: w, wShape: wShape, bias: bias, group: test.group,
                                      stride: [test.stride, test.stride], dilation: [test.dilation, test.dilation],
                                      padTop: test.pad, padLeft: test.pad, outHeight: outHeight, outWidth: outWidth)
            let difference = maximumDifference(values(output), expected)
            print("Conv case \(index): max |difference| = \(difference)")
            XCTAssertLessThan(difference, 1e-5, "case \(index)")
        }
    }

    func testConvSameLowerPutsOddPaddingFirst() throws {
        // 1x1x4x4 ones, 2x2 kernel of ones, stride 1: total padding 1 per axis.
        let x = floats([1, 1, 4, 4], Array(repeating: 1, count: 16))
        let w = floats([1, 1, 2, 2], [1, 1, 1, 1])
        let lower = try runOperator("Conv", [x, w], attributes: ["auto_pad": .string(Array("SAME_LOWER".utf8))])
        let upper = try runOperator("Conv", [x, w], attributes: ["auto_pad": .string(Array("SAME_UPPER".utf8))])
        XCTAssertEqual(lower.shape, [1, 1, 4, 4])
        XCTAssertEqual(values(lower), [1, 2, 2, 2, 2, 4, 4, 4, 2, 4, 4, 4, 2, 4, 4, 4])
        XCTAssertEqual(values(upper), [4, 4, 4, 2, 4, 4, 4, 2, 4, 4, 4, 2, 2, 2, 2, 1])
    }

    func testConvValidAndStridedSameShapes() throws {
        let x = floats([1, 1, 5, 5], Array(repeating: 1, count: 25))
        let w = floats([1, 1, 3, 3], Array(repeating: 1, count: 9))
        let valid = try runOperator("Conv", [x, w], attributes: ["auto_pad": .string(Array("VALID".utf8))])
        XCTAssertEqual(valid.shape, [1, 1, 3, 3])
        XCTAssertEqual(values(valid), Array(repeating: 9, count: 9))
        let same = try runOperator("Conv", [x, w], attributes: ["auto_pad": .string(Array("SAME_UPPER".utf8)),
                                                                  "strides": .ints([2, 2])])
        // ceil(5 / 2) = 3 per axis; total padding (3 - 1) * 2 + 3 - 5 = 2, one each side.
        XCTAssertEqual(same.shape, [1, 1, 3, 3])
        XCTAssertEqual(values(same), [4, 6, 4, 6, 9, 6, 4, 6, 4])
    }

    func testConv1DMatchesHandValues() throws {
        let x = floats([1, 1, 5], [1, 2, 3, 4, 5])
        let w = floats([1, 1, 2], [1, -1])
        let output = try runOperator("Conv", [x, w], attributes: ["pads": .ints([1, 0])])
        XCTAssertEqual(output.shape, [1, 1, 5])
        XCTAssertEqual(values(output), [-1, -1, -1, -1, -1])
    }

    func testConv3DMatchesHandValues() throws {
        // Ones [1, 1, 3, 3, 3] with a 2x2x2 kernel of ones: every window sums 8
        // without padding; with one voxel of padding a corner window sees 1.
        let x = floats([1, 1, 3, 3, 3], Array(repeating: 1, count: 27))
        let w = floats([1, 1, 2, 2, 2], Array(repeating: 1, count: 8))
        let valid = try runOperator("Conv", [x, w])
        XCTAssertEqual(valid.shape, [1, 1, 2, 2, 2])
        XCTAssertEqual(values(valid), Array(repeating: 8, count: 8))
        let padded = try runOperator("Conv", [x, w], attributes: ["pads": .ints([1, 1, 1, 1, 1, 1])])
        XCTAssertEqual(padded.shape, [1, 1, 4, 4, 4])
        XCTAssertEqual(values(padded)[0], 1)
        XCTAssertEqual(values(padded)[21], 8)
    }

    func testConvRejectsChannelMismatch() {
        let x = floats([1, 3, 4, 4], Array(repeating: 0, count: 48))
        let w = floats([2, 2, 3, 3], Array(repeating: 0, count: 36))
        XCTAssertThrowsError(try runOperator("Conv", [x, w])) { error in
            guard case EngineError.invalidShape(_, "Conv", let shapes, _)? = error as? EngineError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(shapes, [[1, 3, 4, 4], [2, 2, 3, 3]])
        }
    }
}

@testable import QuantCore
import XCTest

/// The depthwise fast path against the im2col + `FloatGemm` path it
/// replaces, bit for bit, on every available instruction set.
final class DepthwiseConvolutionTests: XCTestCase {
    func testRandomDepthwiseMatchesGemmPath() throws {
        var draws = SeededDraws(seed: 0xd3)
        func draw(_ range: ClosedRange<Int>) -> Int { draws.draw(range) }
        var compared = 0
        for trial in 0..<120 {
            let rank = draw(1...2)
            let spatial = (0..<rank).map { _ in draw(1...20) }
            let kernel = (0..<rank).map { _ in draw(1...5) }
            var attributes: [String: Attribute] = [
                "strides": .ints((0..<rank).map { _ in Int64(draw(1...3)) }),
                "dilations": .ints((0..<rank).map { _ in Int64(draw(1...2)) }),
            ]
            if draw(0...3) == 0 {
                attributes["auto_pad"] = .string(Array("SAME_UPPER".utf8))
            } else {
                attributes["pads"] = .ints(kernel.map { Int64(draw(0...$0)) } + kernel.map { Int64(draw(0...$0)) })
            }
            let channels = draw(1...6)
            attributes["group"] = .int(Int64(channels))
            let inputShape = [draw(1...2), channels] + spatial
            let x = floats(inputShape, seededFloats(inputShape.reduce(1, *), seed: UInt64(trial)))
            let w = floats([channels, 1] + kernel, seededFloats(channels * kernel.reduce(1, *), seed: UInt64(trial + 500)))
            let node = Node(name: "dw\(trial)", opType: "Conv", inputs: ["x", "w"], outputs: ["y"],
                            attributes: attributes)
            let context = OperatorContext(node: node, inputs: [x, w], opset: 13)
            let spatialAxes: [SpatialAxis]
            do {
                spatialAxes = try context.spatialAxes(inputSpatial: spatial, kernel: kernel, ceilMode: false)
            } catch {
                continue // a kernel larger than the padded input
            }
            let axes = liftedTo3D(spatialAxes)
            let geometry = Convolution.Geometry(batch: inputShape[0], channels: channels, outputChannels: channels,
                                                group: channels, axes: axes, depth: kernel.reduce(1, *),
                                                isPointwise: false)
            XCTAssertTrue(DepthwiseConvolution.applies(to: geometry), "trial \(trial)")
            for instructionSet in FloatGemmInstructionSet.available {
                var fast = [Float](repeating: .nan, count: geometry.batch * channels * geometry.outputPixels)
                DepthwiseConvolution.convolve(values(x), values(w), geometry, into: &fast,
                                              instructionSet: instructionSet)
                let expected = try gemmPath(values(x), values(w), geometry, instructionSet)
                XCTAssertEqual(fast.map(\.bitPattern), expected.map(\.bitPattern),
                               "trial \(trial) \(instructionSet) \(inputShape) \(attributes)")
            }
            compared += 1
        }
        XCTAssertGreaterThan(compared, 60)
    }

    func testHugePaddingLeavesDepthwisePath() {
        let unit = SpatialAxis(input: 1, kernel: 1, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, output: 1)
        let huge = 1 << 30
        let axis = SpatialAxis(input: 4, kernel: 2, stride: 1, dilation: huge, padBegin: huge, padEnd: huge, output: 4)
        let geometry = Convolution.Geometry(batch: 1, channels: 2, outputChannels: 2, group: 2,
                                            axes: [unit, unit, axis], depth: 2, isPointwise: false)
        XCTAssertFalse(DepthwiseConvolution.applies(to: geometry))
    }

    func testTwoChannelGroupsAreNotDepthwise() {
        let unit = SpatialAxis(input: 1, kernel: 1, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, output: 1)
        let axis = SpatialAxis(input: 8, kernel: 3, stride: 1, dilation: 1, padBegin: 1, padEnd: 1, output: 8)
        let geometry = Convolution.Geometry(batch: 1, channels: 4, outputChannels: 4, group: 2,
                                            axes: [unit, axis, axis], depth: 18, isPointwise: false)
        XCTAssertFalse(DepthwiseConvolution.applies(to: geometry))
    }

    /// Per plane: im2col into packed panels, then the one-row product with
    /// `FloatGemm` on `instructionSet`, as `Convolution` computes a group.
    private func gemmPath(_ x: [Float], _ w: [Float], _ geometry: Convolution.Geometry,
                          _ instructionSet: FloatGemmInstructionSet) throws -> [Float] {
        let (depth, outputPixels) = (geometry.depth, geometry.outputPixels)
        var result: [Float] = []
        for plane in 0..<(geometry.batch * geometry.channels) {
            var columns = PackedFloatWeights(zeroedDepth: depth, columnCount: outputPixels)
            var row = [Float](repeating: 0, count: outputPixels)
            x.withUnsafeBufferPointer { xBuffer in
                columns.packed.withUnsafeMutableBufferPointer { packed in
                    row.withUnsafeMutableBufferPointer { rowBuffer in
                        Convolution.unfold(xBuffer.baseAddress! + plane * geometry.inputPixels, channels: 1,
                                           axes: geometry.axes, rowBuffer: rowBuffer.baseAddress!) { k, values in
                            PackedFloatWeights.packRow(k, from: values, depth: depth, columnCount: outputPixels,
                                                       into: packed.baseAddress!)
                        }
                    }
                }
            }
            let channel = plane % geometry.channels
            let weights = Array(w[(channel * depth)..<((channel + 1) * depth)])
            result += try FloatGemm.multiply(weights, rowCount: 1, weights: columns, threadCount: 1,
                                             instructionSet: instructionSet)
        }
        return result
    }
}

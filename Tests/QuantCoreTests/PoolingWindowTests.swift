@testable import QuantCore
import XCTest

/// The row-at-a-time pooling (`PoolingWindow`) against a window-by-window
/// loop written from the ONNX definition, bit for bit, on random shapes and
/// attributes and on data with NaN, infinities and signed zeros.
final class PoolingWindowTests: XCTestCase {
    /// Returns the bit pattern of `value`, with every NaN mapped to one
    /// pattern. The sign and payload of a NaN from `inf - inf` or from two
    /// NaN operands depend on the order of an addition's operands, which the
    /// compiler may swap.
    private func bitsWithOneNaN(_ value: Float) -> UInt32 {
        value.isNaN ? Float.nan.bitPattern : value.bitPattern
    }

    func testRandomPoolsMatchWindowLoop() throws {
        var draws = SeededDraws(seed: 0x5eed)
        func draw(_ range: ClosedRange<Int>) -> Int { draws.draw(range) }
        var compared = 0
        for trial in 0..<600 {
            let rank = draw(1...3)
            let spatial = (0..<rank).map { axis in draw(1...(axis == rank - 1 ? 40 : 9)) }
            let kernel = (0..<rank).map { _ in draw(1...4) }
            var attributes: [String: Attribute] = [
                "kernel_shape": .ints(kernel.map(Int64.init)),
                "strides": .ints((0..<rank).map { _ in Int64(draw(1...3)) }),
                "dilations": .ints((0..<rank).map { _ in Int64(draw(1...2)) }),
                "ceil_mode": .int(Int64(draw(0...1))),
            ]
            switch draw(0...5) {
            case 0: attributes["auto_pad"] = .string(Array("SAME_UPPER".utf8))
            case 1: attributes["auto_pad"] = .string(Array("SAME_LOWER".utf8))
            case 2: attributes["auto_pad"] = .string(Array("VALID".utf8))
            default: attributes["pads"] = .ints(kernel.map { Int64(draw(0...$0)) } + kernel.map { Int64(draw(0...$0)) })
            }
            let opType = draw(0...1) == 0 ? "MaxPool" : "AveragePool"
            if opType == "AveragePool" { attributes["count_include_pad"] = .int(Int64(draw(0...1))) }

            let shape = [draw(1...2), draw(1...3)] + spatial
            let x = floats(shape, specialValues(shape.reduce(1, *), seed: UInt64(trial)))
            let node = Node(name: "pool\(trial)", opType: opType, inputs: ["x"], outputs: ["y"], attributes: attributes)
            let fast: Tensor
            do {
                fast = try Operators.execute(node, inputs: [x], opset: 19)[0]
            } catch {
                continue // a kernel larger than the padded input; the engine rejects it
            }
            let expected = try windowLoop(node, x)
            XCTAssertEqual(fast.shape, expected.shape, "trial \(trial) \(opType) \(attributes)")
            XCTAssertEqual(values(fast).map(bitsWithOneNaN), values(expected).map(bitsWithOneNaN),
                           "trial \(trial) \(opType) \(attributes)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 300, "most random configurations are valid")
    }

    func testHugeKernelWithPaddingPoolsSmallInput() throws {
        let x = floats([1, 1, 1, 4], [1, 4, 2, 3])
        let huge: Int64 = 1 << 30
        let attributes: [String: Attribute] = ["kernel_shape": .ints([1, huge]), "pads": .ints([0, huge - 2, 0, 0])]
        let maximum = try runOperator("MaxPool", [x], attributes: attributes)
        XCTAssertEqual(maximum.shape, [1, 1, 1, 3])
        XCTAssertEqual(values(maximum), [4, 4, 4])
        let average = try runOperator("AveragePool", [x], attributes: attributes)
        XCTAssertEqual(values(average), [2.5, 7.0 / 3, 2.5])
    }

    func testGlobalAveragePoolMatchesSequentialSums() throws {
        for (planes, size) in [(1, 1), (7, 5), (8, 49), (17, 3), (40, 64)] {
            let x = floats([1, planes, size, 1], specialValues(planes * size, seed: UInt64(planes), withNonFinite: false))
            let output = values(try runOperator("GlobalAveragePool", [x]))
            let input = values(x)
            for plane in 0..<planes {
                var sum: Float = 0
                for index in 0..<size { sum += input[plane * size + index] }
                XCTAssertEqual(output[plane].bitPattern, (sum / Float(size)).bitPattern, "plane \(plane) of \(planes)x\(size)")
            }
        }
    }

    /// Values in [-1, 1) with repeats, signed zeros and (unless disabled) NaN and infinities.
    private func specialValues(_ count: Int, seed: UInt64, withNonFinite: Bool = true) -> [Float] {
        let random = seededFloats(count, seed: seed)
        return random.enumerated().map { index, value in
            switch (index * 7 + Int(seed)) % 23 {
            case 0: return withNonFinite ? .nan : value
            case 1: return withNonFinite ? .infinity : value
            case 2: return withNonFinite ? -.infinity : value
            case 3: return 0
            case 4: return -0.0
            case 5: return 0.5
            default: return value
            }
        }
    }

    /// Pools output by output: for every window, its taps in `(kz, ky, kx)`
    /// order, skipping those outside the input, `Swift.max` from -inf or the
    /// sum from 0, divided by the taps inside the input or, with
    /// count_include_pad, inside the padded input.
    private func windowLoop(_ node: Node, _ x: Tensor) throws -> Tensor {
        let context = OperatorContext(node: node, inputs: [x], opset: 19)
        let kernel = try XCTUnwrap(try context.ints("kernel_shape")).map(Int.init)
        let ceilMode = try context.int("ceil_mode", default: 0) != 0
        let spatialAxes = try context.spatialAxes(inputSpatial: Array(x.shape[2...]), kernel: kernel, ceilMode: ceilMode)
        let (outer, vertical, horizontal) = { (axes: [SpatialAxis]) in (axes[0], axes[1], axes[2]) }(liftedTo3D(spatialAxes))
        let isMax = node.opType == "MaxPool"
        let includePad = try context.int("count_include_pad", default: 0) != 0
        let input = values(x)
        var output: [Float] = []

        func inside(_ position: Int, _ axis: SpatialAxis, padded: Bool) -> Bool {
            padded ? position >= -axis.padBegin && position < axis.input + axis.padEnd : position >= 0 && position < axis.input
        }

        let planeVolume = outer.input * vertical.input * horizontal.input
        for plane in 0..<(x.shape[0] * x.shape[1]) {
            for oz in 0..<outer.output {
                for oy in 0..<vertical.output {
                    for ox in 0..<horizontal.output {
                        var maximum = -Float.infinity
                        var sum: Float = 0
                        var taps = 0
                        var paddedTaps = 0
                        for kz in 0..<outer.kernel {
                            let iz = oz * outer.stride - outer.padBegin + kz * outer.dilation
                            for ky in 0..<vertical.kernel {
                                let iy = oy * vertical.stride - vertical.padBegin + ky * vertical.dilation
                                for kx in 0..<horizontal.kernel {
                                    let ix = ox * horizontal.stride - horizontal.padBegin + kx * horizontal.dilation
                                    if inside(iz, outer, padded: true) && inside(iy, vertical, padded: true)
                                        && inside(ix, horizontal, padded: true) {
                                        paddedTaps += 1
                                    }
                                    guard inside(iz, outer, padded: false) && inside(iy, vertical, padded: false)
                                        && inside(ix, horizontal, padded: false) else { continue }
                                    let value = input[plane * planeVolume
                                        + (iz * vertical.input + iy) * horizontal.input + ix]
                                    maximum = max(maximum, value)
                                    sum += value
                                    taps += 1
                                }
                            }
                        }
                        let divisor = includePad ? paddedTaps : taps
                        output.append(isMax ? maximum : (divisor > 0 ? sum / Float(divisor) : 0))
                    }
                }
            }
        }
        return floats(Array(x.shape[0..<2]) + spatialAxes.map(\.output), output)
    }
}

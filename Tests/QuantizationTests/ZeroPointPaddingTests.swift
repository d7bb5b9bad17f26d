import XCTest
@testable import Quantization

final class ZeroPointPaddingTests: XCTestCase {
    /// An input that is real 0 everywhere (q1 = Z1) gives Z3 + M * bias at
    /// every position, borders included, because padding is real 0 too.
    func testPaddingActsAsRealZero() throws {
        let shape = Conv2DShape(batch: 1, inputChannels: 3, inputHeight: 5, inputWidth: 4, outputChannels: 2,
                                kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 1,
                                dilationHeight: 1, dilationWidth: 2, padTop: 2, padLeft: 2, padBottom: 1, padRight: 3)
        var generator = SeededGenerator(seed: 0x9AD)
        let weights = (0..<shape.weightCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let half = QuantizedMultiplier(m0: 1 << 30, shift: 0)
        let parameters = AccumulatingLayerParameters(inputZeroPoint: 131, weightZeroPoints: [17, 200], outputZeroPoint: 90,
                                                     outputMultipliers: [half], outputClamp: .full(UInt8.self))
        let input = [UInt8](repeating: 131, count: shape.inputCount)

        let output = try conv2D(input: input, weights: weights, bias: [40, -41], shape: shape, parameters: parameters)

        let plane = shape.outputHeight * shape.outputWidth
        XCTAssertEqual(Array(output[..<plane]), [UInt8](repeating: 110, count: plane))
        // -41 * 0.5 = -20.5, and the high multiply rounds the tie up, to -20.
        XCTAssertEqual(Array(output[plane...]), [UInt8](repeating: 70, count: plane))
    }

    /// Partial sums of the zero-point expansion may wrap in int32. The
    /// result stays exact while the true accumulator fits.
    func testWrappedPartialSumsStayExact() throws {
        let depth = 40_000
        let input = [UInt8](repeating: 255, count: depth)
        let weights = [UInt8](repeating: 255, count: depth)
        // sum(q1 * q2) = 40,000 * 65,025 exceeds Int32.max, but q1 - Z1 = 0.
        let parameters = AccumulatingLayerParameters(inputZeroPoint: 255, weightZeroPoints: [0], outputZeroPoint: 3,
                                                     outputMultipliers: [.one], outputClamp: .full(UInt8.self))

        let output = try fullyConnected(input: input, weights: weights, bias: [7], batch: 1,
                                        inputFeatures: depth, outputFeatures: 1, parameters: parameters)

        XCTAssertEqual(output, [10])
    }
}

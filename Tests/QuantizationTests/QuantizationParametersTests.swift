import XCTest
@testable import Quantization

final class QuantizationParametersTests: XCTestCase {
    func testRangesForEveryBitWidth() throws {
        for bits in 2...8 {
            let levels = Int32(1) << Int32(bits)
            XCTAssertEqual(try QuantizedRange.asymmetric(bits: bits, signed: false), QuantizedRange(qmin: 0, qmax: levels - 1))
            XCTAssertEqual(try QuantizedRange.asymmetric(bits: bits, signed: true),
                           QuantizedRange(qmin: -levels / 2, qmax: levels / 2 - 1))
            XCTAssertEqual(try QuantizedRange.symmetric(bits: bits), QuantizedRange(qmin: -(levels / 2 - 1), qmax: levels / 2 - 1))
        }
        XCTAssertThrowsError(try QuantizedRange.asymmetric(bits: 1, signed: false))
        XCTAssertThrowsError(try QuantizedRange.symmetric(bits: 9))
    }

    func testSchemeRanges() throws {
        XCTAssertEqual(try QuantizationScheme.paper.activationRange(), QuantizedRange(qmin: 0, qmax: 255))
        XCTAssertEqual(try QuantizationScheme.paper.weightRange(), QuantizedRange(qmin: 0, qmax: 255))
        XCTAssertEqual(try QuantizationScheme.tflite.activationRange(), QuantizedRange(qmin: -128, qmax: 127))
        XCTAssertEqual(try QuantizationScheme.tflite.weightRange(), QuantizedRange(qmin: -127, qmax: 127))
        let narrow = QuantizationScheme(kind: .tflite, weightGranularity: .perChannel, weightBits: 4, activationBits: 6)
        XCTAssertEqual(try narrow.weightRange(), QuantizedRange(qmin: -7, qmax: 7))
        XCTAssertEqual(try narrow.activationRange(), QuantizedRange(qmin: -32, qmax: 31))
    }

    func testRangeIsWidenedToContainZero() throws {
        let range = QuantizedRange(qmin: 0, qmax: 255)
        let positive = try QuantizationParameters.asymmetric(min: 2, max: 6, range: range)
        XCTAssertEqual(positive.zeroPoint, 0)
        XCTAssertEqual(positive.scale, 6 / 255, accuracy: 1e-9)
        let negative = try QuantizationParameters.asymmetric(min: -4, max: -1, range: range)
        XCTAssertEqual(negative.zeroPoint, 255)
        XCTAssertEqual(negative.dequantize(0), -4, accuracy: 1e-6)
    }

    func testZeroPointIsNudgedToAnInteger() throws {
        // [-1, 2] over 255 steps: qmin - a / S = 85 exactly, so real 0 is q = 85.
        let exact = try QuantizationParameters.asymmetric(min: -1, max: 2, range: QuantizedRange(qmin: 0, qmax: 255))
        XCTAssertEqual(exact.zeroPoint, 85)
        // [-0.3, 1]: qmin - a / S = 58.846..., nudged to 59, and real 0 stays exact.
        let nudged = try QuantizationParameters.asymmetric(min: -0.3, max: 1, range: QuantizedRange(qmin: 0, qmax: 255))
        XCTAssertEqual(nudged.zeroPoint, 59)
        XCTAssertEqual(nudged.dequantize(nudged.zeroPoint), 0)
        XCTAssertEqual(nudged.quantize(0), 59)
        let signed = try QuantizationParameters.asymmetric(min: -0.3, max: 1, range: QuantizedRange(qmin: -128, qmax: 127))
        XCTAssertEqual(signed.zeroPoint, 59 - 128)
    }

    func testZeroWidthRangesDoNotDivideByZero() throws {
        for range in [QuantizedRange(qmin: 0, qmax: 255), QuantizedRange(qmin: -128, qmax: 127), QuantizedRange(qmin: -7, qmax: 7)] {
            let asymmetric = try QuantizationParameters.asymmetric(min: 0, max: 0, range: range)
            XCTAssertEqual(asymmetric.scale, 1)
            XCTAssertEqual(asymmetric.zeroPoint, min(max(0, range.qmin), range.qmax))
            XCTAssertEqual(asymmetric.dequantize(asymmetric.quantize(0)), 0)
            let symmetric = try QuantizationParameters.symmetric(min: 0, max: 0, range: range)
            XCTAssertEqual(symmetric.scale, 1)
            XCTAssertEqual(symmetric.zeroPoint, min(max(0, range.qmin), range.qmax))
        }
    }

    func testInvalidRangesThrow() {
        let range = QuantizedRange(qmin: 0, qmax: 255)
        XCTAssertThrowsError(try QuantizationParameters.asymmetric(min: 1, max: -1, range: range))
        XCTAssertThrowsError(try QuantizationParameters.asymmetric(min: .nan, max: 1, range: range))
        XCTAssertThrowsError(try QuantizationParameters.symmetric(min: -.infinity, max: 1, range: range))
        XCTAssertThrowsError(try QuantizationParameters(scale: 0, zeroPoint: 0, range: range))
        XCTAssertThrowsError(try QuantizationParameters(scale: 1, zeroPoint: 256, range: range)) { error in
            XCTAssertEqual(error as? QuantizationError, .zeroPointOutOfRange(256, range: range))
        }
    }

    func testRoundTripAtEveryBitWidth() throws {
        var generator = SeededGenerator(seed: 0x7A7)
        for bits in 2...8 {
            for signed in [false, true] {
                let range = try QuantizedRange.asymmetric(bits: bits, signed: signed)
                let lower = -Float.random(in: 0...3, using: &generator), upper = Float.random(in: 0.1...5, using: &generator)
                let parameters = try QuantizationParameters.asymmetric(min: lower, max: upper, range: range)
                let representable = parameters.representableRange
                for _ in 0..<500 {
                    let real = Float.random(in: representable, using: &generator)
                    let quantized = parameters.quantize(real)
                    XCTAssertTrue((range.qmin...range.qmax).contains(quantized), "\(bits) bits: \(quantized)")
                    XCTAssertLessThanOrEqual(abs(parameters.dequantize(quantized) - real), parameters.scale / 2 * 1.0001,
                                             "\(bits) bits, signed \(signed): r = \(real)")
                }
                // Every integer survives dequantize then quantize.
                for quantized in range.qmin...range.qmax {
                    XCTAssertEqual(parameters.quantize(parameters.dequantize(quantized)), quantized, "\(bits) bits: q = \(quantized)")
                }
            }
        }
    }

    func testArrayRoundTripInContainers() throws {
        let reals: [Float] = [-1, -0.26, 0, 0.24, 0.5, 3]
        let unsigned = try QuantizationParameters.asymmetric(min: -1, max: 2, range: QuantizedRange(qmin: 0, qmax: 255))
        let stored = unsigned.quantize(reals, as: UInt8.self)
        XCTAssertEqual(stored.map { Int32($0) }, reals.map { unsigned.quantize($0) })
        XCTAssertEqual(stored.last, 255)
        for (real, restored) in zip(reals.dropLast(), unsigned.dequantize(stored).dropLast()) {
            XCTAssertEqual(restored, real, accuracy: unsigned.scale / 2 * 1.001)
        }
        let signed = try QuantizationParameters.asymmetric(min: -1, max: 2, range: QuantizedRange(qmin: -128, qmax: 127))
        XCTAssertEqual(signed.quantize(reals, as: Int8.self).map { Int32($0) + 128 }, stored.map { Int32($0) })
    }

    func testQuantizeRoundsHalfAwayFromZeroAndSaturates() throws {
        let parameters = try QuantizationParameters(scale: 0.5, zeroPoint: 0, range: QuantizedRange(qmin: -128, qmax: 127))
        XCTAssertEqual(parameters.quantize(0.25), 1)
        XCTAssertEqual(parameters.quantize(-0.25), -1)
        XCTAssertEqual(parameters.quantize(0.75), 2)
        XCTAssertEqual(parameters.quantize(1000), 127)
        XCTAssertEqual(parameters.quantize(-1000), -128)
        XCTAssertEqual(parameters.quantize(.nan), 0)
    }

    func testPerChannelSymmetricWeights() throws {
        // Two output channels with very different magnitudes.
        let weights: [Float] = [0.5, -1.0, 0.25, 0.011, -0.02, 0.005]
        let quantized = try QuantizedWeights<Int8>(weights: weights, outputChannels: 2, scheme: .tflite)
        XCTAssertEqual(quantized.parameters.count, 2)
        XCTAssertEqual(quantized.zeroPoints, [0, 0])
        XCTAssertEqual(quantized.parameters[0].scale, 1.0 / 127, accuracy: 1e-9)
        XCTAssertEqual(quantized.parameters[1].scale, 0.02 / 127, accuracy: 1e-9)
        XCTAssertEqual(quantized.values, [64, -127, 32, 70, -127, 32])
        let perTensor = try QuantizedWeights<UInt8>(weights: weights, outputChannels: 2, scheme: .paper)
        XCTAssertEqual(perTensor.parameters.count, 1)
        XCTAssertThrowsError(try QuantizedWeights<Int8>(weights: weights, outputChannels: 4, scheme: .tflite))
    }

    func testFusedActivationClamps() throws {
        let output = try QuantizationParameters(scale: 0.05, zeroPoint: -20, range: QuantizedRange(qmin: -128, qmax: 127))
        XCTAssertEqual(FusedActivation.none.clamp(for: output), ActivationClamp(lower: -128, upper: 127))
        XCTAssertEqual(FusedActivation.relu.clamp(for: output), ActivationClamp(lower: -20, upper: 127))
        XCTAssertEqual(FusedActivation.relu6.clamp(for: output), ActivationClamp(lower: -20, upper: 100))
    }

    func testBiasQuantization() throws {
        let bias = try quantizeBias([0.5, -0.25, 0.001], inputScale: 0.5, weightScales: [0.01, 0.02, 0.001])
        XCTAssertEqual(bias, [100, -25, 2])
        XCTAssertEqual(try quantizeBias([1e12], inputScale: 1e-3, weightScales: [1e-3]), [Int32.max])
        XCTAssertThrowsError(try quantizeBias([1, 2, 3], inputScale: 1, weightScales: [1, 1]))
    }

    func testAccumulatorHeadroom() throws {
        XCTAssertEqual(try AccumulatorHeadroom.maxReductionDepth(for: .paper), 2_147_483_647 / (255 * 255))
        XCTAssertEqual(try AccumulatorHeadroom.maxReductionDepth(for: .tflite), 2_147_483_647 / (255 * 127))
        let fourBit = QuantizationScheme(kind: .paper, weightGranularity: .perTensor, weightBits: 4, activationBits: 4)
        XCTAssertEqual(try AccumulatorHeadroom.maxReductionDepth(for: fourBit), 2_147_483_647 / (15 * 15))
        XCTAssertNoThrow(try AccumulatorHeadroom.check(depth: 33_025, layer: "conv1", scheme: .paper))
        XCTAssertThrowsError(try AccumulatorHeadroom.check(depth: 33_026, layer: "conv1", scheme: .paper)) { error in
            XCTAssertEqual(error as? QuantizationError, .accumulatorOverflow(layer: "conv1", depth: 33_026, limit: 33_025))
        }
    }

    func testLayerPreparation() throws {
        let range = QuantizedRange(qmin: -128, qmax: 127)
        let input = try QuantizationParameters(scale: 0.02, zeroPoint: 5, range: range)
        let output = try QuantizationParameters(scale: 0.1, zeroPoint: -128, range: range)
        let weights = [try QuantizationParameters(scale: 0.01, zeroPoint: 0, range: QuantizedRange(qmin: -127, qmax: 127)),
                       try QuantizationParameters(scale: 0.03, zeroPoint: 0, range: QuantizedRange(qmin: -127, qmax: 127))]
        let layer = try AccumulatingLayerParameters(input: input, weights: weights, output: output, activation: .relu,
                                                    reductionDepth: 9, layer: "conv", scheme: .tflite)
        XCTAssertEqual(layer.outputMultipliers[0].realValue, 0.002, accuracy: 1e-8)
        XCTAssertEqual(layer.outputMultipliers[1].realValue, 0.006, accuracy: 1e-8)
        XCTAssertEqual(layer.inputZeroPoint, 5)
        XCTAssertEqual(layer.outputClamp, ActivationClamp(lower: -128, upper: 127))
        XCTAssertThrowsError(try AccumulatingLayerParameters(input: input, weights: weights, output: output, activation: .none,
                                                             reductionDepth: 100_000, layer: "fc", scheme: .tflite))
    }
}

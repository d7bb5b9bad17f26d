import XCTest
@testable import Quantization

final class LayerErrorMetricsTests: XCTestCase {
    func testMetricsOfKnownVectors() throws {
        let parameters = try QuantizationParameters(scale: 0.5, zeroPoint: 0, range: QuantizedRange(qmin: -4, qmax: 3))
        // Representable range [-2, 1.5]; the reference value 3 lies outside it.
        let reference: [Float] = [1, -1, 0.5, 3]
        let quantized: [Float] = [1, -0.5, 0.5, 1.5]
        let metrics = LayerErrorMetrics(reference: reference, quantized: quantized, outputParameters: parameters)
        // errors: 0, 0.5, 0, -1.5 -> sum e^2 = 2.5, n = 4
        XCTAssertEqual(metrics.meanSquaredError, 0.625, accuracy: 1e-12)
        // sum x^2 = 1 + 1 + 0.25 + 9 = 11.25
        XCTAssertEqual(metrics.signalToQuantizationNoise, 10 * log10(11.25 / 2.5), accuracy: 1e-9)
        XCTAssertEqual(metrics.maxAbsoluteError, 1.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(metrics.rmseOverScale), 0.625.squareRoot() / 0.5, accuracy: 1e-9)
        // x.y = 1 + 0.5 + 0.25 + 4.5 = 6.25; |y|^2 = 1 + 0.25 + 0.25 + 2.25 = 3.75
        XCTAssertEqual(metrics.cosineSimilarity, 6.25 / (11.25 * 3.75).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(metrics.clippedFraction, 0.25)
        XCTAssertEqual(metrics.count, 4)
    }

    func testIdenticalVectorsHaveInfiniteSQNR() {
        let metrics = LayerErrorMetrics(reference: [1, 2], quantized: [1, 2], outputParameters: nil)
        XCTAssertEqual(metrics.signalToQuantizationNoise, .infinity)
        XCTAssertEqual(metrics.cosineSimilarity, 1, accuracy: 1e-12)
        XCTAssertNil(metrics.rmseOverScale)
    }

    func testUniformRoundingGivesOneOverRootTwelve() throws {
        // Values spread evenly over many steps round with a uniform error.
        let parameters = try QuantizationParameters.asymmetric(min: 0, max: 10, range: QuantizedRange(qmin: 0, qmax: 255))
        let reference = (0..<100_000).map { Float($0) * 10 / 100_000 }
        let quantized = fakeQuantize(reference, parameters)
        let metrics = LayerErrorMetrics(reference: reference, quantized: quantized, outputParameters: parameters)
        XCTAssertEqual(try XCTUnwrap(metrics.rmseOverScale), LayerErrorMetrics.roundingOnlyRMSEOverScale, accuracy: 0.01)
    }
}

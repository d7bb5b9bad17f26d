import Foundation
import XCTest
@testable import Quantization

final class ClippingMethodTests: XCTestCase {
    /// 100,000 standard normal values plus one outlier at 20.
    private func gaussianWithOutlier() -> (observer: ActivationObserver, values: [Float]) {
        var values = gaussianSamples(count: 100_000, seed: 11)
        values.append(20)
        var observer = ActivationObserver(tensorName: "activation")
        for start in stride(from: 0, to: values.count, by: 10_000) {
            observer.observe(Array(values[start..<min(start + 10_000, values.count)]))
        }
        return (observer, values)
    }

    func testMinMaxOfUniformDataIsDataRange() throws {
        let values = uniformSamples(count: 50_000, in: -3...5, seed: 7)
        var observer = ActivationObserver(tensorName: "x")
        observer.observe(Array(values[..<25_000]))
        observer.observe(Array(values[25_000...]))

        let range = try observer.clipRange(method: .minMax)
        XCTAssertEqual(range.lower, values.min()!)
        XCTAssertEqual(range.upper, values.max()!)
    }

    func testMovingAverageConvergesOnConstantStream() throws {
        var observer = MovingAverageMinMaxObserver(averagingConstant: 0.01)
        observer.observe([-10, 10] as [Float])
        for _ in 0..<2000 { observer.observe([-1, 2] as [Float]) }

        let range = try XCTUnwrap(observer.range)
        // The initial error of 9 decays as 0.99^2000, about 1.9e-9.
        XCTAssertEqual(range.lower, -1, accuracy: 1e-6)
        XCTAssertEqual(range.upper, 2, accuracy: 1e-6)
        XCTAssertEqual(observer.batchCount, 2001)
    }

    func testMovingAverageFollowsFormula() throws {
        var observer = MovingAverageMinMaxObserver(averagingConstant: 0.25)
        observer.observe([0, 4] as [Float])
        observer.observe([-4, 8] as [Float])

        let range = try XCTUnwrap(observer.range)
        XCTAssertEqual(range.lower, -1, "0 + 0.25 * (-4 - 0)")
        XCTAssertEqual(range.upper, 5, "4 + 0.25 * (8 - 4)")
    }

    func testPercentileClipsOutlier() throws {
        let (observer, _) = gaussianWithOutlier()

        let range = try observer.clipRange(method: .percentile(99.9))
        // The 0.1% tails of a standard normal start at +-3.09.
        XCTAssertEqual(range.upper, 3.09, accuracy: 0.15)
        XCTAssertEqual(range.lower, -3.09, accuracy: 0.15)
    }

    func testPercentileHundredIsMinMax() throws {
        let (observer, values) = gaussianWithOutlier()

        let range = try observer.clipRange(method: .percentile(100))
        XCTAssertEqual(range.upper, 20)
        XCTAssertEqual(range.lower, values.min()!)
    }

    func testMSEClipsOutlierAtFourBits() throws {
        let (observer, _) = gaussianWithOutlier()

        // At 4 bits the rounding noise of 100,000 values outweighs the cost
        // of clipping one outlier, so the optimum is near the clip of a pure
        // Gaussian, about 2.5 standard deviations.
        let range = try observer.clipRange(method: .mse, bitWidth: 4)
        XCTAssertLessThan(range.upper, 4)
        XCTAssertGreaterThan(range.upper, 2)
        XCTAssertLessThan(range.lower, -2)
        XCTAssertGreaterThan(range.lower, -4)
    }

    func testMSEMatchesGaussianOracle() throws {
        var observer = ActivationObserver(tensorName: "x")
        observer.observe(gaussianSamples(count: 200_000, seed: 3))

        for bits in [2, 3, 4] {
            let range = try observer.clipRange(method: .mse, bitWidth: bits)
            let expected = optimalGaussianClip(bitWidth: bits)
            XCTAssertEqual(Double(range.upper), expected, accuracy: 0.1, "bits \(bits)")
            XCTAssertEqual(Double(range.lower), -expected, accuracy: 0.1, "bits \(bits)")
        }

        // At 8 bits the error curve is flat near its minimum and only about
        // 20 of the samples lie beyond 3.7, so the clip moves with the sample.
        // Its exact expected error must still be close to the optimum.
        let range = try observer.clipRange(method: .mse, bitWidth: 8)
        let optimum = gaussianClipError(clip: optimalGaussianClip(bitWidth: 8), bitWidth: 8)
        XCTAssertLessThan(gaussianClipError(clip: Double(range.upper), bitWidth: 8), optimum * 1.1)
        XCTAssertLessThan(gaussianClipError(clip: -Double(range.lower), bitWidth: 8), optimum * 1.1)
    }

    /// Exact expected squared error of clipping a standard normal to
    /// [-t, t] and rounding to 2^bits levels:
    ///
    ///     E(t) = 2 * ((1 + t^2) * Q(t) - t * phi(t)) + (1 - 2 * Q(t)) * S^2 / 12,
    ///     S = 2t / (2^bits - 1),  Q(t) = erfc(t / sqrt 2) / 2.
    private func gaussianClipError(clip t: Double, bitWidth: Int) -> Double {
        let tail = erfc(t / 2.0.squareRoot()) / 2
        let density = exp(-t * t / 2) / (2 * Double.pi).squareRoot()
        let step = 2 * t / Double((1 << bitWidth) - 1)
        return 2 * ((1 + t * t) * tail - t * density) + (1 - 2 * tail) * step * step / 12
    }

    /// The t minimizing `gaussianClipError`, on a grid of step 0.001.
    private func optimalGaussianClip(bitWidth: Int) -> Double {
        var best = (error: Double.infinity, clip: 0.0)
        for index in 1...8000 {
            let t = Double(index) / 1000
            let error = gaussianClipError(clip: t, bitWidth: bitWidth)
            if error < best.error { best = (error, t) }
        }
        return best.clip
    }

    func testMSERangeIsNoWorseThanMinMax() throws {
        let (observer, _) = gaussianWithOutlier()
        let histogram = observer.histogram

        for bits in [2, 4, 8] {
            let optimal = try observer.clipRange(method: .mse, bitWidth: bits)
            let full = try observer.clipRange(method: .minMax)
            let optimalError = MSEClipping.expectedSquaredError(of: histogram, range: optimal, bitWidth: bits)
            let fullError = MSEClipping.expectedSquaredError(of: histogram, range: full, bitWidth: bits)
            XCTAssertLessThanOrEqual(optimalError, fullError * (1 + 1e-9), "bits \(bits)")
        }
    }

    func testMSEKeepsUniformRangeAtEightBits() throws {
        let values = uniformSamples(count: 100_000, in: 0...10, seed: 8)
        var observer = ActivationObserver(tensorName: "x")
        observer.observe(values)

        // Clipping uniform data costs more than the rounding noise it saves.
        let range = try observer.clipRange(method: .mse, bitWidth: 8)
        XCTAssertEqual(range.lower, 0)
        XCTAssertEqual(range.upper, 10, accuracy: 0.1)
    }

    func testKLClipLiesBetweenPercentileAndMax() throws {
        let (observer, values) = gaussianWithOutlier()
        let sorted = values.sorted()
        let percentile99 = sorted[Int(Double(sorted.count) * 0.99)]

        let range = try observer.clipRange(method: .kl, bitWidth: 8)
        XCTAssertGreaterThan(range.upper, percentile99)
        XCTAssertLessThan(range.upper, 20)
        XCTAssertLessThan(range.lower, -2.33, "the lower tail is clipped past its own 1st percentile")
    }

    func testKLOneSidedDataKeepsZeroLower() throws {
        var values = gaussianSamples(count: 50_000, seed: 12).map { max($0, 0) }
        values.append(30)
        var observer = ActivationObserver(tensorName: "relu")
        observer.observe(values)

        let range = try observer.clipRange(method: .kl, bitWidth: 8)
        XCTAssertEqual(range.lower, 0)
        XCTAssertLessThan(range.upper, 30)
        XCTAssertGreaterThan(range.upper, 2)
    }

    func testEmptyObserverThrows() {
        let observer = ActivationObserver(tensorName: "unused")
        XCTAssertThrowsError(try observer.clipRange(method: .kl)) { error in
            XCTAssertEqual(error as? CalibrationError, .noValuesObserved(tensor: "unused"))
        }
    }

    func testInvalidBitWidthThrows() {
        var observer = ActivationObserver(tensorName: "x")
        observer.observe([1, 2] as [Float])
        XCTAssertThrowsError(try observer.clipRange(method: .mse, bitWidth: 1)) { error in
            XCTAssertEqual(error as? CalibrationError, .invalidBitWidth(1))
        }
    }
}

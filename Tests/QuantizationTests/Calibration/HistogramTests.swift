import XCTest
@testable import Quantization

final class HistogramTests: XCTestCase {
    func testFirstBatchSetsRangeAndStatistics() {
        var histogram = Histogram(binCount: 8)
        histogram.add([0, 1, 2, 3, 4, 5, 6, 8] as [Float])

        XCTAssertEqual(histogram.lowerBound, 0)
        XCTAssertEqual(histogram.upperBound, 8)
        XCTAssertEqual(histogram.count, 8)
        XCTAssertEqual(histogram.min, 0)
        XCTAssertEqual(histogram.max, 8)
        XCTAssertEqual(histogram.sum, 29)
        XCTAssertEqual(histogram.sumOfSquares, 155)
        XCTAssertEqual(histogram.counts, [1, 1, 1, 1, 1, 1, 1, 1], "8 falls into the last bin, 7 is missing")
    }

    func testRebinningPreservesCountAndSum() {
        var histogram = Histogram(binCount: 16)
        let first = uniformSamples(count: 1000, in: -1...1, seed: 1)
        let second = uniformSamples(count: 500, in: 2...7, seed: 2)
        let third = uniformSamples(count: 300, in: -20 ... -3, seed: 3)
        histogram.add(first)
        let firstWidth = histogram.binWidth
        histogram.add(second)
        histogram.add(third)

        let all = first + second + third
        XCTAssertEqual(histogram.count, all.count)
        XCTAssertEqual(histogram.counts.reduce(0, +), all.count)
        XCTAssertEqual(histogram.sum, all.reduce(0.0) { $0 + Double($1) }, accuracy: 1e-6)
        XCTAssertEqual(histogram.min, Double(all.min()!))
        XCTAssertEqual(histogram.max, Double(all.max()!))
        XCTAssertLessThanOrEqual(histogram.lowerBound, histogram.min!)
        XCTAssertGreaterThanOrEqual(histogram.upperBound, histogram.max!)
        let growth = histogram.binWidth / firstWidth
        XCTAssertEqual(growth, growth.rounded(), "the range grows by doubling")
    }

    func testRebinningKeepsEachValueInItsBin() {
        var histogram = Histogram(binCount: 4)
        histogram.add([0, 0.5, 1.5, 2.5, 3.5, 4] as [Float])
        histogram.add([7.9] as [Float])

        XCTAssertEqual(histogram.upperBound, 8)
        XCTAssertEqual(histogram.counts, [3, 3, 0, 1], "bins [0,1)+[1,2) and [2,3)+[3,4] merge; 7.9 lands in [6,8]")
    }

    func testNonFiniteValuesAreCountedApart() {
        var histogram = Histogram(binCount: 4)
        histogram.add([1, .nan, 2, .infinity, -.infinity] as [Float])

        XCTAssertEqual(histogram.count, 2)
        XCTAssertEqual(histogram.nonFiniteCount, 3)
        XCTAssertEqual(histogram.counts.reduce(0, +), 2)
    }

    func testConstantFirstBatchHasPositiveWidth() {
        var histogram = Histogram(binCount: 4)
        histogram.add([3, 3, 3] as [Float])

        XCTAssertGreaterThan(histogram.binWidth, 0)
        XCTAssertEqual(histogram.counts.reduce(0, +), 3)
    }

    func testDownsampledKeepsTotal() {
        var histogram = Histogram(binCount: 2048)
        histogram.add(gaussianSamples(count: 10_000, seed: 4))

        let drawn = histogram.downsampled(to: 60)
        XCTAssertEqual(drawn.count, 60)
        XCTAssertEqual(drawn.reduce(0, +), 10_000)
        XCTAssertEqual(histogram.downsampled(to: 4096), histogram.counts)
    }

    func testQuantileOfUniformData() {
        var histogram = Histogram()
        histogram.add(uniformSamples(count: 100_000, in: 0...10, seed: 5))

        XCTAssertEqual(histogram.quantile(0.5)!, 5, accuracy: 0.1)
        XCTAssertEqual(histogram.quantile(0.9)!, 9, accuracy: 0.1)
        XCTAssertEqual(histogram.quantile(1)!, histogram.max!)
    }

    func testRedistributedKeepsMassInsideRange() {
        var histogram = Histogram(binCount: 10)
        histogram.add((0..<100).map { Float($0) / 10 } as [Float])

        let positive = histogram.redistributed(over: 0, histogram.max!, binCount: 7)
        XCTAssertEqual(positive.reduce(0, +), 100, accuracy: 1e-9)
        let half = histogram.redistributed(over: 0, histogram.max! / 2, binCount: 5)
        XCTAssertEqual(half.reduce(0, +), 50, accuracy: 1e-9)
    }
}

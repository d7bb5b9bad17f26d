import XCTest
@testable import Quantization

/// The vectorized histogram fill and extremes scan against a plain
/// element-by-element reference that states the contract directly.
final class HistogramFillTests: XCTestCase {
    func testRandomBatchesMatchReference() {
        for path in CalibrationScanPath.available {
            for seed: UInt64 in 1...12 {
                var histogram = Histogram(binCount: [2, 16, 2048, 4096][Int(seed) % 4])
                var reference = ReferenceHistogram(binCount: histogram.binCount)
                var generator = SeededGenerator(seed: seed)
                for batchIndex in 0..<8 {
                    let batch = mixedBatch(count: Int.random(in: 0...3000, using: &generator),
                                           scale: Float(1 << batchIndex), generator: &generator)
                    add(batch, to: &histogram, path: path)
                    reference.add(batch)
                    assertSame(histogram, reference, "\(path), seed \(seed), batch \(batchIndex)")
                }
            }
        }
    }

    func testTailLengthsMatchReference() {
        for path in CalibrationScanPath.available {
            for length in [1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 511, 512, 513, 1025] {
                var generator = SeededGenerator(seed: UInt64(length))
                let batch = mixedBatch(count: length, scale: 3, generator: &generator)
                var histogram = Histogram(binCount: 64)
                var reference = ReferenceHistogram(binCount: 64)
                add(batch, to: &histogram, path: path)
                reference.add(batch)
                assertSame(histogram, reference, "\(path), length \(length)")
            }
        }
    }

    func testEveryPathRuns() {
        XCTAssertTrue(CalibrationScanPath.available.contains(.portable))
        XCTAssertEqual(CalibrationScanPath.fastest, CalibrationScanPath.available.last)
    }

    func testValuesOnBinEdgesMatchReference() {
        // Range [0, 64] over 64 bins: every integer is a bin edge.
        let first = (0...64).map(Float.init)
        let second = (0..<400).map { Float($0 % 129) * 0.5 }
        var histogram = Histogram(binCount: 64)
        var reference = ReferenceHistogram(binCount: 64)
        for batch in [first, second, second.map { -$0 }] {
            histogram.add(batch)
            reference.add(batch)
            assertSame(histogram, reference, "edge batch of \(batch.count)")
        }
    }

    func testSignedZerosMatchReference() {
        let batches: [[Float]] = [
            [-0.0, 0.0, 1, 2],
            [0.0, -0.0, -0.0, 3],
            [-5, 0.0, -0.0],
            [-5, -0.0, 0.0],
            Array(repeating: -0.0, count: 40) + [0.0],
            [0.0] + Array(repeating: -0.0, count: 40),
        ]
        for path in CalibrationScanPath.available {
            for (index, batch) in batches.enumerated() {
                var histogram = Histogram(binCount: 8)
                var reference = ReferenceHistogram(binCount: 8)
                add(batch, to: &histogram, path: path)
                reference.add(batch)
                assertSame(histogram, reference, "\(path), zero batch \(index)")

                let extremes = batch.withUnsafeBufferPointer { FiniteExtremes($0, path: path) }
                let expected = referenceExtremes(batch)
                XCTAssertEqual(extremes.minimum.bitPattern, expected?.0.bitPattern,
                               "\(path), zero batch \(index) minimum sign")
                XCTAssertEqual(extremes.maximum.bitPattern, expected?.1.bitPattern,
                               "\(path), zero batch \(index) maximum sign")
            }
        }
    }

    func testNonFiniteOnlyBatchesChangeOnlyTheCount() {
        var histogram = Histogram(binCount: 8)
        var reference = ReferenceHistogram(binCount: 8)
        let batches: [[Float]] = [[], [.nan, .infinity], [1, 2], [-.infinity], [.nan, 3, .nan]]
        for (index, batch) in batches.enumerated() {
            histogram.add(batch)
            reference.add(batch)
            assertSame(histogram, reference, "batch \(index)")
        }
        XCTAssertEqual(histogram.nonFiniteCount, 5)
        XCTAssertEqual(histogram.count, 3)
    }

    func testObserversMatchReferenceExtremes() {
        var generator = SeededGenerator(seed: 99)
        var observer = ActivationObserver(tensorName: "x", binCount: 128)
        var expectedMin: Float?
        var expectedMax: Float?
        var expectedAverage: (Double, Double)?
        let constant = observer.movingAverage.averagingConstant
        for _ in 0..<20 {
            let batch = mixedBatch(count: Int.random(in: 0...700, using: &generator), scale: 10, generator: &generator)
            observer.observe(batch)
            guard let (low, high) = referenceExtremes(batch) else { continue }
            expectedMin = Swift.min(expectedMin ?? low, low)
            expectedMax = Swift.max(expectedMax ?? high, high)
            if let (averageLow, averageHigh) = expectedAverage {
                expectedAverage = (averageLow + constant * (Double(low) - averageLow),
                                   averageHigh + constant * (Double(high) - averageHigh))
            } else {
                expectedAverage = (Double(low), Double(high))
            }
        }
        XCTAssertEqual(observer.minMax.minimum?.bitPattern, expectedMin?.bitPattern)
        XCTAssertEqual(observer.minMax.maximum?.bitPattern, expectedMax?.bitPattern)
        XCTAssertEqual(observer.movingAverage.averageMinimum?.bitPattern, expectedAverage?.0.bitPattern)
        XCTAssertEqual(observer.movingAverage.averageMaximum?.bitPattern, expectedAverage?.1.bitPattern)
    }

    func testNonContiguousSequenceMatchesArray() {
        var generator = SeededGenerator(seed: 5)
        let batch = mixedBatch(count: 1000, scale: 2, generator: &generator)
        var fromArray = Histogram(binCount: 32)
        var fromSequence = Histogram(binCount: 32)
        fromArray.add(batch)
        fromSequence.add(batch.lazy.map { $0 })
        XCTAssertEqual(fromArray, fromSequence)
    }

    // MARK: Helpers

    private func add(_ batch: [Float], to histogram: inout Histogram, path: CalibrationScanPath) {
        batch.withUnsafeBufferPointer { values in
            histogram.add(values, extremes: FiniteExtremes(values, path: path), path: path)
        }
    }

    private func assertSame(_ histogram: Histogram, _ reference: ReferenceHistogram, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(histogram.counts, reference.counts, "\(label): counts", file: file, line: line)
        XCTAssertEqual(histogram.lowerBound.bitPattern, reference.lowerBound.bitPattern,
                       "\(label): lowerBound \(histogram.lowerBound) vs \(reference.lowerBound)", file: file, line: line)
        XCTAssertEqual(histogram.upperBound.bitPattern, reference.upperBound.bitPattern,
                       "\(label): upperBound \(histogram.upperBound) vs \(reference.upperBound)", file: file, line: line)
        XCTAssertEqual(histogram.count, reference.count, "\(label): count", file: file, line: line)
        XCTAssertEqual(histogram.nonFiniteCount, reference.nonFiniteCount, "\(label): nonFiniteCount",
                       file: file, line: line)
        XCTAssertEqual(histogram.min?.bitPattern, reference.min?.bitPattern,
                       "\(label): min \(String(describing: histogram.min))", file: file, line: line)
        XCTAssertEqual(histogram.max?.bitPattern, reference.max?.bitPattern,
                       "\(label): max \(String(describing: histogram.max))", file: file, line: line)
        XCTAssertEqual(histogram.sum.bitPattern, reference.sum.bitPattern,
                       "\(label): sum \(histogram.sum) vs \(reference.sum)", file: file, line: line)
        XCTAssertEqual(histogram.sumOfSquares.bitPattern, reference.sumOfSquares.bitPattern,
                       "\(label): sumOfSquares \(histogram.sumOfSquares) vs \(reference.sumOfSquares)",
                       file: file, line: line)
    }

    /// Sums of two uniform values in [-1, 1] times `scale`, with runs of signed zeros (as
    /// after ReLU), NaN, infinities, subnormals and repeated values.
    private func mixedBatch(count: Int, scale: Float, generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in
            switch Int.random(in: 0..<100, using: &generator) {
            case 0: return .nan
            case 1: return .infinity
            case 2: return -.infinity
            case 3..<20: return 0
            case 20..<25: return -0.0
            case 25: return .leastNonzeroMagnitude
            case 26: return scale
            default:
                let a = Float.random(in: -1...1, using: &generator)
                let b = Float.random(in: -1...1, using: &generator)
                return (a + b) * scale
            }
        }
    }
}

/// Smallest and largest finite value by a sequential scan with Swift's
/// `min` and `max`, or nil when there is none.
private func referenceExtremes(_ values: [Float]) -> (Float, Float)? {
    var low = Float.infinity
    var high = -Float.infinity
    for value in values where value.isFinite {
        low = min(low, value)
        high = max(high, value)
    }
    return low <= high ? (low, high) : nil
}

/// `Histogram` written element by element: widen each finite value to
/// Double, grow the range by doubling with a fresh merged array, bin with
/// `floor((v - lower) / width)` clamped to the bins, sum in element order.
private struct ReferenceHistogram {
    let binCount: Int
    var counts: [Int]
    var lowerBound = 0.0
    var upperBound = 0.0
    var count = 0
    var nonFiniteCount = 0
    var min: Double?
    var max: Double?
    var sum = 0.0
    var sumOfSquares = 0.0

    init(binCount: Int) {
        self.binCount = binCount
        counts = Array(repeating: 0, count: binCount)
    }

    mutating func add(_ batch: [Float]) {
        var batchMin = Double.infinity
        var batchMax = -Double.infinity
        var finite: [Double] = []
        for value in batch {
            guard value.isFinite else {
                nonFiniteCount += 1
                continue
            }
            finite.append(Double(value))
            batchMin = Swift.min(batchMin, Double(value))
            batchMax = Swift.max(batchMax, Double(value))
        }
        guard !finite.isEmpty else { return }
        if count == 0 {
            lowerBound = batchMin
            upperBound = batchMax > batchMin ? batchMax : batchMin + Swift.max(Swift.abs(batchMin), 1) * 0x1p-10
        } else {
            grow(toInclude: batchMin)
            grow(toInclude: batchMax)
        }
        let width = (upperBound - lowerBound) / Double(binCount)
        for value in finite {
            let position = Int(((value - lowerBound) / width).rounded(.down))
            counts[Swift.min(Swift.max(position, 0), binCount - 1)] += 1
            sum += value
            sumOfSquares += value * value
        }
        count += finite.count
        min = Swift.min(min ?? batchMin, batchMin)
        max = Swift.max(max ?? batchMax, batchMax)
    }

    mutating func grow(toInclude value: Double) {
        while value < lowerBound || value > upperBound {
            let width = upperBound - lowerBound
            var merged = [Int](repeating: 0, count: binCount)
            let half = binCount / 2
            let offset = value > upperBound ? 0 : half
            for index in 0..<half { merged[offset + index] = counts[2 * index] + counts[2 * index + 1] }
            if value > upperBound {
                upperBound = lowerBound + 2 * width
            } else {
                lowerBound = upperBound - 2 * width
            }
            counts = merged
        }
    }
}

import Evaluation
import XCTest

/// The pure arithmetic of the benchmark report: medians, ratios, peaks.
final class BenchmarkFiguresTests: XCTestCase {
    func testMedianOfOddCount() {
        XCTAssertEqual(TimingSummary.median([5, 1, 3]), 3)
    }

    func testMedianOfEvenCountAveragesMiddle() {
        XCTAssertEqual(TimingSummary.median([4, 1, 3, 2]), 2.5)
    }

    func testMedianOfEmptyListIsNil() {
        XCTAssertNil(TimingSummary.median([]))
        XCTAssertNil(TimingSummary(samples: []))
    }

    func testSummaryKeepsExtremes() throws {
        let summary = try XCTUnwrap(TimingSummary(samples: [0.2, 0.9, 0.1, 0.4]))
        XCTAssertEqual(summary.medianSeconds, 0.30000000000000004, accuracy: 1e-12)
        XCTAssertEqual(summary.minSeconds, 0.1)
        XCTAssertEqual(summary.maxSeconds, 0.9)
        XCTAssertEqual(summary.samples.count, 4)
    }

    func testStopwatchTakesOneSamplePerRepeat() {
        var calls = 0
        let summary = Stopwatch.measure(warmup: 2, repeats: 3) { calls += 1 }
        XCTAssertEqual(calls, 5)
        XCTAssertEqual(summary.samples.count, 3)
        XCTAssertTrue(summary.samples.allSatisfy { $0 >= 0 })
    }

    func testImagesPerSecondCountsEveryThread() {
        XCTAssertEqual(EngineTiming.imagesPerSecond(batch: 16, threads: 2, seconds: 0.5), 64)
        XCTAssertEqual(EngineTiming.imagesPerSecond(batch: 16, threads: 2, seconds: 0), 0)
    }

    func testThroughputRatioIsInt8OverFloat() throws {
        XCTAssertEqual(try XCTUnwrap(BenchmarkReport.throughputRatio(int8: 300, float: 100)), 3)
        XCTAssertNil(BenchmarkReport.throughputRatio(int8: nil, float: 100))
        XCTAssertNil(BenchmarkReport.throughputRatio(int8: 300, float: 0))
    }

    func testComparisonRowAtToleranceEdges() {
        let inside = SimulatedComparison.row(name: "a", measured: 1.29, simulated: 1.0, tolerance: 0.3)
        let insideLow = SimulatedComparison.row(name: "d", measured: 0.71, simulated: 1.0, tolerance: 0.3)
        let below = SimulatedComparison.row(name: "b", measured: 0.69, simulated: 1.0, tolerance: 0.3)
        let above = SimulatedComparison.row(name: "c", measured: 1.31, simulated: 1.0, tolerance: 0.3)
        XCTAssertTrue(inside.withinTolerance)
        XCTAssertTrue(insideLow.withinTolerance)
        XCTAssertFalse(below.withinTolerance)
        XCTAssertFalse(above.withinTolerance)
        XCTAssertEqual(above.ratio, 1.31, accuracy: 1e-12)
    }

    func testComparisonRowWithZeroSimulatedTime() {
        let row = SimulatedComparison.row(name: "reshape", measured: 1e-6, simulated: 0, tolerance: 0.3)
        XCTAssertEqual(row.ratio, 0)
        XCTAssertFalse(row.withinTolerance)
    }

    func testGemmOperationsAreTwiceTheMACs() {
        XCTAssertEqual(GemmFigures.operations(size: 2), 16)
        XCTAssertEqual(GemmFigures.operations(size: 2048), 2 * 2048 * 2048 * 2048)
    }

    func testGemmFractionNeedsAPeak() throws {
        let figures = GemmFigures(size: 2048, threads: 2, instructionSet: "vnni512", int8GigaOpsPerSecond: 465,
                                  floatGigaFlopsPerSecond: 100, int8PeakGigaOps: 930, floatPeakGigaFlops: nil,
                                  peakSource: "stated")
        XCTAssertEqual(try XCTUnwrap(figures.int8FractionOfPeak), 0.5)
        XCTAssertNil(figures.floatFractionOfPeak)
        XCTAssertNil(GemmFigures.fraction(1, of: 0))
    }

    func testMachineDescriptionReadsFirstProcessor() {
        let text = """
            processor\t: 0
            model name\t: Example CPU 9000
            cpu MHz\t\t: 2300.000
            flags\t\t: fpu sse avx2 fma avx512f avx512_vnni

            processor\t: 1
            model name\t: Example CPU 9000
            cpu MHz\t\t: 2100.000
            flags\t\t: fpu sse avx2 fma avx512f avx512_vnni
            """
        let machine = MachineDescription.parse(cpuinfo: text)
        XCTAssertEqual(machine.processorModel, "Example CPU 9000")
        XCTAssertEqual(machine.logicalProcessors, 2)
        XCTAssertEqual(machine.clockMegahertz, 2300)
        XCTAssertEqual(machine.simdFlags, ["avx2", "fma", "avx512f", "avx512_vnni"])
    }
}

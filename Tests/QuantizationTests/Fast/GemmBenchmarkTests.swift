import Foundation
@testable import Quantization
import XCTest

/// Timing of both paths. Skipped unless QUANTSCOPE_BENCH is set, for
/// example `QUANTSCOPE_BENCH=2048 swift test -c release --filter GemmBenchmarkTests`.
final class GemmBenchmarkTests: XCTestCase {
    func testReportThroughput() throws {
        guard let value = ProcessInfo.processInfo.environment["QUANTSCOPE_BENCH"], let size = Int(value) else {
            throw XCTSkip("set QUANTSCOPE_BENCH=<size> to run the GEMM benchmark")
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for threads in Set([1, cores]).sorted() {
            let result = try GemmBenchmark.run(size: size, threads: threads)
            print(result)
            XCTAssertGreaterThan(result.int8GigaOpsPerSecond, 0)
        }
    }
}

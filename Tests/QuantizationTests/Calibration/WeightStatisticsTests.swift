import XCTest
import QuantCore
@testable import Quantization

final class WeightStatisticsTests: XCTestCase {
    func testPerChannelRangesOnAxisZero() throws {
        let weight = Tensor(shape: [2, 1, 2, 2], floats: [1, -2, 3, 0.5, -7, 4, 0, 2])

        let statistics = try WeightStatistics(tensorName: "w", tensor: weight)
        XCTAssertEqual(statistics.channelRanges, [ClipRange(lower: -2, upper: 3), ClipRange(lower: -7, upper: 4)])
        XCTAssertEqual(statistics.histogram.count, 8)
        XCTAssertEqual(statistics.histogram.min, -7)
    }

    func testPerChannelRangesOnLastAxis() throws {
        // A MatMul weight [K = 3, N = 2]: channel n is column n.
        let weight = Tensor(shape: [3, 2], floats: [1, 10, -1, 20, 5, -30])

        let statistics = try WeightStatistics(tensorName: "w", tensor: weight, outputChannelAxis: 1)
        XCTAssertEqual(statistics.channelRanges, [ClipRange(lower: -1, upper: 5), ClipRange(lower: -30, upper: 20)])
    }

    func testRejectsBadAxisAndType() throws {
        let weight = Tensor(shape: [2], floats: [1, 2])
        XCTAssertThrowsError(try WeightStatistics(tensorName: "w", tensor: weight, outputChannelAxis: 1)) { error in
            XCTAssertEqual(error as? WeightStatisticsError, .invalidChannelAxis(tensor: "w", axis: 1, shape: [2]))
        }
        let integers = try Tensor(shape: [2], data: .int8([1, 2]))
        XCTAssertThrowsError(try WeightStatistics(tensorName: "q", tensor: integers)) { error in
            XCTAssertEqual(error as? WeightStatisticsError, .notFloat(tensor: "q", elementType: .int8))
        }
    }
}

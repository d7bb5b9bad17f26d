import XCTest
@testable import Quantization

final class CalibrationMethodTests: XCTestCase {
    func testParsesEveryName() throws {
        XCTAssertEqual(try CalibrationMethod(parsing: "minmax"), .minMax)
        XCTAssertEqual(try CalibrationMethod(parsing: "moving-average"), .movingAverage)
        XCTAssertEqual(try CalibrationMethod(parsing: "percentile"), .percentile(99.99))
        XCTAssertEqual(try CalibrationMethod(parsing: "percentile:99.9"), .percentile(99.9))
        XCTAssertEqual(try CalibrationMethod(parsing: " MSE "), .mse)
        XCTAssertEqual(try CalibrationMethod(parsing: "kl"), .kl)
    }

    func testNameRoundTrip() throws {
        let methods: [CalibrationMethod] = [.minMax, .movingAverage, .percentile(99.99), .percentile(100),
                                            .percentile(99.9), .mse, .kl]
        for method in methods {
            XCTAssertEqual(try CalibrationMethod(parsing: method.name), method, method.name)
        }
    }

    func testUnknownNameListsValidNames() {
        XCTAssertThrowsError(try CalibrationMethod(parsing: "entropy")) { error in
            XCTAssertEqual(error as? CalibrationMethodParseError, .unknownMethod("entropy"))
            let message = String(describing: error)
            XCTAssertTrue(message.contains("'entropy'"), message)
            XCTAssertTrue(message.contains("moving-average"), message)
        }
    }

    func testInvalidPercentiles() {
        for text in ["percentile:abc", "percentile:50", "percentile:100.5", "percentile:", "percentile:nan"] {
            XCTAssertThrowsError(try CalibrationMethod(parsing: text), text) { error in
                XCTAssertEqual(error as? CalibrationMethodParseError, .invalidPercentile(text))
            }
        }
    }

    func testDescriptionsAreDistinct() {
        let methods: [CalibrationMethod] = [.minMax, .movingAverage, .percentile(99.9), .mse, .kl]
        XCTAssertEqual(Set(methods.map(\.description)).count, methods.count)
        XCTAssertTrue(CalibrationMethod.percentile(99.9).description.contains("99.9"))
    }
}

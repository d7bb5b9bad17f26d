import XCTest
import QuantCore
@testable import Evaluation

final class EvaluationRunnerTests: XCTestCase {
    /// Images whose single value is the class index; the classifier puts a
    /// one-hot logit at that index, so predictions equal the value.
    private func identityData(count: Int) -> Tensor {
        Tensor(shape: [count, 1], floats: (0..<count).map { Float($0 % 10) })
    }

    private static let oneHot: @Sendable (Tensor) throws -> Tensor = { batch in
        let values = try batch.floats()
        var logits = [Float](repeating: 0, count: values.count * 10)
        for (row, value) in values.enumerated() { logits[row * 10 + Int(value)] = 1 }
        return Tensor(shape: [values.count, 10], floats: logits)
    }

    func testArgmaxPicksFirstOfTies() throws {
        let logits = Tensor(shape: [3, 3], floats: [0, 2, 2, 5, 1, 0, -1, -1, -0.5])
        XCTAssertEqual(try Metrics.argmax(logits), [1, 0, 2])
    }

    func testNaNOutputNamesTheSample() throws {
        let images = identityData(count: 40)
        let runner = EvaluationRunner(batchSize: 16, concurrency: 2)
        XCTAssertThrowsError(try runner.run(images: images, labels: nil) { batch in
            var logits = try Self.oneHot(batch)
            if case .float32(var values) = logits.data, batch.batchCount < 16 {
                values[3 * 10 + 4] = .nan
                logits = Tensor(shape: logits.shape, floats: values)
            }
            return logits
        }) { error in
            guard case EvaluationError.inference(32, EvaluationError.nonFiniteOutput(35, let value))? =
                error as? EvaluationError else { return XCTFail("unexpected error \(error)") }
            XCTAssertTrue(value.isNaN)
        }
    }

    func testTop1CountsMatchesInOrder() throws {
        let images = identityData(count: 250)
        var labels = (0..<250).map { $0 % 10 }
        labels[0] = 9
        labels[249] = 0
        let runner = EvaluationRunner(batchSize: 32, concurrency: 3)
        let result = try runner.run(images: images, labels: labels, predict: Self.oneHot)
        XCTAssertEqual(result.samples, 250)
        XCTAssertEqual(result.predictions, (0..<250).map { $0 % 10 })
        XCTAssertEqual(result.top1 ?? -1, 248.0 / 250.0, accuracy: 1e-12)
        XCTAssertNil(result.agreement)
    }

    func testLimitAndAgreement() throws {
        let images = identityData(count: 100)
        let reference = (0..<100).map { $0 < 20 ? 0 : $0 % 10 }
        let result = try EvaluationRunner(batchSize: 7).run(
            images: images, labels: nil, reference: reference, limit: 40, predict: Self.oneHot)
        XCTAssertEqual(result.samples, 40)
        XCTAssertNil(result.top1)
        // Samples 0..<20 match the reference only where i % 10 == 0: 0 and 10.
        XCTAssertEqual(result.agreement ?? -1, 22.0 / 40.0, accuracy: 1e-12)
    }

    func testTooFewLabelsIsRejected() {
        let images = identityData(count: 10)
        XCTAssertThrowsError(try EvaluationRunner().run(images: images, labels: [1, 2], predict: Self.oneHot)) {
            XCTAssertTrue("\($0)".contains("10 images but 2 labels"), "\($0)")
        }
    }

    func testCancelledRunThrows() {
        let token = CancellationToken()
        token.cancel()
        XCTAssertThrowsError(try EvaluationRunner().run(images: identityData(count: 10), labels: nil,
                                                        token: token, predict: Self.oneHot)) {
            guard case EvaluationError.cancelled = $0 else { return XCTFail("\($0)") }
        }
    }

    func testWrongOutputShapeIsReported() {
        XCTAssertThrowsError(try EvaluationRunner().run(images: identityData(count: 4), labels: nil) { batch in
            Tensor(shape: [batch.batchCount * 10], floats: [Float](repeating: 0, count: batch.batchCount * 10))
        }) {
            XCTAssertTrue("\($0)".contains("[40]"), "\($0)")
        }
    }
}

import XCTest
import QuantCore
import Quantization
@testable import Evaluation

/// Conv(3x3, 6 channels) -> Relu -> Conv(3x3, stride 2) -> Relu ->
/// GlobalAveragePool -> Flatten -> Gemm -> Softmax on [N, 1, 12, 12], with
/// seeded weights, and labels taken from the float model's own predictions
/// on half the samples (the rest shifted), so top-1 is neither 0 nor 1.
enum TwoConvNet {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    static func model() -> Model {
        var generator = Generator(state: 21)
        func values(_ count: Int, _ range: ClosedRange<Float>) -> [Float] {
            (0..<count).map { _ in Float.random(in: range, using: &generator) }
        }
        let initializers: [String: Tensor] = [
            "w1": Tensor(shape: [6, 1, 3, 3], floats: values(54, -0.7...0.7)),
            "b1": Tensor(shape: [6], floats: values(6, -0.1...0.1)),
            "w2": Tensor(shape: [8, 6, 3, 3], floats: values(432, -0.3...0.3)),
            "b2": Tensor(shape: [8], floats: values(8, -0.1...0.1)),
            "fc_w": Tensor(shape: [8, 4], floats: values(32, -1...1)),
            "fc_b": Tensor(shape: [4], floats: values(4, -0.1...0.1)),
        ]
        let nodes = [
            Node(name: "conv1", opType: "Conv", inputs: ["x", "w1", "b1"], outputs: ["c1"],
                 attributes: ["pads": .ints([1, 1, 1, 1])]),
            Node(name: "relu1", opType: "Relu", inputs: ["c1"], outputs: ["r1"]),
            Node(name: "conv2", opType: "Conv", inputs: ["r1", "w2", "b2"], outputs: ["c2"],
                 attributes: ["strides": .ints([2, 2])]),
            Node(name: "relu2", opType: "Relu", inputs: ["c2"], outputs: ["r2"]),
            Node(name: "gap", opType: "GlobalAveragePool", inputs: ["r2"], outputs: ["g"]),
            Node(name: "flatten", opType: "Flatten", inputs: ["g"], outputs: ["f"]),
            Node(name: "fc", opType: "Gemm", inputs: ["f", "fc_w", "fc_b"], outputs: ["z"]),
            Node(name: "softmax", opType: "Softmax", inputs: ["z"], outputs: ["probabilities"]),
        ]
        return Model(graph: Graph(name: "two_conv", nodes: nodes, initializers: initializers,
                                  inputs: [ValueInfo(name: "x", shape: [.parameter("N"), .value(1), .value(12), .value(12)])],
                                  outputs: [ValueInfo(name: "probabilities", shape: nil)]))
    }

    static func images(count: Int, seed: UInt64) -> Tensor {
        var generator = Generator(state: seed)
        return Tensor(shape: [count, 1, 12, 12],
                      floats: (0..<(count * 144)).map { _ in Float.random(in: 0...1, using: &generator) })
    }

    static func session(samples: Int = 600, batchSize: Int = 50) throws -> QuantizationSession {
        let model = model()
        let images = images(count: samples, seed: 5)
        let predictions = try Metrics.argmax(XCTUnwrap(FloatEngine(model: model).run(inputs: ["x": images])["probabilities"]))
        let labels = predictions.enumerated().map { $0.offset % 2 == 0 ? $0.element : ($0.element + 1) % 4 }
        let data = LabeledImages(images: images, labels: labels, source: "seeded")
        return try QuantizationSession(model: model, data: data, calibrationImages: TwoConvNet.images(count: 100, seed: 9),
                                       referenceSamples: 64, batchSize: batchSize)
    }
}

final class SessionTests: XCTestCase {
    private let allInt8 = QuantizationPlan(defaults: LayerQuantization(precision: .int8))

    func testAllFloatPlanMatchesFloatReference() throws {
        let session = try TwoConvNet.session()
        let result = try session.evaluate(QuantizationPlan())
        XCTAssertEqual(result.predictions, session.reference.predictions)
        XCTAssertEqual(result.top1, session.reference.top1)
        XCTAssertEqual(result.agreement, 1)
        XCTAssertEqual(result.top1 ?? 0, 0.5, accuracy: 0.01)
    }

    func testCachedEvaluationEqualsFullRun() throws {
        let cached = try TwoConvNet.session()
        let fresh = try TwoConvNet.session()
        _ = try cached.evaluate(allInt8)
        var toggled = allInt8
        toggled.set(LayerQuantization(precision: .float), for: "fc")
        let incremental = try cached.evaluate(toggled)
        let full = try fresh.evaluate(toggled)
        XCTAssertEqual(incremental.predictions, full.predictions)
        XCTAssertLessThan(incremental.recomputedFraction, 0.5, "only the units from fc on are run")
        XCTAssertEqual(full.recomputedFraction, 1)

        // Back to the first plan, and a change at the first layer.
        var firstChanged = allInt8
        firstChanged.set(LayerQuantization(precision: .int8, weightBits: 4), for: "conv1")
        for plan in [allInt8, firstChanged, allInt8] {
            XCTAssertEqual(try cached.evaluate(plan).predictions, try fresh.evaluate(plan).predictions)
        }
        XCTAssertGreaterThan(cached.cachedBytes, 0)
    }

    func testUnchangedPlanReusesEveryBatch() throws {
        let session = try TwoConvNet.session()
        let first = try session.evaluate(allInt8)
        let second = try session.evaluate(allInt8)
        XCTAssertEqual(first.predictions, second.predictions)
        XCTAssertEqual(second.recomputedFraction, 0)
        XCTAssertEqual(session.lastEvaluation?.predictions, second.predictions)
    }

    func testSubsetThenFullReportsTwice() throws {
        let session = try TwoConvNet.session()
        var sizes: [Int] = []
        try session.evaluateSubsetThenFull(allInt8, subset: 100) { sizes.append($0.samples) }
        XCTAssertEqual(sizes, [100, 600])
    }

    func testCancelledEvaluationThrows() throws {
        let session = try TwoConvNet.session()
        let token = CancellationToken()
        token.cancel()
        XCTAssertThrowsError(try session.evaluate(allInt8, token: token))
    }

    func testFakeQuantIsLabelledAsSimulation() throws {
        let session = try TwoConvNet.session()
        var plan = allInt8
        plan.mode = .fakeQuant
        let result = try session.evaluate(plan)
        XCTAssertEqual(result.modeLabel, "fake-quant (float simulation)")
        XCTAssertGreaterThan(result.agreement, 0.9)
    }

    func testLayerErrorsOfInt8Layers() throws {
        let session = try TwoConvNet.session()
        let errors = try session.layerErrors(allInt8)
        XCTAssertEqual(errors.map(\.layer), ["conv1", "conv2", "gap", "flatten", "fc"])
        for error in errors {
            XCTAssertEqual(error.samples, 64)
            XCTAssertGreaterThan(error.cumulative.cosineSimilarity, 0.99, error.layer)
            XCTAssertGreaterThan(error.local.signalToQuantizationNoise, 20, error.layer)
            // Rounding alone gives 0.289; a single layer stays near it.
            XCTAssertLessThan(try XCTUnwrap(error.local.rmseOverScale), 0.6, error.layer)
            // Evaluation samples may leave the calibrated range, but rarely.
            XCTAssertLessThan(error.local.clippedFraction, 0.01, error.layer)
        }
        let conv1 = try XCTUnwrap(errors.first)
        XCTAssertEqual(conv1.local, conv1.cumulative, "the first layer's input is the float input either way")
        let conv2 = errors[1]
        XCTAssertGreaterThanOrEqual(conv2.cumulative.meanSquaredError, conv2.local.meanSquaredError)
    }

    func testToggleSpeedOnTenThousandImages() throws {
        let session = try TwoConvNet.session(samples: 10_000, batchSize: 250)
        _ = try session.evaluate(allInt8)
        var toggled = allInt8
        toggled.set(LayerQuantization(precision: .float), for: "fc")
        let result = try session.evaluate(toggled)
        print("toggling fc on 10,000 images: \(result.seconds) s, recomputed \(result.recomputedFraction), "
              + "cache \(session.cachedBytes) bytes")
        XCTAssertLessThan(session.cachedBytes, 512 << 20)
        XCTAssertLessThan(result.recomputedFraction, 0.5)

        var first = allInt8
        first.set(LayerQuantization(precision: .float), for: "conv1")
        let full = try session.evaluate(first)
        print("toggling conv1 on 10,000 images: \(full.seconds) s, recomputed \(full.recomputedFraction)")
        XCTAssertEqual(full.recomputedFraction, 1)
    }
}

import XCTest
import QuantCore
@testable import Quantization

final class MixedRuntimeTests: XCTestCase {
    private func allInt8(_ scheme: QuantizationScheme.Kind = .tflite, granularity: QuantizationScheme.WeightGranularity? = nil,
                         bits: Int = 8, mode: ExecutionMode = .integer) -> QuantizationPlan {
        QuantizationPlan(defaults: LayerQuantization(precision: .int8, scheme: scheme, granularity: granularity,
                                                     weightBits: bits, activationBits: bits),
                         mode: mode)
    }

    private func logits(_ model: CalibratedModel, _ plan: QuantizationPlan, images: Tensor) throws -> [Float] {
        let runtime = MixedRuntime(program: try model.program(for: plan))
        return try XCTUnwrap(runtime.run(inputs: ["x": images])["logits"]).floats()
    }

    func testAllFloatPlanEqualsFloatEngineBitForBit() throws {
        let model = try SmallCNN.calibrated()
        let images = SmallCNN.images(count: 20, seed: 3)
        let expected = try FloatEngine(model: model.prepared.model).run(inputs: ["x": images])["logits"]
        let actual = try MixedRuntime(program: model.program(for: QuantizationPlan())).run(inputs: ["x": images])["logits"]
        XCTAssertEqual(actual, expected)
    }

    func testIntegerMatchesFakeQuantAndFloat() throws {
        let model = try SmallCNN.calibrated()
        let images = SmallCNN.images(count: 50, seed: 5)
        let float = try XCTUnwrap(FloatEngine(model: model.prepared.model).run(inputs: ["x": images])["logits"]).floats()
        for scheme in QuantizationScheme.Kind.allCases {
            let program = try model.program(for: allInt8(scheme))
            let outputScale = try XCTUnwrap(program.layers.last?.outputParameters?.scale)
            let integer = try logits(model, allInt8(scheme), images: images)
            let simulated = try logits(model, allInt8(scheme, mode: .fakeQuant), images: images)
            let fakeQuantDifference = zip(integer, simulated).map { abs($0 - $1) }.max() ?? .infinity
            let floatDifference = zip(integer, float).map { abs($0 - $1) }.max() ?? .infinity
            let logitRange = (float.max() ?? 0) - (float.min() ?? 0)
            // Budget: the fixed-point requantization rounds differently from
            // float, so each layer may be one output step off; three steps of
            // the final scale cover the three requantizing layers.
            XCTAssertLessThanOrEqual(fakeQuantDifference, 3 * outputScale, "\(scheme) integer vs fake-quant")
            // Budget: 8-bit quantization error, 5% of the logit range.
            XCTAssertLessThanOrEqual(floatDifference, 0.05 * logitRange, "\(scheme) integer vs float")
            print("\(scheme): max |integer - fake-quant| = \(fakeQuantDifference) (S_out \(outputScale)), "
                  + "max |integer - float| = \(floatDifference) of range \(logitRange)")
        }
    }

    func testConsecutiveInt8LayersPassIntegerTensors() throws {
        let model = try SmallCNN.calibrated()
        let program = try model.program(for: allInt8())
        let steps = program.units.flatMap(\.steps)
        let quantizes = steps.filter { if case .quantize = $0 { return true } else { return false } }
        let dequantizes = steps.filter { if case .dequantize = $0 { return true } else { return false } }
        let requantizes = steps.filter { if case .requantize = $0 { return true } else { return false } }
        XCTAssertEqual(quantizes.count, 1, "only the graph input is quantized")
        XCTAssertEqual(dequantizes.count, 1, "only the graph output is dequantized")
        XCTAssertEqual(requantizes.count, 0)
        XCTAssertEqual(program.units.map(\.name), ["conv1", "pool1", "flatten", "fc", "graph outputs"])
        XCTAssertTrue(program.units.dropLast().allSatisfy(\.runsIntegerKernels))
    }

    func testMixedPlanInsertsBoundaries() throws {
        let model = try SmallCNN.calibrated()
        var plan = allInt8()
        plan.set(LayerQuantization(precision: .float), for: "pool1")
        let program = try model.program(for: plan)
        let poolSteps = try XCTUnwrap(program.units.first { $0.name == "pool1" }).steps
        guard case .dequantize = poolSteps.first else { return XCTFail("pool1 starts with \(poolSteps)") }
        let flattenSteps = try XCTUnwrap(program.units.first { $0.name == "flatten" }).steps
        guard case .quantize = flattenSteps.first else { return XCTFail("flatten starts with \(flattenSteps)") }
        let images = SmallCNN.images(count: 10)
        XCTAssertEqual(try logits(model, plan, images: images).count, 10 * SmallCNN.classes)
    }

    func testSchemesGranularitiesAndBitWidthsRun() throws {
        let model = try SmallCNN.calibrated()
        let images = SmallCNN.images(count: 10)
        let float = try XCTUnwrap(FloatEngine(model: model.prepared.model).run(inputs: ["x": images])["logits"]).floats()
        for scheme in QuantizationScheme.Kind.allCases {
            for granularity in QuantizationScheme.WeightGranularity.allCases {
                for bits in [2, 4, 8] {
                    let values = try logits(model, allInt8(scheme, granularity: granularity, bits: bits), images: images)
                    XCTAssertEqual(values.count, float.count, "\(scheme) \(granularity) \(bits)")
                    XCTAssertTrue(values.allSatisfy(\.isFinite), "\(scheme) \(granularity) \(bits)")
                }
            }
        }
        // Lower bit widths lose accuracy: the 4-bit error exceeds the 8-bit error.
        let error8 = zip(try logits(model, allInt8(bits: 8), images: images), float).map { abs($0 - $1) }.reduce(0, +)
        let error4 = zip(try logits(model, allInt8(bits: 4), images: images), float).map { abs($0 - $1) }.reduce(0, +)
        XCTAssertLessThan(error8, error4)
    }

    func testMixedContainersRequantize() throws {
        let model = try SmallCNN.calibrated()
        var plan = allInt8(.tflite)
        plan.set(LayerQuantization(precision: .int8, scheme: .paper), for: "fc")
        let program = try model.program(for: plan)
        let fcSteps = try XCTUnwrap(program.units.first { $0.name == "fc" }).steps
        guard case .requantize(_, _, _, let container) = fcSteps.first else { return XCTFail("fc starts with \(fcSteps)") }
        XCTAssertEqual(container, .uint8)
        XCTAssertEqual(try logits(model, plan, images: SmallCNN.images(count: 4)).count, 4 * SmallCNN.classes)
    }

    func testAccumulatorOverflowNamesLayerDepthAndLimit() throws {
        let depth = 40_000
        let graph = Graph(name: "wide", nodes: [
            Node(name: "wide_fc", opType: "Gemm", inputs: ["x", "w"], outputs: ["y"], attributes: ["transB": .int(1)]),
        ], initializers: ["w": Tensor(shape: [1, depth], floats: (0..<depth).map { Float($0 % 7) - 3 })],
           inputs: [ValueInfo(name: "x", shape: [.parameter("N"), .value(depth)])],
           outputs: [ValueInfo(name: "y", shape: nil)])
        let prepared = try GraphPreparation.prepare(Model(graph: graph))
        let images = Tensor(shape: [2, depth], floats: (0..<(2 * depth)).map { Float($0 % 5) })
        let model = try CalibratedModel.calibrate(prepared: prepared, images: images)
        let plan = QuantizationPlan(defaults: LayerQuantization(precision: .int8, scheme: .paper))
        XCTAssertThrowsError(try model.program(for: plan)) { error in
            guard case EngineBuildError.quantization(_, .accumulatorOverflow(let layer, let actualDepth, let limit)) = error
            else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(layer, "wide_fc")
            XCTAssertEqual(actualDepth, depth)
            XCTAssertEqual(limit, 33_025)
        }
    }

    func testUnknownLayerNamesListValidOnes() throws {
        let model = try SmallCNN.calibrated()
        var plan = QuantizationPlan()
        plan.layers["conv9"] = LayerQuantization()
        XCTAssertThrowsError(try model.program(for: plan)) { error in
            guard case EngineBuildError.unknownLayers(let names, let valid) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(names, ["conv9"])
            XCTAssertEqual(valid, ["conv1", "pool1", "flatten", "fc"])
        }
    }
}

import QuantCore
import XCTest
@testable import Quantization

/// A bias too large for the int32 accumulator keeps its layer in float
/// instead of wrapping inside the output stage.
final class BiasHeadroomTests: XCTestCase {
    private let allInt8 = QuantizationPlan(defaults: LayerQuantization(precision: .int8, scheme: .tflite))

    func testHugeBiasFallsBackToFloat() throws {
        var model = SmallCNN.model()
        // About 1e10 steps of S_in * S_w: far beyond Int32.max.
        model.graph.initializers["conv_b"] = Tensor(shape: [SmallCNN.channels],
                                                    floats: [0.05, -3e7, 0.02, 0.01])
        let prepared = try GraphPreparation.prepare(model)
        let calibrated = try CalibratedModel.calibrate(prepared: prepared, images: SmallCNN.images(count: 32))
        let program = try calibrated.program(for: allInt8)
        let reason = try XCTUnwrap(program.fallbacks["conv1"])
        XCTAssertTrue(reason.contains("output channel 1"), reason)
        XCTAssertTrue(reason.contains("runs in float"), reason)
        XCTAssertNil(program.fallbacks["fc"])
    }

    func testOrdinaryBiasStaysInteger() throws {
        let program = try SmallCNN.calibrated().program(for: allInt8)
        XCTAssertTrue(program.fallbacks.isEmpty, "\(program.fallbacks)")
    }
}

import XCTest
@testable import Quantization

/// `maxPool2D` on unpadded layers, whose windows all lie inside the input
/// and take the kernel's direct path, against a brute-force maximum of each
/// window, on seeded random shapes of both 8-bit types.
final class MaxPoolInteriorTests: XCTestCase {
    func testUnpaddedMaxPoolMatchesBruteForce() throws {
        var generator = SeededGenerator(seed: 0x9002)
        for trial in 0..<60 {
            if trial % 2 == 0 {
                try check(UInt8.self, trial: trial, using: &generator)
            } else {
                try check(Int8.self, trial: trial, using: &generator)
            }
        }
    }

    private func check<Element: QuantizedValue>(_ type: Element.Type, trial: Int,
                                                using generator: inout SeededGenerator) throws {
        let kernelHeight = Int.random(in: 1...3, using: &generator)
        let kernelWidth = Int.random(in: 1...3, using: &generator)
        let shape = Pool2DShape(batch: Int.random(in: 1...2, using: &generator),
                                channels: Int.random(in: 1...3, using: &generator),
                                inputHeight: Int.random(in: kernelHeight...12, using: &generator),
                                inputWidth: Int.random(in: kernelWidth...12, using: &generator),
                                kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                strideHeight: Int.random(in: 1...3, using: &generator),
                                strideWidth: Int.random(in: 1...3, using: &generator),
                                padTop: 0, padLeft: 0, padBottom: 0, padRight: 0)
        let low = Int32(Element.min), high = Int32(Element.max)
        let clamp = ActivationClamp(lower: Int32.random(in: low...(low + 60), using: &generator),
                                    upper: Int32.random(in: (high - 60)...high, using: &generator))
        let input = (0..<shape.inputCount).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }

        let actual = try maxPool2D(input: input, shape: shape, outputClamp: clamp)

        var expected: [Element] = []
        for plane in 0..<(shape.batch * shape.channels) {
            for outputY in 0..<shape.outputHeight {
                for outputX in 0..<shape.outputWidth {
                    var maximum = Int32.min
                    for kernelY in 0..<kernelHeight {
                        for kernelX in 0..<kernelWidth {
                            let y = outputY * shape.strideHeight + kernelY
                            let x = outputX * shape.strideWidth + kernelX
                            maximum = max(maximum, Int32(input[(plane * shape.inputHeight + y) * shape.inputWidth + x]))
                        }
                    }
                    expected.append(Element(min(max(maximum, clamp.lower), clamp.upper)))
                }
            }
        }
        XCTAssertEqual(actual, expected, "trial \(trial): \(shape)")
    }
}

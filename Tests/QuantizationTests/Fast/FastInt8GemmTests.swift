import QuantCore
import XCTest
@testable import Quantization

/// Every instruction set present on the machine against the scalar Swift
/// reference, bit for bit.
final class FastInt8GemmTests: XCTestCase {
    /// (M, N, K): ones, odd sizes, depths that are not multiples of 4 or 64,
    /// column counts around the 16 and 64 panel edges, and one product large
    /// enough to run on several threads.
    let shapes: [(rows: Int, columns: Int, depth: Int)] = [
        (1, 1, 1), (1, 17, 3), (5, 1, 7), (3, 16, 4), (4, 64, 64), (7, 33, 65),
        (13, 70, 129), (9, 65, 63), (37, 130, 300), (2, 200, 1001), (70, 131, 520),
    ]

    func workspace(_ instructionSet: Int8GemmInstructionSet, threads: Int = 2) throws -> Int8GemmWorkspace {
        try Int8GemmWorkspace(instructionSet: instructionSet, threadCount: threads)
    }

    func randomValues<Element: Int8GemmElement>(_: Element.Type, count: Int,
                                                using generator: inout SeededGenerator) -> [Element] {
        (0..<count).map { _ in Element.random(in: Element.min...Element.max, using: &generator) }
    }

    /// Runs one case on every instruction set in `instructionSets` and
    /// compares each result with the reference.
    func checkCase<Activation: Int8GemmElement, Weight: Int8GemmElement>(
        activations: [Activation], weights: [Weight], rows: Int, columns: Int, depth: Int,
        activationZeroPoint: Int32, weightZeroPoint: Int32, layout: GemmWeightLayout,
        instructionSets: [Int8GemmInstructionSet] = Int8GemmInstructionSet.available, label: String
    ) throws {
        let expected = try Int8Gemm.reference(activations, rowCount: rows, zeroPoint: activationZeroPoint,
                                              weights: weights, depth: depth, columnCount: columns,
                                              layout: layout, weightZeroPoint: weightZeroPoint)
        let packed = try PackedInt8Weights(weights, depth: depth, columnCount: columns, layout: layout,
                                           zeroPoint: weightZeroPoint)
        for instructionSet in instructionSets {
            let actual = try Int8Gemm.multiply(activations, rowCount: rows, zeroPoint: activationZeroPoint,
                                               weights: packed, workspace: workspace(instructionSet))
            XCTAssertEqual(actual.count, expected.count, "\(instructionSet) \(label)")
            let mismatch = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }
            if let mismatch {
                XCTFail("\(instructionSet) \(label): first mismatch at \(mismatch.offset): "
                        + "\(mismatch.element.0) != \(mismatch.element.1)")
            }
        }
    }

    func checkRandomShapes<Activation: Int8GemmElement, Weight: Int8GemmElement>(
        _: Activation.Type, _: Weight.Type, seed: UInt64
    ) throws {
        var generator = SeededGenerator(seed: seed)
        for (rows, columns, depth) in shapes {
            let activations = randomValues(Activation.self, count: rows * depth, using: &generator)
            let weights = randomValues(Weight.self, count: depth * columns, using: &generator)
            let randomActivationZero = Int32(Activation.random(in: Activation.min...Activation.max,
                                                               using: &generator))
            let randomWeightZero = Int32(Weight.random(in: Weight.min...Weight.max, using: &generator))
            // The four combinations of zero and nonzero zero-points.
            for (activationZero, weightZero) in [(0, 0), (randomActivationZero, 0),
                                                 (0, randomWeightZero), (randomActivationZero, randomWeightZero)] {
                for layout in [GemmWeightLayout.rowMajor, .columnMajor] {
                    let label = "\(Activation.self)x\(Weight.self) M\(rows) N\(columns) K\(depth) "
                        + "Za \(activationZero) Zb \(weightZero) \(layout)"
                    try checkCase(activations: activations, weights: weights, rows: rows, columns: columns,
                                  depth: depth, activationZeroPoint: activationZero, weightZeroPoint: weightZero,
                                  layout: layout, label: label)
                }
            }
        }
    }

    func testUInt8ActivationsInt8WeightsMatchReference() throws {
        try checkRandomShapes(UInt8.self, Int8.self, seed: 1)
    }

    func testInt8ActivationsInt8WeightsMatchReference() throws {
        try checkRandomShapes(Int8.self, Int8.self, seed: 2)
    }

    func testUInt8ActivationsUInt8WeightsMatchReference() throws {
        try checkRandomShapes(UInt8.self, UInt8.self, seed: 3)
    }

    func testInt8ActivationsUInt8WeightsMatchReference() throws {
        try checkRandomShapes(Int8.self, UInt8.self, seed: 4)
    }

    /// Checks every operand and zero-point at the ends of its range, alone and mixed.
    func checkExtremes<Activation: Int8GemmElement, Weight: Int8GemmElement>(
        _: Activation.Type, _: Weight.Type
    ) throws {
        let (rows, columns, depth) = (5, 67, 131)
        let activationEdges: [Activation] = [Activation.min, Activation.max, 0]
        let weightEdges: [Weight] = [Weight.min, Weight.max, 0]
        var generator = SeededGenerator(seed: 99)
        for activationValue in activationEdges {
            for weightValue in weightEdges {
                for activationZero in activationEdges.map(Int32.init) {
                    for weightZero in weightEdges.map(Int32.init) {
                        let label = "a \(activationValue) b \(weightValue) "
                            + "Za \(activationZero) Zb \(weightZero)"
                        try checkCase(activations: [Activation](repeating: activationValue, count: rows * depth),
                                      weights: [Weight](repeating: weightValue, count: depth * columns),
                                      rows: rows, columns: columns, depth: depth,
                                      activationZeroPoint: activationZero, weightZeroPoint: weightZero,
                                      layout: .columnMajor, label: label)
                    }
                }
            }
        }
        // Operands drawn from the edges only.
        let activations = (0..<(rows * depth)).map { _ in activationEdges.randomElement(using: &generator)! }
        let weights = (0..<(depth * columns)).map { _ in weightEdges.randomElement(using: &generator)! }
        try checkCase(activations: activations, weights: weights, rows: rows, columns: columns, depth: depth,
                      activationZeroPoint: Int32(Activation.max), weightZeroPoint: Int32(Weight.min),
                      layout: .rowMajor, label: "mixed edges")
    }

    func testExtremeValuesUInt8ByInt8() throws {
        try checkExtremes(UInt8.self, Int8.self)
    }

    func testExtremeValuesInt8ByInt8() throws {
        try checkExtremes(Int8.self, Int8.self)
    }

    func testExtremeValuesUInt8ByUInt8() throws {
        try checkExtremes(UInt8.self, UInt8.self)
    }

    /// At the headroom limit the sum reaches within one product of Int32.min.
    func testDepthAtHeadroomLimitIsExact() throws {
        let depth = Int8Gemm.maximumDepth(activationMagnitude: 255, weightMagnitude: 128)
        XCTAssertEqual(depth, 65_793)
        let (rows, columns) = (2, 17)
        let activations = [UInt8](repeating: 255, count: rows * depth)
        let weights = [Int8](repeating: -128, count: depth * columns)
        let packed = try PackedInt8Weights(weights, depth: depth, columnCount: columns, layout: .columnMajor,
                                           zeroPoint: 0)
        let exact = Int64(depth) * 255 * -128
        for instructionSet in Int8GemmInstructionSet.available {
            let result = try Int8Gemm.multiply(activations, rowCount: rows, zeroPoint: 0, weights: packed,
                                               workspace: workspace(instructionSet))
            XCTAssertEqual(result.map(Int64.init), [Int64](repeating: exact, count: rows * columns), "\(instructionSet)")
        }
    }

    /// uint8 weights with Zb = 255 and activations with Za = 0: both
    /// magnitudes 255, and the sum ends within 65,025 of Int32.max.
    func testRandomDepthAtHeadroomLimitMatchesReference() throws {
        let depth = Int8Gemm.maximumDepth(activationMagnitude: 255, weightMagnitude: 255)
        XCTAssertEqual(depth, 33_025)
        var generator = SeededGenerator(seed: 7)
        let (rows, columns) = (3, 19)
        var activations = randomValues(UInt8.self, count: rows * depth, using: &generator)
        var weights = randomValues(UInt8.self, count: depth * columns, using: &generator)
        activations[0..<depth] = ArraySlice(repeating: 255, count: depth)
        weights[0] = 0
        try checkCase(activations: activations, weights: weights, rows: rows, columns: columns, depth: depth,
                      activationZeroPoint: 0, weightZeroPoint: 255, layout: .rowMajor, label: "K \(depth)")
    }

    func testDepthBeyondHeadroomIsRejected() throws {
        let depth = 33_026
        let weights = [UInt8](repeating: 0, count: depth)
        let packed = try PackedInt8Weights(weights, depth: depth, columnCount: 1, layout: .rowMajor, zeroPoint: 255)
        let activations = [UInt8](repeating: 0, count: depth)
        XCTAssertThrowsError(try Int8Gemm.multiply(activations, rowCount: 1, zeroPoint: 0, weights: packed,
                                                   workspace: workspace(.scalar))) { error in
            XCTAssertEqual(error as? GemmError, .depthExceedsAccumulatorHeadroom(depth: depth, maximumDepth: 33_025))
        }
    }

    func testInvalidArgumentsAreRejected() throws {
        let packed = try PackedInt8Weights([Int8](repeating: 1, count: 12), depth: 4, columnCount: 3,
                                           layout: .rowMajor, zeroPoint: 0)
        XCTAssertThrowsError(try Int8Gemm.multiply([UInt8](repeating: 0, count: 8), rowCount: 2, zeroPoint: 256,
                                                   weights: packed, workspace: workspace(.scalar))) { error in
            XCTAssertEqual(error as? GemmError,
                           .zeroPointOutOfRange(operand: "activations", zeroPoint: 256, minimum: 0, maximum: 255))
        }
        XCTAssertThrowsError(try Int8Gemm.multiply([UInt8](repeating: 0, count: 7), rowCount: 2, zeroPoint: 0,
                                                   weights: packed, workspace: workspace(.scalar))) { error in
            XCTAssertEqual(error as? GemmError, .bufferSizeMismatch(operand: "activations", expected: 8, actual: 7))
        }
        XCTAssertThrowsError(try PackedInt8Weights([Int8](), depth: 0, columnCount: 3, layout: .rowMajor,
                                                   zeroPoint: 0)) { error in
            XCTAssertEqual(error as? GemmError, .invalidDimension(name: "K (depth)", value: 0, minimum: 1))
        }
        XCTAssertThrowsError(try PackedInt8Weights([Int8](repeating: 0, count: 3), depth: 1, columnCount: 3,
                                                   layout: .rowMajor, zeroPoint: -129)) { error in
            XCTAssertEqual(error as? GemmError,
                           .zeroPointOutOfRange(operand: "weights", zeroPoint: -129, minimum: -128, maximum: 127))
        }
    }

    func testZeroRowsProduceNoOutput() throws {
        let packed = try PackedInt8Weights([Int8](repeating: 1, count: 6), depth: 2, columnCount: 3,
                                           layout: .rowMajor, zeroPoint: 0)
        let result = try Int8Gemm.multiply([UInt8](), rowCount: 0, zeroPoint: 0, weights: packed,
                                           workspace: workspace(.scalar))
        XCTAssertTrue(result.isEmpty)
    }

    func testEnvironmentVariableSelectsPath() throws {
        let variable = Int8GemmInstructionSet.environmentVariable
        XCTAssertEqual(try Int8GemmInstructionSet.preferred(environment: [variable: "scalar"]), .scalar)
        XCTAssertEqual(try Int8GemmInstructionSet.preferred(environment: [:]), Int8GemmInstructionSet.fastest)
        for instructionSet in Int8GemmInstructionSet.available {
            XCTAssertEqual(try Int8GemmInstructionSet.preferred(environment: [variable: instructionSet.rawValue]),
                           instructionSet)
        }
        XCTAssertThrowsError(try Int8GemmInstructionSet.preferred(environment: [variable: "neon"])) { error in
            guard case .unavailableInstructionSet(requested: "neon", _)? = error as? GemmError else {
                return XCTFail("unexpected error \(error)")
            }
        }
    }

    /// The x86 paths are reported when the CPU has them; printed so a run
    /// shows which paths the other tests covered.
    func testAvailablePathsIncludeScalar() {
        print("Int8Gemm instruction sets on this machine: \(Int8GemmInstructionSet.available.map(\.rawValue))")
        XCTAssertEqual(Int8GemmInstructionSet.available.first, .scalar)
    }

    /// A workspace reused for a deeper and then a shallower product must
    /// still give exact results.
    func testWorkspaceReuseAcrossShapes() throws {
        var generator = SeededGenerator(seed: 11)
        let shared = try workspace(Int8GemmInstructionSet.fastest)
        for (rows, columns, depth) in [(9, 20, 700), (30, 5, 3), (11, 90, 1500)] {
            let activations = randomValues(Int8.self, count: rows * depth, using: &generator)
            let weights = randomValues(Int8.self, count: depth * columns, using: &generator)
            let expected = try Int8Gemm.reference(activations, rowCount: rows, zeroPoint: -7, weights: weights,
                                                  depth: depth, columnCount: columns, layout: .rowMajor,
                                                  weightZeroPoint: 3)
            let packed = try PackedInt8Weights(weights, depth: depth, columnCount: columns, layout: .rowMajor,
                                               zeroPoint: 3)
            let actual = try Int8Gemm.multiply(activations, rowCount: rows, zeroPoint: -7, weights: packed,
                                               workspace: shared)
            XCTAssertEqual(actual, expected, "M\(rows) N\(columns) K\(depth)")
        }
    }
}

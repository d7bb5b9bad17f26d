@testable import QuantCore
import XCTest

/// Conv, Gemm and MatMul on `FloatGemm` against the same operators on the
/// scalar `SGEMM` reference. The two sum in different orders (and the fast
/// path fuses multiply-adds and adds the bias last), so each output may
/// differ by rounding. The budget per element is `(K + 2) * 2^-23 * S`,
/// where S is the sum of the absolute values of every term (products, bias,
/// beta * C), computed by running the reference on absolute inputs: the
/// classic bound on the rounding error of a float sum of K + 1 terms, plus
/// one rounding for alpha or the bias.
final class PackedOperatorTests: XCTestCase {
    private var largestDifference: Float = 0
    private var largestBudgetShare: Float = 0

    private var referenceOptions: MatrixMultiplyOptions {
        var options = MatrixMultiplyOptions()
        options.usesReferenceKernels = true
        return options
    }

    override func tearDown() {
        print("\(name): largest difference from the SGEMM reference \(largestDifference), "
              + "largest share of the error budget \(largestBudgetShare)")
        super.tearDown()
    }

    /// Runs `node` on the fast path and on the reference, the latter also on
    /// absolute inputs for the budget, and checks every output element.
    private func assertMatchesReference(_ node: Node, _ inputs: [Tensor?], depth: Int,
                                        options: MatrixMultiplyOptions = MatrixMultiplyOptions(),
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let fast = try Operators.execute(node, inputs: inputs, opset: 13, options: options)[0]
        let reference = try Operators.execute(node, inputs: inputs, opset: 13, options: referenceOptions)[0]
        var absoluteNode = node
        for attribute in ["alpha", "beta"] {
            if case .float(let value)? = node.attributes[attribute] { absoluteNode.attributes[attribute] = .float(abs(value)) }
        }
        let absoluteInputs = inputs.map { $0.map { Tensor(shape: $0.shape, floats: values($0).map(abs)) } }
        let absoluteSums = values(try Operators.execute(absoluteNode, inputs: absoluteInputs, opset: 13,
                                                        options: referenceOptions)[0])
        XCTAssertEqual(fast.shape, reference.shape, "\(node.name) shape", file: file, line: line)
        let fastValues = values(fast)
        let referenceValues = values(reference)
        XCTAssertEqual(fastValues.count, referenceValues.count, "\(node.name) element count", file: file, line: line)
        for index in 0..<min(fastValues.count, referenceValues.count) {
            let budget = Float(depth + 2) * Float.ulpOfOne * absoluteSums[index]
            let difference = abs(fastValues[index] - referenceValues[index])
            largestDifference = max(largestDifference, difference)
            if budget > 0 { largestBudgetShare = max(largestBudgetShare, difference / budget) }
            XCTAssertLessThanOrEqual(difference, budget, "\(node.name) element \(index)", file: file, line: line)
        }
    }

    func testConvolutionMatchesReference() throws {
        // (name, input shape, weight shape, attributes, with bias)
        let cases: [(String, [Int], [Int], [String: Attribute], Bool)] = [
            ("3x3 padded", [2, 3, 9, 11], [8, 3, 3, 3], ["pads": .ints([1, 1, 1, 1])], true),
            ("fashion conv2", [1, 32, 14, 14], [64, 32, 3, 3], ["pads": .ints([1, 1, 1, 1])], true),
            ("strided dilated", [1, 4, 13, 12], [5, 4, 3, 2],
             ["strides": .ints([2, 3]), "dilations": .ints([2, 1]), "pads": .ints([0, 1, 2, 0])], false),
            ("grouped", [2, 6, 7, 7], [9, 2, 3, 3], ["group": .int(3), "pads": .ints([1, 1, 1, 1])], true),
            ("depthwise", [1, 8, 10, 10], [8, 1, 3, 3], ["group": .int(8), "auto_pad": .string(Array("SAME_UPPER".utf8))], true),
            ("pointwise", [2, 16, 6, 5], [40, 16, 1, 1], [:], true),
            ("pointwise strided", [1, 16, 6, 6], [7, 16, 1, 1], ["strides": .ints([2, 2])], false),
            ("1-D", [3, 2, 17], [4, 2, 5], ["pads": .ints([2, 2])], true),
            ("3-D", [1, 2, 5, 6, 4], [3, 2, 2, 3, 2], [:], true),
        ]
        for (index, (name, inputShape, weightShape, attributes, hasBias)) in cases.enumerated() {
            let seed = UInt64(10 * index)
            var inputs: [Tensor?] = [floats(inputShape, seededFloats(inputShape.reduce(1, *), seed: seed)),
                                     floats(weightShape, seededFloats(weightShape.reduce(1, *), seed: seed + 1))]
            if hasBias { inputs.append(floats([weightShape[0]], seededFloats(weightShape[0], seed: seed + 2))) }
            let node = Node(name: name, opType: "Conv", inputs: ["x", "w", hasBias ? "b" : ""].filter { !$0.isEmpty },
                            outputs: ["y"], attributes: attributes)
            try assertMatchesReference(node, inputs, depth: weightShape.dropFirst().reduce(1, *))
        }
    }

    func testGemmMatchesReference() throws {
        // (M, K, N, transA, transB, alpha, beta, C shape)
        let cases: [(Int, Int, Int, Bool, Bool, Float, Float, [Int]?)] = [
            (7, 33, 5, false, false, 1, 1, nil),
            (100, 300, 128, false, true, 1, 1, [128]),
            (13, 70, 40, true, false, 0.5, 2, [13, 40]),
            (6, 9, 31, true, true, -1.5, 0.25, [6, 1]),
            (1, 1, 1, false, false, 1, 0, [1]),
        ]
        for (index, (m, k, n, transposeA, transposeB, alpha, beta, cShape)) in cases.enumerated() {
            let seed = UInt64(100 + 10 * index)
            let aShape = transposeA ? [k, m] : [m, k]
            let bShape = transposeB ? [n, k] : [k, n]
            var inputs: [Tensor?] = [floats(aShape, seededFloats(m * k, seed: seed)),
                                     floats(bShape, seededFloats(k * n, seed: seed + 1))]
            if let cShape { inputs.append(floats(cShape, seededFloats(cShape.reduce(1, *), seed: seed + 2))) }
            let node = Node(name: "gemm \(m)x\(k)x\(n)", opType: "Gemm",
                            inputs: Array(["a", "b", "c"].prefix(inputs.count)), outputs: ["y"],
                            attributes: ["alpha": .float(alpha), "beta": .float(beta),
                                         "transA": .int(transposeA ? 1 : 0), "transB": .int(transposeB ? 1 : 0)])
            try assertMatchesReference(node, inputs, depth: k)
            let cache = PackedWeightCache(model: Model(graph: Graph(nodes: [node], initializers: ["b": inputs[1]!])))
            XCTAssertEqual(cache.count, 1, "\(node.name) cache entries")
            try assertMatchesReference(node, inputs, depth: k, options: MatrixMultiplyOptions(packedWeights: cache))
        }
    }

    func testMatMulWithCachedWeightsMatchesReference() throws {
        let weights = floats([48, 20], seededFloats(48 * 20, seed: 7))
        let node = Node(name: "matmul", opType: "MatMul", inputs: ["a", "w"], outputs: ["y"])
        let cache = PackedWeightCache(model: Model(graph: Graph(nodes: [node], initializers: ["w": weights])))
        XCTAssertEqual(cache.count, 1)
        let options = MatrixMultiplyOptions(packedWeights: cache)
        for (index, aShape) in [[48], [5, 48], [2, 3, 48]].enumerated() {
            let a = floats(aShape, seededFloats(aShape.reduce(1, *), seed: UInt64(20 + index)))
            try assertMatchesReference(node, [a, weights], depth: 48, options: options)
        }
    }

    /// A cached entry must not serve a different array under the same name,
    /// as when a caller replaces an initializer through `resume(from:)`.
    func testCacheIgnoresReplacedInitializer() throws {
        let original = floats([4, 3], seededFloats(12, seed: 30))
        let node = Node(name: "matmul", opType: "MatMul", inputs: ["a", "w"], outputs: ["y"])
        let cache = PackedWeightCache(model: Model(graph: Graph(nodes: [node], initializers: ["w": original])))
        let replaced = floats([4, 3], values(original).map { $0 * 2 })
        let a = floats([2, 4], seededFloats(8, seed: 31))
        let options = MatrixMultiplyOptions(packedWeights: cache)
        let withReplaced = values(try Operators.execute(node, inputs: [a, replaced], opset: 13, options: options)[0])
        let expected = values(try Operators.execute(node, inputs: [a, replaced], opset: 13, options: referenceOptions)[0])
        XCTAssertLessThanOrEqual(maximumDifference(withReplaced, expected), 1e-5)
        XCTAssertNil(cache.weights(for: "w", transposed: false, values: values(replaced)))
        XCTAssertNotNil(cache.weights(for: "w", transposed: false, values: values(original)))
    }

    func testEngineCachesGemmAndMatMulWeights() throws {
        let node1 = Node(name: "fc", opType: "Gemm", inputs: ["x", "w1", "b1"], outputs: ["h"],
                         attributes: ["transB": .int(1)])
        let node2 = Node(name: "proj", opType: "MatMul", inputs: ["h", "w2"], outputs: ["y"])
        let graph = Graph(nodes: [node1, node2],
                          initializers: ["w1": floats([6, 4], seededFloats(24, seed: 40)), "b1": floats([6], seededFloats(6, seed: 41)),
                                         "w2": floats([6, 3], seededFloats(18, seed: 42))],
                          inputs: [ValueInfo(name: "x", shape: [.parameter("N"), .value(4)])],
                          outputs: [ValueInfo(name: "y", shape: [.parameter("N"), .value(3)])])
        let engine = try FloatEngine(model: Model(graph: graph), threadCount: 0)
        XCTAssertEqual(engine.matrixOptions.packedWeights.count, 2)
        XCTAssertEqual(engine.matrixOptions.threadCount, 1)
        let y = try engine.run(inputs: ["x": floats([5, 4], seededFloats(20, seed: 43))])["y"]
        XCTAssertEqual(y?.shape, [5, 3])
    }
}

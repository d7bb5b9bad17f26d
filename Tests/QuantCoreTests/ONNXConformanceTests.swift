import Foundation
@testable import QuantCore
import XCTest

/// Runs the ONNX project's own node test cases (copied into
/// Fixtures/onnx-node by refresh.sh) through FloatEngine.
///
/// Outputs are compared as ONNX's backend test runner compares them, with
/// numpy's assert_allclose rule `|actual - expected| <= atol + rtol * |expected|`
/// at the runner's default tolerances rtol = 1e-3, atol = 1e-7; non-float
/// outputs must match exactly.
final class ONNXConformanceTests: XCTestCase {
    private static let relativeTolerance: Float = 1e-3
    private static let absoluteTolerance: Float = 1e-7

    private var casesDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/onnx-node")
    }

    func testNodeCasesMatchExpectedOutputs() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: casesDirectory.path)
            .filter { $0.hasPrefix("test_") }.sorted()
        XCTAssertFalse(names.isEmpty, "no cases in \(casesDirectory.path); run refresh.sh")

        var operatorsPassed = Set<String>()
        for name in names {
            do {
                let operators = try runCase(name)
                operatorsPassed.formUnion(operators)
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        for support in OperatorRegistry.supported {
            XCTAssertTrue(operatorsPassed.contains(support.opType), "no conformance case of \(support.opType) passed")
        }
    }

    /// Runs one case and returns the operator types of its model when every output matches.
    private func runCase(_ name: String) throws -> Set<String> {
        let directory = casesDirectory.appendingPathComponent(name)
        let model = try ONNXReader.readModel(at: directory.appendingPathComponent("model.onnx").path)
        let engine = try FloatEngine(model: model)
        let dataSet = directory.appendingPathComponent("test_data_set_0")

        var inputs: [String: Tensor] = [:]
        for (index, declared) in model.graph.runtimeInputs.enumerated() {
            inputs[declared.name] = try readTensor(dataSet.appendingPathComponent("input_\(index).pb"))
        }
        let outputs = try engine.run(inputs: inputs)

        var largestDifference: Float = 0
        var matches = true
        for (index, declared) in model.graph.outputs.enumerated() {
            let expected = try readTensor(dataSet.appendingPathComponent("output_\(index).pb"))
            guard let actual = outputs[declared.name] else {
                XCTFail("\(name): output \(declared.name) is missing")
                matches = false
                continue
            }
            XCTAssertEqual(actual.shape, expected.shape, "\(name): shape of \(declared.name)")
            XCTAssertEqual(actual.elementType, expected.elementType, "\(name): element type of \(declared.name)")
            guard actual.shape == expected.shape, actual.elementType == expected.elementType else {
                matches = false
                continue
            }
            if case .float32(let actualValues) = actual.data, case .float32(let expectedValues) = expected.data {
                for (value, reference) in zip(actualValues, expectedValues) {
                    if value.isNaN && reference.isNaN { continue }
                    let difference = abs(value - reference)
                    largestDifference = max(largestDifference, difference.isNaN ? .infinity : difference)
                    if !(difference <= Self.absoluteTolerance + Self.relativeTolerance * abs(reference)) {
                        matches = false
                    }
                }
            } else if actual.data != expected.data {
                matches = false
            }
            XCTAssertTrue(matches, "\(name): \(declared.name) differs from the expected output")
        }
        print("\(name): max |difference| = \(largestDifference)\(matches ? "" : " (FAILED)")")
        return matches ? Set(model.graph.nodes.map(\.opType)) : []
    }

    private func readTensor(_ url: URL) throws -> Tensor {
        let data = try Data(contentsOf: url)
        return try ONNXReader.decodeTensor([UInt8](data), source: url.lastPathComponent).tensor
    }
}

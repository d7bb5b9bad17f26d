import Foundation
import XCTest
@testable import Evaluation

/// The fitted per-kernel cost model: feature counts, the fit, and pricing.
final class KernelCostTests: XCTestCase {
    private func convolution(batch: Int, inputChannels: Int, outputChannels: Int, size: Int,
                             activation: Bool = false) throws -> LayerGeometry {
        try LayerGeometry(name: "conv", kind: .convolution, inputs: ["x"], output: "y",
                          inputShapes: [[batch, inputChannels, size, size]],
                          outputShape: [batch, outputChannels, size, size],
                          weightShape: [outputChannels, inputChannels, 3, 3], biasElements: outputChannels,
                          fusedActivation: activation)
    }

    func testConvolutionCounts() throws {
        let layer = try convolution(batch: 4, inputChannels: 8, outputChannels: 16, size: 10)
        let kernels = KernelWork.kernels(of: layer, precision: .float)
        XCTAssertEqual(kernels.count, 1)
        let counts = kernels[0].counts
        XCTAssertEqual(kernels[0].kernelClass, .floatConvolution)
        XCTAssertEqual(counts[.call], 4)
        XCTAssertEqual(counts[.mac], 4 * 16 * 100 * 72)
        XCTAssertEqual(counts[.patchElement], 4 * 100 * 72)
        XCTAssertEqual(counts[.patchRow], 4 * 10 * 72)
        XCTAssertEqual(counts[.outputElement], 4 * 16 * 100)
        XCTAssertEqual(counts[.weightRead], 4 * 16 * 72)
    }

    func testFloatActivationIsSecondKernel() throws {
        let layer = try convolution(batch: 2, inputChannels: 1, outputChannels: 4, size: 5, activation: true)
        let float = KernelWork.kernels(of: layer, precision: .float)
        XCTAssertEqual(float.map(\.kernelClass), [.floatConvolution, .floatActivation])
        XCTAssertEqual(float[1].counts[.outputElement], 2 * 4 * 25)
        XCTAssertEqual(KernelWork.kernels(of: layer, precision: .int8).map(\.kernelClass), [.int8Convolution])
    }

    func testSpilledElementsFollowCacheSize() throws {
        let layer = try convolution(batch: 2, inputChannels: 1, outputChannels: 4, size: 5, activation: true)
        let activation = KernelWork.kernels(of: layer, precision: .float)[1]
        XCTAssertEqual(activation.bytes, 8 * 200)
        XCTAssertEqual(activation.counts(cacheBytes: 1000)[.spilledElement], 200)
        XCTAssertEqual(activation.counts(cacheBytes: 1 << 20)[.spilledElement], 0)
        let convolution = KernelWork.kernels(of: layer, precision: .float)[0]
        XCTAssertNil(convolution.counts(cacheBytes: 0)[.spilledElement])
    }

    func testPoolingCountsWindowTaps() throws {
        let layer = try LayerGeometry(name: "pool", kind: .pooling, inputs: ["x"], output: "y",
                                      inputShapes: [[2, 3, 8, 8]], outputShape: [2, 3, 4, 4], window: 4)
        let counts = KernelWork.kernels(of: layer, precision: .int8)[0].counts
        XCTAssertEqual(counts[.inputElement], 384)
        XCTAssertEqual(counts[.windowElement], 96 * 4)
        XCTAssertEqual(counts[.outputPixel], 2 * 16)
        XCTAssertEqual(counts[.outputRow], 0)
        let float = KernelWork.kernels(of: layer, precision: .float)[0].counts
        XCTAssertEqual(float[.outputRow], 2 * 3 * 4)
        XCTAssertEqual(float[.outputPixel], 0)
    }

    func testInt8UnfoldRunsSpanChannels() throws {
        let layer = try convolution(batch: 4, inputChannels: 8, outputChannels: 16, size: 10)
        let int8 = KernelWork.kernels(of: layer, precision: .int8)[0].counts
        XCTAssertEqual(int8[.windowRow], 4 * 100 * 3)
        let float = KernelWork.kernels(of: layer, precision: .float)[0].counts
        XCTAssertEqual(float[.windowRow], 4 * 100 * 8 * 3)
    }

    func testInt8PointwiseConvolutionHasNoUnfold() throws {
        let layer = try LayerGeometry(name: "pw", kind: .convolution, inputs: ["x"], output: "y",
                                      inputShapes: [[2, 32, 7, 7]], outputShape: [2, 64, 7, 7],
                                      weightShape: [64, 32, 1, 1], biasElements: 64)
        let int8 = KernelWork.kernels(of: layer, precision: .int8)[0].counts
        XCTAssertEqual(int8[.patchElement], 0)
        XCTAssertEqual(int8[.windowRow], 0)
        XCTAssertEqual(int8[.mac], 2 * 64 * 49 * 32)
        let float = KernelWork.kernels(of: layer, precision: .float)[0].counts
        XCTAssertEqual(float[.patchElement], 2 * 49 * 32)
    }

    func testInt8FlattenCountsChannelsLastCopy() throws {
        let copied = try LayerGeometry(name: "flatten", kind: .reshape, inputs: ["x"], output: "y",
                                       inputShapes: [[16, 64, 7, 7]], outputShape: [16, 3136])
        let counts = KernelWork.kernels(of: copied, precision: .int8)[0].counts
        XCTAssertEqual(counts[.inputElement], 16 * 3136)
        XCTAssertEqual(counts[.relaidPixel], 16 * 49)
        XCTAssertEqual(KernelWork.kernels(of: copied, precision: .float)[0].counts, [:])
        let pooled = try LayerGeometry(name: "flatten", kind: .reshape, inputs: ["x"], output: "y",
                                       inputShapes: [[16, 64, 1, 1]], outputShape: [16, 64])
        XCTAssertEqual(KernelWork.kernels(of: pooled, precision: .int8)[0].counts[.inputElement], 0)
    }

    func testFitRecoversExactCosts() {
        // Times made from known costs: 2 µs overhead, 1 ns per output element.
        let samples = [1000, 5000, 20000, 80000].map { elements in
            KernelCostFit.Sample(work: KernelWork(kernelClass: .floatAdd, counts: [.outputElement: elements]),
                                 seconds: 2e-6 + 1e-9 * Double(elements))
        }
        let cost = KernelCostFit.fit(samples)[.floatAdd]
        XCTAssertEqual(cost?.overheadSeconds ?? 0, 2e-6, accuracy: 1e-12)
        XCTAssertEqual(cost?.secondsPer[.outputElement] ?? 0, 1e-9, accuracy: 1e-15)
    }

    func testFitKeepsCoefficientsNonNegative() {
        // Times that fall with size would need a negative per-element cost.
        let samples = [(1000, 5e-6), (2000, 4e-6), (4000, 3e-6)].map { elements, seconds in
            KernelCostFit.Sample(work: KernelWork(kernelClass: .floatAdd, counts: [.outputElement: elements]),
                                 seconds: seconds)
        }
        let cost = KernelCostFit.fit(samples)[.floatAdd]
        XCTAssertNotNil(cost)
        XCTAssertGreaterThanOrEqual(cost?.overheadSeconds ?? -1, 0)
        XCTAssertGreaterThanOrEqual(cost?.secondsPer[.outputElement] ?? 0, 0)
    }

    func testFittedProfilePricesKernels() throws {
        let costs = KernelCostTable(costs: [
            .floatConvolution: KernelCost(overheadSeconds: 5e-6, secondsPer: [.mac: 1e-11, .outputElement: 1e-9]),
            .floatActivation: KernelCost(overheadSeconds: 1e-6, secondsPer: [.outputElement: 2e-10]),
        ])
        let profile = try TargetProfile(
            identifier: "fitted", name: "fitted", source: "test", clockHertz: nil, floatMACsPerSecond: 1e9,
            int8MACsPerSecond: 1e9, depthwiseEfficiency: 0.5, elementwiseOperationsPerSecond: 1e9,
            memoryBandwidthBytesPerSecond: 1e15, operatorOverheadSeconds: 1, kernelCosts: costs)
        let layer = try convolution(batch: 1, inputChannels: 2, outputChannels: 4, size: 6, activation: true)
        let timed = try SpeedModel.time(layer, precision: .float, on: profile)
        let outputs = Double(4 * 36)
        let compute = 1e-11 * Double(layer.macs) + 1e-9 * outputs + 2e-10 * outputs
        XCTAssertEqual(timed.computeSeconds, compute, accuracy: 1e-15)
        XCTAssertEqual(timed.overheadSeconds, 6e-6, accuracy: 1e-15)
        XCTAssertEqual(timed.seconds, compute + 6e-6, accuracy: 1e-15)
    }

    func testProfileWithoutClassFallsBackToRates() throws {
        let profile = try TargetProfile(
            identifier: "partial", name: "partial", source: "test", clockHertz: nil, floatMACsPerSecond: 1e9,
            int8MACsPerSecond: 1e9, depthwiseEfficiency: 0.5, elementwiseOperationsPerSecond: 1e9,
            memoryBandwidthBytesPerSecond: 1e15, operatorOverheadSeconds: 1e-6,
            kernelCosts: KernelCostTable(costs: [:]))
        let layer = try convolution(batch: 1, inputChannels: 2, outputChannels: 4, size: 6)
        let timed = try SpeedModel.time(layer, precision: .float, on: profile)
        XCTAssertEqual(timed.computeSeconds, Double(layer.macs) / 1e9, accuracy: 1e-15)
        XCTAssertEqual(timed.overheadSeconds, 1e-6)
    }

    func testKernelCostsRoundTripThroughJSON() throws {
        let table = KernelCostTable(costs: [
            .int8Convolution: KernelCost(overheadSeconds: 2e-5, secondsPer: [.call: 4e-6, .patchRow: 1e-9]),
            .quantize: KernelCost(overheadSeconds: 3e-7, secondsPer: [.outputElement: 5e-9]),
        ])
        let data = try JSONEncoder().encode(table)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("int8.convolution"), text)
        XCTAssertTrue(text.contains("patch_row"), text)
        XCTAssertEqual(try JSONDecoder().decode(KernelCostTable.self, from: data), table)
    }

    func testUnknownKernelClassIsRejected() {
        let json = #"{"cache_bytes": 1024, "costs": {"int8.softmax": {"overhead_seconds": 1, "seconds_per": {}}}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(KernelCostTable.self, from: Data(json.utf8))) { error in
            XCTAssertTrue("\(error)".contains("int8.softmax"), "\(error)")
        }
    }
}

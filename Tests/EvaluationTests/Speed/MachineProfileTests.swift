import Foundation
import XCTest
@testable import Evaluation

final class MachineProfileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("quantscope-speed-\(UUID().uuidString)", isDirectory: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static let fixedMeasurement = MachineProfile.Measurement(
        floatMACsPerSecond: 2e9, int8MACsPerSecond: 3e9, elementwiseOperationsPerSecond: 1e9,
        memoryBandwidthBytesPerSecond: 1e10, operatorOverheadSeconds: 2e-7)

    func testBenchmarkMeasuresPositiveRatesQuickly() {
        let start = Date()
        let measurement = MachineBenchmark.run()
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertLessThan(elapsed, 6, "the measurement should take about 1.5 s, more on a loaded machine")
        XCTAssertGreaterThan(measurement.floatMACsPerSecond, 1e7)
        XCTAssertGreaterThan(measurement.int8MACsPerSecond, 1e7)
        XCTAssertGreaterThan(measurement.elementwiseOperationsPerSecond, 1e7)
        XCTAssertGreaterThan(measurement.memoryBandwidthBytesPerSecond, 1e8)
        XCTAssertGreaterThan(measurement.operatorOverheadSeconds, 0)
        XCTAssertLessThan(measurement.operatorOverheadSeconds, 1e-3)
        let costs = measurement.kernelCosts?.costs ?? [:]
        for kernelClass in KernelClass.allCases where ![.floatConcat, .int8Concat, .floatOperation].contains(kernelClass) {
            XCTAssertNotNil(costs[kernelClass], "\(kernelClass.rawValue) has no fitted cost")
        }
    }

    func testOtherKernelIdentityIsIgnored() throws {
        try MachineProfile.writeCache(Self.fixedMeasurement, in: directory)
        XCTAssertNotNil(MachineProfile.readCache(in: directory))
        XCTAssertNil(MachineProfile.readCache(in: directory, kernelIdentity: "kernels v0; another build"))
    }

    func testIgnoringCacheMeasuresAgain() throws {
        _ = MachineProfile.load(cacheDirectory: directory) { Self.fixedMeasurement }
        var measured = false
        let result = MachineProfile.load(cacheDirectory: directory, ignoringCache: true) {
            measured = true
            return Self.fixedMeasurement
        }
        XCTAssertTrue(measured)
        XCTAssertEqual(result.origin, .measured)
    }

    func testCacheRoundTrip() throws {
        let first = MachineProfile.load(cacheDirectory: directory) { Self.fixedMeasurement }
        XCTAssertEqual(first.origin, .measured)
        XCTAssertNil(first.warning)
        let second = MachineProfile.load(cacheDirectory: directory) {
            XCTFail("a valid cache must not be measured again")
            return Self.fixedMeasurement
        }
        XCTAssertEqual(second.origin, .cache)
        XCTAssertEqual(second.profile, first.profile)
        XCTAssertEqual(second.profile.int8MACsPerSecond, 3e9)
        XCTAssertEqual(MachineProfile.readCache(in: directory), Self.fixedMeasurement)
    }

    func testCorruptCacheIsMeasuredAndRewritten() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(MachineProfile.cacheFileName)
        try Data("{ not json".utf8).write(to: file)
        let result = MachineProfile.load(cacheDirectory: directory, measure: MachineBenchmark.run)
        XCTAssertEqual(result.origin, .measured)
        XCTAssertNil(result.warning)
        let rewritten = try XCTUnwrap(MachineProfile.readCache(in: directory))
        XCTAssertEqual(rewritten.floatMACsPerSecond, result.profile.floatMACsPerSecond)
    }

    func testOtherFormatVersionIsIgnored() throws {
        var old = Self.fixedMeasurement
        old.formatVersion = 0
        try MachineProfile.writeCache(old, in: directory)
        XCTAssertNil(MachineProfile.readCache(in: directory))
    }

    func testUnwritableCacheWarnsAndUsesMeasurement() throws {
        // A regular file where the cache directory should be cannot hold a cache.
        try Data("file".utf8).write(to: directory)
        let result = MachineProfile.load(cacheDirectory: directory) { Self.fixedMeasurement }
        XCTAssertEqual(result.origin, .measured)
        XCTAssertEqual(result.profile.floatMACsPerSecond, 2e9)
        let warning = try XCTUnwrap(result.warning)
        XCTAssertTrue(warning.contains(directory.path), warning)
    }

    func testDefaultCacheDirectory() {
        XCTAssertEqual(MachineProfile.defaultCacheDirectory(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"])?.path,
                       "/c/quantscope")
        XCTAssertEqual(MachineProfile.defaultCacheDirectory(environment: ["XDG_CACHE_HOME": "", "HOME": "/h"])?.path,
                       "/h/.cache/quantscope")
        XCTAssertNil(MachineProfile.defaultCacheDirectory(environment: [:]))
    }
}

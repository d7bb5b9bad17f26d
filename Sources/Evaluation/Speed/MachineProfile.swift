import Foundation

/// The "this machine" target profile: rates measured by `MachineBenchmark`
/// on first use and cached as JSON in `machine-profile.json` under
/// `$XDG_CACHE_HOME/quantscope`, or `~/.cache/quantscope` when
/// `XDG_CACHE_HOME` is unset or empty.
///
/// A cache file that cannot be read, does not decode, has another format
/// version, was measured on a machine with another processor count, or was
/// written by another build of the program (`kernelIdentity`: the kernel
/// benchmark's version and the executable's path, size and modification
/// time) is ignored, measured again and rewritten. So a rebuilt program
/// with faster kernels measures itself again. When the file cannot be written
/// the measurement is used anyway and a warning is returned.
public enum MachineProfile {
    public static let identifier = "this-machine"
    public static let cacheFileName = "machine-profile.json"

    /// Rates measured on this machine, as stored in the cache file.
    public struct Measurement: Sendable, Equatable, Codable {
        /// Version of this file's layout; a different one is re-measured.
        public static let currentFormatVersion = 2

        public var formatVersion: Int
        public var processorCount: Int
        /// `MachineProfile.kernelIdentity()` of the program that measured.
        public var kernelIdentity: String
        public var floatMACsPerSecond: Double
        public var int8MACsPerSecond: Double
        public var elementwiseOperationsPerSecond: Double
        public var memoryBandwidthBytesPerSecond: Double
        public var operatorOverheadSeconds: Double
        /// Costs fitted to `KernelBenchmark`; nil when the kernels could not
        /// be timed, and then the rates alone price every layer.
        public var kernelCosts: KernelCostTable?

        public init(floatMACsPerSecond: Double, int8MACsPerSecond: Double, elementwiseOperationsPerSecond: Double,
                    memoryBandwidthBytesPerSecond: Double, operatorOverheadSeconds: Double,
                    kernelCosts: KernelCostTable? = nil,
                    processorCount: Int = ProcessInfo.processInfo.processorCount,
                    kernelIdentity: String = MachineProfile.kernelIdentity(),
                    formatVersion: Int = currentFormatVersion) {
            self.formatVersion = formatVersion
            self.processorCount = processorCount
            self.kernelIdentity = kernelIdentity
            self.kernelCosts = kernelCosts
            self.floatMACsPerSecond = floatMACsPerSecond
            self.int8MACsPerSecond = int8MACsPerSecond
            self.elementwiseOperationsPerSecond = elementwiseOperationsPerSecond
            self.memoryBandwidthBytesPerSecond = memoryBandwidthBytesPerSecond
            self.operatorOverheadSeconds = operatorOverheadSeconds
        }

        /// Builds the profile from these figures. The kernel costs price
        /// every layer they cover. The rates price the rest, with
        /// depthwise convolutions assumed at half the MAC rate as in the
        /// built-in profiles.
        public func profile() throws(SpeedModelError) -> TargetProfile {
            try TargetProfile(
                identifier: MachineProfile.identifier, name: "this machine (measured, one thread)",
                source: kernelCosts == nil
                    ? "measured by a Swift microbenchmark: float FMA and scalar int8 dot-product loops, "
                        + "a 2 MiB streaming read, and a small-function call"
                    : "kernel costs fitted to quantscope's own float and int8 kernels on synthetic layers "
                        + "(KernelBenchmark); bandwidth from a 2 MiB streaming read",
                clockHertz: nil, floatMACsPerSecond: floatMACsPerSecond, int8MACsPerSecond: int8MACsPerSecond,
                depthwiseEfficiency: 0.5, elementwiseOperationsPerSecond: elementwiseOperationsPerSecond,
                memoryBandwidthBytesPerSecond: memoryBandwidthBytesPerSecond,
                operatorOverheadSeconds: operatorOverheadSeconds, kernelCosts: kernelCosts)
        }

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case processorCount = "processor_count"
            case kernelIdentity = "kernel_identity"
            case kernelCosts = "kernel_costs"
            case floatMACsPerSecond = "float_macs_per_second"
            case int8MACsPerSecond = "int8_macs_per_second"
            case elementwiseOperationsPerSecond = "elementwise_operations_per_second"
            case memoryBandwidthBytesPerSecond = "memory_bandwidth_bytes_per_second"
            case operatorOverheadSeconds = "operator_overhead_seconds"
        }
    }

    /// Source of a loaded profile.
    public enum Origin: String, Sendable, Equatable {
        case cache
        case measured
    }

    public struct LoadResult: Sendable {
        public var profile: TargetProfile
        public var origin: Origin
        /// Set when the cache could not be written; the profile is still valid.
        public var warning: String?
    }

    /// `$XDG_CACHE_HOME/quantscope` when that variable is set and not empty,
    /// else `$HOME/.cache/quantscope`; nil when neither variable is set.
    public static func defaultCacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> URL? {
        if let base = environment["XDG_CACHE_HOME"], !base.isEmpty {
            return URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent("quantscope", isDirectory: true)
        }
        if let home = environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
                .appendingPathComponent(".cache/quantscope", isDirectory: true)
        }
        return nil
    }

    /// Reads the cached measurement in `directory`, or measures with
    /// `measure` and writes the cache. With a nil directory it only
    /// measures; with `ignoringCache` it measures and rewrites the cache.
    public static func load(cacheDirectory directory: URL?, ignoringCache: Bool = false,
                            measure: () -> Measurement = MachineBenchmark.run) -> LoadResult {
        if !ignoringCache, let directory, let cached = readCache(in: directory), let profile = try? cached.profile() {
            return LoadResult(profile: profile, origin: .cache, warning: nil)
        }
        let measurement = measure()
        let profile: TargetProfile
        do {
            profile = try measurement.profile()
        } catch {
            // The benchmark's rates are always positive and finite; an
            // injected measurement need not be, and is then not cached.
            return LoadResult(profile: .snapdragon835Little, origin: .measured,
                              warning: "the machine measurement is invalid (\(error)); "
                                  + "using the Snapdragon 835 LITTLE profile instead")
        }
        guard let directory else {
            return LoadResult(profile: profile, origin: .measured,
                              warning: "no cache directory (neither XDG_CACHE_HOME nor HOME is set); "
                                  + "the machine profile will be measured again next run")
        }
        do {
            try writeCache(measurement, in: directory)
            return LoadResult(profile: profile, origin: .measured, warning: nil)
        } catch {
            let path = directory.appendingPathComponent(cacheFileName).path
            return LoadResult(profile: profile, origin: .measured,
                              warning: "could not write the machine profile cache \(path): "
                                  + "\(error.localizedDescription); using this run's measurement, "
                                  + "check that the directory is writable")
        }
    }

    /// Decodes the cache file in `directory`; nil when it is missing,
    /// unreadable, corrupt, of another format version, measured with
    /// another processor count, or by a program with another
    /// `kernelIdentity`.
    public static func readCache(in directory: URL, kernelIdentity: String = kernelIdentity()) -> Measurement? {
        let file = directory.appendingPathComponent(cacheFileName)
        guard let data = try? Data(contentsOf: file),
              let measurement = try? JSONDecoder().decode(Measurement.self, from: data),
              measurement.formatVersion == Measurement.currentFormatVersion,
              measurement.processorCount == ProcessInfo.processInfo.processorCount,
              measurement.kernelIdentity == kernelIdentity
        else { return nil }
        return measurement
    }

    /// Version of `KernelBenchmark` and `KernelWork`; raise it when either
    /// changes what a cached measurement means.
    public static let kernelBenchmarkVersion = 7

    /// Identifies the measuring program: `kernelBenchmarkVersion`, then the
    /// running executable's resolved path, size in bytes and modification
    /// time. A rebuild changes the size or time, so a cache written before
    /// the kernels changed is measured again.
    public static func kernelIdentity() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? ProcessInfo.processInfo.arguments.first ?? ""
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "kernels v\(kernelBenchmarkVersion); \(path); \(size) bytes; modified \(Int64(modified))"
    }

    /// Writes `measurement` to the cache file in `directory`, creating the
    /// directory when needed. The file is replaced atomically.
    public static func writeCache(_ measurement: Measurement, in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(measurement).write(to: directory.appendingPathComponent(cacheFileName), options: .atomic)
    }

    /// Returns the profile for this process. The first call loads or
    /// measures it (always measures with `remeasure`) and passes any cache
    /// warning to `report`, and later calls return the same profile without
    /// reporting again.
    public static func shared(remeasure: Bool = false, report: (String) -> Void) -> TargetProfile {
        SharedMachineProfile.instance.profile(remeasure: remeasure, report: report)
    }
}

/// Process-wide memo of the measured profile, so a session measures at most
/// once and reports an unwritable cache once.
final class SharedMachineProfile: @unchecked Sendable {
    static let instance = SharedMachineProfile()

    private let lock = NSLock()
    private var loaded: TargetProfile?

    func profile(remeasure: Bool, report: (String) -> Void) -> TargetProfile {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return loaded }
        let result = MachineProfile.load(cacheDirectory: MachineProfile.defaultCacheDirectory(),
                                         ignoringCache: remeasure)
        if let warning = result.warning { report(warning) }
        loaded = result.profile
        return result.profile
    }
}

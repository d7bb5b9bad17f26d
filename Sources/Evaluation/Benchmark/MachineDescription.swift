import Foundation

/// The processor a benchmark ran on, as Linux reports it in /proc/cpuinfo.
/// Fields stay empty on systems without that file.
public struct MachineDescription: Sendable, Equatable, Codable {
    public var processorModel: String
    public var logicalProcessors: Int
    /// Clock of the first processor in MHz, as the kernel reported it when
    /// the file was read.
    public var clockMegahertz: Double?
    /// The SIMD extensions that matter for the int8 and float kernels, among
    /// the processor's flags.
    public var simdFlags: [String]

    static let relevantFlags = ["avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "avx512_bf16"]

    public init(processorModel: String, logicalProcessors: Int, clockMegahertz: Double?, simdFlags: [String]) {
        self.processorModel = processorModel
        self.logicalProcessors = logicalProcessors
        self.clockMegahertz = clockMegahertz
        self.simdFlags = simdFlags
    }

    /// Describes this machine.
    public static func current() -> MachineDescription {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        var description = parse(cpuinfo: text)
        description.logicalProcessors = ProcessInfo.processInfo.activeProcessorCount
        return description
    }

    /// Reads the first processor's entry of a /proc/cpuinfo text.
    public static func parse(cpuinfo text: String) -> MachineDescription {
        var fields: [String: String] = [:]
        var processors = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if key == "processor" { processors += 1 }
            if fields[key] == nil { fields[key] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set((fields["flags"] ?? "").split(separator: " ").map(String.init))
        return MachineDescription(processorModel: fields["model name"] ?? "",
                                  logicalProcessors: processors,
                                  clockMegahertz: fields["cpu MHz"].flatMap(Double.init),
                                  simdFlags: relevantFlags.filter(flags.contains))
    }

    enum CodingKeys: String, CodingKey {
        case processorModel = "processor_model"
        case logicalProcessors = "logical_processors"
        case clockMegahertz = "clock_mhz"
        case simdFlags = "simd_flags"
    }
}

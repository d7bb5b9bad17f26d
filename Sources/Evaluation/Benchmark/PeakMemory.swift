#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The largest resident set size this process has had so far.
public enum PeakMemory {
    /// Returns the peak resident set size in bytes from `getrusage`, whose
    /// `ru_maxrss` is in KiB on Linux and in bytes on macOS. Returns nil
    /// when the call fails.
    public static func residentBytes() -> Int? {
        var usage = rusage()
        #if canImport(Darwin)
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
        return Int(usage.ru_maxrss)
        #else
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
        return Int(usage.ru_maxrss) * 1024
        #endif
    }
}

import Dispatch

/// Times a closure on the monotonic clock: `warmup` untimed calls, then
/// `repeats` timed calls, one sample each.
public enum Stopwatch {
    /// Runs `body` `warmup + repeats` times and summarizes the timed calls.
    /// `repeats` below 1 is treated as 1.
    public static func measure<Failure: Error>(warmup: Int, repeats: Int,
                                               _ body: () throws(Failure) -> Void) throws(Failure) -> TimingSummary {
        for _ in 0..<max(0, warmup) {
            try body()
        }
        var samples: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            let end = DispatchTime.now().uptimeNanoseconds
            samples.append(Double(end - start) / 1e9)
        }
        // At least one sample exists, so the summary is never nil.
        return TimingSummary(samples: samples)!
    }
}

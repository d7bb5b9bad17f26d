import Dispatch

/// Times rounds of `threads` concurrent calls of the same inference, the way
/// the evaluation runner keeps every core busy with its own batch.
public enum ConcurrentRounds {
    /// Calls `body` once on the calling thread, so a failure surfaces as an
    /// error, then times `warmup + repeats` rounds of `threads` concurrent
    /// calls. The engines are deterministic, so a call that succeeded once
    /// succeeds again, and the timed rounds ignore errors.
    public static func measure<Failure: Error>(threads: Int, warmup: Int, repeats: Int,
                                               _ body: @Sendable () throws(Failure) -> Void) throws(Failure) -> TimingSummary {
        try body()
        let count = max(1, threads)
        return Stopwatch.measure(warmup: warmup, repeats: repeats) {
            if count == 1 {
                try? body()
            } else {
                DispatchQueue.concurrentPerform(iterations: count) { _ in try? body() }
            }
        }
    }
}

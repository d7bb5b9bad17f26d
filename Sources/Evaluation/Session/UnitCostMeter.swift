import Foundation

/// Measured seconds per sample of each program unit, by position in the
/// program, from the latest batch that ran the unit. The session weighs
/// cache boundaries with these costs (see `CacheBoundarySelection`).
///
/// NOTE: a position keeps the cost of the unit last run there, so right
/// after a toggle the changed layer is priced at its new precision. Timings
/// taken while other processes load the machine are noisy, which can move
/// the choice of boundaries but never a result.
final class UnitCostMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var secondsPerSample: [Int: Double] = [:]

    func record(position: Int, seconds: Double, samples: Int) {
        guard samples > 0 else { return }
        lock.lock()
        secondsPerSample[position] = seconds / Double(samples)
        lock.unlock()
    }

    /// Returns the cost of positions 0..<unitCount. A position never run
    /// gets the mean of the measured ones (1 when none is measured).
    func costs(unitCount: Int) -> [Double] {
        lock.lock()
        let measured = secondsPerSample
        lock.unlock()
        let known = (0..<unitCount).compactMap { measured[$0] }
        let fallback = known.isEmpty ? 1 : known.reduce(0, +) / Double(known.count)
        return (0..<unitCount).map { measured[$0] ?? fallback }
    }
}

import Quantization

/// Predictions of recently evaluated programs, so that returning to a plan,
/// or choosing one that was evaluated speculatively, runs nothing.
///
/// Entries are matched on the compiled program's units, which fix every
/// computed value, so stored predictions equal a fresh evaluation of the same
/// plan. The least recently used entry goes first when `capacity` is
/// reached; one entry of 10,000 samples takes about 80 KB.
struct StoredPredictions {
    struct Entry {
        var units: [ProgramUnit]
        /// Predictions of the first `predictions.count` samples.
        var predictions: [Int]
    }

    var capacity: Int
    /// Entries, most recently used first.
    private(set) var entries: [Entry] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Returns the predictions of the first `samples` samples under
    /// `program`, when stored, and marks the entry as used.
    mutating func predictions(of program: ExecutionProgram, samples: Int) -> [Int]? {
        guard let index = entries.firstIndex(where: { $0.units == program.units }),
              entries[index].predictions.count >= samples else { return nil }
        let entry = entries.remove(at: index)
        entries.insert(entry, at: 0)
        return Array(entry.predictions.prefix(samples))
    }

    /// Checks whether the predictions of `samples` samples under `program` are stored.
    func contains(_ program: ExecutionProgram, samples: Int) -> Bool {
        entries.contains { $0.units == program.units && $0.predictions.count >= samples }
    }

    /// Stores `predictions` for `program`, unless more of them are stored already.
    mutating func store(_ predictions: [Int], of program: ExecutionProgram) {
        guard capacity > 0 else { return }
        if let index = entries.firstIndex(where: { $0.units == program.units }) {
            let existing = entries.remove(at: index)
            entries.insert(existing.predictions.count >= predictions.count ? existing
                           : Entry(units: program.units, predictions: predictions), at: 0)
            return
        }
        entries.insert(Entry(units: program.units, predictions: predictions), at: 0)
        if entries.count > capacity { entries.removeLast(entries.count - capacity) }
    }

    mutating func removeAll() {
        entries.removeAll()
    }
}

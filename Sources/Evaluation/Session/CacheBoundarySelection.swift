import Quantization

/// The unit boundaries whose values a session keeps between evaluations,
/// chosen by the work they save per byte.
///
/// A change at unit k resumes at the latest kept boundary p <= k and reruns
/// units p..<n, so with c_j the seconds per sample of unit j it costs
/// R(k) = sum_{j >= p} c_j. Boundary 0 is the graph input, which is always
/// available. The selection lowers sum_k R(k), every unit being equally
/// likely to change, under the constraint that the kept values take at most
/// `budget` bytes per sample. It is greedy: it adds the boundary with the
/// largest drop of that sum per added byte, among those that still fit,
/// until none fits or none lowers the sum.
struct CacheBoundarySelection: Equatable {
    /// Kept boundary positions, ascending, between 1 and the unit count - 1.
    var positions: [Int]
    /// Values live at those positions.
    var keys: Set<ValueKey>
    /// Bytes per sample the kept values take.
    var bytesPerSample: Int

    /// Selects boundaries for units of per-sample cost `unitCosts`, where
    /// `liveValues[p]` (p from 0 to the unit count) contains the values a run
    /// resumed at p needs, without the graph inputs.
    static func select(unitCosts: [Double], liveValues: [Set<ValueKey>], budget: Int,
                       bytesPerSample: (ValueKey) -> Int) -> CacheBoundarySelection {
        let unitCount = unitCosts.count
        var selection = CacheBoundarySelection(positions: [], keys: [], bytesPerSample: 0)
        guard unitCount > 1, liveValues.count > unitCount else { return selection }
        var currentCost = totalToggleCost(unitCosts: unitCosts, kept: [])

        while true {
            var best: (position: Int, added: Set<ValueKey>, bytes: Int, cost: Double, rank: (Double, Double))?
            for position in 1..<unitCount where !selection.positions.contains(position) {
                let added = liveValues[position].subtracting(selection.keys)
                let bytes = added.reduce(0) { $0 + bytesPerSample($1) }
                guard selection.bytesPerSample + bytes <= budget else { continue }
                let cost = totalToggleCost(unitCosts: unitCosts, kept: selection.positions + [position])
                let gain = currentCost - cost
                guard gain > 0 else { continue }
                // A boundary whose values are already kept adds no bytes, so it comes first.
                let rank = (bytes == 0 ? Double.infinity : gain / Double(bytes), gain)
                if let current = best, current.rank >= rank { continue }
                best = (position, added, bytes, cost, rank)
            }
            guard let chosen = best else { break }
            selection.positions.append(chosen.position)
            selection.positions.sort()
            selection.keys.formUnion(chosen.added)
            selection.bytesPerSample += chosen.bytes
            currentCost = chosen.cost
        }
        return selection
    }

    /// Returns sum_k R(k): the per-sample seconds of rerunning the program
    /// after a change at each unit k in turn, resuming at the latest
    /// position of `kept` (or 0) at or before k.
    static func totalToggleCost(unitCosts: [Double], kept: [Int]) -> Double {
        var suffix = Array(repeating: 0.0, count: unitCosts.count + 1)
        for index in stride(from: unitCosts.count - 1, through: 0, by: -1) {
            suffix[index] = suffix[index + 1] + unitCosts[index]
        }
        var total = 0.0
        for changed in unitCosts.indices {
            let resume = kept.filter { $0 <= changed }.max() ?? 0
            total += suffix[resume]
        }
        return total
    }
}

import Quantization

/// Recently compiled programs by plan. Compiling quantizes and packs every
/// int8 layer's weights: 8 to 18 ms per plan for the sample CNN, measured
/// on the 2-core benchmark machine under load, which would otherwise
/// dominate a toggle that returns stored predictions.
/// The least recently used program goes first when `capacity` is reached.
struct CompiledPrograms {
    var capacity: Int
    /// Plans and their programs, most recently used first.
    private var entries: [(plan: QuantizationPlan, program: ExecutionProgram)] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Returns the program of `plan`, compiling it with `compile` when it is not kept.
    mutating func program(for plan: QuantizationPlan,
                          compile: (QuantizationPlan) throws -> ExecutionProgram) throws -> ExecutionProgram {
        if let index = entries.firstIndex(where: { $0.plan == plan }) {
            let entry = entries.remove(at: index)
            entries.insert(entry, at: 0)
            return entry.program
        }
        let program = try compile(plan)
        entries.insert((plan, program), at: 0)
        if entries.count > capacity { entries.removeLast(entries.count - capacity) }
        return program
    }
}

/// SplitMix64: a small deterministic generator, so every random test case
/// is reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Int32 values where fixed-point code usually breaks: 0, ±1, ±2, powers of
/// two and their neighbours, and the ends of the range.
let int32EdgeValues: [Int32] = {
    var values: Set<Int32> = [0, 1, -1, 2, -2, Int32.max, Int32.max - 1, Int32.max - 2,
                              Int32.min, Int32.min + 1, Int32.min + 2]
    for exponent in 1...30 {
        let power = Int32(1) << Int32(exponent)
        for delta: Int32 in [-2, -1, 0, 1, 2] {
            values.insert(power + delta)
            values.insert(-power + delta)
        }
    }
    return values.sorted()
}()

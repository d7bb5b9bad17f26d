import Foundation

/// Standard normal samples by the Box-Muller transform.
func gaussianSamples(count: Int, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    var samples: [Float] = []
    samples.reserveCapacity(count)
    while samples.count < count {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        let radius = (-2 * log(u1)).squareRoot()
        samples.append(Float(radius * cos(2 * Double.pi * u2)))
        if samples.count < count { samples.append(Float(radius * sin(2 * Double.pi * u2))) }
    }
    return samples
}

func uniformSamples(count: Int, in range: ClosedRange<Float>, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Float.random(in: range, using: &generator) }
}

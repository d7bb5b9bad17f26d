/// Resizing of one image plane to the model's input size: scale so the image
/// covers H x W while keeping its aspect ratio, then crop the centre.
///
/// With scale factor s = max(H / h, W / w), output pixel x (after the centre
/// crop offset o) maps to the source interval [(x + o) / s, (x + o + 1) / s).
/// When upscaling (s >= 1) a sample is interpolated bilinearly at the centre
/// of that interval, (x + o + 0.5) / s - 0.5, clamped to the edge pixels.
/// When downscaling (s < 1) it is the area average over the interval, each
/// source pixel weighted by how much of it the interval covers, so that no
/// source pixel is skipped. Both passes are separable: rows, then columns.
struct Resampling {
    /// One output sample as a weighted sum of source samples.
    struct Tap {
        var indices: [Int]
        var weights: [Float]
    }

    let sourceWidth: Int
    let sourceHeight: Int
    let targetWidth: Int
    let targetHeight: Int
    private let columnTaps: [Tap]
    private let rowTaps: [Tap]

    /// Prepares the taps for resizing `sourceHeight` x `sourceWidth` planes to
    /// `targetHeight` x `targetWidth`, so that a data set of equal-sized
    /// images computes them once.
    init(sourceWidth: Int, sourceHeight: Int, targetWidth: Int, targetHeight: Int) {
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.targetWidth = targetWidth
        self.targetHeight = targetHeight
        let scale = max(Double(targetWidth) / Double(sourceWidth), Double(targetHeight) / Double(sourceHeight))
        columnTaps = Resampling.taps(sourceCount: sourceWidth, scale: scale, targetCount: targetWidth)
        rowTaps = Resampling.taps(sourceCount: sourceHeight, scale: scale, targetCount: targetHeight)
    }

    var isIdentity: Bool { sourceWidth == targetWidth && sourceHeight == targetHeight }

    /// Resizes one row-major plane as described above.
    func apply(_ plane: [Float]) -> [Float] {
        if isIdentity { return plane }
        var horizontal = [Float](repeating: 0, count: sourceHeight * targetWidth)
        for y in 0..<sourceHeight {
            for (x, tap) in columnTaps.enumerated() {
                var sum: Float = 0
                for (index, weight) in zip(tap.indices, tap.weights) { sum += plane[y * sourceWidth + index] * weight }
                horizontal[y * targetWidth + x] = sum
            }
        }
        var output = [Float](repeating: 0, count: targetHeight * targetWidth)
        for (y, tap) in rowTaps.enumerated() {
            for (index, weight) in zip(tap.indices, tap.weights) {
                let sourceRow = index * targetWidth
                for x in 0..<targetWidth { output[y * targetWidth + x] += horizontal[sourceRow + x] * weight }
            }
        }
        return output
    }

    /// Taps for the `targetCount` centre samples of a 1-D signal of
    /// `sourceCount` samples scaled by `scale`.
    static func taps(sourceCount: Int, scale: Double, targetCount: Int) -> [Tap] {
        let scaledCount = Double(sourceCount) * scale
        let offset = (scaledCount - Double(targetCount)) / 2
        return (0..<targetCount).map { x in
            if scale >= 1 {
                let position = (Double(x) + offset + 0.5) / scale - 0.5
                let clamped = min(max(position, 0), Double(sourceCount - 1))
                let lower = Int(clamped.rounded(.down))
                let upper = min(lower + 1, sourceCount - 1)
                let fraction = Float(clamped - Double(lower))
                return Tap(indices: [lower, upper], weights: [1 - fraction, fraction])
            }
            let start = (Double(x) + offset) / scale
            let end = (Double(x) + offset + 1) / scale
            var indices: [Int] = []
            var weights: [Float] = []
            var index = max(Int(start.rounded(.down)), 0)
            while Double(index) < end && index < sourceCount {
                let covered = min(end, Double(index + 1)) - max(start, Double(index))
                if covered > 0 {
                    indices.append(index)
                    weights.append(Float(covered))
                }
                index += 1
            }
            let total = weights.reduce(0, +)
            return Tap(indices: indices, weights: weights.map { $0 / total })
        }
    }
}

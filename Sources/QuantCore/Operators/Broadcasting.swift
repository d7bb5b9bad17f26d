/// Numpy multidirectional broadcasting: shapes are aligned at their last
/// axis, and each axis pair must be equal or contain a 1, which stretches to
/// the other size. The result has the larger rank.
enum Broadcasting {
    /// Returns the broadcast shape of `shapes`, or nil when two sizes of one axis differ and neither is 1.
    static func shape(_ shapes: [[Int]]) -> [Int]? {
        let rank = shapes.map(\.count).max() ?? 0
        var result = [Int](repeating: 1, count: rank)
        for shape in shapes {
            let offset = rank - shape.count
            for (axis, size) in shape.enumerated() {
                let current = result[offset + axis]
                if current == size || size == 1 { continue }
                guard current == 1 else { return nil }
                result[offset + axis] = size
            }
        }
        return result
    }

    /// Element strides that read a tensor of `shape` at every index of
    /// `outputShape`: 0 along stretched axes.
    static func strides(of shape: [Int], in outputShape: [Int]) -> [Int] {
        let own = Tensor.strides(of: shape)
        let offset = outputShape.count - shape.count
        return (0..<outputShape.count).map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }

    /// For each element of `outputShape` in row-major order, the row-major
    /// index of the element of `shape` that broadcasting reads there.
    static func sourceIndices(of shape: [Int], in outputShape: [Int]) -> [Int] {
        sourceIndices(stridedBy: strides(of: shape, in: outputShape), in: outputShape)
    }

    /// For each element of `outputShape` in row-major order, the sum of its
    /// coordinates times `strides`.
    static func sourceIndices(stridedBy strides: [Int], in outputShape: [Int]) -> [Int] {
        let count = outputShape.reduce(1, *)
        var indices = [Int](repeating: 0, count: count)
        var position = [Int](repeating: 0, count: outputShape.count)
        var offset = 0
        for index in 0..<count {
            indices[index] = offset
            var axis = outputShape.count - 1
            while axis >= 0 {
                position[axis] += 1
                offset += strides[axis]
                if position[axis] < outputShape[axis] { break }
                offset -= strides[axis] * position[axis]
                position[axis] = 0
                axis -= 1
            }
        }
        return indices
    }

    /// Returns `values` of `shape` expanded to `outputShape`.
    static func expand(_ values: [Float], shape: [Int], to outputShape: [Int]) -> [Float] {
        if shape == outputShape { return values }
        return combine(values, shape: shape, values, shape: shape, into: outputShape) { a, _ in a }
    }

    /// Applies `operation` elementwise to `a` and `b` broadcast to `outputShape`.
    /// The innermost axis runs as a strided loop; an odometer walks the outer axes.
    @inline(__always)
    static func combine(_ a: [Float], shape aShape: [Int], _ b: [Float], shape bShape: [Int],
                        into outputShape: [Int], _ operation: (Float, Float) -> Float) -> [Float] {
        let count = outputShape.reduce(1, *)
        var result = [Float](repeating: 0, count: count)
        guard count > 0 else { return result }
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                result.withUnsafeMutableBufferPointer { output in
                    // Equal counts mean equal shapes up to leading 1s, so row-major order matches.
                    if aBuffer.count == count && bBuffer.count == count {
                        for index in 0..<count { output[index] = operation(aBuffer[index], bBuffer[index]) }
                        return
                    }
                    if bBuffer.count == 1 && aBuffer.count == count {
                        let scalar = bBuffer[0]
                        for index in 0..<count { output[index] = operation(aBuffer[index], scalar) }
                        return
                    }
                    if aBuffer.count == 1 && bBuffer.count == count {
                        let scalar = aBuffer[0]
                        for index in 0..<count { output[index] = operation(scalar, bBuffer[index]) }
                        return
                    }
                    let rank = outputShape.count
                    let aStrides = strides(of: aShape, in: outputShape)
                    let bStrides = strides(of: bShape, in: outputShape)
                    let inner = outputShape[rank - 1]
                    let aStep = aStrides[rank - 1]
                    let bStep = bStrides[rank - 1]
                    var position = [Int](repeating: 0, count: rank)
                    var aOffset = 0
                    var bOffset = 0
                    var outputOffset = 0
                    while outputOffset < count {
                        for i in 0..<inner {
                            output[outputOffset + i] = operation(aBuffer[aOffset + i * aStep], bBuffer[bOffset + i * bStep])
                        }
                        outputOffset += inner
                        // Advance the odometer over the outer axes.
                        var axis = rank - 2
                        while axis >= 0 {
                            position[axis] += 1
                            aOffset += aStrides[axis]
                            bOffset += bStrides[axis]
                            if position[axis] < outputShape[axis] { break }
                            aOffset -= aStrides[axis] * position[axis]
                            bOffset -= bStrides[axis] * position[axis]
                            position[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
        return result
    }
}

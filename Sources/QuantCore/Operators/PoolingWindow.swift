/// The sliding window of MaxPool and AveragePool over one `[D, H, W]`
/// volume (1-D and 2-D pools lifted to 3-D), computed one output row at a
/// time.
///
/// For an output row `(oz, oy)`, the kernel taps `(kz, ky)` inside the input
/// select input rows. Each output `ox` folds the taps `(kz, ky, kx)` inside
/// the input in that order, as a window-by-window loop does. `max` keeps the
/// running value unless `value >= max`, so NaN never wins and of equal
/// values the later one does. The sum starts at +0. The results are
/// therefore bit-identical to the window-by-window loop.
///
/// Outputs whose every tap `kx` lies inside the input row (the interior of
/// the row) are computed eight or four at a time in SIMD registers and
/// stored once. The outputs at the padded ends run one by one.
struct PoolingWindow {
    let outer: SpatialAxis
    let vertical: SpatialAxis
    let horizontal: SpatialAxis
    let isMax: Bool
    /// AveragePool's count_include_pad: divide by the taps inside the padded
    /// input instead of the taps inside the input.
    let includesPadding: Bool
    /// The output columns whose every tap `kx` reads inside the input row.
    private let interior: Range<Int>
    /// For each output column, the number of taps `kx` inside the input row,
    /// or with `includesPadding` inside the padded row.
    private let columnCounts: [Int]

    /// `axes` are the outer, vertical and horizontal axes, as `liftedTo3D` returns them.
    init(axes: [SpatialAxis], isMax: Bool, includesPadding: Bool) {
        (outer, vertical, horizontal) = (axes[0], axes[1], axes[2])
        self.isMax = isMax
        self.includesPadding = includesPadding
        let horizontal = axes[2]
        // The first tap bounds the interior from below and the last tap from
        // above, so no per-tap table is needed (kernel_shape may be huge).
        let firstTap = Self.outputsInside(offset: -horizontal.padBegin, axis: horizontal)
        let lastTap = Self.outputsInside(offset: (horizontal.kernel - 1) * horizontal.dilation - horizontal.padBegin,
                                         axis: horizontal)
        interior = firstTap.lowerBound < lastTap.upperBound ? firstTap.lowerBound..<lastTap.upperBound : 0..<0
        columnCounts = (0..<horizontal.output).map { ox in
            let start = ox * horizontal.stride - horizontal.padBegin
            let lower = includesPadding ? -horizontal.padBegin : 0
            let upper = includesPadding ? horizontal.input + horizontal.padEnd : horizontal.input
            return Self.taps(start: start, axis: horizontal, lower: lower, upper: upper).count
        }
    }

    /// Pools the volume at `source` (`D * H * W` values) into `target`
    /// (`oD * oH * oW` values).
    func pool(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        let planeSize = vertical.input * horizontal.input
        // Taps inside the input hit distinct input positions, so an axis has
        // at most min(kernel, input) of them, however large kernel_shape is.
        let rowCapacity = min(outer.kernel, outer.input) * min(vertical.kernel, vertical.input)
        let inputRows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: max(1, rowCapacity))
        defer { inputRows.deallocate() }
        var outputRow = target
        for oz in 0..<outer.output {
            let zStart = oz * outer.stride - outer.padBegin
            let layers = Self.taps(start: zStart, axis: outer, lower: 0, upper: outer.input)
            let paddedLayers = Self.taps(start: zStart, axis: outer, lower: -outer.padBegin,
                                         upper: outer.input + outer.padEnd)
            for oy in 0..<vertical.output {
                let yStart = oy * vertical.stride - vertical.padBegin
                let rows = Self.taps(start: yStart, axis: vertical, lower: 0, upper: vertical.input)
                var rowCount = 0
                for kz in layers {
                    let layer = source + (zStart + kz * outer.dilation) * planeSize
                    for ky in rows {
                        // The row pointer is shifted so that output ox reads tap kx at
                        // ox * stride + kx * dilation.
                        inputRows[rowCount] = layer + (yStart + ky * vertical.dilation) * horizontal.input
                            - horizontal.padBegin
                        rowCount += 1
                    }
                }
                poolRow(UnsafeBufferPointer(start: inputRows, count: rowCount), into: outputRow)
                if !isMax {
                    let paddedRows = Self.taps(start: yStart, axis: vertical, lower: -vertical.padBegin,
                                               upper: vertical.input + vertical.padEnd)
                    let rowTaps = includesPadding ? paddedLayers.count * paddedRows.count : layers.count * rows.count
                    divide(outputRow, rowTaps: rowTaps)
                }
                outputRow += horizontal.output
            }
        }
    }

    /// Writes the maximum or the sum of one output row from its input rows.
    private func poolRow(_ rows: UnsafeBufferPointer<UnsafePointer<Float>>, into outputs: UnsafeMutablePointer<Float>) {
        for ox in 0..<interior.lowerBound { outputs[ox] = foldOne(ox, rows) }
        let count = interior.count
        if count >= 8 {
            foldInterior(rows, into: outputs, as: SIMD8<Float>.self)
        } else if count >= 4 {
            foldInterior(rows, into: outputs, as: SIMD4<Float>.self)
        } else {
            for ox in interior { outputs[ox] = foldOne(ox, rows) }
        }
        for ox in interior.upperBound..<horizontal.output { outputs[ox] = foldOne(ox, rows) }
    }

    /// Folds the taps of output `ox` that lie inside the input.
    private func foldOne(_ ox: Int, _ rows: UnsafeBufferPointer<UnsafePointer<Float>>) -> Float {
        var value: Float = isMax ? -.infinity : 0
        let start = ox * horizontal.stride
        let columns = Self.taps(start: start - horizontal.padBegin, axis: horizontal, lower: 0, upper: horizontal.input)
        for row in rows {
            for kx in columns {
                let input = row[start + kx * horizontal.dilation]
                value = isMax ? Self.maximum(value, input) : value + input
            }
        }
        return value
    }

    /// Computes the interior outputs `V.scalarCount` at a time. When the
    /// interior is not a multiple of the width, the last vector overlaps the
    /// previous one and recomputes some outputs to the same values.
    @_specialize(where V == SIMD8<Float>)
    @_specialize(where V == SIMD4<Float>)
    private func foldInterior<V: PoolingVector>(_ rows: UnsafeBufferPointer<UnsafePointer<Float>>,
                                                into outputs: UnsafeMutablePointer<Float>, as: V.Type) {
        let width = V.scalarCount
        let (stride, dilation, kernel) = (horizontal.stride, horizontal.dilation, horizontal.kernel)
        let initial = V(repeating: isMax ? -.infinity : 0)
        var ox = interior.lowerBound
        while true {
            var folded = initial
            for row in rows {
                let first = row + ox * stride
                for kx in 0..<kernel {
                    let start = first + kx * dilation
                    let inputs: V
                    switch stride {
                    case 1: inputs = UnsafeRawPointer(start).loadUnaligned(as: V.self)
                    case 2: inputs = V.loadEvenLanes(start)
                    default:
                        var gathered = V()
                        for lane in 0..<width { gathered[lane] = start[lane * stride] }
                        inputs = gathered
                    }
                    folded = isMax ? folded.maximum(inputs) : folded + inputs
                }
            }
            UnsafeMutableRawPointer(outputs + ox).storeBytes(of: folded, as: V.self)
            if ox + width == interior.upperBound { return }
            ox = min(ox + width, interior.upperBound - width)
        }
    }

    /// `Swift.max(current, value)`: `value` when `value >= current`, so NaN
    /// never replaces the running maximum.
    @inline(__always)
    private static func maximum(_ current: Float, _ value: Float) -> Float {
        value >= current ? value : current
    }

    /// Divides each sum of an output row by its tap count, `rowTaps` times
    /// the column's count; a window without taps gives 0.
    private func divide(_ outputRow: UnsafeMutablePointer<Float>, rowTaps: Int) {
        for ox in 0..<horizontal.output {
            let divisor = rowTaps * columnCounts[ox]
            outputRow[ox] = divisor > 0 ? outputRow[ox] / Float(divisor) : 0
        }
    }

    /// Returns the output positions `o` whose tap at `o * stride + offset`
    /// lies inside the input axis `[0, input)`.
    private static func outputsInside(offset: Int, axis: SpatialAxis) -> Range<Int> {
        let first = offset >= 0 ? 0 : (-offset + axis.stride - 1) / axis.stride
        let last = axis.input - 1 - offset < 0 ? -1 : (axis.input - 1 - offset) / axis.stride
        let start = min(first, axis.output)
        return start..<max(start, min(last + 1, axis.output))
    }

    /// Kernel taps k of a window starting at `start` whose position
    /// `start + k * dilation` lies in [lower, upper).
    private static func taps(start: Int, axis: SpatialAxis, lower: Int, upper: Int) -> Range<Int> {
        let step = axis.dilation
        // Without dilation the bounds need no division, which would
        // otherwise dominate a small window such as 2x2.
        if step == 1 {
            let first = max(0, lower - start)
            let end = min(axis.kernel, upper - start)
            return first < end ? first..<end : 0..<0
        }
        let first = start >= lower ? 0 : (lower - start + step - 1) / step
        let end = start >= upper ? 0 : min(axis.kernel, (upper - start + step - 1) / step)
        return first < end ? first..<end : 0..<0
    }
}

/// The SIMD widths of `PoolingWindow`, with the two operations that the
/// generic `SIMD` protocol would run lane by lane written for each concrete
/// type.
protocol PoolingVector: SIMD where Scalar == Float {
    /// Returns `start[0], start[2], ...` (one value per lane) without reading
    /// past the last of them.
    static func loadEvenLanes(_ start: UnsafePointer<Float>) -> Self
    /// Returns `value` in each lane where `value >= self`, else `self`, as
    /// `Swift.max(self, value)` does per lane.
    func maximum(_ value: Self) -> Self
    static func + (lhs: Self, rhs: Self) -> Self
}

extension SIMD8: PoolingVector where Scalar == Float {
    /// Takes the even lanes of `start[0..<8]` and the odd lanes of `start[7..<15]`.
    static func loadEvenLanes(_ start: UnsafePointer<Float>) -> SIMD8<Float> {
        let raw = UnsafeRawPointer(start)
        let low = raw.loadUnaligned(as: SIMD8<Float>.self)
        let high = raw.loadUnaligned(fromByteOffset: 7 * MemoryLayout<Float>.stride, as: SIMD8<Float>.self)
        return SIMD8(lowHalf: low.evenHalf, highHalf: high.oddHalf)
    }

    func maximum(_ value: SIMD8<Float>) -> SIMD8<Float> { replacing(with: value, where: value .>= self) }
}

extension SIMD4: PoolingVector where Scalar == Float {
    /// Takes the even lanes of `start[0..<4]` and the odd lanes of `start[3..<7]`.
    static func loadEvenLanes(_ start: UnsafePointer<Float>) -> SIMD4<Float> {
        let raw = UnsafeRawPointer(start)
        let low = raw.loadUnaligned(as: SIMD4<Float>.self)
        let high = raw.loadUnaligned(fromByteOffset: 3 * MemoryLayout<Float>.stride, as: SIMD4<Float>.self)
        return SIMD4(lowHalf: low.evenHalf, highHalf: high.oddHalf)
    }

    func maximum(_ value: SIMD4<Float>) -> SIMD4<Float> { replacing(with: value, where: value .>= self) }
}

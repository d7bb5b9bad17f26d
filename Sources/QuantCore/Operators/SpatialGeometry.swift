/// Output size and padding of one spatial axis of a sliding-window operator
/// (Conv, MaxPool, AveragePool).
///
/// With effective kernel `e = dilation * (kernel - 1) + 1`:
/// - NOTSET: `out = floor((in + padBegin + padEnd - e) / stride) + 1`, or the
///   ceiling with `ceil_mode`; a ceil-mode window that would start beyond the
///   input and the begin padding is dropped.
/// - SAME_UPPER / SAME_LOWER: `out = ceil(in / stride)`, total padding
///   `max(0, (out - 1) * stride + e - in)`, the odd element at the end (UPPER)
///   or at the beginning (LOWER).
/// - VALID: no padding, `out = floor((in - e) / stride) + 1`.
struct SpatialAxis: Equatable {
    var input: Int
    var kernel: Int
    var stride: Int
    var dilation: Int
    var padBegin: Int
    var padEnd: Int
    var output: Int
}

enum AutoPad: String {
    case notSet = "NOTSET"
    case sameUpper = "SAME_UPPER"
    case sameLower = "SAME_LOWER"
    case valid = "VALID"
}

extension OperatorContext {
    /// Reads kernel_shape, strides, dilations, pads, auto_pad and (for pools)
    /// ceil_mode, and computes every spatial axis of `inputSpatial`.
    func spatialAxes(inputSpatial: [Int], kernel: [Int], ceilMode: Bool) throws(EngineError) -> [SpatialAxis] {
        let rank = inputSpatial.count
        let strides = try ints("strides").map { $0.map(Int.init) } ?? Array(repeating: 1, count: rank)
        let dilations = try ints("dilations").map { $0.map(Int.init) } ?? Array(repeating: 1, count: rank)
        let pads = try ints("pads").map { $0.map(Int.init) } ?? Array(repeating: 0, count: 2 * rank)
        let autoPadText = try string("auto_pad", default: "NOTSET")
        guard let autoPad = AutoPad(rawValue: autoPadText) else {
            throw invalidAttribute("auto_pad", autoPadText, "expected NOTSET, SAME_UPPER, SAME_LOWER or VALID")
        }
        guard kernel.count == rank, kernel.allSatisfy({ $0 > 0 }) else {
            throw invalidAttribute("kernel_shape", "\(kernel)", "needs \(rank) positive sizes for input spatial shape \(inputSpatial)")
        }
        guard strides.count == rank, strides.allSatisfy({ $0 > 0 }) else {
            throw invalidAttribute("strides", "\(strides)", "needs \(rank) positive values")
        }
        guard dilations.count == rank, dilations.allSatisfy({ $0 > 0 }) else {
            throw invalidAttribute("dilations", "\(dilations)", "needs \(rank) positive values")
        }
        guard pads.count == 2 * rank, pads.allSatisfy({ $0 >= 0 }) else {
            throw invalidAttribute("pads", "\(pads)", "needs \(2 * rank) non-negative values (all begins, then all ends)")
        }

        // Bounding every value keeps `dilation * (kernel - 1) + 1` and
        // `in + pads - extent` far from overflow.
        let limit = Int(Int32.max)
        for (attribute, values) in [("kernel_shape", kernel), ("strides", strides), ("dilations", dilations),
                                    ("pads", pads)] where values.contains(where: { $0 > limit }) {
            throw invalidAttribute(attribute, "\(values)", "values must be at most \(limit)")
        }

        var axes: [SpatialAxis] = []
        for axis in 0..<rank {
            let size = inputSpatial[axis]
            let stride = strides[axis]
            let effectiveKernel = dilations[axis] * (kernel[axis] - 1) + 1
            var padBegin = 0
            var padEnd = 0
            var output: Int
            switch autoPad {
            case .notSet:
                padBegin = pads[axis]
                padEnd = pads[axis + rank]
                let span = size + padBegin + padEnd - effectiveKernel
                guard span >= 0 else {
                    throw invalidShape([inputSpatial], "the kernel (extent \(effectiveKernel)) is larger than padded axis \(axis)")
                }
                output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
                if ceilMode && (output - 1) * stride >= size + padBegin {
                    output -= 1
                }
            case .sameUpper, .sameLower:
                output = (size + stride - 1) / stride
                let total = max(0, (output - 1) * stride + effectiveKernel - size)
                padBegin = autoPad == .sameUpper ? total / 2 : total - total / 2
                padEnd = total - padBegin
            case .valid:
                guard size >= effectiveKernel else {
                    throw invalidShape([inputSpatial], "the kernel (extent \(effectiveKernel)) is larger than axis \(axis) with VALID padding")
                }
                output = (size - effectiveKernel) / stride + 1
            }
            axes.append(SpatialAxis(input: size, kernel: kernel[axis], stride: stride, dilation: dilations[axis],
                                    padBegin: padBegin, padEnd: padEnd, output: output))
        }
        return axes
    }
}

/// Lifts a 1-D or 2-D sliding window to 3-D by prepending unit axes, so that
/// one 3-D kernel loop handles every spatial rank.
func liftedTo3D(_ axes: [SpatialAxis]) -> [SpatialAxis] {
    let unit = SpatialAxis(input: 1, kernel: 1, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, output: 1)
    return Array(repeating: unit, count: max(0, 3 - axes.count)) + axes
}

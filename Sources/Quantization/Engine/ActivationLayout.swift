/// How the elements of a quantized activation lie in memory.
///
/// The shape of an `IntegerTensor` is always the graph's logical shape
/// ([N, C, H, W] for images). Inside an int8 program, 4-D activations are
/// kept channels-last, so that a convolution's GEMM reads the channels of a
/// pixel as one contiguous row. A 1x1 convolution then needs no im2col at
/// all, and its output rows are already the next layer's input. The boundaries
/// to float and the operations that need the logical order (Flatten,
/// Reshape, Concat, fully connected on 4-D input) convert.
public enum ActivationLayout: String, Sendable, Equatable, Hashable {
    /// Row-major in the logical shape: NCHW for 4-D values.
    case rowMajor
    /// [N, H, W, C] for a logical [N, C, H, W]; only used for 4-D shapes.
    case channelsLast
}

/// Copies `outer` row-major `rowCount x columnCount` matrices from `source`
/// into `destination` as their `columnCount x rowCount` transposes. With
/// rows = C and columns = H * W this turns NCHW into NHWC; with rows = H * W
/// and columns = C it turns NHWC back into NCHW.
func transposeMatrices<Element>(_ source: UnsafePointer<Element>, outer: Int, rowCount: Int, columnCount: Int,
                                into destination: UnsafeMutablePointer<Element>) {
    let matrix = rowCount * columnCount
    let tile = 16
    for index in 0..<outer {
        let from = source + index * matrix
        let to = destination + index * matrix
        for rowStart in stride(from: 0, to: rowCount, by: tile) {
            let rowEnd = min(rowStart + tile, rowCount)
            for columnStart in stride(from: 0, to: columnCount, by: tile) {
                let columnEnd = min(columnStart + tile, columnCount)
                for row in rowStart..<rowEnd {
                    for column in columnStart..<columnEnd {
                        to[column &* rowCount &+ row] = from[row &* columnCount &+ column]
                    }
                }
            }
        }
    }
}

/// Returns `values` of the 4-D logical `shape` moved from layout `from` to
/// layout `to`, as a copy. It returns `values` itself when the layouts are
/// equal, or when C or H * W is 1, because both layouts then store the same order.
func relayout<Element>(_ values: [Element], shape: [Int], from: ActivationLayout,
                       to: ActivationLayout) -> [Element] {
    guard from != to, shape.count == 4 else { return values }
    let channels = shape[1], plane = shape[2] * shape[3]
    guard channels > 1, plane > 1 else { return values }
    return [Element](unsafeUninitializedCapacity: values.count) { buffer, initialized in
        values.withUnsafeBufferPointer { source in
            if to == .channelsLast {
                transposeMatrices(source.baseAddress!, outer: shape[0], rowCount: channels, columnCount: plane,
                                  into: buffer.baseAddress!)
            } else {
                transposeMatrices(source.baseAddress!, outer: shape[0], rowCount: plane, columnCount: channels,
                                  into: buffer.baseAddress!)
            }
        }
        initialized = values.count
    }
}

import QuantCore

/// Conversion of an image array read from IDX, NPY or NPZ to model input,
/// following the shape and layout rules stated at `DataLoader`. The array's
/// channels, height and width must equal the model's.
enum ArrayImages {
    static func prepare(_ array: Tensor, geometry: InputGeometry, preprocessing: Preprocessing,
                        path: String) throws(DataError) -> Tensor {
        let shape = array.shape
        let element = "image array"
        let count = shape.first ?? 0
        guard count > 0 else { throw .emptyDataSet(path: path) }

        // Source geometry (channels, height, width) and whether channels are last.
        let channels: Int, height: Int, width: Int, channelsLast: Bool
        switch shape.count {
        case 2:
            let flatSize = geometry.channels * geometry.height * geometry.width
            guard shape[1] == flatSize else {
                throw .shapeMismatch(path: path, element: "flattened \(element)", expected: [count, flatSize],
                                     actual: shape)
            }
            (channels, height, width) = (geometry.channels, geometry.height, geometry.width)
            channelsLast = preprocessing.layout == .nhwc
        case 3:
            (channels, height, width, channelsLast) = (1, shape[1], shape[2], false)
        case 4:
            var layout = preprocessing.layout
            if layout == nil { layout = try inferLayout(shape, geometry: geometry, path: path) }
            channelsLast = layout == .nhwc
            (channels, height, width) = channelsLast ? (shape[3], shape[1], shape[2]) : (shape[1], shape[2], shape[3])
        default:
            throw .shapeMismatch(path: path, element: element, expected: [count] + geometry.shape, actual: shape)
        }
        // Arrays are fed as stored: unlike image files, they are never resized
        // or converted between channel counts, so a mismatch is reported.
        guard channels == geometry.channels, height == geometry.height, width == geometry.width else {
            throw .shapeMismatch(path: path, element: element, expected: [count] + geometry.shape, actual: shape)
        }

        let values = rawValues(array.data)
        let affine = try preprocessing.channelAffine(channels: geometry.channels, elementType: array.elementType,
                                                     source: path)
        let itemSize = channels * height * width
        var output: [Float] = []
        output.reserveCapacity(count * geometry.channels * geometry.pixelCount)
        var resampling: Resampling?
        for index in 0..<count {
            var planes = Array(values[(index * itemSize)..<((index + 1) * itemSize)])
            if channelsLast {
                planes = (0..<itemSize).map { target in
                    let channel = target / (height * width)
                    let pixel = target % (height * width)
                    return planes[pixel * channels + channel]
                }
            }
            try geometry.appendImage(planes: planes, sourceChannels: channels, sourceHeight: height,
                                     sourceWidth: width, affine: affine, path: path, element: "\(element) item \(index)",
                                     resampling: &resampling, to: &output)
        }
        return Tensor(shape: [count] + geometry.shape, floats: output)
    }

    private static func inferLayout(_ shape: [Int], geometry: InputGeometry, path: String) throws(DataError) -> DataLayout {
        let channelCounts: Set<Int> = [1, 3, 4, geometry.channels]
        if channelCounts.contains(shape[1]) { return .nchw }
        if channelCounts.contains(shape[3]) { return .nhwc }
        throw .invalidValue(source: path, value: "\(shape)",
                            reason: "cannot tell whether the array is NCHW or NHWC; "
                                + "set --input-layout or the model's quantscope.input_layout")
    }

    private static func rawValues(_ data: TensorData) -> [Float] {
        switch data {
        case .float32(let values): return values
        case .uint8(let values): return values.map(Float.init)
        case .int8(let values): return values.map(Float.init)
        case .int32(let values): return values.map(Float.init)
        case .int64(let values): return values.map(Float.init)
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        }
    }
}

import QuantCore

/// The model's input size for one image, `[C, H, W]`, with C 1 (gray) or 3
/// (RGB), and the conversion of source images to it.
///
/// Each source image is first brought to C channels. Gray is replicated to
/// RGB, RGB becomes gray as 0.299 R + 0.587 G + 0.114 B (the ITU-R BT.601 luma
/// that libjpeg also uses), and a fourth alpha channel is dropped. The image
/// is then resized to cover H x W, centre-cropped (`Resampling`) and
/// normalized (`Preprocessing`).
public struct InputGeometry: Sendable, Equatable {
    public var channels: Int
    public var height: Int
    public var width: Int

    /// Checks `shape` = `[C, H, W]`; `source` names where the shape came from.
    public init(shape: [Int], source: String) throws(DataError) {
        guard shape.count == 3, shape[0] == 1 || shape[0] == 3, shape[1] > 0, shape[2] > 0 else {
            throw .invalidValue(source: source, value: "\(shape)",
                                reason: "expected an image input shape [C, H, W] with C = 1 or 3 and H, W > 0")
        }
        channels = shape[0]
        height = shape[1]
        width = shape[2]
    }

    public var shape: [Int] { [channels, height, width] }
    var pixelCount: Int { height * width }

    /// Converts one source image, given as `sourceChannels` planes of
    /// `sourceHeight` x `sourceWidth` raw values, to C x H x W model input,
    /// appending it to `output`. `resampling` caches the resize taps between
    /// calls and is rebuilt when the source size changes.
    func appendImage(planes: [Float], sourceChannels: Int, sourceHeight: Int, sourceWidth: Int,
                     affine: [(multiplier: Float, offset: Float)], path: String, element: String,
                     resampling: inout Resampling?, to output: inout [Float]) throws(DataError) {
        if resampling?.sourceWidth != sourceWidth || resampling?.sourceHeight != sourceHeight {
            resampling = Resampling(sourceWidth: sourceWidth, sourceHeight: sourceHeight,
                                    targetWidth: width, targetHeight: height)
        }
        let planeSize = sourceHeight * sourceWidth
        let plane = { (channel: Int) in Array(planes[(channel * planeSize)..<((channel + 1) * planeSize)]) }
        var adapted: [[Float]]
        switch (sourceChannels, channels) {
        case (let source, let target) where source == target:
            adapted = (0..<source).map(plane)
        case (1, 3):
            adapted = Array(repeating: plane(0), count: 3)
        case (3, 1), (4, 1):
            let (red, green, blue) = (plane(0), plane(1), plane(2))
            adapted = [(0..<planeSize).map { 0.299 * red[$0] + 0.587 * green[$0] + 0.114 * blue[$0] }]
        case (4, 3):
            adapted = (0..<3).map(plane)
        default:
            throw .shapeMismatch(path: path, element: element, expected: shape,
                                 actual: [sourceChannels, sourceHeight, sourceWidth])
        }
        for (channel, values) in adapted.enumerated() {
            let resized = resampling!.apply(values)
            let (multiplier, offset) = affine[channel]
            output.append(contentsOf: resized.map { $0 * multiplier - offset })
        }
    }
}

import QuantCore

/// A preprocessed data set ready for the model: images as float32
/// `[N, C, H, W]` and, when the data has them, one class label per image.
public struct LabeledImages: Sendable {
    /// float32 `[N, C, H, W]`, after `Preprocessing`.
    public var images: Tensor
    /// Class index per image, or nil when the data has no labels (the runner
    /// then compares the quantized model with the float model only).
    public var labels: [Int]?
    /// Class names, from the image folder names; nil for array files.
    public var classNames: [String]?
    /// Path of the images as given to the loader.
    public var source: String
    /// Path the labels came from, or nil.
    public var labelSource: String?

    public init(images: Tensor, labels: [Int]?, classNames: [String]? = nil, source: String,
                labelSource: String? = nil) {
        self.images = images
        self.labels = labels
        self.classNames = classNames
        self.source = source
        self.labelSource = labelSource
    }

    public var count: Int { images.shape.first ?? 0 }

    /// The `[C, H, W]` shape of one image.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    /// Images `range` as a float32 `[range.count, C, H, W]` batch.
    public func batch(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= count,
                     "batch \(range) is outside the \(count) images")
        let imageSize = imageShape.reduce(1, *)
        guard case .float32(let values) = images.data else {
            preconditionFailure("LabeledImages holds float32 images, found \(images.elementType)")
        }
        let slice = values[(range.lowerBound * imageSize)..<(range.upperBound * imageSize)]
        return Tensor(shape: [range.count] + imageShape, floats: Array(slice))
    }
}

import Foundation
import QuantCore

/// Loads a data set in any supported format and prepares it for a model.
///
/// The format is recognized from the content, not the name:
///
/// - a folder: PNG and JPEG images (`ImageFolderReader`), labelled by subfolder;
/// - ZIP signature `PK`: NumPy `.npz` (`NPZArchive`);
/// - `\x93NUMPY`: NumPy `.npy` (`NPYReader`);
/// - gzip signature or leading `00 00`: IDX (`IDXReader`);
/// - PNG or JPEG signature: a single unlabelled image.
///
/// In an `.npz`, `PATH.npz#NAME` selects the image array. Without a name the
/// images are the first of `x`, `images`, `x_test`, `data`, `inputs` present,
/// else the archive's first array. Labels in the same archive are the first
/// of `y`, `labels`, `y_test`, `targets`, `label` present, else the other
/// array of a two-array archive, else none. With `#NAME`, they are used only
/// when their count matches the chosen array. A labels path may name an IDX,
/// `.npy` or `.npz` file (also with `#NAME`); label arrays are 1-D (or
/// `[N, 1]`) non-negative integers, or floats with integral values.
///
/// Image arrays (IDX, NPY, NPZ) may have these shapes, N images first:
///
///     [N, H, W]        one channel
///     [N, K]           flattened images, K = C * H * W of the model, in the
///                      layout's order (C, H, W for NCHW, H, W, C for NHWC)
///     [N, C, H, W]     with layout NCHW
///     [N, H, W, C]     with layout NHWC
///
/// Without `Preprocessing.layout`, a 4-D array is NCHW when axis 1 has 1, 3
/// or 4 entries (or as many as the model's channels), else NHWC when axis 3
/// has, else it is rejected. An array's channels, height and width must
/// equal the model's; only image files are resized and converted, as
/// `InputGeometry` describes.
public enum DataLoader {
    static let imageArrayNames = ["x", "images", "x_test", "data", "inputs"]
    static let labelArrayNames = ["y", "labels", "y_test", "targets", "label"]

    /// Loads images from `path` and labels from `labelsPath` (or from the
    /// same archive or folder structure when nil), keeps the first `limit`
    /// images, and converts them to float32 `[N] + inputShape` with
    /// `preprocessing`. `inputShape` is the model's `[C, H, W]`.
    public static func load(path: String, labelsPath: String? = nil, inputShape: [Int],
                            preprocessing: Preprocessing, limit: Int? = nil) throws(DataError) -> LabeledImages {
        let geometry = try InputGeometry(shape: inputShape, source: "model input shape")
        if let limit, limit < 1 {
            throw .invalidValue(source: "image limit", value: String(limit), reason: "expected a count of at least 1")
        }
        let (filePath, member) = splitMember(path)
        if isDirectory(filePath) {
            return try loadFolder(path: filePath, labelsPath: labelsPath, geometry: geometry,
                                  preprocessing: preprocessing, limit: limit)
        }

        let bytes = try readFileBytes(filePath)
        var labels: [Int]?
        var labelSource: String?
        let array: Tensor
        if bytes.starts(with: [0x50, 0x4B]) {
            let archive = try NPZArchive(bytes: bytes, path: filePath)
            let imageName: String
            if let member { imageName = member } else { imageName = try defaultImageName(archive) }
            array = try archive.array(named: imageName)
            if labelsPath == nil, let labelName = defaultLabelName(archive, imageName: imageName) {
                let archiveLabels = try labelValues(archive.array(named: labelName), path: "\(filePath)#\(labelName)")
                // An explicitly chosen image array may be unrelated to the
                // archive's labels; pair them only when the counts agree.
                if member == nil || archiveLabels.count == array.shape.first {
                    labels = archiveLabels
                    labelSource = "\(filePath)#\(labelName)"
                }
            }
        } else if bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            array = try NPYReader.decode(bytes[...], path: filePath, element: "array")
        } else if hasGzipMagic(bytes) || bytes.starts(with: [0, 0]) {
            array = try IDXReader.decode(bytes, path: filePath)
        } else if hasPNGSignature(bytes) || hasJPEGSignature(bytes) {
            let image = try ImageFolderReader.decode(file: filePath, channels: geometry.channels)
            array = try imageTensor(image, path: filePath)
        } else {
            throw .unsupportedFormat(path: filePath, reason: "the first bytes match no known signature")
        }

        if let labelsPath {
            labels = try readLabels(path: labelsPath)
            labelSource = labelsPath
        }
        let imageCount = array.shape.first ?? 0
        if let labels, labels.count != imageCount {
            throw .labelCountMismatch(imagesPath: path, images: imageCount, labelsPath: labelSource ?? "labels",
                                      labels: labels.count)
        }
        let keptCount = min(imageCount, limit ?? imageCount)
        let images = try ArrayImages.prepare(prefix(array, count: keptCount, path: filePath), geometry: geometry,
                                             preprocessing: preprocessing, path: path)
        // A NaN would reach argmax and calibration ranges unnoticed.
        if case .float32(let values) = images.data, let index = values.firstIndex(where: { !$0.isFinite }) {
            let imageSize = max(1, geometry.channels * geometry.height * geometry.width)
            throw .nonFiniteValue(path: path, image: index / imageSize, element: index % imageSize,
                                  value: values[index])
        }
        return LabeledImages(images: images, labels: labels.map { Array($0.prefix(keptCount)) }, source: path,
                             labelSource: labelSource)
    }

    /// Reads class labels from an IDX, `.npy` or `.npz` file (`PATH.npz#NAME`).
    public static func readLabels(path: String) throws(DataError) -> [Int] {
        let (filePath, member) = splitMember(path)
        let bytes = try readFileBytes(filePath)
        if bytes.starts(with: [0x50, 0x4B]) {
            let archive = try NPZArchive(bytes: bytes, path: filePath)
            var name = member
            if name == nil { name = labelArrayNames.first(where: archive.names.contains) }
            guard let name else {
                throw .arrayNotFound(path: filePath, name: labelArrayNames.joined(separator: " or "),
                                     available: archive.names)
            }
            return try labelValues(archive.array(named: name), path: "\(filePath)#\(name)")
        }
        if bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            return try labelValues(NPYReader.decode(bytes[...], path: filePath, element: "labels"), path: filePath)
        }
        if hasGzipMagic(bytes) || bytes.starts(with: [0, 0]) {
            return try labelValues(IDXReader.decode(bytes, path: filePath), path: filePath)
        }
        throw .unsupportedFormat(path: filePath, reason: "labels must be an IDX, .npy or .npz file")
    }

    /// Splits `archive.npz#member` into the file path and member name. A `#`
    /// is a separator only when the text before it ends in `.npz` (any case).
    static func splitMember(_ path: String) -> (path: String, member: String?) {
        guard let hash = path.lastIndex(of: "#") else { return (path, nil) }
        let file = String(path[..<hash])
        guard file.lowercased().hasSuffix(".npz") else { return (path, nil) }
        return (file, String(path[path.index(after: hash)...]))
    }

    private static func defaultImageName(_ archive: NPZArchive) throws(DataError) -> String {
        if let name = imageArrayNames.first(where: archive.names.contains) { return name }
        guard let first = archive.names.first else { throw .emptyDataSet(path: archive.path) }
        return first
    }

    private static func defaultLabelName(_ archive: NPZArchive, imageName: String) -> String? {
        if let name = labelArrayNames.first(where: { archive.names.contains($0) && $0 != imageName }) { return name }
        guard archive.names.count == 2 else { return nil }
        return archive.names.first { $0 != imageName }
    }

    private static func labelValues(_ tensor: Tensor, path: String) throws(DataError) -> [Int] {
        let isColumn = tensor.rank == 2 && tensor.shape[1] == 1
        guard tensor.rank == 1 || isColumn else {
            throw .shapeMismatch(path: path, element: "labels", expected: [tensor.shape.first ?? 0], actual: tensor.shape)
        }
        var labels: [Int] = []
        labels.reserveCapacity(tensor.count)
        switch tensor.data {
        case .float32(let values):
            for (index, value) in values.enumerated() {
                guard value >= 0, value == value.rounded(), value < 1e9 else {
                    throw .invalidLabel(path: path, index: index, value: String(value))
                }
                labels.append(Int(value))
            }
        default:
            let values = (try? tensor.integers()) ?? []
            for (index, value) in values.enumerated() {
                guard value >= 0 else { throw .invalidLabel(path: path, index: index, value: String(value)) }
                labels.append(Int(value))
            }
        }
        return labels
    }

    private static func loadFolder(path: String, labelsPath: String?, geometry: InputGeometry,
                                   preprocessing: Preprocessing, limit: Int?) throws(DataError) -> LabeledImages {
        let listing = try ImageFolderReader.list(path: path, limit: limit)
        let affine = try preprocessing.channelAffine(channels: geometry.channels, elementType: .uint8, source: path)
        var output: [Float] = []
        output.reserveCapacity(listing.files.count * geometry.channels * geometry.pixelCount)
        var resampling: Resampling?
        for file in listing.files {
            let image = try ImageFolderReader.decode(file: file, channels: geometry.channels)
            try geometry.appendImage(planes: planarValues(image).map(Float.init),
                                     sourceChannels: image.channels, sourceHeight: image.height,
                                     sourceWidth: image.width, affine: affine, path: file, element: "image",
                                     resampling: &resampling, to: &output)
        }
        var labels = listing.labels
        var labelSource: String? = labels == nil ? nil : path
        if let labelsPath {
            let fileLabels = try readLabels(path: labelsPath)
            guard fileLabels.count >= listing.files.count else {
                throw .labelCountMismatch(imagesPath: path, images: listing.files.count, labelsPath: labelsPath,
                                          labels: fileLabels.count)
            }
            // NOTE: labels from a file are matched to images in listing order,
            // which for an unlabelled folder is sorted file-name order.
            labels = Array(fileLabels.prefix(listing.files.count))
            labelSource = labelsPath
        }
        let images = Tensor(shape: [listing.files.count] + geometry.shape, floats: output)
        return LabeledImages(images: images, labels: labels, classNames: listing.classNames, source: path,
                             labelSource: labelSource)
    }

    /// Returns the pixels of `image` reordered from interleaved to one plane per channel.
    private static func planarValues(_ image: DecodedImage) -> [UInt8] {
        let pixelCount = image.width * image.height
        var planar = [UInt8](repeating: 0, count: image.pixels.count)
        for pixel in 0..<pixelCount {
            for channel in 0..<image.channels {
                planar[channel * pixelCount + pixel] = image.pixels[pixel * image.channels + channel]
            }
        }
        return planar
    }

    /// Returns a decoded image as a uint8 `[1, C, H, W]` tensor.
    private static func imageTensor(_ image: DecodedImage, path: String) throws(DataError) -> Tensor {
        do {
            return try Tensor(shape: [1, image.channels, image.height, image.width], data: .uint8(planarValues(image)))
        } catch {
            throw .corrupted(path: path, element: "image", reason: error.description)
        }
    }

    /// Returns the first `count` items along axis 0.
    private static func prefix(_ tensor: Tensor, count: Int, path: String) throws(DataError) -> Tensor {
        guard count < (tensor.shape.first ?? 0) else { return tensor }
        let itemSize = tensor.shape.dropFirst().reduce(1, *)
        let range = 0..<(count * itemSize)
        let data: TensorData
        switch tensor.data {
        case .float32(let values): data = .float32(Array(values[range]))
        case .uint8(let values): data = .uint8(Array(values[range]))
        case .int8(let values): data = .int8(Array(values[range]))
        case .int32(let values): data = .int32(Array(values[range]))
        case .int64(let values): data = .int64(Array(values[range]))
        case .bool(let values): data = .bool(Array(values[range]))
        }
        do {
            return try Tensor(shape: [count] + tensor.shape.dropFirst(), data: data)
        } catch {
            throw .corrupted(path: path, element: "image array", reason: error.description)
        }
    }
}

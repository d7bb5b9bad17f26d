import Foundation

/// Reader for folders of PNG and JPEG images.
///
/// Labelled layout: one subfolder per class, `ROOT/CLASS/IMAGE.png`. Class
/// indices follow the subfolder names sorted by Unicode code point (so
/// `0_tshirt`, `1_trouser`, ... keep their numbering), and every subfolder
/// counts as a class even when empty. Unlabelled layout: image files directly
/// in ROOT and no subfolders. Files ending in `.png`, `.jpg` or `.jpeg` (any
/// case) are read; other files and names starting with "." are skipped. The
/// format is taken from each file's signature, not its extension.
///
/// Images are listed class by class in turn (the first image of each class,
/// then the second of each, ...), so a `limit` keeps the classes balanced.
public enum ImageFolderReader {
    /// The image files of a folder, in reading order.
    public struct Listing: Sendable, Equatable {
        public var files: [String]
        /// Class index of each file, or nil for an unlabelled folder.
        public var labels: [Int]?
        public var classNames: [String]?
    }

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Lists the images under `path`, at most `limit` of them.
    public static func list(path: String, limit: Int? = nil) throws(DataError) -> Listing {
        let entries = try visibleEntries(path)
        let subfolders = entries.filter { isDirectory($0) }
        let listing: Listing
        if subfolders.isEmpty {
            let files = entries.filter(isImageFile)
            listing = Listing(files: files, labels: nil, classNames: nil)
        } else {
            var perClass: [[String]] = []
            for folder in subfolders {
                perClass.append(try visibleEntries(folder).filter(isImageFile))
            }
            var files: [String] = []
            var labels: [Int] = []
            let depth = perClass.map(\.count).max() ?? 0
            for position in 0..<depth {
                for (label, classFiles) in perClass.enumerated() where position < classFiles.count {
                    files.append(classFiles[position])
                    labels.append(label)
                }
            }
            let names = subfolders.map { ($0 as NSString).lastPathComponent }
            listing = Listing(files: files, labels: labels, classNames: names)
        }
        guard !listing.files.isEmpty else { throw .emptyDataSet(path: path) }
        guard let limit, limit < listing.files.count else { return listing }
        return Listing(files: Array(listing.files.prefix(max(limit, 0))), labels: listing.labels.map { Array($0.prefix(max(limit, 0))) },
                       classNames: listing.classNames)
    }

    /// Decodes one PNG or JPEG file to `channels` channels (1 or 3).
    public static func decode(file: String, channels: Int) throws(DataError) -> DecodedImage {
        let bytes = try readFileBytes(file)
        if hasPNGSignature(bytes) { return try PNGDecoder.decode(bytes, channels: channels, path: file) }
        if hasJPEGSignature(bytes) { return try JPEGDecoder.decode(bytes, channels: channels, path: file) }
        throw .unsupportedFormat(path: file, reason: "neither a PNG nor a JPEG signature at the start of the file")
    }

    /// Full paths of the entries of `path` not starting with ".", sorted.
    private static func visibleEntries(_ path: String) throws(DataError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return names.filter { !$0.hasPrefix(".") }
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            .map { (path as NSString).appendingPathComponent($0) }
    }

    private static func isImageFile(_ path: String) -> Bool {
        imageExtensions.contains((path as NSString).pathExtension.lowercased()) && !isDirectory(path)
    }
}

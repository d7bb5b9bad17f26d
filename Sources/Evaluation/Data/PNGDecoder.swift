import CPNG

/// Decodes PNG files through libpng's simplified `png_image` API, which
/// converts any bit depth, palette or alpha to 8-bit gray or RGB and reports
/// errors through a return value rather than a long jump.
///
/// Alpha is removed by compositing onto black, as libpng does for an output
/// format without alpha and no background colour.
public enum PNGDecoder {
    /// Decodes `bytes` into an image with `channels` samples per pixel (1 for
    /// gray, 3 for RGB); `path` only names the file in errors.
    public static func decode(_ bytes: [UInt8], channels: Int, path: String) throws(DataError) -> DecodedImage {
        precondition(channels == 1 || channels == 3, "PNG output must have 1 or 3 channels, got \(channels)")
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let began = bytes.withUnsafeBufferPointer { buffer in
            png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count)
        }
        guard began != 0 else {
            throw .corrupted(path: path, element: "PNG header", reason: message(of: &image))
        }
        let width = Int(image.width)
        let height = Int(image.height)
        guard width > 0, height > 0, width * height <= maximumImagePixels else {
            png_image_free(&image)
            throw .tooLarge(path: path, element: "PNG image of \(width) x \(height) pixels",
                            bytes: width * height * channels, limit: maximumImagePixels * channels)
        }
        image.format = channels == 1 ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        var failure: String?
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * channels) { buffer, count in
            if png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil) == 0 {
                failure = message(of: &image)
                buffer.initialize(repeating: 0)
            }
            count = buffer.count
        }
        png_image_free(&image)
        if let failure {
            throw .corrupted(path: path, element: "PNG image data", reason: failure)
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// True when `bytes` start with the PNG signature 89 50 4E 47 0D 0A 1A 0A.
func hasPNGSignature(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
}

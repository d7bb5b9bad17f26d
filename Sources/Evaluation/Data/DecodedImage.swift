/// An 8-bit image as decoded from a file: `pixels` contains `height` rows of
/// `width` pixels of `channels` interleaved samples (1 gray, 3 RGB).
public struct DecodedImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// Largest image the decoders accept, in pixels (a 16384 x 16384 image).
/// Larger declared sizes are rejected before any pixel buffer is allocated.
let maximumImagePixels = 1 << 28

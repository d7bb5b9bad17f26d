import CJPEG
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes JPEG files through libjpeg (libjpeg-turbo's libjpeg API).
///
/// libjpeg reports a fatal error by calling `error_exit`, which must not
/// return: the library's code after that call assumes it never runs. C
/// programs long-jump out of it, which Swift frames do not survive. Here each
/// decode runs on its own POSIX thread whose start routine holds only raw
/// pointers, and `error_exit` records the message and calls `pthread_exit`.
/// That unwinds the decoding thread without returning into any frame, and the
/// calling thread then releases libjpeg's memory with
/// `jpeg_destroy_decompress`, the recovery libjpeg documents after an error.
///
/// Corrupt-data warnings (a truncated file, a bad Huffman code), which libjpeg
/// would print to stderr and then paper over with gray pixels, are recorded
/// instead and reported as `DataError.corrupted`, so a damaged file never
/// enters an evaluation silently.
public enum JPEGDecoder {
    /// Decodes `bytes` into an image with `channels` samples per pixel (1 for
    /// gray, 3 for RGB); `path` only names the file in errors.
    public static func decode(_ bytes: [UInt8], channels: Int, path: String) throws(DataError) -> DecodedImage {
        precondition(channels == 1 || channels == 3, "JPEG output must have 1 or 3 channels, got \(channels)")
        guard !bytes.isEmpty else {
            throw .truncated(path: path, element: "JPEG data", expectedBytes: 2, actualBytes: 0)
        }
        let job = UnsafeMutablePointer<JPEGJob>.allocate(capacity: 1)
        let decompressor = UnsafeMutablePointer<jpeg_decompress_struct>.allocate(capacity: 1)
        let errorManager = UnsafeMutablePointer<jpeg_error_mgr>.allocate(capacity: 1)
        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        input.initialize(from: bytes, count: bytes.count)
        decompressor.initialize(to: jpeg_decompress_struct())
        errorManager.initialize(to: jpeg_error_mgr())
        job.initialize(to: JPEGJob(decompressor: decompressor, errorManager: errorManager, input: input,
                                   inputCount: bytes.count, outputColorSpace: channels == 1 ? JCS_GRAYSCALE : JCS_RGB))
        defer {
            if job.pointee.created { jpeg_destroy_decompress(decompressor) }
            free(job.pointee.output)
            job.deinitialize(count: 1)
            job.deallocate()
            decompressor.deallocate()
            errorManager.deallocate()
            input.deallocate()
        }

        var thread = pthread_t()
        let started = pthread_create(&thread, nil, runJPEGJob, UnsafeMutableRawPointer(job))
        guard started == 0 else {
            throw .unreadable(path: path, reason: "could not start a decoding thread (error \(started))")
        }
        pthread_join(thread, nil)

        let result = job.pointee
        if let failure = result.failure {
            throw .corrupted(path: path, element: "JPEG data", reason: failure)
        }
        guard let output = result.output, result.width > 0, result.height > 0 else {
            throw .corrupted(path: path, element: "JPEG data", reason: "libjpeg produced no image")
        }
        guard result.components == channels else {
            throw .corrupted(path: path, element: "JPEG data",
                             reason: "libjpeg produced \(result.components) channels, expected \(channels)")
        }
        let count = result.width * result.height * channels
        let pixels = Array(UnsafeBufferPointer(start: output, count: count))
        return DecodedImage(width: result.width, height: result.height, channels: channels, pixels: pixels)
    }
}

/// State shared between the calling thread and the decoding thread. It holds
/// no Swift references, so abandoning the decoding thread's frames leaks
/// nothing.
private struct JPEGJob {
    var decompressor: UnsafeMutablePointer<jpeg_decompress_struct>
    var errorManager: UnsafeMutablePointer<jpeg_error_mgr>
    var input: UnsafeMutablePointer<UInt8>
    var inputCount: Int
    var outputColorSpace: J_COLOR_SPACE
    var created = false
    /// Pixel rows, allocated with `malloc` on the decoding thread and freed by
    /// the caller.
    var output: UnsafeMutablePointer<UInt8>?
    var width = 0
    var height = 0
    var components = 0
    var failure: String?
}

/// Formats libjpeg's current message for the decompressor behind `common`.
private func lastJPEGMessage(_ common: j_common_ptr) -> String {
    var buffer = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
    common.pointee.err.pointee.format_message(common, &buffer)
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}

/// Start routine of the decoding thread; `argument` is the `JPEGJob`.
private func runJPEGJob(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let job = argument!.assumingMemoryBound(to: JPEGJob.self)
    let decompressor = job.pointee.decompressor
    let errorManager = job.pointee.errorManager

    decompressor.pointee.err = jpeg_std_error(errorManager)
    errorManager.pointee.error_exit = { common in
        let job = common!.pointee.client_data.assumingMemoryBound(to: JPEGJob.self)
        job.pointee.failure = lastJPEGMessage(common!)
        pthread_exit(nil)
    }
    errorManager.pointee.output_message = { common in
        let job = common!.pointee.client_data.assumingMemoryBound(to: JPEGJob.self)
        if job.pointee.failure == nil {
            job.pointee.failure = lastJPEGMessage(common!)
        }
    }
    // jpeg_CreateDecompress keeps `err` and `client_data`, and may already
    // call error_exit (on a library version mismatch).
    decompressor.pointee.client_data = UnsafeMutableRawPointer(job)
    jpeg_CreateDecompress(decompressor, JPEG_LIB_VERSION, MemoryLayout<jpeg_decompress_struct>.size)
    job.pointee.created = true

    jpeg_mem_src(decompressor, job.pointee.input, UInt(job.pointee.inputCount))
    _ = jpeg_read_header(decompressor, 1)
    decompressor.pointee.out_color_space = job.pointee.outputColorSpace
    jpeg_calc_output_dimensions(decompressor)
    let width = Int(decompressor.pointee.output_width)
    let height = Int(decompressor.pointee.output_height)
    let components = Int(decompressor.pointee.output_components)
    guard width > 0, height > 0, width * height <= maximumImagePixels, (1...4).contains(components) else {
        job.pointee.failure = "declares \(width) x \(height) pixels with \(components) components; "
            + "at most \(maximumImagePixels) pixels are accepted"
        return nil
    }
    _ = jpeg_start_decompress(decompressor)
    guard let output = malloc(width * height * components)?.assumingMemoryBound(to: UInt8.self) else {
        job.pointee.failure = "out of memory for \(width) x \(height) pixels"
        return nil
    }
    job.pointee.output = output
    job.pointee.width = width
    job.pointee.height = height
    job.pointee.components = components
    while decompressor.pointee.output_scanline < decompressor.pointee.output_height {
        var row: JSAMPROW? = output + Int(decompressor.pointee.output_scanline) * width * components
        _ = jpeg_read_scanlines(decompressor, &row, 1)
    }
    _ = jpeg_finish_decompress(decompressor)
    if errorManager.pointee.num_warnings > 0 && job.pointee.failure == nil {
        job.pointee.failure = "libjpeg reported \(errorManager.pointee.num_warnings) corrupt-data warnings"
    }
    return nil
}

/// True when `bytes` start with the JPEG start-of-image marker FF D8 FF.
func hasJPEGSignature(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: [0xFF, 0xD8, 0xFF])
}

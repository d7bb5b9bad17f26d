import CJPEG
import CPNG
import CZlib
import Evaluation
import Foundation
import XCTest

/// Writers for the small files the data tests read, built on the same C
/// libraries the readers use.
enum TestFiles {
    /// Folder of this test process's files, removed by `removeAll()`.
    static let root = (NSTemporaryDirectory() as NSString)
        .appendingPathComponent("quantscope-data-tests-\(UUID().uuidString)")

    /// Removes every file the tests wrote; test classes call it from their
    /// class `tearDown()`.
    static func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Creates a fresh empty folder under `root`.
    static func makeFolder(_ name: String) throws -> String {
        let path = (root as NSString).appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Writes `bytes` to a new file named `name` in a fresh folder.
    static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = (try makeFolder("file") as NSString).appendingPathComponent(name)
        try write(bytes, to: path)
        return path
    }

    /// Deflates `bytes` with zlib; `windowBits` 31 writes gzip, -15 raw deflate.
    static func deflate(_ bytes: [UInt8], windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(&stream, 9, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK)
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                status = CZlib.deflate(&stream, Z_FINISH)
                return outputBuffer.count - Int(stream.avail_out)
            }
        }
        precondition(status == Z_STREAM_END)
        deflateEnd(&stream)
        return Array(output.prefix(produced))
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] { deflate(bytes, windowBits: 31) }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    /// Returns an IDX file: magic, big-endian dimensions, then `values`.
    static func idx(shape: [Int], values: [UInt8], typeByte: UInt8 = 0x08) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, typeByte, UInt8(shape.count)]
        for size in shape { bytes += bigEndian(UInt32(size)) }
        return bytes + values
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func littleEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(value >> (8 * UInt64($0)) & 0xFF) }
    }

    /// Returns a `.npy` file whose header dict text is `header`, padded as NumPy pads
    /// it to a multiple of 64 bytes.
    static func npy(header: String, data: [UInt8], major: UInt8 = 1) -> [UInt8] {
        let lengthWidth = major == 1 ? 2 : 4
        let unpadded = 8 + lengthWidth + header.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        let text = header + String(repeating: " ", count: padding) + "\n"
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
            + littleEndian(UInt64(text.utf8.count), width: lengthWidth) + Array(text.utf8) + data
    }

    static func npyHeader(descr: String, shape: [Int], fortranOrder: Bool = false) -> String {
        let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), "
            + "'shape': (\(dimensions)), }"
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { littleEndian(UInt64($0.bitPattern), width: 4) }
    }

    static func int64Bytes(_ values: [Int64]) -> [UInt8] {
        values.flatMap { littleEndian(UInt64(bitPattern: $0), width: 8) }
    }

    /// Returns a ZIP archive of `members` (name, content), stored or deflated.
    static func zip(_ members: [(name: String, content: [UInt8])], deflated: Bool) -> [UInt8] {
        var archive: [UInt8] = []
        var directory: [UInt8] = []
        for member in members {
            let data = deflated ? deflate(member.content, windowBits: -15) : member.content
            let method: UInt64 = deflated ? 8 : 0
            let name = Array(member.name.utf8)
            let offset = archive.count
            // version needed, flags, method, time and date, CRC, sizes, name length, extra length
            let common = littleEndian(20, width: 2) + littleEndian(0, width: 2) + littleEndian(method, width: 2)
                + littleEndian(0, width: 4) + littleEndian(UInt64(crc32(member.content)), width: 4)
                + littleEndian(UInt64(data.count), width: 4) + littleEndian(UInt64(member.content.count), width: 4)
                + littleEndian(UInt64(name.count), width: 2) + littleEndian(0, width: 2)
            archive += littleEndian(0x0403_4B50, width: 4) + common + name + data
            // version made by, common, comment length, disk, internal and external attributes, offset
            directory += littleEndian(0x0201_4B50, width: 4) + littleEndian(20, width: 2) + common
                + littleEndian(0, width: 2) + littleEndian(0, width: 2) + littleEndian(0, width: 2)
                + littleEndian(0, width: 4) + littleEndian(UInt64(offset), width: 4) + name
        }
        let end = littleEndian(0x0605_4B50, width: 4) + littleEndian(0, width: 4)
            + littleEndian(UInt64(members.count), width: 2) + littleEndian(UInt64(members.count), width: 2)
            + littleEndian(UInt64(directory.count), width: 4) + littleEndian(UInt64(archive.count), width: 4)
            + littleEndian(0, width: 2)
        return archive + directory + end
    }

    /// Encodes a PNG of 8-bit gray (1 channel) or RGB (3 channels) interleaved pixels.
    static func png(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = channels == 1 ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        var size = 0
        _ = pixels.withUnsafeBufferPointer {
            png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil)
        }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBufferPointer { outputBuffer in
            pixels.withUnsafeBufferPointer {
                png_image_write_to_memory(&image, outputBuffer.baseAddress, &size, 0, $0.baseAddress, 0, nil)
            }
        }
        precondition(written != 0, "libpng failed to write the test image")
        return Array(output.prefix(size))
    }

    /// Encodes a baseline JPEG at quality 95.
    static func jpeg(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        var compressor = jpeg_compress_struct()
        var errorManager = jpeg_error_mgr()
        compressor.err = jpeg_std_error(&errorManager)
        jpeg_CreateCompress(&compressor, JPEG_LIB_VERSION, MemoryLayout<jpeg_compress_struct>.size)
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        jpeg_mem_dest(&compressor, &buffer, &size)
        compressor.image_width = JDIMENSION(width)
        compressor.image_height = JDIMENSION(height)
        compressor.input_components = Int32(channels)
        compressor.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB
        jpeg_set_defaults(&compressor)
        jpeg_set_quality(&compressor, 95, 1)
        jpeg_start_compress(&compressor, 1)
        var rows = pixels
        rows.withUnsafeMutableBufferPointer { pixelBuffer in
            while compressor.next_scanline < compressor.image_height {
                var row: JSAMPROW? = pixelBuffer.baseAddress! + Int(compressor.next_scanline) * width * channels
                _ = jpeg_write_scanlines(&compressor, &row, 1)
            }
        }
        jpeg_finish_compress(&compressor)
        jpeg_destroy_compress(&compressor)
        let bytes = Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
        free(buffer)
        return bytes
    }

    /// The shipped Fashion-MNIST folder, found from this source file.
    static var fashionMNISTFolder: String {
        let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return testsFolder.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SampleModels/data/fashion-mnist").path
    }
}

/// Runs `body`, failing the test unless it throws a `DataError`; returns the
/// error so the test can check its case and message.
@discardableResult
func assertThrowsDataError<T>(_ body: () throws -> T, file: StaticString = #filePath,
                              line: UInt = #line) -> DataError? {
    do {
        _ = try body()
        XCTFail("expected a DataError, got a result", file: file, line: line)
        return nil
    } catch let error as DataError {
        return error
    } catch {
        XCTFail("expected a DataError, got \(error)", file: file, line: line)
        return nil
    }
}

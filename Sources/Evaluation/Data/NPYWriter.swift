import Foundation
import QuantCore

/// Writes NumPy `.npy` files, format version 1.0: the magic `\x93NUMPY`,
/// version bytes 1 0, a little-endian UInt16 header length, an ASCII header
/// dictionary padded with spaces to a multiple of 64 bytes and ending in a
/// newline, then the elements in C order, little-endian.
public enum NPYWriter {
    /// Encodes a float32, uint8, int8, int32, int64 or bool tensor as `.npy` bytes.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let descriptor: String
        var body: [UInt8] = []
        switch tensor.data {
        case .float32(let values):
            descriptor = "<f4"
            body.reserveCapacity(values.count * 4)
            for value in values { appendLittleEndian(value.bitPattern, to: &body) }
        case .uint8(let values):
            descriptor = "|u1"
            body = values
        case .int8(let values):
            descriptor = "|i1"
            body = values.map { UInt8(bitPattern: $0) }
        case .int32(let values):
            descriptor = "<i4"
            for value in values { appendLittleEndian(UInt32(bitPattern: value), to: &body) }
        case .int64(let values):
            descriptor = "<i8"
            for value in values { appendLittleEndian(UInt64(bitPattern: value), to: &body) }
        case .bool(let values):
            descriptor = "|b1"
            body = values.map { $0 ? 1 : 0 }
        }
        let shapeText = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)"
            : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        let prefixLength = 10
        let total = prefixLength + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        appendLittleEndian(UInt16(header.utf8.count), to: &bytes)
        bytes += Array(header.utf8)
        return bytes + body
    }

    /// Writes `tensor` to `path` through `AtomicFileWriter`, so a failed
    /// write leaves no partial file.
    public static func write(_ tensor: Tensor, to path: String) throws(DataError) {
        do {
            try AtomicFileWriter.write(encode(tensor), to: path)
        } catch {
            throw .writeFailed(path: path, reason: error.reason)
        }
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var littleEndian = value.littleEndian
        withUnsafeBytes(of: &littleEndian) { bytes.append(contentsOf: $0) }
    }
}

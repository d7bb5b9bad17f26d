import Foundation

/// Reads a whole file, mapping a missing file and I/O failures to `DataError`.
func readFileBytes(_ path: String) throws(DataError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw .fileNotFound(path: path)
    }
    guard !isDirectory.boolValue else {
        throw .unreadable(path: path, reason: "it is a folder, expected a file")
    }
    do {
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        throw .unreadable(path: path, reason: error.localizedDescription)
    }
}

/// True when `path` exists and is a folder.
func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
}

extension Array where Element == UInt8 {
    /// Big-endian unsigned 32-bit integer at `offset`; the caller checks bounds.
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    /// Little-endian unsigned integer of `width` bytes at `offset`; the caller
    /// checks bounds.
    func littleEndianInteger(at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in stride(from: width - 1, through: 0, by: -1) {
            value = value << 8 | UInt64(self[offset + index])
        }
        return value
    }
}

/// Multiplies sizes, returning nil on overflow or a negative factor.
func checkedProduct(_ factors: [Int]) -> Int? {
    var product = 1
    for factor in factors {
        guard factor >= 0 else { return nil }
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        product = result
    }
    return product
}

/// Largest decoded array quantscope allocates for one data file, in bytes.
/// Larger declared sizes are treated as a corrupt header.
let maximumDecodedBytes = 1 << 32

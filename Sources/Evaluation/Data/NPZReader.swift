import CZlib
import QuantCore

/// Reader for NumPy `.npz` archives: ZIP files (PKWARE APPNOTE 6.3) whose
/// members are `.npy` files, as `numpy.savez` (stored) and
/// `numpy.savez_compressed` (deflated) write them.
///
/// The central directory is located through the end-of-central-directory
/// record and every offset and size in it is checked against the file size
/// before use. Members are inflated to exactly their declared size and checked
/// against their CRC-32. ZIP64 archives (over 4 GiB or 65,535 members), multi-
/// disk archives, encryption and compression methods other than stored (0) and
/// deflate (8) are rejected.
public struct NPZArchive: Sendable {
    /// One member of the archive, as listed in the central directory.
    public struct Member: Sendable {
        /// The array name: the member's file name without `.npy`.
        public var name: String
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    public let path: String
    /// Members in central-directory order.
    public let members: [Member]
    private let bytes: [UInt8]

    /// Array names in archive order.
    public var names: [String] { members.map(\.name) }

    /// Reads an archive's central directory; arrays are decoded on request.
    public init(path: String) throws(DataError) {
        try self.init(bytes: readFileBytes(path), path: path)
    }

    /// Parses archive bytes; `path` only names the file in errors.
    public init(bytes: [UInt8], path: String) throws(DataError) {
        self.path = path
        self.bytes = bytes
        members = try NPZArchive.readCentralDirectory(bytes, path: path)
    }

    /// Decodes the member `name` (without `.npy`).
    public func array(named name: String) throws(DataError) -> Tensor {
        guard let member = members.first(where: { $0.name == name }) else {
            throw .arrayNotFound(path: path, name: name, available: names)
        }
        return try NPYReader.decode(memberBytes(member)[...], path: path, element: "array '\(name)'")
    }

    private func memberBytes(_ member: Member) throws(DataError) -> [UInt8] {
        let element = "archive member '\(member.name)'"
        let localHeaderSize = 30
        let offset = member.localHeaderOffset
        guard offset <= bytes.count - localHeaderSize else {
            throw .truncated(path: path, element: "local header of \(element)",
                             expectedBytes: offset + localHeaderSize, actualBytes: bytes.count)
        }
        guard bytes.littleEndianInteger(at: offset, width: 4) == 0x0403_4B50 else {
            throw .corrupted(path: path, element: element, reason: "local header signature not found at offset \(offset)")
        }
        let nameLength = Int(bytes.littleEndianInteger(at: offset + 26, width: 2))
        let extraLength = Int(bytes.littleEndianInteger(at: offset + 28, width: 2))
        let dataStart = offset + localHeaderSize + nameLength + extraLength
        guard dataStart <= bytes.count, member.compressedSize <= bytes.count - dataStart else {
            throw .truncated(path: path, element: element, expectedBytes: dataStart + member.compressedSize,
                             actualBytes: bytes.count)
        }
        guard member.uncompressedSize <= maximumDecodedBytes else {
            throw .tooLarge(path: path, element: element, bytes: member.uncompressedSize, limit: maximumDecodedBytes)
        }
        let compressed = bytes[dataStart..<dataStart + member.compressedSize]
        let content: [UInt8]
        switch member.method {
        case 0:
            guard member.compressedSize == member.uncompressedSize else {
                throw .corrupted(path: path, element: element,
                                 reason: "stored member with compressed size \(member.compressedSize) "
                                     + "but uncompressed size \(member.uncompressedSize)")
            }
            content = Array(compressed)
        case 8:
            content = try Inflater.inflateAll(compressed, framing: .raw, expectedCount: member.uncompressedSize,
                                              path: path, element: element)
        default:
            throw .corrupted(path: path, element: element,
                             reason: "compression method \(member.method) is not supported; use numpy.savez "
                                 + "or numpy.savez_compressed (stored or deflate)")
        }
        let checksum = content.withUnsafeBufferPointer { buffer in
            UInt32(crc32(0, buffer.baseAddress, UInt32(buffer.count)))
        }
        guard checksum == member.crc32 else {
            throw .corrupted(path: path, element: element,
                             reason: "CRC-32 is \(hex32(checksum)), the central directory says \(hex32(member.crc32))")
        }
        return content
    }

    private static func readCentralDirectory(_ bytes: [UInt8], path: String) throws(DataError) -> [Member] {
        let endRecordSize = 22
        guard bytes.count >= endRecordSize else {
            throw .truncated(path: path, element: "ZIP end of central directory", expectedBytes: endRecordSize,
                             actualBytes: bytes.count)
        }
        // The end record is the last 22 bytes plus a comment of up to 65,535
        // bytes, so search backwards over that range for its signature.
        let lowestStart = max(0, bytes.count - endRecordSize - 0xFFFF)
        var endRecord: Int?
        for start in stride(from: bytes.count - endRecordSize, through: lowestStart, by: -1)
        where bytes.littleEndianInteger(at: start, width: 4) == 0x0605_4B50 {
            endRecord = start
            break
        }
        guard let endRecord else {
            throw .corrupted(path: path, element: "ZIP end of central directory",
                             reason: "signature not found; this is not a ZIP (.npz) archive or it is truncated")
        }
        func field(_ offset: Int, _ width: Int) -> Int {
            Int(bytes.littleEndianInteger(at: endRecord + offset, width: width))
        }
        let diskNumber = field(4, 2)
        let directoryDisk = field(6, 2)
        let entriesOnDisk = field(8, 2)
        let entryCount = field(10, 2)
        let directorySize = field(12, 4)
        let directoryOffset = field(16, 4)
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF
            || (endRecord >= 20 && bytes.littleEndianInteger(at: endRecord - 20, width: 4) == 0x0706_4B50) {
            throw .corrupted(path: path, element: "ZIP end of central directory",
                             reason: "the archive is ZIP64, which is not supported; save arrays under 4 GiB in total")
        }
        guard diskNumber == 0 && directoryDisk == 0 && entriesOnDisk == entryCount else {
            throw .corrupted(path: path, element: "ZIP end of central directory",
                             reason: "multi-disk archives are not supported")
        }
        guard directoryOffset <= endRecord, directorySize <= endRecord - directoryOffset else {
            throw .truncated(path: path, element: "ZIP central directory", expectedBytes: directoryOffset + directorySize,
                             actualBytes: endRecord)
        }

        var members: [Member] = []
        var cursor = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for index in 0..<entryCount {
            let element = "ZIP central directory entry \(index)"
            let fixedSize = 46
            guard cursor <= directoryEnd - fixedSize else {
                throw .truncated(path: path, element: element, expectedBytes: cursor + fixedSize, actualBytes: directoryEnd)
            }
            guard bytes.littleEndianInteger(at: cursor, width: 4) == 0x0201_4B50 else {
                throw .corrupted(path: path, element: element, reason: "signature not found at offset \(cursor)")
            }
            func entryField(_ offset: Int, _ width: Int) -> Int {
                Int(bytes.littleEndianInteger(at: cursor + offset, width: width))
            }
            let flags = entryField(8, 2)
            let nameLength = entryField(28, 2)
            let variableLength = nameLength + entryField(30, 2) + entryField(32, 2)
            guard variableLength <= directoryEnd - cursor - fixedSize else {
                throw .truncated(path: path, element: element, expectedBytes: cursor + fixedSize + variableLength,
                                 actualBytes: directoryEnd)
            }
            let fileName = String(decoding: bytes[(cursor + fixedSize)..<(cursor + fixedSize + nameLength)],
                                  as: UTF8.self)
            guard flags & 1 == 0 else {
                throw .corrupted(path: path, element: "archive member '\(fileName)'",
                                 reason: "it is encrypted, which is not supported")
            }
            let compressedSize = entryField(20, 4)
            let uncompressedSize = entryField(24, 4)
            let localHeaderOffset = entryField(42, 4)
            if compressedSize == 0xFFFF_FFFF || uncompressedSize == 0xFFFF_FFFF || localHeaderOffset == 0xFFFF_FFFF {
                throw .corrupted(path: path, element: "archive member '\(fileName)'",
                                 reason: "it uses ZIP64 sizes, which are not supported")
            }
            let name = fileName.hasSuffix(".npy") ? String(fileName.dropLast(4)) : fileName
            members.append(Member(name: name, method: UInt16(entryField(10, 2)), crc32: UInt32(entryField(16, 4)),
                                  compressedSize: compressedSize, uncompressedSize: uncompressedSize,
                                  localHeaderOffset: localHeaderOffset))
            cursor += fixedSize + variableLength
        }
        return members
    }
}

private func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}

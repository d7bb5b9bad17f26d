import Foundation

/// Writes whole output files (models, plans, arrays) so that a failed
/// write leaves the previous content in place.
///
/// A new path or an existing regular file is written to a temporary file in
/// the same folder and renamed over the target. Any other existing target,
/// such as `/dev/null`, `/dev/full` or a FIFO, is written in place, because
/// a rename would replace the device node itself. A symbolic link is
/// followed, so the file it points to is replaced, not the link.
public enum AtomicFileWriter {
    /// Writes `bytes` to `path`, or throws the reason the write failed.
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        var status = stat()
        if stat(target.path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            try writeInPlace(bytes, to: target.path)
            return
        }
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            throw AtomicFileError(reason: error.localizedDescription)
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw AtomicFileError(reason: reason)
        }
    }

    /// Writes `bytes` through `write(2)` and reports short writes such as ENOSPC.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        let descriptor = open(path, O_WRONLY | O_TRUNC)
        guard descriptor >= 0 else { throw AtomicFileError(reason: String(cString: strerror(errno))) }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    failure = count < 0 ? errno : ENOSPC
                    return
                }
                written += count
            }
        }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else { throw AtomicFileError(reason: String(cString: strerror(failure))) }
    }
}

/// The reason `AtomicFileWriter.write` failed, as the operating system reports it.
public struct AtomicFileError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

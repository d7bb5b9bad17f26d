import Foundation

/// A thread-safe way to wake the explorer loop from another thread: a
/// non-blocking pipe whose read end the loop polls together with the
/// terminal. `wake()` only calls write(2), so it is safe from any thread.
final class WakeUp: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Makes the current or next `wait` return. A full pipe already means
    /// "wake up", so a failed write is ignored.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Blocks until `descriptor` is readable, `wake()` was called, a signal
    /// interrupts, or the timeout passes; then empties the pipe.
    func wait(forInputOn descriptor: Int32, timeoutMilliseconds: Int32) {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        _ = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}

import Dispatch
import Foundation

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the explorer loop checks, so
/// the loop can restore the terminal before exiting. Dispatch signal sources
/// run their handlers on a queue, not in signal context, so the handler may
/// take a lock and wake the loop.
final class TerminationSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var receivedSignal: Int32?
    private var sources: [DispatchSourceSignal] = []

    init(wakeUp: WakeUp) {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            // The default action would end the process before the terminal is restored.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                self?.record(signalNumber)
                wakeUp.wake()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Cancels the sources and gives the signals their default actions back.
    func restore() {
        for source in sources {
            source.cancel()
        }
        sources = []
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_DFL)
        }
    }

    /// The first termination signal received, if any.
    var received: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return receivedSignal
    }

    private func record(_ signalNumber: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if receivedSignal == nil {
            receivedSignal = signalNumber
        }
    }
}

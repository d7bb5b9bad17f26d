import Explorer
import Foundation

/// Runs `screen` on the terminal until it quits or a termination signal
/// arrives, and returns the process exit status (0, or 128 + the signal).
///
/// The loop sleeps in poll(2) on the terminal and on `wakeUp`, with a
/// timeout so that a resize is noticed even when its signal went to another
/// thread. Each time it wakes it reads every pending key, then calls
/// `refresh` so the caller can move results of background work into the
/// screen, and draws when anything changed. Requests from `.recompute`
/// effects go to `onRequest`, which must return quickly and do the work on
/// another thread, calling `wakeUp.wake()` when there is something new.
///
/// `initialRequests` go to `onRequest` once the first screen is drawn.
///
/// The terminal is restored on every exit path: quit, signal, or a thrown error.
func runExplorerLoop<S: Screen>(
    screen: S,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    wakeUp: WakeUp,
    onRequest: (S.Request) -> Void,
    start initialRequests: [S.Request] = [],
    refresh: (inout S) -> Effect<S.Request>
) throws -> Int32 {
    let signals = TerminationSignals(wakeUp: wakeUp)
    defer { signals.restore() }
    let terminal = try NCursesTerminal(environment: environment)
    defer { terminal.shutdown() }

    var host = ScreenHost(screen: screen, size: terminal.size, glyphs: terminal.glyphs)
    terminal.draw(host.render())
    initialRequests.forEach(onRequest)
    let resizePollMilliseconds: Int32 = 200

    while true {
        wakeUp.wait(forInputOn: STDIN_FILENO, timeoutMilliseconds: resizePollMilliseconds)
        if let signalNumber = signals.received {
            return 128 + signalNumber
        }
        var needsRedraw = false
        while let key = terminal.readKey() {
            let response = host.handle(key)
            response.requests.forEach(onRequest)
            if response.shouldQuit {
                return 0
            }
            needsRedraw = needsRedraw || response.needsRedraw
        }
        let response = host.apply(refresh(&host.screen))
        response.requests.forEach(onRequest)
        if response.shouldQuit {
            return 0
        }
        if needsRedraw || response.needsRedraw {
            terminal.draw(host.render())
        }
    }
}

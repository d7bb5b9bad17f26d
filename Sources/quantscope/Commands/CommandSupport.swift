@preconcurrency import Glibc
import Foundation

/// Process exit statuses: 0 on success, 1 when the work failed, 2 when the
/// program was called wrongly.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

/// A failure that ends a command with exit status 1. The message already
/// names the value at fault and what to do.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A subcommand: its grammar and the function that runs it.
struct Command: Sendable {
    let spec: CommandSpec
    let run: @Sendable (ParsedArguments) throws -> Void
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("quantscope: \(message)\n".utf8))
}

/// Parses `arguments` for `command`, prints help or a usage error, runs it,
/// and returns the exit status.
func execute(_ command: Command, arguments: [String]) -> Int32 {
    let parsed: ParsedArguments
    do {
        parsed = try parseArguments(arguments, spec: command.spec)
    } catch {
        printError("\(error)")
        printError("run '\(["quantscope", command.spec.name].filter { !$0.isEmpty }.joined(separator: " ")) --help' for usage")
        return ExitStatus.usage
    }
    if parsed.helpRequested {
        print(command.spec.helpText)
        return ExitStatus.success
    }
    do {
        try command.run(parsed)
        return ExitStatus.success
    } catch let error as UsageError {
        printError("\(error)")
        printError("run '\(["quantscope", command.spec.name].filter { !$0.isEmpty }.joined(separator: " ")) --help' for usage")
        return ExitStatus.usage
    } catch {
        printError("\(error)")
        return ExitStatus.failure
    }
}

/// Writes `value` as one JSON object on standard output, keys sorted.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    // Through stdio like every other line of output, so that
    // `flushStandardOutput` sees a failed write.
    print(String(decoding: data, as: UTF8.self))
}

/// Flushes standard output and turns a failed write (a full disk, a closed
/// pipe) into exit status 1 with a message, instead of a silent success.
func flushStandardOutput(status: Int32) -> Int32 {
    // fflush(nil) flushes every output stream and fails when a write does;
    // ferror reports a write that already failed while the buffer filled.
    let failed = fflush(nil) != 0 || ferror(Glibc.stdout) != 0
    guard failed else { return status }
    let reason = String(cString: strerror(errno))
    printError("cannot write to standard output: \(reason); check the disk space or the pipe it goes to")
    return status == ExitStatus.success ? ExitStatus.failure : status
}

/// Formats `count` with thousands separators: 1234567 -> "1,234,567".
func groupedDigits(_ count: Int) -> String {
    let digits = String(count.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return count < 0 ? "-" + result : result
}

/// Pads `text` to `width` columns, on the left when `right` is true.
func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}

import Foundation

/// Subcommands by name, in the order the overview lists them.
let commands: [Command] = [inspectCommand, evalCommand]

let overview = """
    quantscope: see what 8-bit quantization does to a neural network, layer by layer.

    usage: quantscope <command> [arguments] [options]

    commands:
    \(commands.map { "  " + padded($0.spec.name, 10) + $0.spec.summary }.joined(separator: "\n"))

    Run 'quantscope <command> --help' for a command's options.
    """

func runCommandLine(_ arguments: [String]) -> Int32 {
    guard let first = arguments.first else {
        // NOTE: The explorer is not wired in yet, so no arguments prints help.
        print(overview)
        return ExitStatus.success
    }
    if first == "--help" || first == "-h" || first == "help" {
        print(overview)
        return ExitStatus.success
    }
    if first == "demo-ui" {
        return runDemoUI(arguments: Array(arguments.dropFirst()))
    }
    guard let command = commands.first(where: { $0.spec.name == first }) else {
        printError("\(UsageError.unknownCommand(first))")
        printError("run 'quantscope --help' for the list of commands")
        return ExitStatus.usage
    }
    return execute(command, arguments: Array(arguments.dropFirst()))
}

exit(flushStandardOutput(status: runCommandLine(Array(CommandLine.arguments.dropFirst()))))

import Foundation

/// Subcommands by name, in the order the overview lists them.
let commands: [Command] = [inspectCommand, evalCommand, benchCommand, snapshotCommand]

let overview = """
    quantscope: see what 8-bit quantization does to a neural network, layer by layer.

    usage: quantscope [MODEL] [options]          open the explorer (default model: SampleModels/cnn.onnx)
           quantscope <command> [arguments] [options]

    commands:
    \(commands.map { "  " + padded($0.spec.name, 10) + $0.spec.summary }.joined(separator: "\n"))

    Run 'quantscope <command> --help' for a command's options.
    """

func runCommandLine(_ arguments: [String]) -> Int32 {
    guard let first = arguments.first else {
        return execute(explorerCommand, arguments: [])
    }
    if first == "--help" || first == "-h" || first == "help" {
        print(overview)
        return ExitStatus.success
    }
    if first == "demo-ui" {
        return runDemoUI(arguments: Array(arguments.dropFirst()))
    }
    // A model path or an option opens the explorer; a bare word must be a command.
    if first.hasPrefix("-") || first.hasSuffix(".onnx") || first.contains("/") || FileManager.default.fileExists(atPath: first) {
        return execute(explorerCommand, arguments: arguments)
    }
    guard let command = commands.first(where: { $0.spec.name == first }) else {
        printError("\(UsageError.unknownCommand(first))")
        printError("run 'quantscope --help' for the list of commands")
        return ExitStatus.usage
    }
    return execute(command, arguments: Array(arguments.dropFirst()))
}

exit(flushStandardOutput(status: runCommandLine(Array(CommandLine.arguments.dropFirst()))))

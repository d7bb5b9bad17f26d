import Foundation

// NOTE: Temporary entry point until the command-line interface lands; only
// the widget demo is wired up.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "demo-ui" {
    exit(runDemoUI(arguments: Array(arguments.dropFirst())))
}
print("quantscope: under construction; try `quantscope demo-ui`")

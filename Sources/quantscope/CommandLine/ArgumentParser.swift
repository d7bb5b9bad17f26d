/// A command-line option: `--name VALUE` (or `--name=VALUE`) when it takes a
/// value, `--name` alone when it is a flag.
struct OptionSpec: Sendable {
    let name: String
    /// Placeholder shown in help, e.g. "PATH"; nil for a flag.
    let valueName: String?
    let help: String
    /// Whether the option may be given more than once (values accumulate).
    let repeatable: Bool

    init(_ name: String, value valueName: String? = nil, help: String, repeatable: Bool = false) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.repeatable = repeatable
    }

    var takesValue: Bool { valueName != nil }
}

/// A positional argument of a subcommand.
struct PositionalSpec: Sendable {
    let name: String
    let help: String
    let optional: Bool
}

/// The grammar and help text of one subcommand.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    let positionals: [PositionalSpec]
    let options: [OptionSpec]
    /// Paragraphs printed after the option list.
    let details: [String]

    init(name: String, summary: String, positionals: [PositionalSpec] = [], options: [OptionSpec],
         details: [String] = []) {
        self.name = name
        self.summary = summary
        self.positionals = positionals
        self.options = options + [OptionSpec("--help", help: "Print this help and exit.")]
        self.details = details
    }

    var usageLine: String {
        var parts = ["quantscope", name].filter { !$0.isEmpty }
        for positional in positionals {
            parts.append(positional.optional ? "[\(positional.name)]" : positional.name)
        }
        parts.append("[options]")
        return "usage: " + parts.joined(separator: " ")
    }

    /// The full `--help` text.
    var helpText: String {
        var lines = [usageLine, "", summary]
        if !positionals.isEmpty {
            lines.append("")
            lines.append("arguments:")
            for positional in positionals {
                lines.append(Self.helpRow(positional.name, positional.help))
            }
        }
        lines.append("")
        lines.append("options:")
        for option in options {
            let left = option.valueName.map { "\(option.name) \($0)" } ?? option.name
            lines.append(Self.helpRow(left, option.help))
        }
        for paragraph in details {
            lines.append("")
            lines.append(paragraph)
        }
        return lines.joined(separator: "\n")
    }

    private static func helpRow(_ left: String, _ right: String) -> String {
        let column = 30
        let padded = "  " + left
        if padded.count >= column - 1 {
            return padded + "\n" + String(repeating: " ", count: column) + right
        }
        return padded + String(repeating: " ", count: column - padded.count) + right
    }
}

/// The result of parsing one subcommand's arguments.
struct ParsedArguments: Sendable {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var helpRequested: Bool { flags.contains("--help") }

    func value(_ name: String) -> String? { values[name]?.last }
    func has(_ name: String) -> Bool { flags.contains(name) || values[name] != nil }

    /// The option's value parsed as a positive integer, or a usage error
    /// naming the option and the text given.
    func positiveInteger(_ name: String) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), number > 0 else {
            throw .invalidValue(option: name, value: text, expected: "a positive integer")
        }
        return number
    }
}

/// A mistake in how the program was called; the process exits with status 2.
enum UsageError: Error, Equatable, CustomStringConvertible {
    case unknownOption(String, command: String)
    case missingValue(option: String)
    case unexpectedValue(option: String)
    case repeatedOption(String)
    case missingArgument(String)
    case extraArgument(String)
    case invalidValue(option: String, value: String, expected: String)
    case conflictingOptions(String, String)
    case optionNeedsAnother(String, needs: String)
    case unknownCommand(String)

    var description: String {
        switch self {
        case .unknownOption(let option, let command):
            return "unknown option '\(option)' for '\(command)'"
        case .missingValue(let option):
            return "option \(option) needs a value"
        case .unexpectedValue(let option):
            return "option \(option) takes no value"
        case .repeatedOption(let option):
            return "option \(option) was given more than once"
        case .missingArgument(let name):
            return "missing argument \(name)"
        case .extraArgument(let argument):
            return "unexpected argument '\(argument)'"
        case .invalidValue(let option, let value, let expected):
            return "invalid value '\(value)' for \(option): expected \(expected)"
        case .conflictingOptions(let first, let second):
            return "options \(first) and \(second) cannot be used together"
        case .optionNeedsAnother(let option, let needs):
            return "option \(option) has no effect without \(needs); add one of them or drop \(option)"
        case .unknownCommand(let command):
            return "unknown command '\(command)'"
        }
    }
}

/// Splits `arguments` by `spec`. `--name=value` and `--name value` are both
/// accepted; `--` ends option parsing; `-h` is `--help`.
func parseArguments(_ arguments: [String], spec: CommandSpec) throws(UsageError) -> ParsedArguments {
    var parsed = ParsedArguments()
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
        let argument = arguments[index]
        index += 1
        if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
            parsed.positionals.append(argument)
            continue
        }
        if argument == "--" {
            optionsEnded = true
            continue
        }
        var name = argument == "-h" ? "--help" : argument
        var inlineValue: String?
        if let equals = name.firstIndex(of: "=") {
            inlineValue = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        }
        guard let option = spec.options.first(where: { $0.name == name }) else {
            throw .unknownOption(name, command: spec.name.isEmpty ? "quantscope" : spec.name)
        }
        if option.takesValue {
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw .missingValue(option: name) }
                value = arguments[index]
                index += 1
            }
            if parsed.values[name] != nil && !option.repeatable { throw .repeatedOption(name) }
            parsed.values[name, default: []].append(value)
        } else {
            guard inlineValue == nil else { throw .unexpectedValue(option: name) }
            parsed.flags.insert(name)
        }
    }
    if parsed.helpRequested { return parsed }
    let required = spec.positionals.filter { !$0.optional }.count
    if parsed.positionals.count < required {
        throw .missingArgument(spec.positionals[parsed.positionals.count].name)
    }
    if parsed.positionals.count > spec.positionals.count {
        throw .extraArgument(parsed.positionals[spec.positionals.count])
    }
    return parsed
}

import Evaluation

extension DataOptions {
    /// Reads the `CommonOptions.data` flags.
    init(parsed: ParsedArguments) throws {
        self.init(data: parsed.value("--data"), labels: parsed.value("--labels"),
                  limit: try parsed.positiveInteger("--limit"))
        overrides = try PreprocessingOverrides(scale: parsed.value("--input-scale"),
                                               mean: parsed.value("--input-mean"),
                                               std: parsed.value("--input-std"),
                                               layout: parsed.value("--input-layout"))
    }
}

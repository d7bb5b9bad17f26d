import Evaluation
import Foundation
import QuantCore
import Quantization

/// The `--target` option of the commands that show simulated speed.
enum SpeedOptions {
    static let defaultTarget = "snapdragon835-big"

    static let target = OptionSpec(
        "--target", value: "NAME",
        help: "Speed profile for the simulated latency: "
            + TargetSelection.names.map(\.name).joined(separator: ", ") + " (default \(defaultTarget)).")

    /// Returns the profile that `--target` selects, measuring this machine
    /// only when `this-machine` is chosen.
    static func profile(_ parsed: ParsedArguments) throws -> TargetProfile {
        let name = parsed.value("--target") ?? defaultTarget
        do {
            return try TargetSelection.profile(named: name) { MachineProfile.shared(report: printError) }
        } catch {
            throw UsageError.invalidValue(option: "--target", value: name,
                                          expected: TargetSelection.names.map(\.name).joined(separator: ", "))
        }
    }

    /// Simulates `model` at batch size 1 with the layers in `precisions`
    /// and every other layer in float.
    static func report(for model: Model, precisions: [String: SimulatedPrecision] = [:],
                       on profile: TargetProfile) throws -> SpeedReport {
        let prepared: PreparedModel
        do {
            prepared = try GraphPreparation.prepare(model)
        } catch {
            throw CommandFailure("the model cannot be prepared for the speed model: \(error)")
        }
        return try ModelSpeed.report(for: prepared, precisions: precisions, on: profile)
    }

    /// Returns the simulated precision of every layer that ran in int8 under
    /// `plan`; layers that fell back to float are left out, so they count as float.
    static func precisions(of plan: QuantizationPlan, evaluation: PlanEvaluation) -> [String: SimulatedPrecision] {
        var precisions: [String: SimulatedPrecision] = [:]
        for layer in evaluation.layers.map(\.name) where evaluation.fallbacks[layer] == nil {
            let settings = plan.settings(for: layer)
            guard settings.precision == .int8 else { continue }
            precisions[layer] = .int8(weightBits: settings.weightBits, activationBits: settings.activationBits)
        }
        return precisions
    }

    /// Returns one line: simulated latency per image, speedup over float, model size.
    static func summaryLine(_ report: SpeedReport) -> String {
        let totals = report.totals
        return String(format: "%.3f ms per image simulated, %.2fx float speed, model %.2f MB (float %.2f MB)",
                      totals.latencySeconds * 1000, totals.speedup, Double(totals.modelSizeBytes) / 1e6,
                      Double(totals.floatModelSizeBytes) / 1e6)
            + " on \(report.profile.identifier)"
    }
}

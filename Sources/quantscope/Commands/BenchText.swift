import Evaluation
import Foundation

/// The text form of a `BenchmarkReport`, one section per kind of figure.
enum BenchText {
    static func render(_ report: BenchmarkReport) -> String {
        var lines: [String] = []
        lines += header(report)
        lines.append("")
        lines += endToEnd(report)
        lines.append("")
        lines += perLayer(report)
        lines.append("")
        lines += gemm(report)
        lines.append("")
        if let latency = report.toggleLatency {
            lines += toggles(latency)
            lines.append("")
        }
        if let bytes = report.peakResidentBytes {
            lines.append(String(format: "peak memory: %.1f MiB resident (getrusage ru_maxrss)", Double(bytes) / 1048576))
        }
        lines.append("speed model: \(report.formula)")
        return lines.joined(separator: "\n")
    }

    static func header(_ report: BenchmarkReport) -> [String] {
        let machine = report.machine
        let clock = machine.clockMegahertz.map { String(format: ", %.0f MHz", $0) } ?? ""
        let flags = machine.simdFlags.isEmpty ? "" : ", " + machine.simdFlags.joined(separator: " ")
        return [
            "model    \(report.model)",
            "runs     batch \(report.batch), \(report.threads) thread\(report.threads == 1 ? "" : "s"), "
                + "\(report.warmup) warm-up + \(report.repeats) timed runs, median",
            "machine  \(machine.processorModel.isEmpty ? "unknown processor" : machine.processorModel), "
                + "\(machine.logicalProcessors) logical processors\(clock)\(flags)",
        ]
    }

    static func endToEnd(_ report: BenchmarkReport) -> [String] {
        var lines = ["end to end",
                     "  " + padded("engine", 8) + padded("median ms", 12, right: true) + padded("images/s", 12, right: true)]
        lines.append(engineRow("float", report.float))
        if let int8 = report.int8 {
            lines.append(engineRow("int8", int8))
        } else {
            lines.append("  " + padded("int8", 8) + report.int8Status)
        }
        if let ratio = report.int8OverFloatThroughput {
            lines.append(String(format: "  int8 / float throughput: %.2fx", ratio))
        } else {
            lines.append("  int8 / float throughput: pending")
        }
        return lines
    }

    private static func engineRow(_ name: String, _ timing: EngineTiming) -> String {
        "  " + padded(name, 8)
            + padded(String(format: "%.3f", timing.endToEnd.medianSeconds * 1000), 12, right: true)
            + padded(String(format: "%.1f", timing.imagesPerSecond), 12, right: true)
    }

    static func perLayer(_ report: BenchmarkReport) -> [String] {
        let floatComparison = report.simulated.first { $0.precision == "float" }
        let int8Comparison = report.simulated.first { $0.precision == "int8" }
        let profile = floatComparison?.profile ?? "this-machine"
        var lines = ["per layer (ms, median of one thread; simulated on the \(profile) profile)"]
        let nameWidth = max(12, (report.float.layers.map(\.name.count).max() ?? 0) + 2)
        lines.append("  " + padded("layer", nameWidth)
            + ["float", "sim float", "ratio", "int8", "sim int8", "ratio"].map { padded($0, 10, right: true) }.joined())
        for layer in report.float.layers {
            var row = "  " + padded(layer.name, nameWidth)
            row += comparisonCells(floatComparison?.rows.first { $0.name == layer.name },
                                   measured: layer.medianSeconds)
            if let int8Row = int8Comparison?.rows.first(where: { $0.name == layer.name }) {
                row += comparisonCells(int8Row, measured: int8Row.measuredSeconds)
            } else {
                row += padded("-", 10, right: true)
            }
            lines.append(row)
        }
        let floatNames = Set(report.float.layers.map(\.name))
        for int8Row in int8Comparison?.rows ?? [] where !floatNames.contains(int8Row.name) {
            lines.append("  " + padded(int8Row.name, nameWidth) + padded("-", 10, right: true)
                + padded("-", 10, right: true) + padded("-", 10, right: true)
                + comparisonCells(int8Row, measured: int8Row.measuredSeconds))
        }
        for comparison in report.simulated {
            let percent = Int((comparison.tolerance * 100).rounded())
            let allowance = comparison.allowanceSeconds > 0
                ? String(format: " (or within %.0f µs)", comparison.allowanceSeconds * 1e6) : ""
            lines.append("  \(comparison.precision): \(comparison.withinCount) of \(comparison.rows.count) layers "
                + "within \(percent)% of the simulated time\(allowance)")
        }
        if int8Comparison == nil {
            lines.append("  int8: \(report.int8Status)")
        }
        lines.append("  * marks a layer outside the tolerance")
        return lines
    }

    private static func comparisonCells(_ row: SimulatedComparison.Row?, measured: Double) -> String {
        let measuredCell = padded(String(format: "%.3f", measured * 1000), 10, right: true)
        guard let row else { return measuredCell + padded("-", 10, right: true) + padded("-", 10, right: true) }
        let mark = row.withinTolerance ? "" : "*"
        return measuredCell
            + padded(String(format: "%.3f", row.simulatedSeconds * 1000), 10, right: true)
            + padded(String(format: "%.2f", row.ratio) + mark, 10, right: true)
    }

    static func toggles(_ latency: ToggleLatency) -> [String] {
        var lines = [String(format: "toggle latency, cold (session on %d samples, subset %d; setup %.2f s, first all-int8 pass %.3f s)",
                            latency.samples, latency.subset, latency.setupSeconds, latency.firstEvaluationSeconds)]
        let nameWidth = max(12, (latency.toggles.map(\.layer.count).max() ?? 0) + 2)
        lines.append("  " + padded("to float", nameWidth) + padded("subset ms", 12, right: true)
            + padded("full ms", 12, right: true) + padded("top-1", 10, right: true))
        for toggle in latency.toggles {
            lines.append("  " + padded(toggle.layer, nameWidth)
                + padded(String(format: "%.1f", toggle.subsetSeconds * 1000), 12, right: true)
                + padded(String(format: "%.1f", toggle.fullSeconds * 1000), 12, right: true)
                + padded(toggle.top1.map { String(format: "%.2f%%", $0 * 100) } ?? "-", 10, right: true))
        }
        lines.append(String(format: "  worst: subset %.1f ms, full %.1f ms",
                            latency.worstSubsetSeconds * 1000, latency.worstFullSeconds * 1000))
        guard let speculation = latency.speculationSeconds else { return lines }
        lines.append(String(format: "warm toggles, after speculation stored every toggle's predictions "
                            + "(speculation took %.2f s)", speculation))
        lines.append("  " + padded("to float", nameWidth) + padded("subset ms", 12, right: true)
            + padded("full ms", 12, right: true))
        for toggle in latency.toggles {
            lines.append("  " + padded(toggle.layer, nameWidth)
                + padded(toggle.warmSubsetSeconds.map { String(format: "%.1f", $0 * 1000) } ?? "-", 12, right: true)
                + padded(toggle.warmFullSeconds.map { String(format: "%.1f", $0 * 1000) } ?? "-", 12, right: true))
        }
        if let subset = latency.worstWarmSubsetSeconds, let full = latency.worstWarmFullSeconds {
            lines.append(String(format: "  worst warm: subset %.1f ms, full %.1f ms", subset * 1000, full * 1000))
        }
        if let cancel = latency.speculationCancelSeconds {
            lines.append(String(format: "  a cancelled speculation round returned %.1f ms after the cancel", cancel * 1000))
        }
        return lines
    }

    static func gemm(_ report: BenchmarkReport) -> [String] {
        guard let gemm = report.gemm else {
            return ["GEMM: not measured (--gemm-size 0)"]
        }
        var lines = ["GEMM \(gemm.size) x \(gemm.size) x \(gemm.size), \(gemm.threads) thread"
            + (gemm.threads == 1 ? "" : "s") + ", 2 * N^3 operations"]
        lines.append(String(format: "  int8   %8.1f GOP/s", gemm.int8GigaOpsPerSecond)
            + "   (kernels: \(gemm.instructionSet))")
        lines.append(String(format: "  float  %8.1f GFLOP/s", gemm.floatGigaFlopsPerSecond))
        if let fraction = gemm.int8FractionOfPeak, let peak = gemm.int8PeakGigaOps {
            lines.append(String(format: "  int8 at %.0f%% of the stated peak of %.1f GOP/s", fraction * 100, peak))
        }
        if let fraction = gemm.floatFractionOfPeak, let peak = gemm.floatPeakGigaFlops {
            lines.append(String(format: "  float at %.0f%% of the stated peak of %.1f GFLOP/s", fraction * 100, peak))
        }
        if gemm.int8PeakGigaOps == nil || gemm.floatPeakGigaFlops == nil {
            lines.append("  GOP/s only where no peak was given: quantscope does not derive this processor's peak; "
                + "pass --peak-int8-gops and --peak-float-gflops for the fraction of peak")
        }
        if let source = gemm.peakSource {
            lines.append("  peak source: \(source)")
        }
        return lines
    }
}

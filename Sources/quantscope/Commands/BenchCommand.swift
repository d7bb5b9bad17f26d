import Evaluation
import Foundation
import QuantCore
import Quantization

/// `quantscope bench [MODEL]`: times the float and int8 engines on this
/// machine, per layer and end to end, next to the speed model's figures.
let benchCommand = Command(
    spec: CommandSpec(
        name: "bench",
        summary: "Time the float and int8 engines per layer and end to end, and compare with the speed model.",
        positionals: [PositionalSpec(name: "MODEL", help: "ONNX model file (default \(BenchDefaults.model)).",
                                     optional: true)],
        options: [
            OptionSpec("--batch", value: "N", help: "Images per inference call (default \(BenchDefaults.batch))."),
            OptionSpec("--threads", value: "N",
                       help: "Concurrent inference calls for images/s, and GEMM threads (default \(BenchDefaults.threads))."),
            OptionSpec("--repeats", value: "N", help: "Timed runs; the median is reported (default \(BenchDefaults.repeats))."),
            OptionSpec("--warmup", value: "N", help: "Untimed runs before timing (default \(BenchDefaults.warmup))."),
            OptionSpec("--gemm-size", value: "N",
                       help: "Side of the square int8 and float GEMM; 0 skips it (default \(BenchDefaults.gemmSize))."),
            OptionSpec("--peak-int8-gops", value: "X",
                       help: "int8 arithmetic peak of all --threads cores in GOP/s (1 MAC = 2 operations)."),
            OptionSpec("--peak-float-gflops", value: "X", help: "fp32 arithmetic peak of all --threads cores in GFLOP/s."),
            OptionSpec("--peak-source", value: "TEXT", help: "Where the peak figures come from, printed beside them."),
            OptionSpec("--toggle-latency",
                       help: "Also time a quantization session: each layer toggled to float in the all-int8 plan, "
                           + "first-subset and full-data results, computed (cold) and again after speculation "
                           + "stored every toggle's predictions (warm)."),
            OptionSpec("--remeasure-profile",
                       help: "Measure the this-machine profile again (about 1-2 s) instead of reading the cache, "
                           + "and rewrite the cache."),
            OptionSpec("--json", help: "Print one JSON object instead of text."),
        ],
        details: [
            "Measured: the float engine on the model with batch normalization folded, and the int8 engine with "
                + "every layer in int8 (TFLite scheme). End to end is the median wall time of rounds of --threads "
                + "concurrent calls, one batch each, after the warm-up runs; images/s = batch * threads / median. "
                + "Per layer, float: the median time of each node on one thread, on inputs recorded from a float "
                + "run, summed over the nodes of a layer (main node and fused activation). Per layer, int8: the "
                + "median time of each program unit on one thread, started from the values a full int8 run stored; "
                + "a unit includes the quantize or dequantize steps placed in it.",
            "Simulated: the speed model's 'this-machine' profile at the same batch, next to each measured layer, "
                + "with the ratio measured / simulated. The profile is fitted at first use (about 1 s, cached until "
                + "the program is rebuilt) to quantscope's own kernels timed on synthetic layers: per kernel class, "
                + "time = overhead + sum of cost * count over its terms (GEMM calls, MACs, unfolded elements, rows "
                + "and copied runs, output elements, weights read, pooling taps and output rows or pixels, "
                + "channels-last copies, converted elements). A float layer adds its "
                + "Relu or Clip as a second kernel; an int8 unit adds the quantize and dequantize steps placed in it. "
                + "The model computes " + SpeedModel.formulaDescription + ".",
            "A layer counts as within 30% when |measured - simulated| <= max(0.3 * simulated, 5 µs). The 5 µs "
                + "allowance covers layers of a few microseconds (a flatten, a 10-output classifier), whose median "
                + "moves by that much between runs on a loaded machine.",
            "Without --peak-int8-gops and --peak-float-gflops the GEMM lines give GOP/s only: quantscope does not "
                + "guess the peak of this processor.",
        ]),
    run: { parsed in try runBench(parsed) })

enum BenchDefaults {
    static let model = "SampleModels/cnn.onnx"
    static let batch = 16
    static let threads = 1
    static let repeats = 20
    static let warmup = 3
    static let gemmSize = 2048
}

private func runBench(_ parsed: ParsedArguments) throws {
    let path = parsed.positionals.first ?? BenchDefaults.model
    let batch = try parsed.positiveInteger("--batch") ?? BenchDefaults.batch
    let threads = try parsed.positiveInteger("--threads") ?? BenchDefaults.threads
    let repeats = try parsed.positiveInteger("--repeats") ?? BenchDefaults.repeats
    let warmup = try parsed.nonNegativeInteger("--warmup") ?? BenchDefaults.warmup
    let gemmSize = try parsed.nonNegativeInteger("--gemm-size") ?? BenchDefaults.gemmSize
    let peaks = BenchPeaks(int8GigaOps: try parsed.positiveNumber("--peak-int8-gops"),
                           floatGigaFlops: try parsed.positiveNumber("--peak-float-gflops"),
                           source: parsed.value("--peak-source"))

    let loaded = try LoadedModel(path: path)
    let prepared: PreparedModel
    do {
        prepared = try GraphPreparation.prepare(loaded.model)
    } catch {
        throw CommandFailure("\(path): \(error)")
    }
    let input = try benchmarkInput(loaded, batch: batch)

    let float = try FloatEngineBenchmark.run(prepared: prepared, inputName: loaded.inputName, batch: input,
                                             threads: threads, warmup: warmup, repeats: repeats)
    let int8Run = timeInt8Engine(loaded, prepared: prepared, batch: input, threads: threads, warmup: warmup,
                                 repeats: repeats)
    let int8 = int8Run.timing
    let profile = MachineProfile.shared(remeasure: parsed.has("--remeasure-profile"), report: printError)
    let network = try ModelGeometry.network(of: prepared, batch: batch)
    let comparisons = try SimulatedComparison.compare(network, float: float.layers, int8: int8?.layers, on: profile)

    let gemm = gemmSize > 0
        ? try measureGemm(size: gemmSize, threads: threads, repeats: min(repeats, 5), peaks: peaks) : nil
    var toggleLatency: ToggleLatency?
    if parsed.has("--toggle-latency") {
        guard let calibrationImages = int8Run.calibrationImages else {
            throw CommandFailure("--toggle-latency: \(int8Run.status)")
        }
        let data = try loaded.loadEvaluationData(DataOptions())
        toggleLatency = try ToggleLatency.measure(model: loaded.model, data: data, calibrationImages: calibrationImages)
    }
    let report = BenchmarkReport(
        model: path, batch: batch, threads: threads, warmup: warmup, repeats: repeats,
        machine: MachineDescription.current(), formula: SpeedModel.formulaDescription, profile: profile,
        float: float, int8: int8,
        int8Status: int8Run.status, gemm: gemm, simulated: comparisons, toggleLatency: toggleLatency,
        peakResidentBytes: PeakMemory.residentBytes())
    if parsed.has("--json") {
        try printJSON(report)
    } else {
        print(BenchText.render(report))
    }
}

/// Result of timing the all-int8 engine: the timing, or the reason there is none.
private struct Int8Run {
    var timing: EngineTiming?
    var status: String
    var calibrationImages: Tensor?
}

/// Calibrates on the model's calibration images and times the all-int8 plan.
/// A failure does not end the command: the report states it instead.
private func timeInt8Engine(_ loaded: LoadedModel, prepared: PreparedModel, batch input: Tensor, threads: Int,
                            warmup: Int, repeats: Int) -> Int8Run {
    var run = Int8Run(timing: nil, status: "measured", calibrationImages: nil)
    do {
        let images = try loadCalibrationImages(loaded)
        run.calibrationImages = images
        let calibrated = try CalibratedModel.calibrate(prepared: prepared, images: images)
        run.timing = try Int8EngineBenchmark.run(calibrated: calibrated, inputName: loaded.inputName, batch: input,
                                                 threads: threads, warmup: warmup, repeats: repeats)
    } catch {
        run.status = "not measured: \(error)"
    }
    return run
}

/// Peak figures given on the command line.
struct BenchPeaks {
    var int8GigaOps: Double?
    var floatGigaFlops: Double?
    var source: String?
}

/// Returns the first `batch` images of the model's evaluation data, repeated
/// when the data set is smaller. Timing does not depend on the pixel values,
/// but real images keep the int8 activations in their calibrated ranges.
private func benchmarkInput(_ loaded: LoadedModel, batch: Int) throws -> Tensor {
    let data = try loaded.loadEvaluationData(DataOptions(limit: batch))
    guard data.count > 0 else { throw CommandFailure("\(loaded.path): the evaluation data is empty; pass a model whose quantscope.data names images") }
    if data.count == batch { return data.images }
    guard case .float32(let pixels) = data.images.data else {
        throw CommandFailure("\(loaded.path): the evaluation images are \(data.images.elementType), not float32")
    }
    let imageSize = data.imageShape.reduce(1, *)
    var repeated: [Float] = []
    repeated.reserveCapacity(batch * imageSize)
    for index in 0..<batch {
        let start = (index % data.count) * imageSize
        repeated.append(contentsOf: pixels[start..<(start + imageSize)])
    }
    return Tensor(shape: [batch] + data.imageShape, floats: repeated)
}

/// Loads the calibration images the model's metadata names (quantscope.calibration_data).
private func loadCalibrationImages(_ loaded: LoadedModel) throws -> Tensor {
    guard let path = loaded.defaults.calibrationData else {
        throw CommandFailure("\(loaded.path) names no calibration data in its metadata (quantscope.calibration_data)")
    }
    return try DataLoader.load(path: path, inputShape: loaded.inputShape, preprocessing: loaded.preprocessing).images
}

/// Times the packed int8 and float GEMM at `size`. The caller passes at most
/// 5 timed runs, because one float product at 2048 takes about 0.15 s.
private func measureGemm(size: Int, threads: Int, repeats: Int, peaks: BenchPeaks) throws -> GemmFigures {
    let result = try GemmBenchmark.run(size: size, threads: threads, repeats: max(1, repeats))
    return GemmFigures(size: size, threads: threads,
                       instructionSet: result.instructionSet.rawValue + " / float " + result.floatInstructionSet.rawValue,
                       int8GigaOpsPerSecond: result.int8GigaOpsPerSecond,
                       floatGigaFlopsPerSecond: result.floatGigaFlopsPerSecond, int8PeakGigaOps: peaks.int8GigaOps,
                       floatPeakGigaFlops: peaks.floatGigaFlops, peakSource: peaks.source)
}

extension ParsedArguments {
    /// Parses the option's value as an integer of 0 or more.
    func nonNegativeInteger(_ name: String) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), number >= 0 else {
            throw .invalidValue(option: name, value: text, expected: "an integer of 0 or more")
        }
        return number
    }

    /// Parses the option's value as a finite positive number.
    func positiveNumber(_ name: String) throws(UsageError) -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite, number > 0 else {
            throw .invalidValue(option: name, value: text, expected: "a positive number")
        }
        return number
    }
}

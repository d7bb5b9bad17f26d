import Evaluation
import QuantCore
import Quantization

/// `quantscope inspect MODEL [--json]`: one row per node with shapes,
/// parameters and multiply-accumulates, and totals.
let inspectCommand = Command(
    spec: CommandSpec(
        name: "inspect",
        summary: "List a model's layers: operator, input and output shapes, parameter count and "
            + "multiply-accumulates (MACs) per image.",
        positionals: [PositionalSpec(name: "MODEL", help: "ONNX model file.", optional: false)],
        options: [OptionSpec("--json", help: "Print one JSON object instead of a table.")]
            + CommonOptions.data + CommonOptions.quantization,
        details: ["Shapes are at batch size 1. MACs are counted for Conv, Gemm and MatMul only.",
                  "With --quantize or --plan, the model is calibrated and the chosen scales, zero-points, "
                  + "multipliers and clamps are listed per layer, without evaluating."]),
    run: { parsed in try runInspect(parsed) })

private struct InspectReport: Encodable {
    struct Layer: Encodable {
        let name: String
        let `operator`: String
        let inputShapes: [[Int]]
        let outputShapes: [[Int]]
        let parameters: Int
        let macs: Int

        enum CodingKeys: String, CodingKey {
            case name, `operator`, parameters, macs
            case inputShapes = "input_shapes"
            case outputShapes = "output_shapes"
        }
    }

    let model: String
    let irVersion: Int64
    let opset: Int64
    let inputs: [String: [Int]]
    let layers: [Layer]
    let totalParameters: Int
    let totalMacs: Int

    enum CodingKeys: String, CodingKey {
        case model, inputs, layers, opset
        case irVersion = "ir_version"
        case totalParameters = "total_parameters"
        case totalMacs = "total_macs"
    }
}

private func runInspect(_ parsed: ParsedArguments) throws {
    let path = parsed.positionals[0]
    if try inspectQuantization(parsed, path: path) { return }
    let model = try ONNXReader.readModel(at: path)
    let summary: ModelSummary
    do {
        summary = try ModelSummary.make(for: model)
    } catch {
        throw LoadError.engine(path: path, error)
    }

    // Every value's shape at batch 1: graph inputs, initializers, node outputs.
    var shapes = summary.inputShapes
    for (name, tensor) in model.graph.initializers { shapes[name] = tensor.shape }
    for (node, layer) in zip(model.graph.nodes, summary.layers) {
        for (output, shape) in zip(node.outputs.filter { !$0.isEmpty }, layer.outputShapes) {
            shapes[output] = shape
        }
    }
    let layers = zip(model.graph.nodes, summary.layers).map { node, layer in
        InspectReport.Layer(name: layer.nodeName, operator: layer.opType,
                            inputShapes: node.inputs.filter { !$0.isEmpty }.map { shapes[$0] ?? [] },
                            outputShapes: layer.outputShapes, parameters: layer.parameterCount, macs: layer.macs)
    }
    let report = InspectReport(model: path, irVersion: model.irVersion,
                               opset: model.defaultOpsetVersion ?? 0, inputs: summary.inputShapes, layers: layers,
                               totalParameters: summary.totalParameters, totalMacs: summary.totalMACs)
    if parsed.has("--json") {
        try printJSON(report)
    } else {
        printInspectTable(report)
    }
}

private func printInspectTable(_ report: InspectReport) {
    func shapeList(_ shapes: [[Int]]) -> String {
        shapes.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: " ")
    }
    print("model \(report.model) (IR version \(report.irVersion), opset \(report.opset))")
    for (name, shape) in report.inputs.sorted(by: { $0.key < $1.key }) {
        print("input \(name) \(shapeList([shape]))")
    }
    print("")
    let rows = report.layers.map { layer in
        [layer.name, layer.operator, shapeList(layer.inputShapes), shapeList(layer.outputShapes),
         groupedDigits(layer.parameters), groupedDigits(layer.macs)]
    }
    let header = ["layer", "operator", "inputs", "outputs", "params", "MACs"]
    let totals = ["total", "", "", "", groupedDigits(report.totalParameters), groupedDigits(report.totalMacs)]
    let widths = (0..<header.count).map { column in
        ([header, totals] + rows).map { $0[column].count }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { column, text in padded(text, widths[column], right: column >= 4) }
            .joined(separator: "  ")
    }
    print(line(header))
    rows.forEach { print(line($0)) }
    print(line(totals))
}

/// `inspect --quantize ...`: calibrates and prints the parameters the plan
/// chooses. Returns false when no quantization was asked for.
private func inspectQuantization(_ parsed: ParsedArguments, path: String) throws -> Bool {
    guard parsed.value("--plan") != nil || (parsed.value("--quantize") ?? "none") != "none" else { return false }
    let loaded = try LoadedModel(path: path)
    let prepared = try GraphPreparation.prepare(loaded.model)
    guard let plan = try quantizationPlan(parsed, layerNames: prepared.layers.map(\.name)) else { return false }
    let options = try DataOptions(parsed: parsed)
    let calibration: Tensor
    if parsed.value("--calibration-data") != nil || loaded.defaults.calibrationData != nil {
        calibration = try calibrationImages(parsed, loaded: loaded, dataOptions: options,
                                            evaluation: LabeledImages(images: Tensor(shape: [0], floats: []),
                                                                      labels: nil, source: ""))
    } else {
        calibration = try calibrationImages(parsed, loaded: loaded, dataOptions: options,
                                            evaluation: loaded.loadEvaluationData(options))
    }
    let program = try CalibratedModel.calibrate(prepared: prepared, images: calibration).program(for: plan)
    if parsed.has("--json") {
        struct Report: Encodable {
            let model: String
            let plan: PlanJSON
            let layers: [LayerJSON]
        }
        try printJSON(Report(model: path, plan: PlanJSON(plan),
                             layers: program.layers.map { LayerJSON($0, error: nil) }))
    } else {
        print("model \(path), int8 layers \(plan.mode.label)")
        printLayerTable(program.layers, errors: [])
    }
    return true
}

import QuantCore

/// Where a command's data comes from, before the model's metadata fills the
/// gaps: the `--data`, `--labels`, `--limit` and `--input-*` flags.
public struct DataOptions: Sendable, Equatable {
    public var data: String?
    public var labels: String?
    public var limit: Int?
    public var overrides: PreprocessingOverrides

    public init(data: String? = nil, labels: String? = nil, limit: Int? = nil,
                overrides: PreprocessingOverrides = PreprocessingOverrides()) {
        self.data = data
        self.labels = labels
        self.limit = limit
        self.overrides = overrides
    }
}

/// A model file read, validated by the float engine, with the facts every
/// command needs: its single image input, the data paths and preprocessing
/// its metadata names.
public struct LoadedModel: Sendable {
    public var path: String
    public var model: Model
    public var engine: FloatEngine
    public var inputName: String
    /// Input shape without the batch axis: [C, H, W].
    public var inputShape: [Int]
    public var outputName: String
    public var defaults: DataDefaults
    public var preprocessing: Preprocessing

    /// Reads and validates the model at `path`.
    ///
    /// A model exported with a fixed batch size (often 1) gets a symbolic
    /// batch axis instead, so that it runs on mini-batches, provided its graph
    /// still infers an output batch that follows the input's.
    public init(path: String) throws(LoadError) {
        var model: Model
        do {
            model = try ONNXReader.readModel(at: path)
        } catch {
            throw .model(error)
        }

        var engine: FloatEngine
        do {
            engine = try FloatEngine(model: model)
        } catch {
            throw .engine(path: path, error)
        }

        let inputs = model.graph.runtimeInputs
        guard inputs.count == 1, let input = inputs.first else {
            throw .unsupportedInputs(path: path, names: inputs.map(\.name))
        }
        guard let output = model.graph.outputs.first else { throw .noOutputs(path: path) }
        if let outputShape = engine.valueShapes[output.name], outputShape.count != 2 {
            throw .notAClassifier(path: path, output: output.name, shape: outputShape.map(\.description))
        }

        let declared = input.shape ?? []
        var shape: [Int] = []
        for dimension in declared.dropFirst() {
            guard case .value(let size) = dimension, size > 0 else {
                throw .unknownInputShape(path: path, input: input.name, shape: declared.map(\.description))
            }
            shape.append(size)
        }
        guard declared.count >= 2 else {
            throw .unknownInputShape(path: path, input: input.name, shape: declared.map(\.description))
        }

        if let (relaxedModel, relaxedEngine) = try Self.withSymbolicBatch(model, path: path) {
            model = relaxedModel
            engine = relaxedEngine
        }

        let preprocessing: Preprocessing
        do {
            preprocessing = try Preprocessing(model: model)
        } catch {
            throw .metadata(path: path, error)
        }

        self.path = path
        self.model = model
        self.engine = engine
        self.inputName = input.name
        self.inputShape = shape
        self.outputName = model.graph.outputs[0].name
        self.defaults = DataDefaults(model: model, modelPath: path)
        self.preprocessing = preprocessing
    }

    /// Returns `model` with its single runtime input's fixed batch dimension
    /// made symbolic, and its engine, or nil when the batch is already
    /// symbolic, there is not exactly one input with a declared shape, or
    /// the graph has no output.
    /// - Throws: `LoadError.fixedBatch` when the graph does not run at
    ///   another batch size, e.g. because a Reshape names a constant batch.
    private static func withSymbolicBatch(_ model: Model, path: String) throws(LoadError) -> (Model, FloatEngine)? {
        let inputs = model.graph.runtimeInputs
        guard inputs.count == 1, let input = inputs.first, let shape = input.shape,
              case .value(let batch)? = shape.first, let output = model.graph.outputs.first,
              let index = model.graph.inputs.firstIndex(where: { $0.name == input.name }) else { return nil }
        var relaxed = model
        relaxed.graph.inputs[index].shape = [.parameter("N")] + shape.dropFirst()
        let engine: FloatEngine
        do {
            engine = try FloatEngine(model: relaxed)
        } catch {
            throw .fixedBatch(path: path, input: input.name, batch: batch, reason: "\(error)")
        }
        guard case .parameter? = engine.valueShapes[output.name]?.first else {
            throw .fixedBatch(path: path, input: input.name, batch: batch,
                              reason: "the output's first axis does not follow the input's batch size")
        }
        return (relaxed, engine)
    }

    /// Loads the evaluation data: `options.data`, else the model's
    /// `quantscope.data` metadata. Labels come from `options.labels`, from the
    /// metadata when the data path also came from it, or from the data file.
    public func loadEvaluationData(_ options: DataOptions) throws(LoadError) -> LabeledImages {
        let dataPath = options.data ?? defaults.data
        guard let dataPath else { throw .noData(model: path) }
        let labelsPath = options.labels ?? (options.data == nil ? defaults.labels : nil)
        let data: LabeledImages
        do {
            data = try DataLoader.load(path: dataPath, labelsPath: labelsPath, inputShape: inputShape,
                                       preprocessing: preprocessing.applying(options.overrides),
                                       limit: options.limit)
        } catch {
            throw .data(error)
        }
        // A label the model cannot predict would only ever count as wrong,
        // so accuracy would be silently low; reject it instead.
        if let labels = data.labels, let classes = classCount,
           let index = labels.firstIndex(where: { $0 >= classes }) {
            throw .labelOutOfRange(labels: data.labelSource ?? data.source, index: index, label: labels[index],
                                   classes: classes, model: path)
        }
        return data
    }

    /// The size of the output's last axis when shape inference fixed it.
    public var classCount: Int? {
        guard case .value(let classes)? = engine.valueShapes[outputName]?.last else { return nil }
        return classes
    }

    /// Runs the float model on a batch [n, C, H, W] and returns its first output.
    public func floatLogits(_ batch: Tensor) throws(EngineError) -> Tensor {
        let outputs = try engine.run(inputs: [inputName: batch])
        guard let logits = outputs[outputName] else { throw .missingGraphOutput(name: outputName) }
        return logits
    }
}

/// Errors in opening a model and its data. The wrapped errors already name
/// the file, the element and the problem.
public enum LoadError: Error, CustomStringConvertible {
    case model(ModelLoadError)
    case engine(path: String, EngineError)
    case data(DataError)
    case unsupportedInputs(path: String, names: [String])
    case unknownInputShape(path: String, input: String, shape: [String])
    case noData(model: String)
    case noOutputs(path: String)
    case metadata(path: String, DataError)
    case notAClassifier(path: String, output: String, shape: [String])
    case fixedBatch(path: String, input: String, batch: Int, reason: String)
    case labelOutOfRange(labels: String, index: Int, label: Int, classes: Int, model: String)

    public var description: String {
        switch self {
        case .model(let error):
            return "\(error)"
        case .engine(let path, let error):
            return "\(path): \(error)"
        case .data(let error):
            return "\(error)"
        case .unsupportedInputs(let path, let names):
            return "\(path): the model has \(names.count) runtime inputs (\(names.joined(separator: ", "))); "
                + "quantscope evaluates image classifiers with exactly one input"
        case .unknownInputShape(let path, let input, let shape):
            return "\(path): input '\(input)' has shape [\(shape.joined(separator: ", "))]; quantscope needs "
                + "fixed channel, height and width dimensions after the batch dimension"
        case .labelOutOfRange(let labels, let index, let label, let classes, let model):
            return "\(labels): label \(index) is \(label), but \(model) has \(classes) output classes "
                + "(0 to \(classes - 1)); pass the labels, or the class folders, that belong to this model"
        case .fixedBatch(let path, let input, let batch, let reason):
            return "\(path): input '\(input)' has a fixed batch size of \(batch), and the graph fails at other "
                + "batch sizes (\(reason)); re-export the model with a dynamic batch axis, e.g. "
                + "torch.onnx.export(..., dynamic_axes={'\(input)': {0: 'N'}})"
        case .metadata(let path, let error):
            return "\(path): model metadata \(error); correct the key in the model's metadata_props, "
                + "for example with onnx.helper.set_model_props"
        case .noOutputs(let path):
            return "\(path): the graph declares no outputs; quantscope needs a classifier output [N, classes]"
        case .notAClassifier(let path, let output, let shape):
            return "\(path): output '\(output)' has shape [\(shape.joined(separator: ", "))]; quantscope evaluates "
                + "classifiers whose first output is [N, classes], so end the graph with Flatten or Gemm"
        case .noData(let model):
            return "\(model) names no data set in its metadata (quantscope.data); pass one with --data PATH"
        }
    }
}

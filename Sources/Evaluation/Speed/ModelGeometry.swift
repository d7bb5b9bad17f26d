import QuantCore
import Quantization

/// Builds the speed model's view of a prepared model: one `LayerGeometry`
/// per quantizable layer and one `.floatOperation` per node that belongs to
/// no layer, in the order of the prepared graph.
///
/// Shapes come from `FloatEngine.valueShapes` of the prepared graph, with
/// every symbolic dimension (the batch) set to `batch`. A layer's geometry
/// starts at its main node, and its fused activation adds no layer of its
/// own. The pooling window and the stride come from the main node's
/// `kernel_shape` and `strides` attributes. A float node's inputs keep only the values that a graph input or an
/// earlier layer provides, so constant inputs (initializers) are left out.
public enum ModelGeometry {
    /// Returns the network geometry of `prepared` at batch size `batch`.
    /// Throws when a value has no inferred shape or a shape contains an
    /// unknown dimension, and for the geometry errors of `LayerGeometry`.
    public static func network(of prepared: PreparedModel, batch: Int) throws(ModelGeometryError) -> NetworkGeometry {
        guard batch >= 1 else { throw .invalidBatch(batch) }
        let engine: FloatEngine
        do {
            engine = try FloatEngine(model: prepared.model)
        } catch {
            throw .engine(error)
        }
        let shapes = engine.valueShapes
        let graph = prepared.model.graph
        let graphInputs = graph.runtimeInputs.map(\.name)

        var layerOfNode: [String: QuantizableLayer] = [:]
        for layer in prepared.layers {
            for node in layer.nodes { layerOfNode[node] = layer }
        }
        let floatNodes = Set(prepared.floatNodes)

        var known = Set(graphInputs)
        var emitted = Set<String>()
        var geometries: [LayerGeometry] = []
        for node in graph.nodes {
            if let layer = layerOfNode[node.displayName] {
                guard !emitted.contains(layer.name) else { continue }
                emitted.insert(layer.name)
                let inputShapes = try layer.inputs.map { input throws(ModelGeometryError) in
                    try resolvedShape(of: input, in: shapes, batch: batch)
                }
                let weightShape = layer.weight.flatMap { graph.initializers[$0]?.shape }
                var groups = 1
                if node.opType == "Conv", case .int(let group)? = node.attributes["group"] {
                    groups = Int(group)
                }
                var window = 1
                if case .ints(let kernel)? = node.attributes["kernel_shape"], node.opType.hasSuffix("Pool") {
                    window = kernel.reduce(1) { $0 * max(1, Int($1)) }
                }
                var stride = 1
                if case .ints(let strides)? = node.attributes["strides"] {
                    stride = max(1, Int(strides.max() ?? 1))
                }
                let outputShape = try resolvedShape(of: layer.output, in: shapes, batch: batch)
                do {
                    geometries.append(try LayerGeometry(
                        layer: layer, inputShapes: inputShapes, outputShape: outputShape,
                        weightShape: weightShape, groups: groups, window: window, stride: stride))
                } catch {
                    throw .geometry(error)
                }
                known.insert(layer.output)
            } else if floatNodes.contains(node.displayName), let output = node.outputs.first(where: { !$0.isEmpty }) {
                let inputs = node.inputs.filter { known.contains($0) }
                let inputShapes = try inputs.map { input throws(ModelGeometryError) in
                    try resolvedShape(of: input, in: shapes, batch: batch)
                }
                let outputShape = try resolvedShape(of: output, in: shapes, batch: batch)
                do {
                    geometries.append(try LayerGeometry(
                        name: node.displayName, kind: .floatOperation, inputs: inputs, output: output,
                        inputShapes: inputShapes, outputShape: outputShape))
                } catch {
                    throw .geometry(error)
                }
                known.insert(output)
            }
        }
        do {
            return try NetworkGeometry(layers: geometries, graphInputs: graphInputs,
                                       graphOutputs: graph.outputs.map(\.name))
        } catch {
            throw .geometry(error)
        }
    }

    /// Returns the shape of `value` with symbolic dimensions set to `batch`.
    static func resolvedShape(of value: String, in shapes: [String: [Dimension]],
                              batch: Int) throws(ModelGeometryError) -> [Int] {
        guard let dimensions = shapes[value] else { throw .missingShape(value: value) }
        var result: [Int] = []
        for dimension in dimensions {
            switch dimension {
            case .value(let size): result.append(size)
            case .parameter: result.append(batch)
            case .unknown: throw .unknownDimension(value: value, shape: dimensions.map(\.description))
            }
        }
        return result
    }
}

/// Failure to derive the speed model's geometry from a model.
public enum ModelGeometryError: Error, Equatable, CustomStringConvertible {
    case invalidBatch(Int)
    case engine(EngineError)
    case missingShape(value: String)
    case unknownDimension(value: String, shape: [String])
    case geometry(SpeedModelError)

    public var description: String {
        switch self {
        case .invalidBatch(let batch):
            return "batch size \(batch) is invalid; it must be at least 1"
        case .engine(let error):
            return "\(error)"
        case .missingShape(let value):
            return "no shape was inferred for value \(value); the speed model needs the shape of every layer input "
                + "and output, so declare the graph input shapes"
        case .unknownDimension(let value, let shape):
            return "value \(value) has shape [\(shape.joined(separator: ", "))] with an unknown dimension; "
                + "the speed model needs fixed sizes apart from the batch"
        case .geometry(let error):
            return "\(error)"
        }
    }
}

import QuantCore

/// A model ready for calibration: a float graph a float engine can run, and
/// the layers that quantscope quantizes.
public struct PreparedModel: Sendable, Equatable {
    /// The prepared graph. A folded batch normalization is gone, and its Conv
    /// or Gemm now writes the normalization's output value. Every other node
    /// is kept, fused `Relu` and `Clip` nodes included, so a float engine
    /// runs them as usual; `QuantizableLayer.activation` records that the
    /// integer engine applies them as a clamp of the layer's output.
    public var model: Model
    /// Layers in graph order.
    public var layers: [QuantizableLayer]
    /// Names of prepared-graph nodes that belong to no layer (an unfolded
    /// batch normalization, Softmax, a lone Relu, ...); they stay in float.
    public var floatNodes: [String]

    public init(model: Model, layers: [QuantizableLayer], floatNodes: [String]) {
        self.model = model
        self.layers = layers
        self.floatNodes = floatNodes
    }

    /// Finds the layer called `name`.
    public func layer(named name: String) -> QuantizableLayer? {
        layers.first { $0.name == name }
    }
}

/// Turns a float model into a `PreparedModel` in two passes:
///
/// 1. Batch normalization folding. A `BatchNormalization` whose input is
///    written by a `Conv` or `Gemm` with constant float weights, and read by
///    nothing else, is folded into that node per output channel c:
///
///        s_c  = gamma_c / sqrt(var_c + epsilon)
///        w'_c = s_c * w_c
///        b'_c = beta_c + s_c * (b_c - mean_c)
///
///    (for `Gemm`, `b_c` is `beta * C_c` and the new bias is used with
///    `beta = 1`). Folded tensors get new initializer names; the originals
///    are dropped when nothing else reads them. When folding is impossible
///    the normalization stays and the layer gets a note saying why.
/// 2. Layer forming. Each `Conv`, `Gemm` or `MatMul` with a constant weight,
///    `Add`, pooling, `Concat`, `Flatten` and `Reshape` node becomes a
///    `QuantizableLayer`. A `MatMul` whose only reader is an `Add` of a
///    constant `[N]` or `[1, N]` tensor takes it as its bias. A following
///    `Relu` or `Clip` that is the only reader becomes the layer's fused
///    activation.
public enum GraphPreparation {
    /// Prepares `model`. Throws when a node's constants contradict each
    /// other, such as batch normalization parameters whose length does not
    /// match the channels of the layer before it.
    public static func prepare(_ model: Model) throws(GraphPreparationError) -> PreparedModel {
        var state = PreparationState(model: model)
        try foldBatchNormalizations(&state)
        let (layers, floatNodes) = try formLayers(state, opset: model.defaultOpsetVersion)
        var prepared = model
        prepared.graph = state.graph
        return PreparedModel(model: prepared, layers: layers, floatNodes: floatNodes)
    }
}

/// The graph being rewritten, with what each node has absorbed so far.
struct PreparationState {
    var graph: Graph
    /// Parallel to `graph.nodes`.
    var records: [NodeRecord]

    init(model: Model) {
        graph = model.graph
        records = model.graph.nodes.map { node in
            NodeRecord(layerName: node.name.isEmpty ? (node.outputs.first ?? node.displayName) : node.name,
                       coveredNodes: [node.displayName])
        }
    }

    /// Indices of the nodes that read `value`, once per node.
    func readers(of value: String) -> [Int] {
        graph.nodes.indices.filter { graph.nodes[$0].inputs.contains(value) }
    }

    /// Index of the node that writes `value`.
    func writer(of value: String) -> Int? {
        graph.nodes.firstIndex { $0.outputs.contains(value) }
    }

    func isGraphOutput(_ value: String) -> Bool {
        graph.outputs.contains { $0.name == value }
    }

    /// Checks that `value` is read only by node `reader` (in one or more of its
    /// input slots) and is not a graph output.
    func isReadOnly(_ value: String, by reader: Int) -> Bool {
        readers(of: value) == [reader] && !isGraphOutput(value)
    }

    /// Returns the float elements of initializer `name`, or nil when it is
    /// not a float32 initializer.
    func floatInitializer(_ name: String) -> [Float]? {
        guard !name.isEmpty, let tensor = graph.initializers[name], case .float32(let values) = tensor.data
        else { return nil }
        return values
    }

    /// Returns `base`, or `base_2`, `base_3`, ... when that name is taken.
    func unusedInitializerName(_ base: String) -> String {
        var candidate = base
        var suffix = 2
        let used = Set(graph.nodes.flatMap { $0.inputs + $0.outputs }).union(graph.initializers.keys)
        while used.contains(candidate) {
            candidate = "\(base)_\(suffix)"
            suffix += 1
        }
        return candidate
    }

    mutating func addInitializer(_ name: String, _ tensor: Tensor) {
        graph.initializers[name] = tensor
        graph.initializerOrder.append(name)
    }

    /// Drops the initializers among `names` that no node reads and that are
    /// not graph outputs, with any graph input entry of the same name.
    mutating func dropUnreadInitializers(_ names: [String]) {
        let read = Set(graph.nodes.flatMap(\.inputs))
        for name in names where !name.isEmpty && !read.contains(name) && !isGraphOutput(name) {
            graph.initializers[name] = nil
            graph.initializerOrder.removeAll { $0 == name }
            graph.inputs.removeAll { $0.name == name }
        }
    }

    mutating func removeNode(at index: Int) {
        graph.nodes.remove(at: index)
        records.remove(at: index)
    }
}

/// Record of the nodes one prepared-graph node has absorbed, and notes for its layer.
struct NodeRecord {
    var layerName: String
    var coveredNodes: [String]
    var foldedBatchNormalizations: [String] = []
    var notes: [String] = []
}

extension Node {
    /// Float attribute `name`, or `defaultValue` when absent.
    func floatAttribute(_ name: String, default defaultValue: Float) throws(GraphPreparationError) -> Float {
        switch attributes[name] {
        case nil: return defaultValue
        case .float(let value): return value
        case .some(let other):
            throw .invalidAttribute(node: displayName, attribute: name, expected: "FLOAT", actual: other.kindName)
        }
    }

    /// Integer attribute `name`, or `defaultValue` when absent.
    func intAttribute(_ name: String, default defaultValue: Int64) throws(GraphPreparationError) -> Int64 {
        switch attributes[name] {
        case nil: return defaultValue
        case .int(let value): return value
        case .some(let other):
            throw .invalidAttribute(node: displayName, attribute: name, expected: "INT", actual: other.kindName)
        }
    }
}

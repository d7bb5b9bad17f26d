/// One unit of the prepared graph that quantscope quantizes as a whole: a
/// main node plus what was merged into it (folded batch normalization, a
/// bias Add after a MatMul, a fused ReLU or Clip).
public struct QuantizableLayer: Sendable, Equatable {
    /// Name shown to the user: the main node's name, or its output name in
    /// the original model when the node is unnamed. It does not change when
    /// folding rewires outputs, and it is unique within a prepared model
    /// (a repeated name gets "#2", "#3", ... appended, in graph order).
    public var name: String
    public var kind: LayerKind
    /// Operator type of the main node (`Conv`, `Gemm`, `MatMul`, `Add`, ...).
    public var opType: String
    /// Activation inputs in the prepared graph: the data input of a
    /// convolution, fully connected layer, flatten or reshape, and every
    /// non-empty input of the other kinds.
    public var inputs: [String]
    /// Value this layer produces in the prepared graph, after any fused
    /// activation; its range is the layer's output range.
    public var output: String
    /// Initializer names of the weight and bias in the prepared graph.
    public var weight: String?
    public var bias: String?
    /// Axis of `weight` that indexes output channels: 0 for `Conv` and for
    /// `Gemm` with `transB = 1`, 1 for `Gemm` with `transB = 0` and `MatMul`.
    public var weightOutputChannelAxis: Int?
    public var activation: FusedActivation
    /// Names of the batch normalization nodes folded into the weight and bias.
    public var foldedBatchNormalizations: [String]
    /// Names of the original nodes this layer covers, main node first. An
    /// unnamed node appears as its `Node.displayName`.
    public var nodes: [String]
    /// Remarks for the user, such as why a following batch normalization
    /// was not folded.
    public var notes: [String]

    public init(name: String, kind: LayerKind, opType: String, inputs: [String], output: String,
                weight: String? = nil, bias: String? = nil, weightOutputChannelAxis: Int? = nil,
                activation: FusedActivation = .none, foldedBatchNormalizations: [String] = [],
                nodes: [String], notes: [String] = []) {
        self.name = name
        self.kind = kind
        self.opType = opType
        self.inputs = inputs
        self.output = output
        self.weight = weight
        self.bias = bias
        self.weightOutputChannelAxis = weightOutputChannelAxis
        self.activation = activation
        self.foldedBatchNormalizations = foldedBatchNormalizations
        self.nodes = nodes
        self.notes = notes
    }
}

/// Operation of a quantizable layer.
public enum LayerKind: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// `Conv` with `group = 1`.
    case convolution
    /// `Conv` with one input channel per group and more than one group.
    case depthwiseConvolution
    /// `Conv` with more than one group and more than one input channel per group.
    case groupedConvolution
    /// `Gemm` with a constant B, or `MatMul` with a constant 2-D second input.
    case fullyConnected
    case add
    case maxPool
    case averagePool
    case globalAveragePool
    case concat
    /// `Flatten` or `Reshape`: moves no values.
    case reshape

    public var description: String {
        switch self {
        case .convolution: return "conv"
        case .depthwiseConvolution: return "depthwise conv"
        case .groupedConvolution: return "grouped conv"
        case .fullyConnected: return "fully connected"
        case .add: return "add"
        case .maxPool: return "max pool"
        case .averagePool: return "average pool"
        case .globalAveragePool: return "global average pool"
        case .concat: return "concat"
        case .reshape: return "flatten/reshape"
        }
    }

    /// Whether a following ReLU or Clip can become part of this layer,
    /// that is, a clamp of its integer output.
    public var acceptsFusedActivation: Bool {
        switch self {
        case .convolution, .depthwiseConvolution, .groupedConvolution, .fullyConnected, .add,
             .maxPool, .averagePool, .globalAveragePool:
            return true
        case .concat, .reshape:
            return false
        }
    }
}

/// Activation applied to a layer's output, as a clamp to `[lower, upper]`.
public enum FusedActivation: Sendable, Equatable, CustomStringConvertible {
    case none
    /// `max(x, 0)`: `Relu`, or `Clip` with bounds 0 and +infinity.
    case relu
    /// `min(max(x, 0), 6)`: `Clip` with bounds 0 and 6.
    case relu6
    /// `min(max(x, lower), upper)` for any other `Clip` bounds.
    case clip(lower: Float, upper: Float)

    /// Classifies clamp bounds: (0, 6) is `relu6`, (0, +inf) is `relu`,
    /// (-inf, +inf) is `none`, and anything else `clip`.
    public init(lower: Float, upper: Float) {
        switch (lower, upper) {
        case (0, 6): self = .relu6
        case (0, .infinity): self = .relu
        case (-.infinity, .infinity): self = .none
        default: self = .clip(lower: lower, upper: upper)
        }
    }

    /// Clamp bounds; infinite on a side that is not clamped.
    public var bounds: (lower: Float, upper: Float) {
        switch self {
        case .none: return (-.infinity, .infinity)
        case .relu: return (0, .infinity)
        case .relu6: return (0, 6)
        case .clip(let lower, let upper): return (lower, upper)
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .clip(let lower, let upper): return "clip(\(lower), \(upper))"
        }
    }
}

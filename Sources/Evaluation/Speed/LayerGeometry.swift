import Quantization

/// Shapes and arithmetic size of one layer, which is all the speed model
/// needs to know about it.
///
/// Shapes are NCHW for convolutions and pooling, `[N, features]` for fully
/// connected layers. The multiply-accumulate count (MACs) of a layer with
/// weights follows from the shapes:
///
///     MACs = outputElements * weightElements / outputChannels
///
/// so a convolution with weight `[Cout, Cin / groups, kH, kW]` costs
/// `outputElements * (Cin / groups) * kH * kW`, and a fully connected layer
/// with weight `[Cout, Cin]` (either orientation) costs
/// `batch * Cout * Cin`. Layers without weights count one operation per
/// element they read or write (see `Kind`). The speed model prices those at
/// the element-wise rate, not at the MAC rate.
public struct LayerGeometry: Sendable, Equatable {
    /// Operation of a layer, as far as its cost is concerned.
    public enum Kind: String, Sendable, Equatable, CaseIterable, Codable {
        case convolution
        case depthwiseConvolution = "depthwise_convolution"
        case groupedConvolution = "grouped_convolution"
        case fullyConnected = "fully_connected"
        /// Element-wise sum of two tensors; one operation per output element.
        case add
        /// Max or average pooling; one operation per input element, because
        /// the window sizes are not part of the geometry.
        case pooling
        /// One operation per input element.
        case globalAveragePool = "global_average_pool"
        /// A copy; one operation per output element.
        case concat
        /// `Flatten` or `Reshape`: no operations and no bytes moved.
        case reshape
        /// A node that always runs in float (Softmax, an unfolded batch
        /// normalization, ...); one operation per output element.
        case floatOperation = "float_operation"

        /// Maps a layer of a prepared model to its cost kind.
        public init(_ kind: LayerKind) {
            switch kind {
            case .convolution: self = .convolution
            case .depthwiseConvolution: self = .depthwiseConvolution
            case .groupedConvolution: self = .groupedConvolution
            case .fullyConnected: self = .fullyConnected
            case .add: self = .add
            case .maxPool, .averagePool: self = .pooling
            case .globalAveragePool: self = .globalAveragePool
            case .concat: self = .concat
            case .reshape: self = .reshape
            }
        }

        /// Whether the layer multiplies by a weight tensor, so that its
        /// operations run at the MAC rate of the profile.
        public var hasWeights: Bool {
            switch self {
            case .convolution, .depthwiseConvolution, .groupedConvolution, .fullyConnected: return true
            case .add, .pooling, .globalAveragePool, .concat, .reshape, .floatOperation: return false
            }
        }

        /// Whether the integer engine can run the layer in int8.
        public var supportsInt8: Bool { self != .floatOperation }
    }

    public var name: String
    public var kind: Kind
    /// Names of the values the layer reads, in input order. A name is either
    /// a graph input or the `output` of an earlier layer.
    public var inputs: [String]
    /// Name of the value the layer writes.
    public var output: String
    /// Shape of each value in `inputs`, in the same order.
    public var inputShapes: [[Int]]
    public var outputShape: [Int]
    /// Weight shape, or nil for layers without weights.
    public var weightShape: [Int]?
    /// Elements of the bias vector; 0 when the layer has no bias.
    public var biasElements: Int
    /// Convolution group count; 1 for every other kind.
    public var groups: Int
    /// Taps of a pooling window, `kH * kW`; 1 for every other kind.
    public var window: Int
    /// Largest spatial stride of a convolution or pooling layer; 1 otherwise.
    public var stride: Int
    /// Whether a Relu or Clip follows the main node. The float engine runs
    /// it as a node of its own; the integer kernels fold it into their clamp.
    public var fusedActivation: Bool
    /// Multiply-accumulates for layers with weights, element operations for
    /// the others (see `Kind`).
    public var macs: Int

    /// Creates a geometry and derives `macs` from the shapes unless `macs`
    /// is given. Throws when a shape has a negative or zero dimension, when a
    /// layer with weights has no weight shape, or when the input names and
    /// shapes differ in count. A convolution also throws when its weight
    /// `[Cout, Cin / groups, kH, kW]` does not match its input channels and
    /// groups.
    public init(name: String, kind: Kind, inputs: [String], output: String, inputShapes: [[Int]],
                outputShape: [Int], weightShape: [Int]? = nil, biasElements: Int = 0, groups: Int = 1,
                window: Int = 1, stride: Int = 1, fusedActivation: Bool = false,
                macs: Int? = nil) throws(SpeedModelError) {
        for shape in inputShapes + [outputShape] + (weightShape.map { [$0] } ?? [])
        where shape.isEmpty || shape.contains(where: { $0 <= 0 }) {
            throw .invalidShape(layer: name, shape: shape)
        }
        guard inputs.count == inputShapes.count else {
            throw .inputShapeCountMismatch(layer: name, inputs: inputs.count, shapes: inputShapes.count)
        }
        guard groups >= 1 else {
            throw .invalidGroupCount(layer: name, groups: groups)
        }
        guard window >= 1 else {
            throw .invalidWindow(layer: name, window: window)
        }
        guard stride >= 1 else {
            throw .invalidStride(layer: name, stride: stride)
        }
        guard biasElements >= 0 else {
            throw .invalidBiasElements(layer: name, count: biasElements)
        }
        if kind.hasWeights && weightShape == nil {
            throw .missingWeightShape(layer: name, kind: kind)
        }
        let isConvolution = [.convolution, .depthwiseConvolution, .groupedConvolution].contains(kind)
        if isConvolution, let weightShape, weightShape.count >= 2, let input = inputShapes.first, input.count >= 2,
           weightShape[1] * groups != input[1] {
            throw .weightShapeMismatch(layer: name, weightShape: weightShape, inputChannels: input[1], groups: groups)
        }
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.output = output
        self.inputShapes = inputShapes
        self.outputShape = outputShape
        self.weightShape = weightShape
        self.biasElements = biasElements
        self.groups = groups
        self.window = window
        self.stride = stride
        self.fusedActivation = fusedActivation
        self.macs = macs ?? Self.derivedOperations(kind: kind, inputShapes: inputShapes,
                                                   outputShape: outputShape, weightShape: weightShape)
    }

    /// Creates the geometry of a prepared model's layer from shapes that a
    /// shape inference computed. The bias, when the layer has one, has one
    /// element per output channel; `window` is the pooling window's
    /// `kH * kW` and `stride` the largest spatial stride.
    public init(layer: QuantizableLayer, inputShapes: [[Int]], outputShape: [Int], weightShape: [Int]?,
                groups: Int = 1, window: Int = 1, stride: Int = 1) throws(SpeedModelError) {
        let kind = Kind(layer.kind)
        let biasElements = layer.bias == nil ? 0 : Self.outputChannels(kind: kind, outputShape: outputShape)
        try self.init(name: layer.name, kind: kind, inputs: layer.inputs, output: layer.output,
                      inputShapes: inputShapes, outputShape: outputShape, weightShape: weightShape,
                      biasElements: biasElements, groups: groups, window: window, stride: stride,
                      fusedActivation: layer.activation != .none)
    }

    public var weightElements: Int { weightShape.map(Self.elements) ?? 0 }
    public var inputElements: [Int] { inputShapes.map(Self.elements) }
    public var outputElements: Int { Self.elements(outputShape) }

    static func elements(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    /// Output channels: dimension 1 of an NCHW output, the last dimension of
    /// a fully connected output.
    static func outputChannels(kind: Kind, outputShape: [Int]) -> Int {
        if kind == .fullyConnected || outputShape.count < 2 {
            return outputShape[outputShape.count - 1]
        }
        return outputShape[1]
    }

    static func derivedOperations(kind: Kind, inputShapes: [[Int]], outputShape: [Int],
                                  weightShape: [Int]?) -> Int {
        let outputElements = elements(outputShape)
        switch kind {
        case .convolution, .depthwiseConvolution, .groupedConvolution, .fullyConnected:
            let weightElements = weightShape.map(elements) ?? 0
            let channels = outputChannels(kind: kind, outputShape: outputShape)
            return outputElements * (weightElements / max(channels, 1))
        case .add, .concat, .floatOperation:
            return outputElements
        case .pooling, .globalAveragePool:
            return inputShapes.map(elements).reduce(0, +)
        case .reshape:
            return 0
        }
    }
}

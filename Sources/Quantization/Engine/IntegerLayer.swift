/// A layer ready for the integer kernels: integer weights, int32 bias,
/// fixed-point multipliers and clamps, all computed by the preparation code.
/// Inputs are keys of quantized tensors already in the layer's container.
///
/// The weights of Conv and fully connected layers are also packed for the
/// int8 GEMM when the layer is created, once per compiled program.
public struct IntegerLayer: Sendable, Equatable {
    public var name: String
    public var operation: IntegerOperation {
        didSet { packedWeights = Self.pack(operation) }
    }
    /// Integer-store keys of the inputs, in operand order.
    public var inputs: [String]
    /// Integer-store key of the output (the layer's output value name).
    public var output: String
    public var container: QuantizedContainer
    /// Z of the output.
    public var outputZeroPoint: Int32
    /// `operation`'s weights packed for `Int8Gemm`, or nil when the layer
    /// runs on the reference kernels: depthwise convolutions (one input
    /// channel per group, which a GEMM cannot use well) and weight
    /// zero-points that differ inside a group.
    public private(set) var packedWeights: PackedLayerWeights?

    public init(name: String, operation: IntegerOperation, inputs: [String], output: String,
                container: QuantizedContainer, outputZeroPoint: Int32) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
        self.output = output
        self.container = container
        self.outputZeroPoint = outputZeroPoint
        self.packedWeights = Self.pack(operation)
    }

    /// Two layers are equal when they compute the same thing; the packed
    /// weights follow from the operation.
    public static func == (lhs: IntegerLayer, rhs: IntegerLayer) -> Bool {
        lhs.name == rhs.name && lhs.operation == rhs.operation && lhs.inputs == rhs.inputs
            && lhs.output == rhs.output && lhs.container == rhs.container
            && lhs.outputZeroPoint == rhs.outputZeroPoint
    }

    private static func pack(_ operation: IntegerOperation) -> PackedLayerWeights? {
        switch operation {
        case let .convolution(weights, _, outputChannels, window, groups, parameters):
            let taps = window.kernel.reduce(1, *)
            guard outputChannels > 0, taps > 0, weights.count % (outputChannels * taps) == 0 else { return nil }
            let channelsPerGroup = weights.count / (outputChannels * taps)
            if groups > 1 && channelsPerGroup == 1 { return nil }
            return pack(weights, outputChannels: outputChannels, depth: channelsPerGroup * taps, groups: groups,
                        weightZeroPoints: parameters.weightZeroPoints, taps: taps)
        case let .fullyConnected(weights, _, inputFeatures, outputFeatures, parameters):
            return pack(weights, outputChannels: outputFeatures, depth: inputFeatures, groups: 1,
                        weightZeroPoints: parameters.weightZeroPoints, taps: 1)
        default:
            return nil
        }
    }

    private static func pack(_ weights: IntegerStorage, outputChannels: Int, depth: Int, groups: Int,
                             weightZeroPoints: [Int32], taps: Int) -> PackedLayerWeights? {
        switch weights {
        case .int8(let values):
            return PackedLayerWeights(weights: values, outputChannels: outputChannels, depth: depth, groups: groups,
                                      weightZeroPoints: weightZeroPoints, taps: taps)
        case .uint8(let values):
            return PackedLayerWeights(weights: values, outputChannels: outputChannels, depth: depth, groups: groups,
                                      weightZeroPoints: weightZeroPoints, taps: taps)
        }
    }
}

/// The integer computation of one layer and its parameters.
public enum IntegerOperation: Sendable, Equatable {
    /// Conv on [N, C, H, W]; weights [Cout, C / groups, kH, kW].
    case convolution(weights: IntegerStorage, bias: [Int32]?, outputChannels: Int, window: SlidingWindow,
                     groups: Int, parameters: AccumulatingLayerParameters)
    /// Matrix product on [..., K]; weights stored [N, K] (one row per output feature).
    case fullyConnected(weights: IntegerStorage, bias: [Int32]?, inputFeatures: Int, outputFeatures: Int,
                        parameters: AccumulatingLayerParameters)
    case add(AddParameters)
    /// Max pooling on q directly; output (S, Z) equals the input's.
    case maxPool(window: SlidingWindow, clamp: ActivationClamp)
    /// Average pooling; output (S, Z) equals the input's.
    case averagePool(window: SlidingWindow, countIncludePad: Bool, clamp: ActivationClamp)
    case globalAveragePool(RequantizeParameters)
    /// Concatenation along `axis` (non-negative), each input requantized to the output.
    case concat(axis: Int, parameters: [RequantizeParameters])
    /// Flatten or Reshape: moves no values.
    case reshape(ReshapeRule)
}

/// Attributes of a 2-D sliding window (Conv, MaxPool, AveragePool), read
/// from the ONNX node; the padding of SAME_* modes and of `ceilMode` is
/// resolved against the input size when the layer runs.
public struct SlidingWindow: Sendable, Equatable, Hashable {
    public var kernel: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    /// [top, left, bottom, right].
    public var pads: [Int]
    /// NOTSET, SAME_UPPER, SAME_LOWER or VALID.
    public var autoPad: String
    public var ceilMode: Bool

    public init(kernel: [Int], strides: [Int], dilations: [Int], pads: [Int], autoPad: String, ceilMode: Bool) {
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.pads = pads
        self.autoPad = autoPad
        self.ceilMode = ceilMode
    }

    /// Per spatial axis (0 = height, 1 = width) of an input extent: the
    /// padding before and after, and the output extent.
    ///
    /// NOTSET: out = floor((in + before + after - e) / s) + 1 with
    /// e = d * (k - 1) + 1, or the ceiling with `ceilMode`, whose extra
    /// window becomes padding after. SAME_*: out = ceil(in / s), total padding
    /// max(0, (out - 1) * s + e - in), the odd element after (UPPER) or
    /// before (LOWER). VALID: no padding.
    public func axis(_ axis: Int, input: Int) -> (before: Int, after: Int, output: Int) {
        let stride = strides[axis]
        let effective = dilations[axis] * (kernel[axis] - 1) + 1
        switch autoPad {
        case "SAME_UPPER", "SAME_LOWER":
            let output = (input + stride - 1) / stride
            let total = max(0, (output - 1) * stride + effective - input)
            let before = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
            return (before, total - before, output)
        case "VALID":
            return (0, 0, max(0, (input - effective) / stride + 1))
        default:
            let before = pads[axis], after = pads[axis + 2]
            let span = input + before + after - effective
            guard span >= 0 else { return (before, after, 0) }
            var output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
            if ceilMode && (output - 1) * stride >= input + before { output -= 1 }
            let needed = (output - 1) * stride + effective - input - before
            return (before, max(after, needed), output)
        }
    }
}

/// How Flatten or Reshape computes its output shape from the input shape.
public enum ReshapeRule: Sendable, Equatable {
    /// [prod(shape[..<axis]), prod(shape[axis...])], axis already non-negative.
    case flatten(axis: Int)
    /// ONNX Reshape: 0 copies the input dimension (unless `allowZero`), -1 is inferred.
    case reshape(shape: [Int64], allowZero: Bool)

    /// The output shape for `input`, or nil when the rule does not fit it.
    public func outputShape(for input: [Int]) -> [Int]? {
        let count = input.reduce(1, *)
        switch self {
        case .flatten(let axis):
            guard axis <= input.count else { return nil }
            return [input[..<axis].reduce(1, *), input[axis...].reduce(1, *)]
        case .reshape(let shape, let allowZero):
            var output: [Int] = []
            var inferred: Int?
            for (index, dimension) in shape.enumerated() {
                if dimension == -1 {
                    guard inferred == nil else { return nil }
                    inferred = index
                    output.append(1)
                } else if dimension == 0 && !allowZero {
                    guard index < input.count else { return nil }
                    output.append(input[index])
                } else {
                    guard dimension >= 0 else { return nil }
                    output.append(Int(dimension))
                }
            }
            let known = output.reduce(1, *)
            if let inferred {
                guard known > 0, count % known == 0 else { return nil }
                output[inferred] = count / known
            }
            return output.reduce(1, *) == count ? output : nil
        }
    }
}

/// Work counts that a kernel's time grows with, as the detailed cost model
/// of a measured profile prices them.
///
/// - `call`: inner GEMM calls of a convolution, `batch * groups`, because
///   the engines run one product per image and group.
/// - `mac`: multiply-accumulates.
/// - `patchElement`: elements of the unfolded (im2col) input, the `A`
///   operand of the GEMM: `MACs / (outputChannels / groups)`. For a fully
///   connected layer it is `batch * inputFeatures`.
/// - `patchRow`: rows of output width in the unfolded input,
///   `patchElement / outputWidth`. The unfold copies one such row per input
///   channel, kernel tap and output row, and pays a fixed cost per row on
///   top of the cost per element.
/// - `windowRow`: contiguous runs the unfold copies. The float unfold
///   copies one kernel row of one channel per run (`patchElement / kW`),
///   so 1 x 1 unfolds cost more per element than 3 x 3 ones. The int8
///   engine keeps activations channels-last and copies `kW * Cin / groups`
///   bytes per run (`patchElement / (kW * Cin / groups)`).
/// - `stridedPatchElement`: `patchElement` of a convolution with a stride
///   above 1, 0 otherwise; a strided unfold gathers where a stride-1
///   unfold copies contiguous rows.
/// - `inputElement`, `outputElement`, `weightElement`: elements read,
///   written, or held in the weight tensor.
/// - `weightRead`: `batch * weightElements` of a convolution, the weights
///   each per-image GEMM streams. Its cost per MAC grows as the output
///   plane shrinks (7 x 7 outputs reuse each weight only 49 times).
/// - `windowElement`: `outputElements * kH * kW` of a pooling layer, the
///   taps its loops visit.
/// - `outputPixel`: output pixels (`N * Ho * Wo`) of an int8 pooling
///   layer, whose channels-last kernel works one pixel at a time with the
///   channels in vector registers.
/// - `outputRow`: output rows of a float pooling layer, `outputElements /
///   outputWidth`. The kernels work one output row at a time and pay a
///   fixed cost per row, so a narrow output costs more per element.
/// - For an int8 reshape, `inputElement` counts the elements of a 4-D
///   input with more than one channel and more than one pixel, and
///   `relaidPixel` its pixels (`N * H * W`): the integer engine keeps such
///   activations channels-last and copies them, pixel by pixel, into the
///   channels-first order a flattened value has. Both are 0 otherwise.
/// - `spilledElement`: output elements of a kernel whose input and output
///   bytes exceed the per-core cache (`KernelCostTable.cacheBytes`), 0
///   otherwise. Such a kernel streams from the next cache level and pays
///   more per element.
public enum KernelFeature: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case call
    case mac
    case patchElement = "patch_element"
    case patchRow = "patch_row"
    case windowRow = "window_row"
    case stridedPatchElement = "strided_patch_element"
    case inputElement = "input_element"
    case outputElement = "output_element"
    case weightElement = "weight_element"
    case weightRead = "weight_read"
    case windowElement = "window_element"
    case outputRow = "output_row"
    case outputPixel = "output_pixel"
    case relaidPixel = "relaid_pixel"
    case spilledElement = "spilled_element"
}

/// Fitted time of one kind of kernel:
///
///     seconds = overheadSeconds + sum over features f of secondsPer[f] * count(f)
///
/// `overheadSeconds` is the fixed cost of one call (dispatch, allocation);
/// the other terms form the layer's compute time.
public struct KernelCost: Sendable, Equatable, Codable {
    public var overheadSeconds: Double
    /// Seconds per unit of each feature; a missing feature costs nothing.
    public var secondsPer: [KernelFeature: Double]

    public init(overheadSeconds: Double, secondsPer: [KernelFeature: Double]) {
        self.overheadSeconds = overheadSeconds
        self.secondsPer = secondsPer
    }

    /// Returns the time of the terms other than the overhead.
    public func workSeconds(_ counts: [KernelFeature: Int]) -> Double {
        counts.reduce(0) { total, entry in total + (secondsPer[entry.key] ?? 0) * Double(entry.value) }
    }

    enum CodingKeys: String, CodingKey {
        case overheadSeconds = "overhead_seconds"
        case secondsPer = "seconds_per"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        overheadSeconds = try container.decode(Double.self, forKey: .overheadSeconds)
        let raw = try container.decode([String: Double].self, forKey: .secondsPer)
        var secondsPer: [KernelFeature: Double] = [:]
        for (name, value) in raw {
            guard let feature = KernelFeature(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .secondsPer, in: container,
                    debugDescription: "unknown kernel feature '\(name)'; expected one of "
                        + KernelFeature.allCases.map(\.rawValue).joined(separator: ", "))
            }
            secondsPer[feature] = value
        }
        self.secondsPer = secondsPer
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(overheadSeconds, forKey: .overheadSeconds)
        try container.encode(Dictionary(uniqueKeysWithValues: secondsPer.map { ($0.key.rawValue, $0.value) }),
                             forKey: .secondsPer)
    }
}

/// Kind of kernel, at one precision, that has its own fitted `KernelCost`.
/// Raw values are `float.` or `int8.` followed by the operation.
public enum KernelClass: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case floatConvolution = "float.convolution"
    case floatDepthwiseConvolution = "float.depthwise_convolution"
    case floatFullyConnected = "float.fully_connected"
    case floatPooling = "float.pooling"
    case floatGlobalAveragePool = "float.global_average_pool"
    case floatAdd = "float.add"
    case floatConcat = "float.concat"
    case floatReshape = "float.reshape"
    /// A fused activation (Relu, Clip), which the float engine runs as a
    /// node of its own after the main node.
    case floatActivation = "float.activation"
    /// Any other float node (Softmax, an unfolded batch normalization).
    case floatOperation = "float.operation"
    case int8Convolution = "int8.convolution"
    case int8DepthwiseConvolution = "int8.depthwise_convolution"
    case int8FullyConnected = "int8.fully_connected"
    case int8Pooling = "int8.pooling"
    case int8GlobalAveragePool = "int8.global_average_pool"
    case int8Add = "int8.add"
    case int8Concat = "int8.concat"
    case int8Reshape = "int8.reshape"
    case quantize = "int8.quantize"
    case dequantize = "int8.dequantize"

    /// Features fitted for this class. Fewer features than samples keep
    /// the fit from following noise; each list names the terms the kernels
    /// of that kind spend time on.
    public var features: [KernelFeature] {
        switch self {
        case .floatConvolution, .int8Convolution:
            return [.call, .mac, .patchElement, .patchRow, .windowRow, .stridedPatchElement, .inputElement,
                    .outputElement, .weightRead]
        case .floatDepthwiseConvolution, .int8DepthwiseConvolution:
            return [.call, .mac, .inputElement, .outputElement]
        case .floatFullyConnected, .int8FullyConnected:
            return [.mac, .inputElement, .outputElement, .weightElement]
        case .floatPooling:
            return [.inputElement, .windowElement, .outputRow]
        case .int8Pooling:
            return [.inputElement, .windowElement, .outputPixel]
        case .floatGlobalAveragePool, .int8GlobalAveragePool:
            return [.inputElement]
        case .floatAdd, .floatActivation:
            return [.outputElement, .spilledElement]
        case .int8Add, .floatConcat, .int8Concat, .floatOperation:
            return [.outputElement]
        case .floatReshape:
            return []
        case .int8Reshape:
            return [.inputElement, .relaidPixel]
        case .quantize, .dequantize:
            return [.outputElement]
        }
    }
}

/// Fitted `KernelCost` of every `KernelClass` that a measured profile
/// contains, and the cache size that decides `spilledElement`. A class
/// without an entry is priced by the profile's plain rates.
public struct KernelCostTable: Sendable, Equatable, Codable {
    /// Per-core cache size in bytes used by the fit (level 2 on Linux).
    public static let defaultCacheBytes = 1 << 20

    public var costs: [KernelClass: KernelCost]
    public var cacheBytes: Int

    public init(costs: [KernelClass: KernelCost], cacheBytes: Int = defaultCacheBytes) {
        self.costs = costs
        self.cacheBytes = cacheBytes
    }

    public subscript(kernelClass: KernelClass) -> KernelCost? { costs[kernelClass] }

    enum CodingKeys: String, CodingKey {
        case costs
        case cacheBytes = "cache_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decode([String: KernelCost].self, forKey: .costs)
        var costs: [KernelClass: KernelCost] = [:]
        for (name, cost) in raw {
            guard let kernelClass = KernelClass(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .costs, in: container, debugDescription: "unknown kernel class '\(name)'; expected one of "
                        + KernelClass.allCases.map(\.rawValue).joined(separator: ", "))
            }
            costs[kernelClass] = cost
        }
        self.costs = costs
        cacheBytes = try container.decode(Int.self, forKey: .cacheBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: costs.map { ($0.key.rawValue, $0.value) }),
                             forKey: .costs)
        try container.encode(cacheBytes, forKey: .cacheBytes)
    }
}

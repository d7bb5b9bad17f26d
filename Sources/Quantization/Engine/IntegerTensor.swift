/// The 8-bit container of a quantized tensor: `int8` (TFLite scheme) or
/// `uint8` (the scheme of Jacob et al. 2018).
public enum QuantizedContainer: String, Sendable, Equatable, Hashable {
    case int8
    case uint8

    /// The container a scheme stores its activations and weights in.
    public init(_ kind: QuantizationScheme.Kind) {
        self = kind == .tflite ? .int8 : .uint8
    }
}

/// Elements of a quantized tensor, in one of the two containers.
public enum IntegerStorage: Sendable, Equatable {
    case int8([Int8])
    case uint8([UInt8])

    public var container: QuantizedContainer {
        switch self {
        case .int8: return .int8
        case .uint8: return .uint8
        }
    }

    public var count: Int {
        switch self {
        case .int8(let values): return values.count
        case .uint8(let values): return values.count
        }
    }
}

/// A quantized activation as the integer runtime passes it between layers:
/// values q with the zero-point Z of r = S * (q - Z), stored in `layout`.
/// The scale S lives with the preparation code; the runtime never reads it.
public struct IntegerTensor: Sendable, Equatable {
    /// The logical shape, [N, C, H, W] for images whatever the layout.
    public var shape: [Int]
    public var storage: IntegerStorage
    /// Z, inside the container's range.
    public var zeroPoint: Int32
    /// The memory order of `storage`; `.channelsLast` only for 4-D shapes.
    public var layout: ActivationLayout

    public init(shape: [Int], storage: IntegerStorage, zeroPoint: Int32, layout: ActivationLayout = .rowMajor) {
        self.shape = shape
        self.storage = storage
        self.zeroPoint = zeroPoint
        self.layout = shape.count == 4 ? layout : .rowMajor
    }

    /// The same values stored in `layout`: a transposed copy when the
    /// memory order changes, else this tensor with the new tag.
    public func inLayout(_ layout: ActivationLayout) -> IntegerTensor {
        guard layout != self.layout, shape.count == 4 else { return self }
        let storage: IntegerStorage
        switch self.storage {
        case .int8(let values): storage = .int8(relayout(values, shape: shape, from: self.layout, to: layout))
        case .uint8(let values): storage = .uint8(relayout(values, shape: shape, from: self.layout, to: layout))
        }
        return IntegerTensor(shape: shape, storage: storage, zeroPoint: zeroPoint, layout: layout)
    }

    public var count: Int { storage.count }
    public var container: QuantizedContainer { storage.container }

    /// Samples [range] of a tensor whose first dimension is the batch, in
    /// either layout (both keep the batch outermost).
    public func batch(_ range: Range<Int>) -> IntegerTensor {
        let perSample = shape.dropFirst().reduce(1, *)
        let slice = (range.lowerBound * perSample)..<(range.upperBound * perSample)
        let storage: IntegerStorage
        switch self.storage {
        case .int8(let values): storage = .int8(Array(values[slice]))
        case .uint8(let values): storage = .uint8(Array(values[slice]))
        }
        return IntegerTensor(shape: [range.count] + shape.dropFirst(), storage: storage, zeroPoint: zeroPoint,
                             layout: layout)
    }
}

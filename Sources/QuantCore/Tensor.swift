/// Element types a tensor can hold, numbered as ONNX's `TensorProto.DataType`.
public enum ElementType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case float32 = 1
    case uint8 = 2
    case int8 = 3
    case int32 = 6
    case int64 = 7
    case bool = 9
    case float16 = 10

    public var description: String {
        switch self {
        case .float32: return "float32"
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .int32: return "int32"
        case .int64: return "int64"
        case .bool: return "bool"
        case .float16: return "float16"
        }
    }

    /// Size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .float32, .int32: return 4
        case .uint8, .int8, .bool: return 1
        case .int64: return 8
        case .float16: return 2
        }
    }
}

/// Element storage of a tensor. Float16 data is widened to `float32` on load,
/// so the engine handles one floating-point type.
public enum TensorData: Sendable, Equatable {
    case float32([Float])
    case int64([Int64])
    case int32([Int32])
    case int8([Int8])
    case uint8([UInt8])
    case bool([Bool])

    public var elementType: ElementType {
        switch self {
        case .float32: return .float32
        case .int64: return .int64
        case .int32: return .int32
        case .int8: return .int8
        case .uint8: return .uint8
        case .bool: return .bool
        }
    }

    public var count: Int {
        switch self {
        case .float32(let values): return values.count
        case .int64(let values): return values.count
        case .int32(let values): return values.count
        case .int8(let values): return values.count
        case .uint8(let values): return values.count
        case .bool(let values): return values.count
        }
    }
}

/// A dense, row-major (C order) n-dimensional array. A scalar has shape `[]`
/// and one element.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: TensorData

    /// Creates a tensor, checking that the element count matches the shape.
    public init(shape: [Int], data: TensorData) throws(TensorError) {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape: shape) }
        let expected = try Tensor.elementCount(of: shape)
        guard expected == data.count else {
            throw .countMismatch(shape: shape, expected: expected, actual: data.count)
        }
        self.shape = shape
        self.data = data
    }

    /// Creates a float tensor; traps if `values.count` does not match `shape`.
    /// Use it only where the count is known to match by construction.
    public init(shape: [Int], floats values: [Float]) {
        precondition(shape.reduce(1, *) == values.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.data = .float32(values)
    }

    public var elementType: ElementType { data.elementType }
    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// Returns the float32 elements, or throws `TensorError.wrongElementType` naming `name`.
    public func floats(_ name: String = "tensor") throws(TensorError) -> [Float] {
        guard case .float32(let values) = data else {
            throw .wrongElementType(name: name, expected: .float32, actual: elementType)
        }
        return values
    }

    /// Returns the elements of an integer tensor widened to Int64 (for shape,
    /// axes and index inputs), or throws `TensorError.wrongElementType` naming `name`.
    public func integers(_ name: String = "tensor") throws(TensorError) -> [Int64] {
        switch data {
        case .int64(let values): return values
        case .int32(let values): return values.map(Int64.init)
        case .int8(let values): return values.map(Int64.init)
        case .uint8(let values): return values.map(Int64.init)
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        case .float32:
            throw .wrongElementType(name: name, expected: .int64, actual: elementType)
        }
    }

    /// Product of `shape`, checked for overflow. An empty shape (a scalar) has
    /// one element.
    public static func elementCount(of shape: [Int]) throws(TensorError) -> Int {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else { throw .negativeDimension(shape: shape) }
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .tooManyElements(shape: shape) }
            product = result
        }
        return product
    }

    /// Row-major strides of `shape`, in elements.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}

/// Errors in building or reading a tensor. Each case carries the offending
/// shape or type.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    case negativeDimension(shape: [Int])
    case tooManyElements(shape: [Int])
    case countMismatch(shape: [Int], expected: Int, actual: Int)
    case wrongElementType(name: String, expected: ElementType, actual: ElementType)

    public var description: String {
        switch self {
        case .negativeDimension(let shape):
            return "invalid shape \(shape): dimensions must not be negative"
        case .tooManyElements(let shape):
            return "invalid shape \(shape): the element count overflows a 64-bit integer"
        case .countMismatch(let shape, let expected, let actual):
            return "shape \(shape) needs \(expected) elements, but \(actual) were given"
        case .wrongElementType(let name, let expected, let actual):
            return "\(name) has element type \(actual), expected \(expected)"
        }
    }
}

/// One node's inputs, attributes and opset, with typed accessors that turn
/// every bad input into an `EngineError` naming the node.
struct OperatorContext {
    let node: Node
    let inputs: [Tensor?]
    let opset: Int64
    var matrixOptions = MatrixMultiplyOptions()

    var name: String { node.displayName }
    var opType: String { node.opType }

    // MARK: Inputs

    /// Returns input `index`, or nil when it is absent or has an empty name.
    func optionalInput(_ index: Int) -> Tensor? {
        guard index < inputs.count else { return nil }
        if index < node.inputs.count, node.inputs[index].isEmpty { return nil }
        return inputs[index]
    }

    /// Returns the graph value name of input `index`, empty when the node names none.
    func inputName(_ index: Int) -> String {
        index < node.inputs.count ? node.inputs[index] : ""
    }

    func input(_ index: Int) throws(EngineError) -> Tensor {
        guard let tensor = optionalInput(index) else {
            throw .missingInput(node: name, opType: opType, index: index)
        }
        return tensor
    }

    /// Returns the float32 elements of input `index`.
    func floats(_ index: Int) throws(EngineError) -> [Float] {
        try floats(of: input(index), index: index)
    }

    func floats(of tensor: Tensor, index: Int) throws(EngineError) -> [Float] {
        guard case .float32(let values) = tensor.data else {
            throw .wrongElementType(node: name, opType: opType, input: index,
                                    expected: .float32, actual: tensor.elementType)
        }
        return values
    }

    /// Returns the elements of integer input `index` (shape, axes) as Int64.
    func integers(_ index: Int) throws(EngineError) -> [Int64] {
        let tensor = try input(index)
        switch tensor.data {
        case .int64(let values): return values
        case .int32(let values): return values.map(Int64.init)
        default:
            throw .wrongElementType(node: name, opType: opType, input: index,
                                    expected: .int64, actual: tensor.elementType)
        }
    }

    // MARK: Attributes

    func int(_ attribute: String, default defaultValue: Int64) throws(EngineError) -> Int64 {
        switch node.attributes[attribute] {
        case nil: return defaultValue
        case .int(let value): return value
        case let other?: throw wrongKind(attribute, other, expected: "INT")
        }
    }

    func float(_ attribute: String, default defaultValue: Float) throws(EngineError) -> Float {
        switch node.attributes[attribute] {
        case nil: return defaultValue
        case .float(let value): return value
        case let other?: throw wrongKind(attribute, other, expected: "FLOAT")
        }
    }

    /// Returns an INTS attribute, or nil when the node does not set it.
    func ints(_ attribute: String) throws(EngineError) -> [Int64]? {
        switch node.attributes[attribute] {
        case nil: return nil
        case .ints(let values): return values
        case let other?: throw wrongKind(attribute, other, expected: "INTS")
        }
    }

    func string(_ attribute: String, default defaultValue: String) throws(EngineError) -> String {
        switch node.attributes[attribute] {
        case nil: return defaultValue
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case let other?: throw wrongKind(attribute, other, expected: "STRING")
        }
    }

    // MARK: Errors

    func invalidShape(_ shapes: [[Int]], _ reason: String) -> EngineError {
        .invalidShape(node: name, opType: opType, shapes: shapes, reason: reason)
    }

    func invalidAttribute(_ attribute: String, _ value: String, _ reason: String) -> EngineError {
        .invalidAttribute(node: name, opType: opType, attribute: attribute, value: value, reason: reason)
    }

    func unsupported(_ reason: String) -> EngineError {
        .unsupportedMode(node: name, opType: opType, reason: reason)
    }

    private func wrongKind(_ attribute: String, _ value: Attribute, expected: String) -> EngineError {
        invalidAttribute(attribute, value.kindName, "expected an attribute of kind \(expected)")
    }

    /// Builds a tensor whose element count is checked against `shape`.
    func tensor(shape: [Int], data: TensorData) throws(EngineError) -> Tensor {
        do {
            return try Tensor(shape: shape, data: data)
        } catch {
            throw .tensor(node: name, opType: opType, error: error)
        }
    }

    /// Element count of an output `shape`, rejecting overflow and counts
    /// above `ONNXTensorDecoding.maxElements`, so that hostile attributes
    /// (huge pads, shapes) end in an error instead of a failed allocation.
    func elementCount(_ shape: [Int]) throws(EngineError) -> Int {
        let count: Int
        do {
            count = try Tensor.elementCount(of: shape)
        } catch {
            throw .tensor(node: name, opType: opType, error: error)
        }
        guard count <= ONNXTensorDecoding.maxElements else {
            throw invalidShape([shape], "the output would hold \(count) elements, more than the limit of "
                + "\(ONNXTensorDecoding.maxElements); check the node's attributes and input shapes")
        }
        return count
    }

    /// Maps `axis` in [-rank, rank) (or [-rank, rank] when `inclusiveEnd`) to [0, rank).
    func normalizedAxis(_ axis: Int64, rank: Int, attribute: String = "axis",
                        inclusiveEnd: Bool = false) throws(EngineError) -> Int {
        let upper = inclusiveEnd ? rank : rank - 1
        guard axis >= -Int64(rank), axis <= Int64(upper) else {
            throw invalidAttribute(attribute, String(axis), "must lie in [\(-rank), \(upper)] for rank \(rank)")
        }
        return Int(axis < 0 ? axis + Int64(rank) : axis)
    }
}

extension OperatorContext {
    /// Computes `C = A * B` with `FloatGemm` on the threads of
    /// `matrixOptions`, for row-major `a` (`rowCount x weights.depth`) and
    /// `c` (`rowCount x weights.columnCount`).
    func multiply(_ a: UnsafeBufferPointer<Float>, rowCount: Int, weights: PackedFloatWeights,
                  into c: UnsafeMutableBufferPointer<Float>) throws(EngineError) {
        do {
            try FloatGemm.multiply(a, rowCount: rowCount, weights: weights, into: c,
                                   threadCount: matrixOptions.threadCount)
        } catch let error as GemmError {
            throw .matrixMultiply(node: name, opType: opType, error: error)
        } catch {
            preconditionFailure("FloatGemm throws only GemmError, got \(error)")
        }
    }
}

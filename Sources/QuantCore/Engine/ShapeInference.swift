/// Infers the shape of every value by running the graph twice on zero-valued
/// inputs: once with every symbolic input dimension set to 1, once set to 2.
/// A dimension that differs between the two runs is symbolic in the result
/// (named after the first symbolic input dimension, "N" when unnamed); every
/// other dimension is fixed.
///
/// NOTE: Running on zeros is exact for shapes that depend only on input
/// shapes, which holds for every supported operator except Reshape, Squeeze
/// and Unsqueeze fed with shapes or axes from a runtime input. When such a
/// graph, or one with symbolic dimensions besides the batch, fails on zeros,
/// or an input declares no shape, no shapes are inferred.
enum ShapeInference {
    static func inferShapes(of engine: FloatEngine) throws(EngineError) -> [String: [Dimension]] {
        let runtimeInputs = engine.model.graph.runtimeInputs
        guard runtimeInputs.allSatisfy({ $0.shape != nil && $0.elementType != nil }) else { return [:] }
        // A failure on zeros is a real shape error only when shapes cannot
        // depend on input data and only the batch dimension is left open.
        let failureIsShapeError = runtimeInputs.allSatisfy { input in
            let fixedAfterBatch = (input.shape ?? []).dropFirst().allSatisfy { dimension in
                if case .value = dimension { return true }
                return false
            }
            return input.elementType == .float32 && fixedAfterBatch
        }

        let small: [String: Tensor]
        let large: [String: Tensor]
        do {
            small = try engine.runRecordingValues(inputs: zeroInputs(runtimeInputs, symbolicSize: 1))
            large = try engine.runRecordingValues(inputs: zeroInputs(runtimeInputs, symbolicSize: 2))
        } catch {
            if failureIsShapeError { throw error }
            return [:]
        }

        let symbol = runtimeInputs.lazy.compactMap(\.shape).joined().lazy.compactMap { dimension -> String? in
            if case .parameter(let name) = dimension { return name }
            return nil
        }.first ?? "N"
        var shapes: [String: [Dimension]] = [:]
        for (name, tensor) in engine.model.graph.initializers {
            shapes[name] = tensor.shape.map { .value($0) }
        }
        for (name, tensor) in small {
            guard let other = large[name], other.rank == tensor.rank else {
                shapes[name] = nil
                continue
            }
            shapes[name] = zip(tensor.shape, other.shape).map { $0 == $1 ? .value($0) : .parameter(symbol) }
        }
        return shapes
    }

    /// Zero tensors of the declared types, with each symbolic dimension set to `symbolicSize`.
    static func zeroInputs(_ inputs: [ValueInfo], symbolicSize: Int) throws(EngineError) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for input in inputs {
            guard let declared = input.shape, let type = input.elementType else { continue }
            let shape = declared.map { dimension -> Int in
                if case .value(let size) = dimension { return size }
                return symbolicSize
            }
            let count: Int
            do {
                count = try Tensor.elementCount(of: shape)
            } catch {
                throw .tensor(node: "(graph input \(input.name))", opType: "input", error: error)
            }
            guard count <= ONNXTensorDecoding.maxElements else {
                throw .invalidShape(node: "(graph input \(input.name))", opType: "input", shapes: [shape],
                                    reason: "the input would hold \(count) elements, more than the limit of "
                                        + "\(ONNXTensorDecoding.maxElements); check the declared input shape")
            }
            let data: TensorData
            switch type {
            case .float32, .float16: data = .float32(Array(repeating: 0, count: count))
            case .int64: data = .int64(Array(repeating: 0, count: count))
            case .int32: data = .int32(Array(repeating: 0, count: count))
            case .int8: data = .int8(Array(repeating: 0, count: count))
            case .uint8: data = .uint8(Array(repeating: 0, count: count))
            case .bool: data = .bool(Array(repeating: false, count: count))
            }
            do {
                tensors[input.name] = try Tensor(shape: shape, data: data)
            } catch {
                throw .tensor(node: "(graph input \(input.name))", opType: "input", error: error)
            }
        }
        return tensors
    }
}

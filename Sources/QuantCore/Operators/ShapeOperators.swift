/// Operators that change only the shape and keep the elements in row-major
/// order: Flatten, Reshape, Squeeze and Unsqueeze. They accept every element type.
enum ShapeOperators {
    /// Flatten: [d0, ..., dr-1] becomes [d0 * ... * d(axis-1), d(axis) * ... * d(r-1)],
    /// with axis in [-r, r] (default 1).
    static func flatten(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let axis = try context.normalizedAxis(try context.int("axis", default: 1), rank: input.rank, inclusiveEnd: true)
        let outer = input.shape[..<axis].reduce(1, *)
        let inner = input.shape[axis...].reduce(1, *)
        return [try context.tensor(shape: [outer, inner], data: input.data)]
    }

    /// Reshape to the int64 `shape` input: 0 copies the input dimension at the
    /// same index (unless allowzero = 1, then it is a real 0) and one -1 is
    /// inferred from the element count.
    static func reshape(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        if context.opset < 5 {
            throw context.unsupported("Reshape before opset 5 takes its shape as an attribute, which is not supported")
        }
        let requested = try context.integers(1)
        let allowZero = try context.int("allowzero", default: 0) != 0
        var shape: [Int] = []
        var inferredAxis: Int?
        for (axis, size) in requested.enumerated() {
            switch size {
            case -1:
                guard inferredAxis == nil else {
                    throw context.invalidAttribute("shape", "\(requested)", "at most one dimension may be -1")
                }
                inferredAxis = axis
                shape.append(1)
            case 0 where !allowZero:
                guard axis < input.rank else {
                    throw context.invalidAttribute("shape", "\(requested)", "0 at index \(axis) copies a dimension the input of shape \(input.shape) does not have")
                }
                shape.append(input.shape[axis])
            case let size where size >= 0:
                shape.append(Int(size))
            default:
                throw context.invalidAttribute("shape", "\(requested)", "dimensions must be -1, 0 or positive")
            }
        }
        if allowZero, inferredAxis != nil, requested.contains(0) {
            throw context.invalidAttribute("shape", "\(requested)", "with allowzero = 1, -1 and 0 cannot appear together")
        }
        if let inferredAxis {
            let known = shape.reduce(1, *)
            guard known > 0, input.count % known == 0 else {
                throw context.invalidAttribute("shape", "\(requested)", "cannot infer the -1 dimension for \(input.count) elements of shape \(input.shape)")
            }
            shape[inferredAxis] = input.count / known
        }
        guard try context.elementCount(shape) == input.count else {
            throw context.invalidAttribute("shape", "\(requested)", "gives \(shape), which does not hold the \(input.count) elements of shape \(input.shape)")
        }
        return [try context.tensor(shape: shape, data: input.data)]
    }

    /// Squeeze removes the listed size-1 axes (attribute before opset 13,
    /// optional input from 13), or every size-1 axis when none are listed.
    static func squeeze(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let listed = try axesArgument(context)
        var removed = Set<Int>()
        if let listed {
            for axis in listed {
                let normalized = try context.normalizedAxis(axis, rank: input.rank, attribute: "axes")
                guard input.shape[normalized] == 1 else {
                    throw context.invalidAttribute("axes", "\(listed)", "axis \(axis) of shape \(input.shape) does not have size 1")
                }
                removed.insert(normalized)
            }
        } else {
            removed = Set(input.shape.indices.filter { input.shape[$0] == 1 })
        }
        let shape = input.shape.indices.filter { !removed.contains($0) }.map { input.shape[$0] }
        return [try context.tensor(shape: shape, data: input.data)]
    }

    /// Unsqueeze inserts size-1 axes at the listed positions of the output
    /// (attribute before opset 13, input from 13); negative positions count
    /// from the end of the output rank.
    static func unsqueeze(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        guard let listed = try axesArgument(context) else {
            throw context.invalidAttribute("axes", "(missing)", "Unsqueeze needs the axes to insert")
        }
        let outputRank = input.rank + listed.count
        var inserted = Set<Int>()
        for axis in listed {
            let normalized = try context.normalizedAxis(axis, rank: outputRank, attribute: "axes")
            guard inserted.insert(normalized).inserted else {
                throw context.invalidAttribute("axes", "\(listed)", "axis \(axis) appears twice")
            }
        }
        var remaining = input.shape.makeIterator()
        let shape = (0..<outputRank).map { inserted.contains($0) ? 1 : remaining.next()! }
        return [try context.tensor(shape: shape, data: input.data)]
    }

    private static func axesArgument(_ context: OperatorContext) throws(EngineError) -> [Int64]? {
        if context.opset < 13 { return try context.ints("axes") }
        return context.optionalInput(1) == nil ? nil : try context.integers(1)
    }
}

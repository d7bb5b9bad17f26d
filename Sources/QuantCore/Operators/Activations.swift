import Foundation

/// Elementwise float activations; each keeps the input shape.
///
/// - Relu: `max(0, x)`
/// - LeakyRelu: `x >= 0 ? x : alpha * x` (alpha 0.01 by default)
/// - Clip: `min(max(x, min), max)`, bounds from attributes before opset 11 and
///   from optional scalar inputs 1 and 2 from opset 11; a missing bound is
///   infinite. When min > max every output is max.
/// - Sigmoid: `1 / (1 + exp(-x))`
/// - HardSigmoid: `max(0, min(1, alpha * x + beta))` (alpha 0.2, beta 0.5)
/// - HardSwish: `x * max(0, min(1, x / 6 + 1 / 2))`
/// - Tanh: `tanh(x)`
enum Activations {
    static func apply(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        let input = try context.input(0)
        let values = try context.floats(0)
        let result: [Float]
        switch context.opType {
        case "Relu":
            result = map(values) { max(0, $0) }
        case "LeakyRelu":
            let alpha = try context.float("alpha", default: 0.01)
            result = map(values) { $0 >= 0 ? $0 : alpha * $0 }
        case "Clip":
            let (lower, upper) = try clipBounds(context)
            result = map(values) { min(max($0, lower), upper) }
        case "Sigmoid":
            result = map(values) { 1 / (1 + exp(-$0)) }
        case "HardSigmoid":
            let alpha = try context.float("alpha", default: 0.2)
            let beta = try context.float("beta", default: 0.5)
            result = map(values) { max(0, min(1, alpha * $0 + beta)) }
        case "HardSwish":
            result = map(values) { $0 * max(0, min(1, $0 / 6 + 0.5)) }
        default:
            result = map(values) { tanh($0) }
        }
        return [try context.tensor(shape: input.shape, data: .float32(result))]
    }

    private static func clipBounds(_ context: OperatorContext) throws(EngineError) -> (Float, Float) {
        if context.opset < 11 {
            return (try context.float("min", default: -.infinity), try context.float("max", default: .infinity))
        }
        var bounds: [Float] = [-.infinity, .infinity]
        for index in 1...2 {
            guard let bound = context.optionalInput(index) else { continue }
            let values = try context.floats(of: bound, index: index)
            guard values.count == 1 else {
                throw context.invalidShape([bound.shape], "input \(index) of Clip must be a scalar")
            }
            bounds[index - 1] = values[0]
        }
        return (bounds[0], bounds[1])
    }

    @inline(__always)
    private static func map(_ values: [Float], _ function: (Float) -> Float) -> [Float] {
        // Uninitialized storage: every element is written, so zeroing it first
        // would only add a pass over memory.
        values.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: source.count) { target, initializedCount in
                for index in 0..<source.count { target[index] = function(source[index]) }
                initializedCount = source.count
            }
        }
    }
}

import Foundation

/// BatchNormalization in inference mode, per channel c (axis 1):
/// `Y = scale[c] * (X - mean[c]) / sqrt(var[c] + epsilon) + B[c]`.
/// Training mode (training_mode = 1 from opset 14, or is_test = 0 before
/// opset 7) updates running statistics and is rejected.
enum BatchNormalization {
    static func batchNormalization(_ context: OperatorContext) throws(EngineError) -> [Tensor] {
        if try context.int("training_mode", default: 0) != 0 {
            throw context.unsupported("training_mode = 1 is not supported; the float engine runs inference only")
        }
        if context.opset < 7, try context.int("is_test", default: 0) == 0 {
            throw context.unsupported("is_test = 0 (training) is not supported; the float engine runs inference only")
        }
        if try context.int("spatial", default: 1) != 1 {
            throw context.unsupported("spatial = 0 (per-activation statistics) is not supported")
        }
        if context.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw context.unsupported("the running-statistics outputs exist only in training mode, which is not supported")
        }
        let input = try context.input(0)
        let x = try context.floats(0)
        let scale = try context.floats(1)
        let bias = try context.floats(2)
        let mean = try context.floats(3)
        let variance = try context.floats(4)
        let epsilon = try context.float("epsilon", default: 1e-5)
        guard input.rank >= 2 else {
            throw context.invalidShape([input.shape], "X must have shape [N, C, ...]")
        }
        let channels = input.shape[1]
        let parameterShapes = (1...4).map { (try? context.input($0).shape) ?? [] }
        guard [scale, bias, mean, variance].allSatisfy({ $0.count == channels }) else {
            throw context.invalidShape([input.shape] + parameterShapes, "scale, B, mean and var need C = \(channels) elements")
        }
        let planeSize = input.shape[2...].reduce(1, *)
        var output = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xBuffer in
            output.withUnsafeMutableBufferPointer { yBuffer in
                for image in 0..<input.shape[0] {
                    for channel in 0..<channels {
                        let multiplier = scale[channel] / (variance[channel] + epsilon).squareRoot()
                        let shift = bias[channel] - mean[channel] * multiplier
                        let base = (image * channels + channel) * planeSize
                        for index in base..<(base + planeSize) {
                            yBuffer[index] = xBuffer[index] * multiplier + shift
                        }
                    }
                }
            }
        }
        return [try context.tensor(shape: input.shape, data: .float32(output))]
    }
}

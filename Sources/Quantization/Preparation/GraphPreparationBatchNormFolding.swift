import Foundation
import QuantCore

/// Batch normalization folding, the first pass of `GraphPreparation`. For
/// output channel c with scale `s_c = gamma_c / sqrt(var_c + epsilon)`:
///
///     w'_c = s_c * w_c
///     b'_c = beta_c + s_c * (b_c - mean_c)
///
/// computed in Double and stored as Float32.
extension GraphPreparation {
    static func foldBatchNormalizations(_ state: inout PreparationState) throws(GraphPreparationError) {
        var index = 0
        while index < state.graph.nodes.count {
            let node = state.graph.nodes[index]
            if node.opType == "BatchNormalization" && isDefaultDomain(node),
               try foldBatchNormalization(at: index, &state) {
                // The folded node was removed, so `index` now points at the next node.
                continue
            }
            index += 1
        }
    }

    static func isDefaultDomain(_ node: Node) -> Bool {
        node.domain.isEmpty || node.domain == "ai.onnx"
    }

    /// Folds the batch normalization at `index` into the node that writes its
    /// input, and returns whether it did. When the writer is a Conv or Gemm
    /// that cannot take the fold, the writer's record gets a note saying why.
    private static func foldBatchNormalization(at index: Int,
                                               _ state: inout PreparationState) throws(GraphPreparationError) -> Bool {
        let normalization = state.graph.nodes[index]
        guard let input = normalization.inputs.first, let writerIndex = state.writer(of: input) else { return false }
        let writer = state.graph.nodes[writerIndex]
        guard (writer.opType == "Conv" || writer.opType == "Gemm") && isDefaultDomain(writer) else { return false }

        if let reason = try reasonNotToFold(normalization, at: index, into: writer, state: state) {
            state.records[writerIndex].notes.append(
                "batch normalization \(normalization.displayName) is not folded: \(reason)")
            return false
        }

        let channels = try outputChannelCount(of: writer, state: state)
        let scale = try normalizationScale(normalization, channels: channels, state: state)
        let shift = try parameter(normalization, slot: 2, name: "bias", channels: channels, state: state)
        let mean = try parameter(normalization, slot: 3, name: "mean", channels: channels, state: state)

        let weightName = writer.inputs[1]
        let oldBias = writer.inputs.count > 2 ? writer.inputs[2] : ""
        let weight = state.graph.initializers[weightName]!
        let channelAxis = writer.opType == "Conv" ? 0 : (try writer.intAttribute("transB", default: 0) != 0 ? 0 : 1)
        let foldedWeight = scaled(weight, channelAxis: channelAxis, by: scale)

        var rewritten = writer
        let oldBiasValues = try biasValues(of: writer, channels: channels, state: state)
        var foldedBias = [Float](repeating: 0, count: channels)
        for channel in 0..<channels {
            foldedBias[channel] = Float(shift[channel] + scale[channel] * (oldBiasValues[channel] - mean[channel]))
        }
        if writer.opType == "Gemm" { rewritten.attributes["beta"] = .float(1) }

        let layerName = state.records[writerIndex].layerName
        let newWeightName = state.unusedInitializerName("\(weightName)_folded")
        state.addInitializer(newWeightName, foldedWeight)
        let newBiasName = state.unusedInitializerName("\(layerName)_bias_folded")
        state.addInitializer(newBiasName, Tensor(shape: [channels], floats: foldedBias))

        rewritten.inputs[1] = newWeightName
        while rewritten.inputs.count < 3 { rewritten.inputs.append("") }
        rewritten.inputs[2] = newBiasName
        rewritten.outputs[0] = normalization.outputs[0]
        state.graph.nodes[writerIndex] = rewritten
        state.records[writerIndex].foldedBatchNormalizations.append(normalization.displayName)
        state.records[writerIndex].coveredNodes.append(normalization.displayName)

        state.removeNode(at: index)
        state.dropUnreadInitializers([weightName, oldBias] + normalization.inputs.dropFirst())
        return true
    }

    /// Why `normalization` cannot be folded into `writer`, or nil when it can.
    private static func reasonNotToFold(_ normalization: Node, at index: Int, into writer: Node,
                                        state: PreparationState) throws(GraphPreparationError) -> String? {
        let input = normalization.inputs[0]
        guard let output = normalization.outputs.first, !output.isEmpty else {
            return "it has no output"
        }
        if writer.outputs.first != input {
            return "it reads output \(input), not the first output of \(writer.displayName)"
        }
        if state.isGraphOutput(input) {
            return "the unnormalized output \(input) is a graph output"
        }
        let otherReaders = state.readers(of: input).filter { $0 != index }
        if !otherReaders.isEmpty {
            let names = otherReaders.map { state.graph.nodes[$0].displayName }.joined(separator: ", ")
            return "the output \(input) of \(writer.displayName) is also read by \(names)"
        }
        if try normalization.intAttribute("training_mode", default: 0) != 0 {
            return "it runs in training mode"
        }
        if try normalization.intAttribute("spatial", default: 1) == 0 {
            return "it normalizes per activation (spatial = 0), not per channel"
        }
        if normalization.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            return "it also writes running statistics"
        }
        let parameters = Array(normalization.inputs.dropFirst())
        if parameters.count < 4 || parameters.contains(where: { state.floatInitializer($0) == nil }) {
            return "its scale, bias, mean and variance are not all constant float32 tensors"
        }
        if writer.inputs.count < 2 || state.floatInitializer(writer.inputs[1]) == nil {
            return "the weight of \(writer.displayName) is not a constant float32 tensor"
        }
        if writer.inputs.count > 2 && !writer.inputs[2].isEmpty {
            guard let bias = state.floatInitializer(writer.inputs[2]) else {
                return "the bias of \(writer.displayName) is not a constant float32 tensor"
            }
            let channels = try outputChannelCount(of: writer, state: state)
            if bias.count != channels && bias.count != 1 {
                let shape = state.graph.initializers[writer.inputs[2]]!.shape
                return "the bias of \(writer.displayName) has shape \(shape), not one value per output channel"
            }
        }
        return nil
    }

    /// Returns the number of output channels: M of a Conv weight `[M, C/group, k...]`,
    /// N of a Gemm weight `[K, N]` (or `[N, K]` with `transB = 1`).
    static func outputChannelCount(of writer: Node, state: PreparationState) throws(GraphPreparationError) -> Int {
        let shape = state.graph.initializers[writer.inputs[1]]?.shape ?? []
        if writer.opType == "Conv" {
            guard shape.count >= 3 else { throw .invalidWeightShape(node: writer.displayName, shape: shape) }
            return shape[0]
        }
        guard shape.count == 2 else { throw .invalidWeightShape(node: writer.displayName, shape: shape) }
        return try writer.intAttribute("transB", default: 0) != 0 ? shape[0] : shape[1]
    }

    /// `s_c = gamma_c / sqrt(var_c + epsilon)` for every channel.
    private static func normalizationScale(_ normalization: Node, channels: Int,
                                           state: PreparationState) throws(GraphPreparationError) -> [Double] {
        let gamma = try parameter(normalization, slot: 1, name: "scale", channels: channels, state: state)
        let variance = try parameter(normalization, slot: 4, name: "var", channels: channels, state: state)
        let epsilon = Double(try normalization.floatAttribute("epsilon", default: 1e-5))
        return (0..<channels).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
    }

    private static func parameter(_ normalization: Node, slot: Int, name: String, channels: Int,
                                  state: PreparationState) throws(GraphPreparationError) -> [Double] {
        let values = state.floatInitializer(normalization.inputs[slot]) ?? []
        guard values.count == channels else {
            throw .batchNormalizationParameterMismatch(node: normalization.displayName, parameter: name,
                                                       expected: channels, actual: values.count)
        }
        return values.map(Double.init)
    }

    /// Computes the bias each output channel receives before normalization:
    /// Conv's `B`, or Gemm's `beta * C` with a one-element C broadcast, and
    /// 0 when the node has no bias.
    private static func biasValues(of writer: Node, channels: Int,
                                   state: PreparationState) throws(GraphPreparationError) -> [Double] {
        guard writer.inputs.count > 2, let bias = state.floatInitializer(writer.inputs[2]) else {
            return [Double](repeating: 0, count: channels)
        }
        let factor = writer.opType == "Gemm" ? Double(try writer.floatAttribute("beta", default: 1)) : 1
        return (0..<channels).map { factor * Double(bias.count == 1 ? bias[0] : bias[$0]) }
    }

    /// Returns `weight` with every element of output channel c (index c on
    /// `channelAxis`) multiplied by `scale[c]`.
    private static func scaled(_ weight: Tensor, channelAxis: Int, by scale: [Double]) -> Tensor {
        guard case .float32(let values) = weight.data else { return weight }
        let inner = weight.shape[(channelAxis + 1)...].reduce(1, *)
        let channels = weight.shape[channelAxis]
        let result = values.enumerated().map { index, value in
            Float(Double(value) * scale[(index / inner) % channels])
        }
        return Tensor(shape: weight.shape, floats: result)
    }
}

/// The layers of a model in graph order and how values flow between them.
///
/// A layer reads values by name; each name is a graph input or the `output`
/// of an earlier layer. Nodes that stay in float and belong to no
/// quantizable layer (Softmax, an unfolded batch normalization) should be
/// listed as `.floatOperation` layers, so that the conversions around them
/// are placed correctly.
public struct NetworkGeometry: Sendable, Equatable {
    public var layers: [LayerGeometry]
    /// Names of the values the graph receives; they are float32.
    public var graphInputs: [String]
    /// Names of the values the graph returns; they are float32.
    public var graphOutputs: [String]

    /// Throws when two layers write the same value, a layer reads a value no
    /// earlier layer or graph input provides, or a graph output is written by
    /// no layer and is no graph input.
    public init(layers: [LayerGeometry], graphInputs: [String], graphOutputs: [String]) throws(SpeedModelError) {
        var known = Set(graphInputs)
        for layer in layers {
            for input in layer.inputs where !known.contains(input) {
                throw .unknownInput(layer: layer.name, value: input)
            }
            guard !known.contains(layer.output) else {
                throw .duplicateValue(layer: layer.name, value: layer.output)
            }
            known.insert(layer.output)
        }
        for output in graphOutputs where !known.contains(output) {
            throw .unknownGraphOutput(value: output)
        }
        self.layers = layers
        self.graphInputs = graphInputs
        self.graphOutputs = graphOutputs
    }

    /// Places a quantize or dequantize on every value whose writer (float
    /// for a graph input) and some reader (float for a graph output) differ
    /// in being integer or float. Conversions are listed in the order their
    /// values appear: graph inputs first, then layer outputs in graph order.
    /// `precisions` is parallel to `layers`.
    public func conversions(precisions: [SimulatedPrecision]) throws(SpeedModelError) -> [PrecisionConversion] {
        guard precisions.count == layers.count else {
            throw .precisionCountMismatch(layers: layers.count, precisions: precisions.count)
        }
        var result: [PrecisionConversion] = []
        for input in graphInputs {
            if let conversion = conversion(of: input, producer: nil, producerIsInteger: false,
                                           precisions: precisions) {
                result.append(conversion)
            }
        }
        for (index, layer) in layers.enumerated() {
            if let conversion = conversion(of: layer.output, producer: index,
                                           producerIsInteger: precisions[index].isInteger,
                                           precisions: precisions) {
                result.append(conversion)
            }
        }
        return result
    }

    private func conversion(of value: String, producer: Int?, producerIsInteger: Bool,
                            precisions: [SimulatedPrecision]) -> PrecisionConversion? {
        var consumers: [String] = []
        var elements: Int? = producer.map { layers[$0].outputElements }
        for (index, layer) in layers.enumerated() {
            guard let slot = layer.inputs.firstIndex(of: value) else { continue }
            elements = elements ?? LayerGeometry.elements(layer.inputShapes[slot])
            if precisions[index].isInteger != producerIsInteger {
                consumers.append(layer.name)
            }
        }
        let graphOutputNeedsFloat = producerIsInteger && graphOutputs.contains(value)
        guard !consumers.isEmpty || graphOutputNeedsFloat, let elements else { return nil }
        return PrecisionConversion(direction: producerIsInteger ? .dequantize : .quantize, value: value,
                                   producer: producer.map { layers[$0].name }, consumers: consumers,
                                   elements: elements)
    }
}

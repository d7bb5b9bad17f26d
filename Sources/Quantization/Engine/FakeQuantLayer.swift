import QuantCore

/// A layer simulated in float ("fake quantization"): its inputs are
/// quantized and dequantized with the (S, Z) the integer layer would expect,
/// its weights and bias are replaced by their quantize-dequantize images
/// (bias with scale S_in * S_w[c] and Z = 0), it runs on the float reference
/// kernels, and its output is quantized and dequantized with the output's
/// (S, Z). The arithmetic is float, so results differ from the integer path
/// by the rounding of the fixed-point requantization.
public struct FakeQuantLayer: Sendable, Equatable {
    public struct Input: Sendable, Equatable {
        public var value: String
        public var parameters: QuantizationParameters
    }

    public var name: String
    /// Prepared-graph node indices of the layer, in order.
    public var nodes: [Int]
    public var inputs: [Input]
    /// Weight and bias initializers replaced by their fake-quantized values.
    public var initializers: [String: Tensor]
    public var output: String
    public var outputParameters: QuantizationParameters
}

/// Returns S * (clamp(Z + round(r / S), qmin, qmax) - Z) for every element.
public func fakeQuantize(_ values: [Float], _ parameters: QuantizationParameters) -> [Float] {
    values.map { parameters.dequantize(parameters.quantize($0)) }
}

/// Quantizes and dequantizes a float tensor with `parameters`.
func fakeQuantize(_ tensor: Tensor, _ parameters: QuantizationParameters) throws(TensorError) -> Tensor {
    Tensor(shape: tensor.shape, floats: fakeQuantize(try tensor.floats(), parameters))
}

extension FakeQuantLayer {
    /// Runs the simulation, reading inputs from and writing the output to `store`.
    func execute(in store: inout ValueStore, graph: Graph, opset: Int64) throws(MixedRuntimeError) {
        var local: [String: Tensor] = [:]
        for input in inputs {
            guard let tensor = store.float[input.value] else {
                throw .missingValue(unit: name, value: .float(input.value))
            }
            do {
                local[input.value] = try fakeQuantize(tensor, input.parameters)
            } catch {
                throw .unquantizableElementType(value: input.value, elementType: tensor.elementType)
            }
        }
        for index in nodes {
            let node = graph.nodes[index]
            var operands: [Tensor?] = []
            for name in node.inputs {
                if name.isEmpty { operands.append(nil); continue }
                guard let tensor = local[name] ?? initializers[name] ?? store.float[name] ?? graph.initializers[name]
                else { throw .missingValue(unit: self.name, value: .float(name)) }
                operands.append(tensor)
            }
            do {
                let results = try Operators.execute(node, inputs: operands, opset: opset)
                for (name, tensor) in zip(node.outputs, results) where !name.isEmpty {
                    local[name] = tensor
                }
            } catch {
                throw .floatNode(unit: self.name, error)
            }
        }
        guard let result = local[output] else { throw .missingValue(unit: name, value: .float(output)) }
        do {
            store.float[output] = try fakeQuantize(result, outputParameters)
        } catch {
            throw .unquantizableElementType(value: output, elementType: result.elementType)
        }
    }
}

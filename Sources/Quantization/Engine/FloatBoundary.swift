import CKernels
import QuantCore

// The float side of the mixed runtime: quantize and dequantize where float
// and int8 layers meet, and float nodes on the reference kernels. This is
// the only runtime file that touches floating point.

extension IntegerTensor {
    /// Quantizes a float32 tensor: q = clamp(Z + round(r / S), qmin, qmax),
    /// stored in `layout` (images arrive NCHW and are moved when it is
    /// `.channelsLast`).
    public init(quantizing tensor: Tensor, parameters: QuantizationParameters, container: QuantizedContainer,
                layout: ActivationLayout = .rowMajor) throws(TensorError) {
        let values = try tensor.floats()
        let storage: IntegerStorage
        switch container {
        case .int8: storage = .int8(quantizeFloats(values, parameters: parameters, as: Int8.self))
        case .uint8: storage = .uint8(quantizeFloats(values, parameters: parameters, as: UInt8.self))
        }
        self = IntegerTensor(shape: tensor.shape, storage: storage, zeroPoint: parameters.zeroPoint)
            .inLayout(layout)
    }

    /// Dequantizes to a float32 tensor in the logical (NCHW) order:
    /// r = S * (q - Z), with S from `parameters`.
    public func dequantized(_ parameters: QuantizationParameters) -> Tensor {
        let scale = parameters.scale
        let values: [Float]
        switch inLayout(.rowMajor).storage {
        case .int8(let q): values = q.map { scale * Float(Int32($0) - zeroPoint) }
        case .uint8(let q): values = q.map { scale * Float(Int32($0) - zeroPoint) }
        }
        return Tensor(shape: shape, floats: values)
    }
}

/// Returns `parameters.quantize` of every value, computed by the vectorized
/// `ck_quantize_floats`, which the tests hold equal to it.
func quantizeFloats<Element: QuantizedValue>(_ values: [Float], parameters: QuantizationParameters,
                                             as type: Element.Type) -> [Element] {
    [Element](unsafeUninitializedCapacity: values.count) { buffer, initialized in
        values.withUnsafeBufferPointer { source in
            ck_quantize_floats(source.baseAddress, values.count, parameters.scale, parameters.zeroPoint,
                               parameters.range.qmin, parameters.range.qmax, UnsafeMutableRawPointer(buffer.baseAddress))
        }
        initialized = values.count
    }
}

/// Runs prepared-graph nodes `indices` with the float reference kernels,
/// reading and writing float values in `store`.
func executeReferenceNodes(_ indices: [Int], unit: String, store: inout ValueStore, graph: Graph,
                       opset: Int64) throws(MixedRuntimeError) {
    for index in indices {
        let node = graph.nodes[index]
        var operands: [Tensor?] = []
        for name in node.inputs {
            if name.isEmpty { operands.append(nil); continue }
            guard let tensor = store.float[name] ?? graph.initializers[name] else {
                throw .missingValue(unit: unit, value: .float(name))
            }
            operands.append(tensor)
        }
        do {
            let results = try Operators.execute(node, inputs: operands, opset: opset)
            for (name, tensor) in zip(node.outputs, results) where !name.isEmpty {
                store.float[name] = tensor
            }
        } catch {
            throw .floatNode(unit: unit, error)
        }
    }
}

/// Executes a quantize or dequantize step.
func executeBoundary(_ step: ProgramStep, unit: String, store: inout ValueStore) throws(MixedRuntimeError) {
    switch step {
    case let .quantize(value, into, parameters, container):
        guard let tensor = store.float[value] else { throw .missingValue(unit: unit, value: .float(value)) }
        do {
            // 4-D values enter the integer program channels-last, the layout its fast kernels use.
            store.integer[into] = try IntegerTensor(quantizing: tensor, parameters: parameters, container: container,
                                                    layout: .channelsLast)
        } catch {
            throw .unquantizableElementType(value: value, elementType: tensor.elementType)
        }
    case let .dequantize(value, into, parameters):
        guard let tensor = store.integer[value] else { throw .missingValue(unit: unit, value: .integer(value)) }
        store.float[into] = tensor.dequantized(parameters)
    default:
        break
    }
}

/// Decoding of `GraphProto`, `NodeProto`, `AttributeProto` and
/// `ValueInfoProto`.
///
/// Subgraphs in GRAPH and GRAPHS attributes recurse, so their depth is
/// bounded by `maxGraphDepth`. `TypeProto` is decoded only as far as
/// `tensor_type`; sequence, map and optional types are skipped without
/// recursing into them, so their nesting costs no stack.
enum ONNXGraphDecoding {
    /// Deepest subgraph nesting accepted; real control-flow models use a few levels.
    static let maxGraphDepth = 64

    static func graph(_ start: ONNXMessageCursor, depth: Int) throws(ModelLoadError) -> Graph {
        guard depth <= maxGraphDepth else {
            throw .nestingTooDeep(source: start.source, element: start.element, limit: maxGraphDepth)
        }
        var cursor = start
        let path = start.element
        var graph = Graph()
        while let field = try cursor.nextField() {
            switch field.number {
            case 1:
                let nodePath = "\(path).node[\(graph.nodes.count)]"
                graph.nodes.append(try node(try cursor.message(field, element: nodePath), depth: depth))
            case 2:
                graph.name = try cursor.string(field)
            case 5:
                let index = graph.initializerOrder.count
                var tensorCursor = try cursor.message(field, element: "\(path).initializer[\(index)]")
                let name = tensorCursor.peekString(8)
                tensorCursor = ONNXMessageCursor(tensorCursor.reader, source: cursor.source,
                                                 element: "\(path).initializer '\(name)'")
                let (_, tensor) = try ONNXTensorDecoding.decode(tensorCursor)
                guard graph.initializers[name] == nil else {
                    throw tensorCursor.invalid("initializer name '\(name)' appears twice; names must be unique")
                }
                graph.initializers[name] = tensor
                graph.initializerOrder.append(name)
            case 10:
                graph.docString = try cursor.string(field)
            case 11:
                graph.inputs.append(try valueInfo(try cursor.message(field, element: "\(path).input[\(graph.inputs.count)]")))
            case 12:
                graph.outputs.append(try valueInfo(try cursor.message(field, element: "\(path).output[\(graph.outputs.count)]")))
            case 13:
                graph.valueInfo.append(try valueInfo(try cursor.message(field, element: "\(path).value_info[\(graph.valueInfo.count)]")))
            case 15:
                throw cursor.invalid("sparse initializers are not supported; "
                                     + "re-save the model with dense initializers")
            default:
                try cursor.skip(field)
            }
        }
        return graph
    }

    static func node(_ start: ONNXMessageCursor, depth: Int) throws(ModelLoadError) -> Node {
        var cursor = start
        var node = Node(opType: "", inputs: [], outputs: [])
        var attributeCount = 0
        while let field = try cursor.nextField() {
            switch field.number {
            case 1: node.inputs.append(try cursor.string(field))
            case 2: node.outputs.append(try cursor.string(field))
            case 3: node.name = try cursor.string(field)
            case 4: node.opType = try cursor.string(field)
            case 6: node.docString = try cursor.string(field)
            case 7: node.domain = try cursor.string(field)
            case 5:
                var attributeCursor = try cursor.message(field, element: "\(start.element).attribute[\(attributeCount)]")
                attributeCount += 1
                let name = attributeCursor.peekString(1)
                attributeCursor = ONNXMessageCursor(attributeCursor.reader, source: cursor.source,
                                                    element: "\(start.element).attribute '\(name)'")
                let value = try attribute(attributeCursor, depth: depth)
                guard node.attributes[name] == nil else {
                    throw attributeCursor.invalid("attribute '\(name)' appears twice in one node")
                }
                node.attributes[name] = value
            default:
                try cursor.skip(field)
            }
        }
        guard !node.opType.isEmpty else { throw start.invalid("node has no op_type") }
        return node
    }

    /// `AttributeProto.AttributeType` numbers.
    private enum Kind {
        static let float: Int32 = 1, int: Int32 = 2, string: Int32 = 3, tensor: Int32 = 4
        static let graph: Int32 = 5, floats: Int32 = 6, ints: Int32 = 7, strings: Int32 = 8
        static let tensors: Int32 = 9, graphs: Int32 = 10, sparseTensor: Int32 = 11
        static let sparseTensors: Int32 = 12, typeProto: Int32 = 13, typeProtos: Int32 = 14
    }

    /// Decodes an attribute. Its kind comes from the `type` field. Files
    /// older than IR version 3 may omit that field, and then the kind is that
    /// of the first value field present.
    static func attribute(_ start: ONNXMessageCursor, depth: Int) throws(ModelLoadError) -> Attribute {
        var cursor = start
        let path = start.element
        var kind: Int32 = 0
        var firstValueKind: Int32 = 0
        var float: Float = 0
        var int: Int64 = 0
        var string: [UInt8] = []
        var tensor: Tensor?
        var graph: Graph?
        var sparseTensor: [UInt8] = []
        var typeProto: [UInt8] = []
        var floats: [Float] = []
        var ints: [Int64] = []
        var strings: [[UInt8]] = []
        var tensors: [Tensor] = []
        var graphs: [Graph] = []
        var sparseTensors: [[UInt8]] = []
        var typeProtos: [[UInt8]] = []

        func noteKind(_ value: Int32) { if firstValueKind == 0 { firstValueKind = value } }

        while let field = try cursor.nextField() {
            switch field.number {
            case 20: kind = try cursor.int32(field)
            case 2: float = try cursor.float(field); noteKind(Kind.float)
            case 3: int = try cursor.int64(field); noteKind(Kind.int)
            case 4: string = try cursor.bytes(field); noteKind(Kind.string)
            case 5:
                tensor = try ONNXTensorDecoding.decode(try cursor.message(field, element: path)).tensor
                noteKind(Kind.tensor)
            case 6:
                graph = try self.graph(try cursor.message(field, element: path), depth: depth + 1)
                noteKind(Kind.graph)
            case 22: sparseTensor = try cursor.bytes(field); noteKind(Kind.sparseTensor)
            case 14: typeProto = try cursor.bytes(field); noteKind(Kind.typeProto)
            case 7: try cursor.appendFloats(field, to: &floats); noteKind(Kind.floats)
            case 8: try cursor.appendInt64s(field, to: &ints); noteKind(Kind.ints)
            case 9: strings.append(try cursor.bytes(field)); noteKind(Kind.strings)
            case 10:
                let element = "\(path).tensors[\(tensors.count)]"
                tensors.append(try ONNXTensorDecoding.decode(try cursor.message(field, element: element)).tensor)
                noteKind(Kind.tensors)
            case 11:
                let element = "\(path).graphs[\(graphs.count)]"
                graphs.append(try self.graph(try cursor.message(field, element: element), depth: depth + 1))
                noteKind(Kind.graphs)
            case 23: sparseTensors.append(try cursor.bytes(field)); noteKind(Kind.sparseTensors)
            case 15: typeProtos.append(try cursor.bytes(field)); noteKind(Kind.typeProtos)
            default: try cursor.skip(field)
            }
        }

        switch kind == 0 ? firstValueKind : kind {
        case Kind.float: return .float(float)
        case Kind.int: return .int(int)
        case Kind.string: return .string(string)
        case Kind.tensor:
            guard let tensor else { throw start.invalid("TENSOR attribute has no tensor value") }
            return .tensor(tensor)
        case Kind.graph:
            guard let graph else { throw start.invalid("GRAPH attribute has no graph value") }
            return .graph(graph)
        case Kind.floats: return .floats(floats)
        case Kind.ints: return .ints(ints)
        case Kind.strings: return .strings(strings)
        case Kind.tensors: return .tensors(tensors)
        case Kind.graphs: return .graphs(graphs)
        case Kind.sparseTensor: return .sparseTensor(sparseTensor)
        case Kind.sparseTensors: return .sparseTensors(sparseTensors)
        case Kind.typeProto: return .typeProto(typeProto)
        case Kind.typeProtos: return .typeProtos(typeProtos)
        case 0:
            throw start.invalid("attribute has neither a type nor a value; re-export the model")
        default:
            throw start.invalid("attribute type \(kind) is unknown; the model needs a newer ONNX version "
                                + "than this reader supports")
        }
    }

    static func valueInfo(_ start: ONNXMessageCursor) throws(ModelLoadError) -> ValueInfo {
        var cursor = start
        var info = ValueInfo(name: "", elementType: nil, rawElementType: 0, shape: nil)
        while let field = try cursor.nextField() {
            switch field.number {
            case 1: info.name = try cursor.string(field)
            case 2: try typeProto(try cursor.message(field, element: start.element), into: &info)
            case 3: info.docString = try cursor.string(field)
            default: try cursor.skip(field)
            }
        }
        return info
    }

    /// Reads `TypeProto.tensor_type` (field 1): `elem_type` and `shape`.
    /// Other kinds of type leave the element type and shape unknown.
    private static func typeProto(_ start: ONNXMessageCursor, into info: inout ValueInfo) throws(ModelLoadError) {
        var cursor = start
        while let field = try cursor.nextField() {
            guard field.number == 1 else { try cursor.skip(field); continue }
            var tensorType = try cursor.message(field, element: start.element)
            while let inner = try tensorType.nextField() {
                switch inner.number {
                case 1:
                    info.rawElementType = try tensorType.int32(inner)
                    info.elementType = ElementType(rawValue: info.rawElementType)
                case 2:
                    info.shape = try shape(try tensorType.message(inner, element: start.element))
                default:
                    try tensorType.skip(inner)
                }
            }
        }
    }

    /// Reads `TensorShapeProto`: each dimension is `dim_value`, `dim_param`
    /// or neither (unknown).
    private static func shape(_ start: ONNXMessageCursor) throws(ModelLoadError) -> [Dimension] {
        var cursor = start
        var dimensions: [Dimension] = []
        while let field = try cursor.nextField() {
            guard field.number == 1 else { try cursor.skip(field); continue }
            var dimensionCursor = try cursor.message(field, element: start.element)
            var dimension = Dimension.unknown
            while let inner = try dimensionCursor.nextField() {
                switch inner.number {
                case 1:
                    let value = try dimensionCursor.int64(inner)
                    // NOTE: some older exporters write -1 for a dynamic
                    // dimension, so a negative value reads as unknown.
                    if value < 0 { dimension = .unknown; continue }
                    guard value <= Int64(Int32.max) else {
                        throw start.invalid("shape dimension \(dimensions.count) is \(value); "
                                            + "a dimension must be between 0 and \(Int32.max)")
                    }
                    dimension = .value(Int(value))
                case 2:
                    dimension = .parameter(try dimensionCursor.string(inner))
                default:
                    try dimensionCursor.skip(inner)
                }
            }
            dimensions.append(dimension)
        }
        return dimensions
    }
}

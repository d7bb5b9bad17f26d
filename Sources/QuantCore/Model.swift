/// An ONNX model held in memory: the fields of `ModelProto` that quantscope
/// reads and writes, with the graph decoded into value types.
public struct Model: Sendable, Equatable {
    public var irVersion: Int64
    public var opsetImports: [OpsetImport]
    public var producerName: String
    public var producerVersion: String
    public var domain: String
    public var modelVersion: Int64
    public var docString: String
    public var graph: Graph
    /// `metadata_props`, in file order. Keys need not be unique in ONNX; a
    /// lookup through `metadata(_:)` returns the last value.
    public var metadataProps: [(key: String, value: String)]

    public init(irVersion: Int64 = 8,
                opsetImports: [OpsetImport] = [OpsetImport(domain: "", version: 13)],
                producerName: String = "quantscope",
                producerVersion: String = "",
                domain: String = "",
                modelVersion: Int64 = 0,
                docString: String = "",
                graph: Graph,
                metadataProps: [(key: String, value: String)] = []) {
        self.irVersion = irVersion
        self.opsetImports = opsetImports
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.domain = domain
        self.modelVersion = modelVersion
        self.docString = docString
        self.graph = graph
        self.metadataProps = metadataProps
    }

    /// Opset version of the default ("" or "ai.onnx") domain, or nil when the
    /// model imports none.
    public var defaultOpsetVersion: Int64? {
        opsetImports.last(where: { $0.domain == "" || $0.domain == "ai.onnx" })?.version
    }

    /// Value of the last `metadata_props` entry with `key`.
    public func metadata(_ key: String) -> String? {
        metadataProps.last(where: { $0.key == key })?.value
    }

    public static func == (lhs: Model, rhs: Model) -> Bool {
        lhs.irVersion == rhs.irVersion && lhs.opsetImports == rhs.opsetImports
            && lhs.producerName == rhs.producerName && lhs.producerVersion == rhs.producerVersion
            && lhs.domain == rhs.domain && lhs.modelVersion == rhs.modelVersion
            && lhs.docString == rhs.docString && lhs.graph == rhs.graph
            && lhs.metadataProps.map(\.key) == rhs.metadataProps.map(\.key)
            && lhs.metadataProps.map(\.value) == rhs.metadataProps.map(\.value)
    }
}

/// One entry of `opset_import`: an operator-set domain and its version.
public struct OpsetImport: Sendable, Equatable {
    public var domain: String
    public var version: Int64

    public init(domain: String, version: Int64) {
        self.domain = domain
        self.version = version
    }
}

/// A computation graph (`GraphProto`). Nodes are in the file's order, which
/// ONNX requires to be topological.
public struct Graph: Sendable, Equatable {
    public var name: String
    public var nodes: [Node]
    /// Constant tensors by name (`initializer`).
    public var initializers: [String: Tensor]
    /// Initializer names in file order, so a written model keeps the order.
    public var initializerOrder: [String]
    /// Graph inputs. From IR version 4 the list need not repeat the
    /// initializers; from IR version 3 files it may, and `runtimeInputs`
    /// filters them out.
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    public var valueInfo: [ValueInfo]
    public var docString: String

    public init(name: String = "", nodes: [Node] = [], initializers: [String: Tensor] = [:],
                initializerOrder: [String]? = nil, inputs: [ValueInfo] = [], outputs: [ValueInfo] = [],
                valueInfo: [ValueInfo] = [], docString: String = "") {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.initializerOrder = initializerOrder ?? initializers.keys.sorted()
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
        self.docString = docString
    }

    /// Graph inputs the caller must feed: those without an initializer.
    public var runtimeInputs: [ValueInfo] {
        inputs.filter { initializers[$0.name] == nil }
    }
}

/// One operator application (`NodeProto`).
public struct Node: Sendable, Equatable {
    public var name: String
    public var opType: String
    public var domain: String
    /// Input value names. An empty string marks an omitted optional input.
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: Attribute]
    public var docString: String

    public init(name: String = "", opType: String, domain: String = "", inputs: [String],
                outputs: [String], attributes: [String: Attribute] = [:], docString: String = "") {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.docString = docString
    }

    /// The node's name, or its first output when the name is empty, for messages.
    public var displayName: String {
        if !name.isEmpty { return name }
        return outputs.first.map { "(output \($0))" } ?? "(unnamed \(opType))"
    }
}

/// An attribute value (`AttributeProto`), one case per attribute kind.
public indirect enum Attribute: Sendable, Equatable {
    case float(Float)
    case int(Int64)
    case string([UInt8])
    case tensor(Tensor)
    case graph(Graph)
    case floats([Float])
    case ints([Int64])
    case strings([[UInt8]])
    case tensors([Tensor])
    case graphs([Graph])
    /// A sparse tensor, kept as its undecoded protobuf bytes: no supported
    /// operator reads one, but the writer must preserve it.
    case sparseTensor([UInt8])
    case sparseTensors([[UInt8]])
    case typeProto([UInt8])
    case typeProtos([[UInt8]])

    /// Name of the attribute kind, as ONNX spells it, for messages.
    public var kindName: String {
        switch self {
        case .float: return "FLOAT"
        case .int: return "INT"
        case .string: return "STRING"
        case .tensor: return "TENSOR"
        case .graph: return "GRAPH"
        case .floats: return "FLOATS"
        case .ints: return "INTS"
        case .strings: return "STRINGS"
        case .tensors: return "TENSORS"
        case .graphs: return "GRAPHS"
        case .sparseTensor: return "SPARSE_TENSOR"
        case .sparseTensors: return "SPARSE_TENSORS"
        case .typeProto: return "TYPE_PROTO"
        case .typeProtos: return "TYPE_PROTOS"
        }
    }
}

/// A graph input, output or intermediate value with its declared type.
public struct ValueInfo: Sendable, Equatable {
    public var name: String
    /// Element type, or nil when the file declares none or one quantscope
    /// does not support.
    public var elementType: ElementType?
    /// ONNX `TensorProto.DataType` number as written in the file, kept so that
    /// messages can name an unsupported type.
    public var rawElementType: Int32
    /// Declared dimensions, or nil when the shape is unknown (not even the rank).
    public var shape: [Dimension]?
    public var docString: String

    public init(name: String, elementType: ElementType? = .float32, rawElementType: Int32? = nil,
                shape: [Dimension]?, docString: String = "") {
        self.name = name
        self.elementType = elementType
        self.rawElementType = rawElementType ?? elementType?.rawValue ?? 0
        self.shape = shape
        self.docString = docString
    }
}

/// One dimension of a declared shape.
public enum Dimension: Sendable, Equatable, CustomStringConvertible {
    case value(Int)
    /// A named symbolic dimension such as "batch".
    case parameter(String)
    case unknown

    public var description: String {
        switch self {
        case .value(let size): return String(size)
        case .parameter(let name): return name
        case .unknown: return "?"
        }
    }
}

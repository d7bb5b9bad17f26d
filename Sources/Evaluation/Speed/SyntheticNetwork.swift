import QuantCore

/// A small ONNX graph built in memory, for timing the engines' kernels on
/// shapes of its own choosing. The batch dimension is symbolic (`N`);
/// weights and biases are deterministic pseudo-random values scaled like
/// He initialization, so activations keep a sensible range through the
/// layers and calibration sees realistic value distributions.
struct SyntheticNetwork {
    /// A value of the graph: its name and its shape without the batch.
    struct Value {
        var name: String
        var shape: [Int]
    }

    enum Activation {
        case none
        case relu
        case relu6
    }

    let input: Value
    private(set) var nodes: [Node] = []
    private(set) var initializers: [String: Tensor] = [:]
    private var generator: UInt64 = 0x2545_F491_4F6C_DD1D

    init(inputShape: [Int]) {
        input = Value(name: "input", shape: inputShape)
    }

    /// Returns the model whose output is `output`.
    func model(output: Value) -> Model {
        let batch = Dimension.parameter("N")
        let graph = Graph(
            name: "synthetic", nodes: nodes, initializers: initializers,
            inputs: [ValueInfo(name: input.name, shape: [batch] + input.shape.map { .value($0) })],
            outputs: [ValueInfo(name: output.name, shape: [batch] + output.shape.map { .value($0) })])
        return Model(graph: graph)
    }

    /// Adds a convolution with weight `[outputChannels, C / groups, k, k]`
    /// and a bias, then `activation`.
    mutating func conv(_ x: Value, outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                       groups: Int = 1, activation: Activation) -> Value {
        let name = "conv\(nodes.count)"
        let inputChannels = x.shape[0]
        let fanIn = inputChannels / groups * kernel * kernel
        addInitializer("\(name).w", shape: [outputChannels, inputChannels / groups, kernel, kernel], fanIn: fanIn)
        addInitializer("\(name).b", shape: [outputChannels], fanIn: 0)
        let height = (x.shape[1] + 2 * padding - kernel) / stride + 1
        let width = (x.shape[2] + 2 * padding - kernel) / stride + 1
        nodes.append(Node(name: name, opType: "Conv", inputs: [x.name, "\(name).w", "\(name).b"],
                          outputs: [name], attributes: [
                              "kernel_shape": .ints([Int64(kernel), Int64(kernel)]),
                              "strides": .ints([Int64(stride), Int64(stride)]),
                              "pads": .ints([Int64](repeating: Int64(padding), count: 4)),
                              "group": .int(Int64(groups)),
                          ]))
        return activate(Value(name: name, shape: [outputChannels, height, width]), activation)
    }

    /// Adds a depthwise convolution: one group per channel.
    mutating func depthwise(_ x: Value, kernel: Int, stride: Int = 1, activation: Activation) -> Value {
        conv(x, outputChannels: x.shape[0], kernel: kernel, stride: stride, padding: kernel / 2,
             groups: x.shape[0], activation: activation)
    }

    /// Adds a max pool with a square window and the given stride, no padding.
    mutating func maxPool(_ x: Value, kernel: Int, stride: Int) -> Value {
        let name = "pool\(nodes.count)"
        nodes.append(Node(name: name, opType: "MaxPool", inputs: [x.name], outputs: [name], attributes: [
            "kernel_shape": .ints([Int64(kernel), Int64(kernel)]),
            "strides": .ints([Int64(stride), Int64(stride)]),
        ]))
        let height = (x.shape[1] - kernel) / stride + 1
        let width = (x.shape[2] - kernel) / stride + 1
        return Value(name: name, shape: [x.shape[0], height, width])
    }

    mutating func globalAveragePool(_ x: Value) -> Value {
        let name = "gap\(nodes.count)"
        nodes.append(Node(name: name, opType: "GlobalAveragePool", inputs: [x.name], outputs: [name]))
        return Value(name: name, shape: [x.shape[0], 1, 1])
    }

    mutating func flatten(_ x: Value) -> Value {
        let name = "flatten\(nodes.count)"
        nodes.append(Node(name: name, opType: "Flatten", inputs: [x.name], outputs: [name],
                          attributes: ["axis": .int(1)]))
        return Value(name: name, shape: [x.shape.reduce(1, *)])
    }

    /// Adds `Gemm` with weight `[outputs, inputs]` (`transB = 1`) and a bias.
    mutating func fullyConnected(_ x: Value, outputs: Int, activation: Activation) -> Value {
        let name = "fc\(nodes.count)"
        addInitializer("\(name).w", shape: [outputs, x.shape[0]], fanIn: x.shape[0])
        addInitializer("\(name).b", shape: [outputs], fanIn: 0)
        nodes.append(Node(name: name, opType: "Gemm", inputs: [x.name, "\(name).w", "\(name).b"], outputs: [name],
                          attributes: ["transB": .int(1)]))
        return activate(Value(name: name, shape: [outputs]), activation)
    }

    /// Adds the element-wise sum of two values of the same shape.
    mutating func add(_ a: Value, _ b: Value, activation: Activation) -> Value {
        let name = "add\(nodes.count)"
        nodes.append(Node(name: name, opType: "Add", inputs: [a.name, b.name], outputs: [name]))
        return activate(Value(name: name, shape: a.shape), activation)
    }

    private mutating func activate(_ x: Value, _ activation: Activation) -> Value {
        let name = "act\(nodes.count)"
        switch activation {
        case .none:
            return x
        case .relu:
            nodes.append(Node(name: name, opType: "Relu", inputs: [x.name], outputs: [name]))
        case .relu6:
            initializers["\(name).min"] = Tensor(shape: [], floats: [0])
            initializers["\(name).max"] = Tensor(shape: [], floats: [6])
            nodes.append(Node(name: name, opType: "Clip", inputs: [x.name, "\(name).min", "\(name).max"],
                              outputs: [name]))
        }
        return Value(name: name, shape: x.shape)
    }

    /// Adds uniform values in `±sqrt(6 / fanIn)`, or in `±0.1` when
    /// `fanIn` is 0 (a bias).
    private mutating func addInitializer(_ name: String, shape: [Int], fanIn: Int) {
        let bound = fanIn > 0 ? Float((6.0 / Double(fanIn)).squareRoot()) : 0.1
        let count = shape.reduce(1, *)
        initializers[name] = Tensor(shape: shape, floats: (0..<count).map { _ in bound * nextSigned() })
    }

    /// Returns a pseudo-random value in [-1, 1) from a 64-bit xorshift.
    mutating func nextSigned() -> Float {
        generator ^= generator << 13
        generator ^= generator >> 7
        generator ^= generator << 17
        return Float(generator >> 40) / Float(1 << 23) - 1
    }
}

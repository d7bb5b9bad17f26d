import QuantCore
import Quantization
import Evaluation

/// The simulated speed of plans for one model: the model's layer geometry
/// and a target profile, fed to `SpeedModel`.
public struct PlanSpeed: Sendable {
    public let network: NetworkGeometry
    public let profile: TargetProfile

    /// Builds the geometry of `context`'s layers and of the float nodes
    /// between them.
    public init(context: ExplorerContext, profile: TargetProfile = .snapdragon835Big) throws {
        let graph = context.prepared.model.graph
        let engine = try FloatEngine(model: context.prepared.model)
        func shape(_ name: String) -> [Int] {
            if let initializer = graph.initializers[name] { return initializer.shape }
            return (engine.valueShapes[name] ?? []).map { dimension in
                if case .value(let size) = dimension { return size }
                return 1
            }
        }
        let layerByOutput = Dictionary(context.layers.map { ($0.output, $0) }, uniquingKeysWith: { first, _ in first })
        let floatNodes = Set(context.prepared.floatNodes)
        var geometries: [LayerGeometry] = []
        var written = Set(graph.inputs.map(\.name))
        for node in graph.nodes {
            for output in node.outputs where !output.isEmpty {
                if let layer = layerByOutput[output] {
                    let groups: Int
                    if case .int(let value)? = graph.nodes.first(where: { $0.displayName == layer.nodes.first })?
                        .attributes["group"] {
                        groups = Int(value)
                    } else {
                        groups = 1
                    }
                    geometries.append(try LayerGeometry(layer: layer, inputShapes: layer.inputs.map(shape),
                                                        outputShape: shape(layer.output),
                                                        weightShape: layer.weight.map(shape), groups: groups))
                    written.insert(output)
                } else if floatNodes.contains(node.displayName) {
                    let inputs = node.inputs.filter { !$0.isEmpty && graph.initializers[$0] == nil && written.contains($0) }
                    geometries.append(try LayerGeometry(name: node.displayName, kind: .floatOperation, inputs: inputs,
                                                        output: output, inputShapes: inputs.map(shape),
                                                        outputShape: shape(output), weightShape: nil,
                                                        biasElements: 0, groups: 1))
                    written.insert(output)
                } else {
                    // A node inside a layer (a fused ReLU's input, say) whose output no layer names.
                    continue
                }
            }
        }
        network = try NetworkGeometry(layers: geometries, graphInputs: graph.inputs.filter {
            graph.initializers[$0.name] == nil
        }.map(\.name), graphOutputs: graph.outputs.map(\.name))
        self.profile = profile
    }

    /// Simulates `plan`: int8 layers with their bit widths, everything else float.
    public func report(for plan: QuantizationPlan) throws -> SpeedReport {
        var precisions: [String: SimulatedPrecision] = [:]
        for layer in network.layers where layer.kind.supportsInt8 {
            let settings = plan.settings(for: layer.name)
            precisions[layer.name] = settings.precision == .int8
                ? .int8(weightBits: settings.weightBits, activationBits: settings.activationBits) : .float
        }
        return try SpeedModel.simulate(network, precisionsByName: precisions, on: profile)
    }
}

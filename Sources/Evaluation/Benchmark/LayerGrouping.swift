import QuantCore
import Quantization

/// Which unit of a prepared model each graph node is timed and simulated
/// under: the quantizable layer it belongs to (its main node and fused
/// activation), or the node itself when it belongs to no layer.
public struct LayerGrouping: Sendable, Equatable {
    /// Units in graph order, each with the display names of its nodes.
    public var units: [(name: String, nodes: [String])] {
        order.map { ($0, nodesByUnit[$0] ?? []) }
    }
    /// Unit name of every node, by `Node.displayName`.
    public var unitByNode: [String: String]
    private var order: [String]
    private var nodesByUnit: [String: [String]]

    public init(_ prepared: PreparedModel) {
        var layerByNode: [String: String] = [:]
        for layer in prepared.layers {
            for node in layer.nodes { layerByNode[node] = layer.name }
        }
        var unitByNode: [String: String] = [:]
        var order: [String] = []
        var nodesByUnit: [String: [String]] = [:]
        for node in prepared.model.graph.nodes {
            let unit = layerByNode[node.displayName] ?? node.displayName
            if nodesByUnit[unit] == nil { order.append(unit) }
            nodesByUnit[unit, default: []].append(node.displayName)
            unitByNode[node.displayName] = unit
        }
        self.unitByNode = unitByNode
        self.order = order
        self.nodesByUnit = nodesByUnit
    }

    public static func == (lhs: LayerGrouping, rhs: LayerGrouping) -> Bool {
        lhs.order == rhs.order && lhs.nodesByUnit == rhs.nodesByUnit
    }
}

@testable import Evaluation

/// Small hand-checkable layers and networks shared by the speed model tests.
enum SpeedTestNetworks {
    /// 3x3 convolution, 3 -> 4 channels on 8x8, "same" padding, with bias:
    /// MACs = 4 * 8 * 8 * (3 * 3 * 3) = 6912.
    static func convolution(name: String = "conv", input: String = "image",
                            output: String = "conv") throws -> LayerGeometry {
        try LayerGeometry(name: name, kind: .convolution, inputs: [input], output: output,
                          inputShapes: [[1, 3, 8, 8]], outputShape: [1, 4, 8, 8],
                          weightShape: [4, 3, 3, 3], biasElements: 4)
    }

    /// Fully connected 10 -> 5 on a batch of 2, with bias: MACs = 2 * 5 * 10 = 100.
    static func fullyConnected(name: String = "fc", input: String = "features",
                               output: String = "fc") throws -> LayerGeometry {
        try LayerGeometry(name: name, kind: .fullyConnected, inputs: [input], output: output,
                          inputShapes: [[2, 10]], outputShape: [2, 5], weightShape: [5, 10], biasElements: 5)
    }

    /// Three 1x1 convolutions in a chain, 4 channels on 8x8: image -> a -> b -> c.
    static func chain() throws -> NetworkGeometry {
        var layers: [LayerGeometry] = []
        var previous = "image"
        for name in ["a", "b", "c"] {
            layers.append(try LayerGeometry(name: name, kind: .convolution, inputs: [previous], output: name,
                                            inputShapes: [[1, 4, 8, 8]], outputShape: [1, 4, 8, 8],
                                            weightShape: [4, 4, 1, 1], biasElements: 4))
            previous = name
        }
        return try NetworkGeometry(layers: layers, graphInputs: ["image"], graphOutputs: ["c"])
    }

    /// Round-number rates: 1 GMAC/s float, 4 GMAC/s int8, 1 G element
    /// operations/s, 1 GB/s, 1 microsecond per operator.
    static func roundProfile() throws -> TargetProfile {
        try TargetProfile(identifier: "round", name: "round numbers", source: "test", clockHertz: nil,
                          floatMACsPerSecond: 1e9, int8MACsPerSecond: 4e9, depthwiseEfficiency: 0.5,
                          elementwiseOperationsPerSecond: 1e9, memoryBandwidthBytesPerSecond: 1e9,
                          operatorOverheadSeconds: 1e-6)
    }
}

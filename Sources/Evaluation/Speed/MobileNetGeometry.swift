/// Layer geometries of MobileNet v1 (Howard et al. 2017, arXiv:1704.04861)
/// as an image classifier and as the backbone of an SSD detector, with
/// batch normalization folded into each convolution's bias and ReLU6 fused.
///
/// Channel counts are `max(minDepth, Int(channels * depthMultiplier))`.
/// Convolutions use "same" padding, so a stride-2 layer maps `n` to
/// `ceil(n / 2)`. These networks carry no weights: they exist so that the
/// speed model can be checked against published latencies.
public enum MobileNetGeometry {
    /// Pointwise output channels and depthwise stride of the 13 separable
    /// blocks at depth multiplier 1, from Table 1 of the MobileNet paper.
    /// That table prints stride 2 for the last depthwise layer, whose input
    /// is already 7x7 at 224x224; the final 7x7 average pool shows that it
    /// keeps stride 1, which is what this table uses.
    static let separableBlocks: [(channels: Int, stride: Int)] = [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ]

    /// Builds the classifier: backbone, global average pool, fully connected
    /// layer to `classes` logits, and a float Softmax.
    public static func classifier(depthMultiplier: Double, resolution: Int, classes: Int = 1001,
                                  minDepth: Int = 8) throws(SpeedModelError) -> NetworkGeometry {
        var builder = Builder(resolution: resolution)
        let (features, _) = try builder.backbone(depthMultiplier: depthMultiplier, minDepth: minDepth)
        let pooled = try builder.add(.globalAveragePool, name: "global_pool", inputs: [features],
                                     output: [1, builder.shape(features)[1], 1, 1])
        let flat = try builder.add(.reshape, name: "flatten", inputs: [pooled], output: [1, builder.shape(features)[1]])
        let logits = try builder.fullyConnected(name: "logits", input: flat, outputs: classes)
        let probabilities = try builder.add(.floatOperation, name: "softmax", inputs: [logits],
                                            output: [1, classes])
        return try builder.network(outputs: [probabilities])
    }

    /// Builds an SSD detector on the MobileNet v1 backbone, in the layout of
    /// the TensorFlow Object Detection API's `ssd_mobilenet_v1` feature
    /// extractor. Feature maps come from blocks 11 and 13 and from four extra
    /// stride-2 layers of depths 512, 256, 256 and 128. Each extra layer is a
    /// 1x1 convolution to half its depth followed by a separable 3x3
    /// convolution. Every feature map gets a separable 3x3 box predictor and
    /// class predictor, with 3 anchors per cell on the first map and 6 on
    /// the others. Class outputs count one background class on top of
    /// `classes`.
    ///
    /// NOTE: anchor decoding and non-maximum suppression are not included;
    /// they run in float after the network and cost the same in both plans.
    public static func ssdLite(depthMultiplier: Double, resolution: Int, classes: Int,
                               minDepth: Int = 16) throws(SpeedModelError) -> NetworkGeometry {
        var builder = Builder(resolution: resolution)
        let (last, blockOutputs) = try builder.backbone(depthMultiplier: depthMultiplier, minDepth: minDepth)
        var featureMaps = [blockOutputs[10], last]
        var previous = last
        for (index, depth) in [512, 256, 256, 128].enumerated() {
            let channels = max(minDepth, Int(Double(depth) * depthMultiplier))
            let reduced = try builder.convolution(name: "extra_\(index + 1)_reduce", input: previous,
                                                  outputs: max(minDepth, channels / 2), kernel: 1, stride: 1)
            previous = try builder.separable(name: "extra_\(index + 1)", input: reduced, outputs: channels, stride: 2)
            featureMaps.append(previous)
        }
        var boxes: [String] = []
        var scores: [String] = []
        for (index, feature) in featureMaps.enumerated() {
            let anchors = index == 0 ? 3 : 6
            boxes.append(try builder.separable(name: "box_\(index)", input: feature, outputs: anchors * 4,
                                               stride: 1, activation: false))
            scores.append(try builder.separable(name: "class_\(index)", input: feature,
                                                outputs: anchors * (classes + 1), stride: 1, activation: false))
        }
        let anchorCount = featureMaps.enumerated().reduce(0) { total, entry in
            let shape = builder.shape(entry.element)
            return total + shape[2] * shape[3] * (entry.offset == 0 ? 3 : 6)
        }
        let boxOutput = try builder.add(.concat, name: "box_encodings", inputs: boxes, output: [1, anchorCount, 4])
        let scoreOutput = try builder.add(.concat, name: "class_predictions", inputs: scores,
                                          output: [1, anchorCount, classes + 1])
        return try builder.network(outputs: [boxOutput, scoreOutput])
    }

    /// Accumulates layers in graph order; each layer's output value is named
    /// after the layer.
    struct Builder {
        var layers: [LayerGeometry] = []
        var shapes: [String: [Int]]
        let input = "image"

        init(resolution: Int) {
            shapes = [input: [1, 3, resolution, resolution]]
        }

        func shape(_ value: String) -> [Int] { shapes[value] ?? [] }

        /// Adds the first convolution and the 13 separable blocks; returns the
        /// last block's output and every block's output.
        mutating func backbone(depthMultiplier: Double, minDepth: Int)
            throws(SpeedModelError) -> (last: String, blocks: [String]) {
            let scaled = { (channels: Int) in max(minDepth, Int(Double(channels) * depthMultiplier)) }
            var current = try convolution(name: "conv_0", input: input, outputs: scaled(32), kernel: 3, stride: 2)
            var blocks: [String] = []
            for (index, block) in MobileNetGeometry.separableBlocks.enumerated() {
                current = try separable(name: "block_\(index + 1)", input: current,
                                        outputs: scaled(block.channels), stride: block.stride)
                blocks.append(current)
            }
            return (current, blocks)
        }

        mutating func add(_ kind: LayerGeometry.Kind, name: String, inputs: [String], output: [Int],
                          weight: [Int]? = nil, bias: Int = 0, groups: Int = 1) throws(SpeedModelError) -> String {
            let layer = try LayerGeometry(name: name, kind: kind, inputs: inputs, output: name,
                                          inputShapes: inputs.map(shape), outputShape: output,
                                          weightShape: weight, biasElements: bias, groups: groups)
            layers.append(layer)
            shapes[name] = output
            return name
        }

        mutating func convolution(name: String, input: String, outputs: Int, kernel: Int,
                                  stride: Int) throws(SpeedModelError) -> String {
            let inputShape = shape(input)
            let size = (inputShape[2] + stride - 1) / stride
            return try add(.convolution, name: name, inputs: [input], output: [1, outputs, size, size],
                           weight: [outputs, inputShape[1], kernel, kernel], bias: outputs)
        }

        /// A 3x3 depthwise convolution followed by a 1x1 convolution.
        /// `activation` only documents whether ReLU6 is fused; it costs nothing.
        mutating func separable(name: String, input: String, outputs: Int, stride: Int,
                                activation: Bool = true) throws(SpeedModelError) -> String {
            let inputShape = shape(input)
            let channels = inputShape[1]
            let size = (inputShape[2] + stride - 1) / stride
            let depthwise = try add(.depthwiseConvolution, name: "\(name)_depthwise", inputs: [input],
                                    output: [1, channels, size, size], weight: [channels, 1, 3, 3],
                                    bias: channels, groups: channels)
            return try convolution(name: "\(name)_pointwise", input: depthwise, outputs: outputs, kernel: 1, stride: 1)
        }

        mutating func fullyConnected(name: String, input: String, outputs: Int) throws(SpeedModelError) -> String {
            let features = shape(input)[1]
            return try add(.fullyConnected, name: name, inputs: [input], output: [1, outputs],
                           weight: [outputs, features], bias: outputs)
        }

        func network(outputs: [String]) throws(SpeedModelError) -> NetworkGeometry {
            try NetworkGeometry(layers: layers, graphInputs: [input], graphOutputs: outputs)
        }
    }
}

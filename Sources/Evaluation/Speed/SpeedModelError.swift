/// Invalid input to the speed model or to a target profile.
public enum SpeedModelError: Error, Equatable, CustomStringConvertible {
    case invalidShape(layer: String, shape: [Int])
    case inputShapeCountMismatch(layer: String, inputs: Int, shapes: Int)
    case invalidGroupCount(layer: String, groups: Int)
    case invalidWindow(layer: String, window: Int)
    case invalidStride(layer: String, stride: Int)
    case invalidBiasElements(layer: String, count: Int)
    case missingWeightShape(layer: String, kind: LayerGeometry.Kind)
    case weightShapeMismatch(layer: String, weightShape: [Int], inputChannels: Int, groups: Int)
    case unknownInput(layer: String, value: String)
    case duplicateValue(layer: String, value: String)
    case unknownGraphOutput(value: String)
    case precisionCountMismatch(layers: Int, precisions: Int)
    case unknownLayer(name: String)
    case int8NotSupported(layer: String, kind: LayerGeometry.Kind)
    case invalidBitWidth(layer: String, weightBits: Int, activationBits: Int)
    case invalidProfileParameter(profile: String, parameter: String, value: Double)

    public var description: String {
        switch self {
        case .invalidShape(let layer, let shape):
            return "layer \(layer): shape \(shape) is invalid; every shape needs at least one dimension, all positive"
        case .inputShapeCountMismatch(let layer, let inputs, let shapes):
            return "layer \(layer): \(inputs) inputs but \(shapes) input shapes; give one shape per input"
        case .invalidGroupCount(let layer, let groups):
            return "layer \(layer): group count \(groups) is invalid; it must be at least 1"
        case .invalidWindow(let layer, let window):
            return "layer \(layer): pooling window of \(window) taps is invalid; it must be at least 1"
        case .invalidStride(let layer, let stride):
            return "layer \(layer): stride \(stride) is invalid; it must be at least 1"
        case .invalidBiasElements(let layer, let count):
            return "layer \(layer): bias element count \(count) is invalid; it must be 0 or more"
        case .weightShapeMismatch(let layer, let weightShape, let inputChannels, let groups):
            return "layer \(layer): weight shape \(weightShape) does not match \(inputChannels) input channels "
                + "in \(groups) groups; dimension 1 of the weight must be input channels / groups"
        case .missingWeightShape(let layer, let kind):
            return "layer \(layer): a \(kind.rawValue) layer needs a weight shape"
        case .unknownInput(let layer, let value):
            return "layer \(layer) reads \(value), which no earlier layer or graph input provides; list layers in graph order"
        case .duplicateValue(let layer, let value):
            return "layer \(layer) writes \(value), which a graph input or earlier layer already provides; value names must be unique"
        case .unknownGraphOutput(let value):
            return "graph output \(value) is written by no layer and is no graph input"
        case .precisionCountMismatch(let layers, let precisions):
            return "\(precisions) precisions given for \(layers) layers; give one precision per layer"
        case .unknownLayer(let name):
            return "no layer is called \(name)"
        case .int8NotSupported(let layer, let kind):
            return "layer \(layer): a \(kind.rawValue) layer always runs in float; set it to float"
        case .invalidBitWidth(let layer, let weightBits, let activationBits):
            return "layer \(layer): bit widths w\(weightBits)/a\(activationBits) are invalid; "
                + "both must be in \(SimulatedPrecision.supportedBits.lowerBound)...\(SimulatedPrecision.supportedBits.upperBound)"
        case .invalidProfileParameter(let profile, let parameter, let value):
            return "target profile \(profile): \(parameter) = \(value) is invalid; it must be finite and positive"
        }
    }
}

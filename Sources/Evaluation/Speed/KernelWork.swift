/// The kernels one layer or conversion runs, each with its `KernelClass`
/// and feature counts (see `KernelFeature`):
///
///     convolution, grouped:  call = batch * groups, mac, patchElement = MACs / (Cout / groups),
///                            patchRow = patchElement / outputWidth, windowRow = patchElement / kW,
///                            stridedPatchElement = patchElement when stride > 1, inputElement, outputElement,
///                            weightRead = batch * weightElements
///     depthwise:             call = batch * groups, mac, inputElement, outputElement
///     fully connected:       mac, inputElement = batch * Cin, outputElement, weightElement
///     pooling:               inputElement, windowElement = outputElements * kH * kW
///     global average pool:   inputElement
///     add, concat, float op: outputElement
///     reshape:               none (overhead only)
///     quantize, dequantize:  outputElement = converted elements
///
/// Every float add and activation also counts `spilledElement` (its output
/// elements) when `bytes`, its input plus output bytes, exceed the cache
/// (`counts(cacheBytes:)`).
///
/// A float layer with a fused activation runs a second kernel,
/// `floatActivation` over its output elements. An int8 layer folds the
/// activation into its output clamp. Grouped convolutions that are not
/// depthwise use the convolution class.
public struct KernelWork: Sendable, Equatable {
    public var kernelClass: KernelClass
    public var counts: [KernelFeature: Int]
    /// Bytes the kernel reads and writes, apart from weights.
    public var bytes: Int

    public init(kernelClass: KernelClass, counts: [KernelFeature: Int], bytes: Int = 0) {
        self.kernelClass = kernelClass
        self.counts = counts
        self.bytes = bytes
    }

    /// Returns `counts` with `spilledElement` set for a class that has the
    /// term: the output elements when `bytes` exceed `cacheBytes`, else 0.
    public func counts(cacheBytes: Int) -> [KernelFeature: Int] {
        guard kernelClass.features.contains(.spilledElement) else { return counts }
        var result = counts
        result[.spilledElement] = bytes > cacheBytes ? counts[.outputElement] ?? 0 : 0
        return result
    }

    /// Returns the kernels `layer` runs at `precision`: one, or two for a
    /// float layer with a fused activation.
    public static func kernels(of layer: LayerGeometry, precision: SimulatedPrecision) -> [KernelWork] {
        let integer = precision.isInteger
        let output = layer.outputElements
        let input = layer.inputElements.reduce(0, +)
        var main: KernelWork
        switch layer.kind {
        case .convolution, .groupedConvolution, .depthwiseConvolution:
            let batch = layer.outputShape.first ?? 1
            let channelsPerGroup = max(1, LayerGeometry.outputChannels(kind: layer.kind,
                                                                       outputShape: layer.outputShape) / layer.groups)
            if layer.kind == .depthwiseConvolution {
                main = KernelWork(kernelClass: integer ? .int8DepthwiseConvolution : .floatDepthwiseConvolution,
                                  counts: [.call: batch * layer.groups, .mac: layer.macs, .inputElement: input,
                                           .outputElement: output])
            } else {
                let patch = layer.macs / channelsPerGroup
                let width = max(1, layer.outputShape.last ?? 1)
                let kernelWidth = max(1, layer.weightShape?.last ?? 1)
                main = KernelWork(kernelClass: integer ? .int8Convolution : .floatConvolution,
                                  counts: [.call: batch * layer.groups, .mac: layer.macs, .patchElement: patch,
                                           .patchRow: patch / width, .windowRow: patch / kernelWidth,
                                           .stridedPatchElement: layer.stride > 1 ? patch : 0,
                                           .inputElement: input, .outputElement: output,
                                           .weightRead: batch * layer.weightElements])
            }
        case .fullyConnected:
            main = KernelWork(kernelClass: integer ? .int8FullyConnected : .floatFullyConnected,
                              counts: [.mac: layer.macs, .inputElement: input, .outputElement: output,
                                       .weightElement: layer.weightElements])
        case .pooling:
            main = KernelWork(kernelClass: integer ? .int8Pooling : .floatPooling,
                              counts: [.inputElement: input, .windowElement: output * layer.window])
        case .globalAveragePool:
            main = KernelWork(kernelClass: integer ? .int8GlobalAveragePool : .floatGlobalAveragePool,
                              counts: [.inputElement: input])
        case .add:
            main = KernelWork(kernelClass: integer ? .int8Add : .floatAdd, counts: [.outputElement: output],
                              bytes: (input + output) * (integer ? 1 : 4))
        case .concat:
            main = KernelWork(kernelClass: integer ? .int8Concat : .floatConcat, counts: [.outputElement: output])
        case .reshape:
            main = KernelWork(kernelClass: integer ? .int8Reshape : .floatReshape, counts: [:])
        case .floatOperation:
            main = KernelWork(kernelClass: .floatOperation, counts: [.outputElement: output])
        }
        guard !integer, layer.fusedActivation else { return [main] }
        return [main, KernelWork(kernelClass: .floatActivation, counts: [.outputElement: output], bytes: 8 * output)]
    }

    /// Returns the kernel of one quantize or dequantize step.
    public static func kernel(of conversion: PrecisionConversion) -> KernelWork {
        KernelWork(kernelClass: conversion.direction == .quantize ? .quantize : .dequantize,
                   counts: [.outputElement: conversion.elements])
    }
}

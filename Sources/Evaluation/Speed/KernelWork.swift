/// The kernels one layer or conversion runs, each with its `KernelClass`
/// and feature counts (see `KernelFeature`):
///
///     convolution, grouped:  call = batch * groups, mac, patchElement = MACs / (Cout / groups)
///                            (0 for an int8 1x1 stride-1 ungrouped convolution, which needs no unfold),
///                            patchRow = patchElement / outputWidth, windowRow = patchElement / kW
///                            (float) or patchElement / (kW * Cin / groups) (int8, channels-last),
///                            stridedPatchElement = patchElement when stride > 1, inputElement, outputElement,
///                            weightRead = batch * weightElements
///     depthwise:             call = batch * groups, mac, inputElement, outputElement
///     fully connected:       mac, inputElement = batch * Cin, outputElement, weightElement
///     pooling:               inputElement, windowElement = outputElements * kH * kW,
///                            float: outputRow = outputElements / outputWidth,
///                            int8: outputPixel = outputElements / C
///     global average pool:   inputElement
///     add, concat, float op: outputElement
///     reshape, float:        none (overhead only)
///     reshape, int8:         inputElement, relaidPixel = N * H * W of a 4-D input with C > 1 and
///                            H * W > 1 (a channels-last to channels-first copy), else 0
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
                // The int8 engine multiplies a 1x1, stride-1, ungrouped
                // convolution's channels-last input directly: no unfold.
                let kernelTaps = layer.weightShape.map { $0.count == 4 ? $0[2] * $0[3] : 0 } ?? 0
                let unfolds = !(integer && kernelTaps == 1 && layer.stride == 1 && layer.groups == 1)
                let patch = unfolds ? layer.macs / channelsPerGroup : 0
                let width = max(1, layer.outputShape.last ?? 1)
                // A float unfold copies runs of one kernel row of one
                // channel (kW values). The int8 engine's channels-last
                // unfold copies kW * Cin / groups bytes per run.
                let kernelWidth = max(1, layer.weightShape?.last ?? 1)
                let channelsPerRun = integer && layer.weightShape?.count == 4 ? layer.weightShape![1] : 1
                let runLength = kernelWidth * max(1, channelsPerRun)
                main = KernelWork(kernelClass: integer ? .int8Convolution : .floatConvolution,
                                  counts: [.call: batch * layer.groups, .mac: layer.macs, .patchElement: patch,
                                           .patchRow: patch / width, .windowRow: patch / runLength,
                                           .stridedPatchElement: layer.stride > 1 ? patch : 0,
                                           .inputElement: input, .outputElement: output,
                                           .weightRead: batch * layer.weightElements])
            }
        case .fullyConnected:
            main = KernelWork(kernelClass: integer ? .int8FullyConnected : .floatFullyConnected,
                              counts: [.mac: layer.macs, .inputElement: input, .outputElement: output,
                                       .weightElement: layer.weightElements])
        case .pooling:
            let width = max(1, layer.outputShape.last ?? 1)
            let pixels = output / max(1, layer.outputShape.count == 4 ? layer.outputShape[1] : 1)
            main = KernelWork(kernelClass: integer ? .int8Pooling : .floatPooling,
                              counts: [.inputElement: input, .windowElement: output * layer.window,
                                       KernelFeature.outputPixel: integer ? pixels : 0,
                                       KernelFeature.outputRow: integer ? 0 : output / width])
        case .globalAveragePool:
            main = KernelWork(kernelClass: integer ? .int8GlobalAveragePool : .floatGlobalAveragePool,
                              counts: [.inputElement: input])
        case .add:
            main = KernelWork(kernelClass: integer ? .int8Add : .floatAdd, counts: [.outputElement: output],
                              bytes: (input + output) * (integer ? 1 : 4))
        case .concat:
            main = KernelWork(kernelClass: integer ? .int8Concat : .floatConcat, counts: [.outputElement: output])
        case .reshape:
            if integer {
                let shape = layer.inputShapes.first ?? []
                let copies = shape.count == 4 && shape[1] > 1 && shape[2] * shape[3] > 1
                main = KernelWork(kernelClass: .int8Reshape,
                                  counts: [.inputElement: copies ? input : 0,
                                           .relaidPixel: copies ? shape[0] * shape[2] * shape[3] : 0])
            } else {
                main = KernelWork(kernelClass: .floatReshape, counts: [:])
            }
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

/// Simulated latency and model size of a float/int8 precision plan.
///
/// Every layer and every inserted quantize or dequantize is priced as
///
///     time = max(compute, memory) + operator overhead
///     compute = MACs / MAC rate of its precision (element operations / element-wise rate
///               for layers without weights and for conversions)
///     memory  = (weight + bias + activation bytes in + out) / bandwidth
///
/// A profile with fitted `kernelCosts` (this machine) instead prices each
/// kernel the layer runs (`KernelWork`), keeping the same `max`:
///
///     compute  = sum over kernels k of sum over features f of secondsPer_k[f] * count_k(f)
///     overhead = sum over kernels k of overheadSeconds_k
///
/// and the latency is the sum over all of them, one thread, no overlap
/// between operators. Memory time assumes each byte travels to and from
/// main memory once, so it overestimates small models that stay in cache.
/// Model size is the weight plus bias bytes of the plan.
public enum SpeedModel {
    /// One-line statement of the formula, for every surface that shows a
    /// simulated figure.
    public static let formulaDescription =
        "layer time = max(MACs / MAC rate, bytes / bandwidth) + per-operator overhead, where a measured "
        + "profile (this-machine) replaces MACs / MAC rate by the sum of its fitted per-kernel terms and the "
        + "overhead by the fitted overheads of the layer's kernels; latency = sum over layers and quantize/dequantize steps; model size = weight + bias bytes "
        + "(int8 at any bit width in 8-bit containers, bias int32)"

    /// Simulates `network` with `precisions[i]` for `network.layers[i]`.
    public static func simulate(_ network: NetworkGeometry, precisions: [SimulatedPrecision],
                                on profile: TargetProfile) throws(SpeedModelError) -> SpeedReport {
        let conversions = try network.conversions(precisions: precisions)
        var layers: [SpeedReport.Layer] = []
        var floatLatency = 0.0
        var floatModelSize = 0
        var modelSize = 0
        for (layer, precision) in zip(network.layers, precisions) {
            let timed = try time(layer, precision: precision, on: profile)
            let floatTimed = try time(layer, precision: .float, on: profile)
            layers.append(timed)
            floatLatency += floatTimed.seconds
            floatModelSize += floatTimed.cost.storedBytes
            modelSize += timed.cost.storedBytes
        }
        let timedConversions = conversions.map { time($0, on: profile) }
        let conversionTotal = SpeedReport.ConversionTotal(
            quantizeCount: conversions.count { $0.direction == .quantize },
            dequantizeCount: conversions.count { $0.direction == .dequantize },
            elements: conversions.reduce(0) { $0 + $1.elements },
            bytes: timedConversions.reduce(0) { $0 + $1.bytesRead + $1.bytesWritten },
            seconds: timedConversions.reduce(0) { $0 + $1.seconds })
        let latency = layers.reduce(0) { $0 + $1.seconds } + conversionTotal.seconds
        let totals = SpeedReport.Totals(
            latencySeconds: latency, floatLatencySeconds: floatLatency,
            speedup: latency > 0 ? floatLatency / latency : 1,
            modelSizeBytes: modelSize, floatModelSizeBytes: floatModelSize,
            sizeRatio: floatModelSize > 0 ? Double(modelSize) / Double(floatModelSize) : 1)
        return SpeedReport(profile: profile, formula: formulaDescription, layers: layers,
                           conversions: timedConversions, conversionTotal: conversionTotal, totals: totals)
    }

    /// Simulates `network` with the layers named in `precisions` at the
    /// given precision and every other layer in float. Throws when a name
    /// matches no layer.
    public static func simulate(_ network: NetworkGeometry, precisionsByName precisions: [String: SimulatedPrecision],
                                on profile: TargetProfile) throws(SpeedModelError) -> SpeedReport {
        let names = Set(network.layers.map(\.name))
        if let unknown = precisions.keys.sorted().first(where: { !names.contains($0) }) {
            throw .unknownLayer(name: unknown)
        }
        let plan = network.layers.map { precisions[$0.name] ?? .float }
        return try simulate(network, precisions: plan, on: profile)
    }

    /// Prices one layer at one precision.
    public static func time(_ layer: LayerGeometry, precision: SimulatedPrecision,
                            on profile: TargetProfile) throws(SpeedModelError) -> SpeedReport.Layer {
        let cost = try LayerCost(layer: layer, precision: precision)
        let memory = Double(cost.totalBytes) / profile.memoryBandwidthBytesPerSecond
        var compute: Double
        var overhead: Double
        if let fitted = fittedTime(of: KernelWork.kernels(of: layer, precision: precision), on: profile) {
            (compute, overhead) = fitted
        } else {
            let rate = layer.kind.hasWeights
                ? profile.macsPerSecond(kind: layer.kind, precision: precision)
                : profile.elementwiseOperationsPerSecond
            compute = Double(cost.macs) / rate
            overhead = profile.operatorOverheadSeconds
        }
        let bits: (weight: Int, activation: Int)? = {
            if case .int8(let weightBits, let activationBits) = precision { return (weightBits, activationBits) }
            return nil
        }()
        return SpeedReport.Layer(
            name: layer.name, kind: layer.kind, precision: precision.isInteger ? "int8" : "float",
            weightBits: bits?.weight, activationBits: bits?.activation, cost: cost, bytes: cost.totalBytes,
            computeSeconds: compute, memorySeconds: memory, overheadSeconds: overhead,
            seconds: max(compute, memory) + overhead,
            bound: bound(compute: compute, memory: memory))
    }

    /// Returns the compute and overhead seconds of `kernels` from the
    /// profile's fitted kernel costs, or nil when the profile has none for
    /// one of them.
    static func fittedTime(of kernels: [KernelWork], on profile: TargetProfile) -> (compute: Double, overhead: Double)? {
        guard let table = profile.kernelCosts else { return nil }
        var compute = 0.0
        var overhead = 0.0
        for kernel in kernels {
            guard let cost = table[kernel.kernelClass] else { return nil }
            compute += cost.workSeconds(kernel.counts(cacheBytes: table.cacheBytes))
            overhead += cost.overheadSeconds
        }
        return (compute, overhead)
    }

    /// Prices one quantize or dequantize step as an element-wise operator.
    public static func time(_ conversion: PrecisionConversion, on profile: TargetProfile) -> SpeedReport.Conversion {
        var compute = Double(conversion.elements) / profile.elementwiseOperationsPerSecond
        var overhead = profile.operatorOverheadSeconds
        if let fitted = fittedTime(of: [KernelWork.kernel(of: conversion)], on: profile) {
            (compute, overhead) = fitted
        }
        let bytes = conversion.bytesRead + conversion.bytesWritten
        let memory = Double(bytes) / profile.memoryBandwidthBytesPerSecond
        return SpeedReport.Conversion(
            conversion: conversion, bytesRead: conversion.bytesRead, bytesWritten: conversion.bytesWritten,
            computeSeconds: compute, memorySeconds: memory, overheadSeconds: overhead,
            seconds: max(compute, memory) + overhead,
            bound: bound(compute: compute, memory: memory))
    }

    private static func bound(compute: Double, memory: Double) -> SpeedReport.Bound {
        if compute == 0 && memory == 0 { return .overhead }
        return compute >= memory ? .compute : .memory
    }
}

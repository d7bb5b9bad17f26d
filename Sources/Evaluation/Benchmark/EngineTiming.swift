/// Measured speed of one engine on one model: end to end and per layer.
public struct EngineTiming: Sendable, Equatable, Codable {
    /// `float` or `int8`.
    public var engine: String
    /// Images per inference call.
    public var batch: Int
    /// Inference calls running at the same time, one batch each.
    public var threads: Int
    /// Wall time of one round of `threads` concurrent calls.
    public var endToEnd: TimingSummary
    /// `batch * threads / endToEnd.medianSeconds`.
    public var imagesPerSecond: Double
    /// Per layer in graph order, one call at a time on one thread.
    public var layers: [LayerTiming]

    public init(engine: String, batch: Int, threads: Int, endToEnd: TimingSummary, layers: [LayerTiming]) {
        self.engine = engine
        self.batch = batch
        self.threads = threads
        self.endToEnd = endToEnd
        self.imagesPerSecond = Self.imagesPerSecond(batch: batch, threads: threads, seconds: endToEnd.medianSeconds)
        self.layers = layers
    }

    /// Returns `batch * threads / seconds`, or 0 when `seconds` is not positive.
    public static func imagesPerSecond(batch: Int, threads: Int, seconds: Double) -> Double {
        seconds > 0 ? Double(batch * threads) / seconds : 0
    }

    /// Sum of the per-layer medians, which leaves out the engine's own
    /// bookkeeping between layers.
    public var layerSumSeconds: Double { layers.reduce(0) { $0 + $1.medianSeconds } }

    enum CodingKeys: String, CodingKey {
        case engine, batch, threads, layers
        case endToEnd = "end_to_end"
        case imagesPerSecond = "images_per_second"
    }
}

/// Measured time of one layer: the sum of the medians of its nodes.
public struct LayerTiming: Sendable, Equatable, Codable {
    public var name: String
    /// Graph nodes timed for this layer (main node, fused activation).
    public var nodes: [String]
    public var medianSeconds: Double

    public init(name: String, nodes: [String], medianSeconds: Double) {
        self.name = name
        self.nodes = nodes
        self.medianSeconds = medianSeconds
    }

    enum CodingKeys: String, CodingKey {
        case name, nodes
        case medianSeconds = "median_seconds"
    }
}

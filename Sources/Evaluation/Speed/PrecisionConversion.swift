/// A quantize or dequantize step that the speed model inserts on a value
/// whose writer and reader run at different precisions.
///
/// Quantize reads float32 and writes an 8-bit container,
/// `q = clamp(round(r / S) + Z, qmin, qmax)`; dequantize does the reverse,
/// `r = S * (q - Z)`. Per element that is 4 bytes read and 1 written, or 1
/// read and 4 written. The graph input and output count as float, so an
/// integer first layer gets a quantize and an integer last layer a
/// dequantize. A value gets at most one conversion, shared by all the
/// readers that need it.
public struct PrecisionConversion: Sendable, Equatable, Codable {
    public enum Direction: String, Sendable, Equatable, Codable {
        case quantize
        case dequantize
    }

    public var direction: Direction
    /// Name of the converted value.
    public var value: String
    /// Layer that writes the value, or nil for a graph input.
    public var producer: String?
    /// Layers that read the converted value; empty when only the graph
    /// output reads it.
    public var consumers: [String]
    public var elements: Int

    public init(direction: Direction, value: String, producer: String?, consumers: [String], elements: Int) {
        self.direction = direction
        self.value = value
        self.producer = producer
        self.consumers = consumers
        self.elements = elements
    }

    public var bytesRead: Int { elements * (direction == .quantize ? 4 : 1) }
    public var bytesWritten: Int { elements * (direction == .quantize ? 1 : 4) }

    enum CodingKeys: String, CodingKey {
        case direction, value, producer, consumers, elements
    }
}

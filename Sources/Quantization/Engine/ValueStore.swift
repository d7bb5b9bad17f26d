import QuantCore

/// The values of one batch as the mixed runtime computes them: float tensors
/// and quantized tensors, each by name.
public struct ValueStore: Sendable {
    public var float: [String: Tensor]
    public var integer: [String: IntegerTensor]

    public init(float: [String: Tensor] = [:], integer: [String: IntegerTensor] = [:]) {
        self.float = float
        self.integer = integer
    }

    public subscript(key: ValueKey) -> Any? {
        switch key {
        case .float(let name): return float[name]
        case .integer(let name): return integer[name]
        }
    }

    public func contains(_ key: ValueKey) -> Bool {
        switch key {
        case .float(let name): return float[name] != nil
        case .integer(let name): return integer[name] != nil
        }
    }

    /// Bytes the value takes: 4 per float element, 1 per quantized element.
    public func byteCount(of key: ValueKey) -> Int {
        switch key {
        case .float(let name): return (float[name]?.count ?? 0) * 4
        case .integer(let name): return integer[name]?.count ?? 0
        }
    }

    /// A store with only `keys` (those present).
    public func keeping(_ keys: Set<ValueKey>) -> ValueStore {
        var kept = ValueStore()
        for key in keys {
            switch key {
            case .float(let name): kept.float[name] = float[name]
            case .integer(let name): kept.integer[name] = integer[name]
            }
        }
        return kept
    }

    /// Merges `other` into this store, overwriting values of the same key.
    public mutating func merge(_ other: ValueStore) {
        float.merge(other.float) { _, new in new }
        integer.merge(other.integer) { _, new in new }
    }
}

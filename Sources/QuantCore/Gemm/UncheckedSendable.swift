/// A value handed to `DispatchQueue.concurrentPerform` workers without a
/// Sendable check: raw pointers into buffers that the workers read, or write
/// in disjoint row ranges. The caller is responsible for that disjointness.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value

    public init(_ value: Value) {
        self.value = value
    }
}

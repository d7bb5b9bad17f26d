// The public kernels are generic over the 8-bit container, but a generic
// body called from another module runs unspecialized, through witness
// tables, several times slower. Each public kernel therefore tests its
// element type once per call and calls its internal skeleton with the
// concrete type, which this module compiles as a specialized copy.

extension UnsafeBufferPointer {
    /// Returns the same memory typed as `Target`. Valid only when `Target` is `Element`.
    @inline(__always)
    func assumingElement<Target>(_ type: Target.Type) -> UnsafeBufferPointer<Target> {
        assert(Target.self == Element.self)
        return unsafeBitCast(self, to: UnsafeBufferPointer<Target>.self)
    }
}

extension UnsafeMutableBufferPointer {
    /// Returns the same memory typed as `Target`. Valid only when `Target` is `Element`.
    @inline(__always)
    func assumingElement<Target>(_ type: Target.Type) -> UnsafeMutableBufferPointer<Target> {
        assert(Target.self == Element.self)
        return unsafeBitCast(self, to: UnsafeMutableBufferPointer<Target>.self)
    }
}

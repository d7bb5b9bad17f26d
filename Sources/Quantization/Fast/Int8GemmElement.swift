/// An 8-bit operand type of `Int8Gemm`: `UInt8` (the uint8 scheme of Jacob
/// et al., 2018) or `Int8` (TFLite's int8 scheme).
///
/// The microkernels multiply unsigned activations by signed weights, so
/// every operand is moved into that form by flipping its sign bit where
/// needed, and its zero-point moves with it:
/// `unsigned = value + unsignedOffset`, `signed = unsigned - 128`.
/// Differences `q - Z` are unchanged by the move, so the product is too.
public protocol Int8GemmElement: FixedWidthInteger, Sendable {
    /// 128 for `Int8`, 0 for `UInt8`.
    static var unsignedOffset: Int32 { get }
    /// The value plus `unsignedOffset`, in 0...255.
    var unsignedByte: UInt8 { get }
}

extension Int8GemmElement {
    /// The value plus `unsignedOffset - 128`, in -128...127.
    @inline(__always)
    var signedByte: Int8 { Int8(bitPattern: unsignedByte ^ 0x80) }
}

extension UInt8: Int8GemmElement {
    public static var unsignedOffset: Int32 { 0 }
    @inline(__always) public var unsignedByte: UInt8 { self }
}

extension Int8: Int8GemmElement {
    public static var unsignedOffset: Int32 { 128 }
    /// Flipping the sign bit of the two's complement byte adds 128.
    @inline(__always) public var unsignedByte: UInt8 { UInt8(bitPattern: self) ^ 0x80 }
}

/// An 8-bit container for a quantized value q, where the real value it
/// encodes is r = S * (q - Z).
///
/// `UInt8` carries the asymmetric scheme of Jacob et al. (2018) and `Int8`
/// carries TFLite's int8 scheme. Lower bit widths keep the 8-bit container
/// and narrow the clamp range, so the kernels need no other element types.
public protocol QuantizedValue: FixedWidthInteger, Sendable {}

extension UInt8: QuantizedValue {}
extension Int8: QuantizedValue {}

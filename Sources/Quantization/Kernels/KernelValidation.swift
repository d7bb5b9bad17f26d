// Argument checks shared by the kernels. They run once per call, before the
// loops, so the loops themselves carry no checks.

func checkCount(_ kernel: String, _ buffer: String, expected: Int, actual: Int) throws(KernelError) {
    guard expected == actual else {
        throw .bufferSizeMismatch(kernel: kernel, buffer: buffer, expected: expected, actual: actual)
    }
}

func checkPositive(_ kernel: String, _ field: String, _ value: Int) throws(KernelError) {
    guard value > 0 else {
        throw .invalidShape(kernel: kernel, field: field, value: value, requirement: "positive")
    }
}

func checkNonNegative(_ kernel: String, _ field: String, _ value: Int) throws(KernelError) {
    guard value >= 0 else {
        throw .invalidShape(kernel: kernel, field: field, value: value, requirement: "zero or positive")
    }
}

/// Checks that a parameter list is per tensor (1 entry) or per channel.
func checkPerChannelCount(_ kernel: String, _ parameter: String, channels: Int, actual: Int) throws(KernelError) {
    guard actual == 1 || actual == channels else {
        throw .parameterCountMismatch(kernel: kernel, parameter: parameter, channels: channels, actual: actual)
    }
}

func checkMultipliers(_ kernel: String, _ multipliers: [QuantizedMultiplier]) throws(KernelError) {
    for multiplier in multipliers where !multiplier.isValid {
        throw .invalidMultiplier(kernel: kernel, multiplier: multiplier)
    }
}

func checkZeroPoint<Element: QuantizedValue>(_ kernel: String, _ name: String, _ value: Int32,
                                             _ type: Element.Type) throws(KernelError) {
    guard value >= Int32(Element.min) && value <= Int32(Element.max) else {
        throw .invalidZeroPoint(kernel: kernel, name: name, value: value)
    }
}

func checkClamp<Element: QuantizedValue>(_ kernel: String, _ clamp: ActivationClamp,
                                         _ type: Element.Type) throws(KernelError) {
    guard clamp.fits(in: Element.self) else {
        throw .invalidClamp(kernel: kernel, clamp: clamp)
    }
}

/// Returns the output extent of a sliding window, or throws when the window
/// does not fit: `(input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride + 1`.
func slidingOutputExtent(_ kernel: String, axis: String, input: Int, window: Int, stride: Int,
                         dilation: Int, padBefore: Int, padAfter: Int) throws(KernelError) -> Int {
    try checkPositive(kernel, "\(axis) input extent", input)
    try checkPositive(kernel, "\(axis) window", window)
    try checkPositive(kernel, "\(axis) stride", stride)
    try checkPositive(kernel, "\(axis) dilation", dilation)
    try checkNonNegative(kernel, "\(axis) pad before", padBefore)
    try checkNonNegative(kernel, "\(axis) pad after", padAfter)
    let span = dilation * (window - 1) + 1
    let padded = input + padBefore + padAfter
    guard padded >= span else {
        throw .invalidShape(kernel: kernel, field: "\(axis) window span", value: span,
                            requirement: "at most the padded input extent \(padded)")
    }
    return (padded - span) / stride + 1
}

/// Returns the half-open range of window taps k whose input coordinate
/// `origin + k * dilation` lies in [0, extent).
@inline(__always)
func validTaps(origin: Int, dilation: Int, window: Int, extent: Int) -> Range<Int> {
    // First tap at or after coordinate 0: ceil(-origin / dilation) when origin < 0.
    let first = origin >= 0 ? 0 : min(window, (-origin + dilation - 1) / dilation)
    // Last tap before coordinate `extent`: floor((extent - 1 - origin) / dilation).
    let lastCoordinate = extent - 1 - origin
    let end = lastCoordinate < 0 ? 0 : min(window, lastCoordinate / dilation + 1)
    // An empty range still starts inside [0, window], so prefix-sum lookups stay in bounds.
    return first < end ? first..<end : first..<first
}

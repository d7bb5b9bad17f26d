import QuantCore

/// The weights of an integer Conv or fully connected layer packed once for
/// `Int8Gemm`, one `PackedInt8Weights` per convolution group (one in all for
/// a fully connected layer).
///
/// Group g computes output channels `g * Cout/groups ..< (g + 1) * Cout/groups`
/// from the `K = (C / groups) * kH * kW` weights of each channel, stored
/// `[Cout][K]`, so its B is the `K x Cout/groups` column-major slice
/// `B_g[k][j] = w[(g * Cout/groups + j) * K + k]`. The packed GEMM takes one
/// weight zero-point per matrix, so every output channel of a group must
/// share its Z2.
///
/// Convolution weights arrive in ONNX order, depth index `c * taps + t` for
/// input channel c and window tap t = ky * kW + kx. With `taps` > 1 they are
/// packed tap-major, depth index `t * C/groups + c`, the order in which
/// im2col gathers channels-last input: each tap is one contiguous run of
/// a pixel's channels.
public struct PackedLayerWeights: Sendable {
    /// One packed matrix per group, in group order.
    public let groups: [PackedInt8Weights]
    /// Window taps kH * kW the depth was reordered by (1 for fully connected).
    public let taps: Int

    /// Packs `weights` (`[outputChannels][depth]`, depth in ONNX order), or
    /// returns nil when the output channels of one group have different
    /// weight zero-points or `taps` does not divide `depth`.
    @_specialize(where Element == Int8)
    @_specialize(where Element == UInt8)
    public init?<Element: Int8GemmElement>(weights: [Element], outputChannels: Int, depth: Int, groups: Int,
                                           weightZeroPoints: [Int32], taps: Int = 1) {
        guard groups > 0, depth > 0, outputChannels > 0, outputChannels % groups == 0, taps > 0,
              depth % taps == 0, weights.count == outputChannels * depth,
              weightZeroPoints.count == 1 || weightZeroPoints.count == outputChannels else { return nil }
        self.taps = taps
        let inputChannels = depth / taps
        let channelsPerGroup = outputChannels / groups
        var packed: [PackedInt8Weights] = []
        packed.reserveCapacity(groups)
        for group in 0..<groups {
            let channels = (group * channelsPerGroup)..<((group + 1) * channelsPerGroup)
            let zeroPoint = weightZeroPoints.count == 1 ? weightZeroPoints[0] : weightZeroPoints[channels.lowerBound]
            if weightZeroPoints.count > 1, weightZeroPoints[channels].contains(where: { $0 != zeroPoint }) {
                return nil
            }
            var slice = Array(weights[(channels.lowerBound * depth)..<(channels.upperBound * depth)])
            if taps > 1 {
                let original = slice
                for column in 0..<channelsPerGroup {
                    for channel in 0..<inputChannels {
                        for tap in 0..<taps {
                            slice[column * depth + tap * inputChannels + channel] =
                                original[column * depth + channel * taps + tap]
                        }
                    }
                }
            }
            guard let matrix = try? PackedInt8Weights(slice, depth: depth, columnCount: channelsPerGroup,
                                                      layout: .columnMajor, zeroPoint: zeroPoint) else { return nil }
            packed.append(matrix)
        }
        self.groups = packed
    }

    /// Whether every `sum (q1 - Z1) * (q2 - Z2)` of the GEMM fits int32 for
    /// `Element` activations with zero-point `inputZeroPoint`: the packed
    /// GEMM refuses deeper products, which then run on the reference kernels.
    func fitsAccumulator<Element: Int8GemmElement>(_ type: Element.Type, inputZeroPoint: Int32) -> Bool {
        let magnitude = Int8Gemm.maximumMagnitude(of: Element.self, zeroPoint: inputZeroPoint)
        return groups.allSatisfy {
            $0.depth <= Int8Gemm.maximumDepth(activationMagnitude: magnitude,
                                              weightMagnitude: $0.maximumWeightMagnitude)
        }
    }
}

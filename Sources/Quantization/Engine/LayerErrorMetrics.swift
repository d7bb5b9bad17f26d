import Foundation

/// How far a quantized layer output is from the float model's, over the
/// same samples. With e = y - x (x float, y quantized), n values:
///
///     MSE = sum(e^2) / n,  SQNR = 10 log10(sum(x^2) / sum(e^2)) dB
///     max error = max |e|, RMSE / S = sqrt(MSE) / S_out
///     cosine = sum(x y) / (|x| |y|)
///     clipped = fraction of x outside the representable range [S(qmin - Z), S(qmax - Z)]
///
/// Rounding alone gives RMSE / S = 1 / sqrt(12) = 0.289 (a uniform error of
/// one step); much more means clipping or accumulated error upstream.
public struct LayerErrorMetrics: Sendable, Equatable {
    public var meanSquaredError: Double
    /// +infinity when the error is exactly zero.
    public var signalToQuantizationNoise: Double
    public var maxAbsoluteError: Double
    /// nil when the output scale is unknown (a float layer).
    public var rmseOverScale: Double?
    /// 1 when both vectors are zero.
    public var cosineSimilarity: Double
    public var clippedFraction: Double
    public var count: Int

    /// RMSE / S of a uniform rounding error alone: 1 / sqrt(12).
    public static let roundingOnlyRMSEOverScale = 1 / 12.0.squareRoot()

    public init(reference: [Float], quantized: [Float], outputParameters: QuantizationParameters?) {
        let count = min(reference.count, quantized.count)
        var errorSquares = 0.0, signal = 0.0, quantizedSquares = 0.0, dot = 0.0, maxError = 0.0
        var clipped = 0
        let representable = outputParameters?.representableRange
        for index in 0..<count {
            let x = Double(reference[index]), y = Double(quantized[index])
            let error = y - x
            errorSquares += error * error
            signal += x * x
            quantizedSquares += y * y
            dot += x * y
            maxError = max(maxError, abs(error))
            if let representable, !representable.contains(reference[index]) { clipped += 1 }
        }
        let n = Double(max(count, 1))
        self.count = count
        meanSquaredError = errorSquares / n
        signalToQuantizationNoise = errorSquares == 0 ? .infinity : 10 * log10(signal / errorSquares)
        maxAbsoluteError = maxError
        rmseOverScale = outputParameters.map { (errorSquares / n).squareRoot() / Double($0.scale) }
        let norms = (signal * quantizedSquares).squareRoot()
        cosineSimilarity = norms == 0 ? (signal == quantizedSquares ? 1 : 0) : dot / norms
        clippedFraction = Double(clipped) / n
    }
}

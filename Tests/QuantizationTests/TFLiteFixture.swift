import Foundation
import Quantization

/// One TFLite reference fixture: a small int8 or uint8 graph run by the
/// TFLite interpreter's reference kernels, with every tensor (NHWC) and the
/// integer parameters TFLite derived for each operator.
struct TFLiteFixture: Decodable {
    struct Tensor: Decodable {
        var index: Int
        var type: String
        var shape: [Int]
        var scale_bits: [UInt32]?
        var zero_points: [Int32]
        var data: [Int64]

        var scales: [Float] { (scale_bits ?? []).map { Float(bitPattern: $0) } }
    }

    struct Multiplier: Decodable {
        var real: Double
        var multiplier: Int32
        var shift: Int32

        var quantized: QuantizedMultiplier { QuantizedMultiplier(m0: multiplier, shift: shift) }
    }

    struct Padding: Decodable {
        var output_height: Int
        var output_width: Int
        var top: Int
        var left: Int
        var bottom: Int
        var right: Int
    }

    struct Options: Decodable {
        var fused_activation: String?
        var stride_h: Int?
        var stride_w: Int?
        var dilation_h_factor: Int?
        var dilation_w_factor: Int?
        var depth_multiplier: Int?
        var filter_height: Int?
        var filter_width: Int?
        var axis: Int?
    }

    struct Derived: Decodable {
        var output_offset: Int32?
        var output_activation_min: Int32?
        var output_activation_max: Int32?
        var input_offset: Int32?
        var weights_offsets: [Int32]?
        var output_multipliers: [Multiplier]?
        var output_multiplier: Multiplier?
        var input1_offset: Int32?
        var input2_offset: Int32?
        var input1_multiplier: Multiplier?
        var input2_multiplier: Multiplier?
        var left_shift: Int32?
        var padding: Padding?

        var clamp: ActivationClamp {
            ActivationClamp(lower: output_activation_min ?? 0, upper: output_activation_max ?? 0)
        }
    }

    struct Operator: Decodable {
        var position: Int
        var op: String
        var options: Options
        var inputs: [Int]
        var outputs: [Int]
        var derived: Derived?
    }

    var name: String
    var scheme: String
    var operators: [Operator]
    var tensors: [Tensor]

    func tensor(_ index: Int) -> Tensor? {
        tensors.first { $0.index == index }
    }

    /// Every fixture in the test bundle, sorted by file name.
    static func loadAll() throws -> [(file: String, fixture: TFLiteFixture)] {
        guard let directory = Bundle.module.url(forResource: "Fixtures/tflite", withExtension: nil) else {
            return []
        }
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { url in
            (url.lastPathComponent, try JSONDecoder().decode(TFLiteFixture.self, from: Data(contentsOf: url)))
        }
    }
}

/// Reorders [N, H, W, C] data to [N, C, H, W].
func nhwcToNCHW<Value>(_ values: [Value], batch: Int, height: Int, width: Int, channels: Int) -> [Value] {
    var result = values
    for n in 0..<batch {
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    result[((n * channels + c) * height + y) * width + x] = values[((n * height + y) * width + x) * channels + c]
                }
            }
        }
    }
    return result
}

/// Reorders [N, C, H, W] data to [N, H, W, C].
func nchwToNHWC<Value>(_ values: [Value], batch: Int, height: Int, width: Int, channels: Int) -> [Value] {
    var result = values
    for n in 0..<batch {
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    result[((n * height + y) * width + x) * channels + c] = values[((n * channels + c) * height + y) * width + x]
                }
            }
        }
    }
    return result
}

/// Options shared by every subcommand that loads a model and its data.
enum CommonOptions {
    static let data: [OptionSpec] = [
        OptionSpec("--data", value: "PATH",
                   help: "Images to evaluate: IDX (.gz or raw), .npy, .npz or a folder of class folders. Default: the model's quantscope.data metadata."),
        OptionSpec("--labels", value: "PATH",
                   help: "Labels for --data (IDX or .npy). Without labels, agreement with the float model is reported instead of accuracy."),
        OptionSpec("--limit", value: "N", help: "Evaluate only the first N samples."),
        OptionSpec("--input-scale", value: "X",
                   help: "Multiply raw pixel values by X before mean/std (default 1/255 for uint8 data, 1 for float data)."),
        OptionSpec("--input-mean", value: "M[,M...]", help: "Subtract M (one value, or one per channel) after scaling."),
        OptionSpec("--input-std", value: "S[,S...]", help: "Divide by S (one value, or one per channel) after subtracting the mean."),
        OptionSpec("--input-layout", value: "NCHW|NHWC", help: "Layout of multi-channel arrays in --data (default NCHW)."),
    ]

    static let quantization: [OptionSpec] = [
        OptionSpec("--quantize", value: "none|all|LAYER[,LAYER...]",
                   help: "Layers to run in integer arithmetic (default none)."),
        OptionSpec("--float", value: "LAYER[,LAYER...]", help: "Keep these layers in float, after --quantize."),
        OptionSpec("--scheme", value: "paper|tflite",
                   help: "paper: uint8 asymmetric per tensor; tflite: int8 symmetric per-channel weights, int8 asymmetric activations (default tflite)."),
        OptionSpec("--per-channel", help: "One weight scale per output channel."),
        OptionSpec("--per-tensor", help: "One weight scale per tensor."),
        OptionSpec("--weight-bits", value: "N", help: "Weight bit width, 2 to 8 (default 8)."),
        OptionSpec("--activation-bits", value: "N", help: "Activation bit width, 2 to 8 (default 8)."),
        OptionSpec("--calibration", value: "METHOD",
                   help: "minmax, moving-average, percentile[:P], mse or kl (default minmax)."),
        OptionSpec("--calibration-data", value: "PATH",
                   help: "Images for calibration. Default: the model's quantscope.calibration_data metadata."),
        OptionSpec("--plan", value: "FILE", help: "Load a quantization plan (JSON) before applying the other options."),
        OptionSpec("--save-plan", value: "FILE", help: "Write the resulting plan as JSON."),
        OptionSpec("--mode", value: "integer|fake-quant",
                   help: "integer: int8 layers run in integer arithmetic; fake-quant: a float simulation of them (default integer)."),
    ]
}

#!/usr/bin/env python3
"""Generate bit-exact int8 and uint8 reference fixtures from the TFLite interpreter.

Each case is a tiny float TensorFlow graph (one or two ops) that the TFLite
converter quantizes, to int8 with a seeded representative dataset or to
uint8 from FakeQuant ranges.  The quantized model then runs in the LiteRT
interpreter with the reference kernels (OpResolverType.BUILTIN_REF).  One
JSON file per case records every tensor (shape, scales, zero points, raw
values) and every operator with its options.  It also records the
requantization parameters that the TFLite kernels derive from the scales.
FORMAT.md beside this script describes every field.

Versions used to produce the committed fixtures (see requirements.txt):
    Python 3.11.7, tensorflow-cpu 2.21.0, ai-edge-litert 2.3.0, numpy 2.4.6

Run from anywhere:
    /work/venvs/tflite/bin/python generate.py [--out DIR] [--only NAME ...]
"""

import argparse
import inspect
import json
import math
import os
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

# Keep __pycache__ out of this folder: SwiftPM copies the folder as a test resource.
sys.dont_write_bytecode = True

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import ai_edge_litert  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
from tensorflow.lite.tools import flatbuffer_utils  # noqa: E402

import integer_reference  # noqa: E402

FORMAT_VERSION = 1
BASE_SEED = 20181215
CALIBRATION_SAMPLES = 64

OPERATOR_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
PADDING_NAMES = {v: k for k, v in vars(schema.Padding).items() if not k.startswith("_")}
ACTIVATION_NAMES = {
    v: k for k, v in vars(schema.ActivationFunctionType).items() if not k.startswith("_")
}
TENSOR_TYPE_NAMES = {v: k for k, v in vars(schema.TensorType).items() if not k.startswith("_")}


# ---------------------------------------------------------------------------
# Requantization parameters, computed the way the TFLite kernels compute them
# in their Prepare step.  The bit-exact check in run_case confirms them.
# ---------------------------------------------------------------------------

def round_half_away_from_zero(x):
    """Round like C's std::round: ties go away from zero."""
    return math.copysign(math.floor(abs(x) + 0.5), x)


def quantize_multiplier(real_multiplier):
    """Split a positive double into a Q0.31 int32 significand and a power-of-two exponent.

    real_multiplier == significand * 2^(shift - 31), with significand in
    [2^30, 2^31).  frexp yields q in [0.5, 1).  Rounding q * 2^31 half away
    from zero can reach 2^31, and then it is halved and the shift grows by one.
    Exponents below -31 flush the multiplier to zero, as TFLite does.
    """
    if real_multiplier == 0.0:
        return 0, 0
    q, shift = math.frexp(real_multiplier)
    q_fixed = int(round_half_away_from_zero(q * (1 << 31)))
    assert q_fixed <= (1 << 31)
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        shift = 0
        q_fixed = 0
    return q_fixed, shift


def activation_range(activation, scale, zero_point, qmin=-128, qmax=127):
    """Clamp range of a fused activation in the quantized domain.

    TFLite quantizes each bound as zero_point + round(f / scale), where the
    division and the rounding are done in float32.
    """
    scale32 = np.float32(scale)

    def quantize(f):
        return zero_point + int(round_half_away_from_zero(float(np.float32(f) / scale32)))

    if activation == "NONE":
        return qmin, qmax
    if activation == "RELU":
        return max(qmin, quantize(0.0)), qmax
    if activation == "RELU6":
        return max(qmin, quantize(0.0)), min(qmax, quantize(6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, quantize(-1.0)), min(qmax, quantize(1.0))
    raise ValueError(f"unsupported fused activation {activation}; "
                     "expected NONE, RELU, RELU6 or RELU_N1_TO_1")


def explicit_padding(padding, in_size, filter_size, stride, dilation):
    """Output size and explicit padding (before, after) along one spatial axis.

    TFLite computes the output size from the padding type, then
    total = max((out - 1) * stride + effective_filter - in, 0),
    before = total // 2 and after = total - before (the extra row or column,
    if any, goes after).  The reference kernels only read `before`.
    """
    effective_filter = (filter_size - 1) * dilation + 1
    if padding == "SAME":
        out_size = (in_size + stride - 1) // stride
    elif padding == "VALID":
        out_size = (in_size - effective_filter + stride) // stride
    else:
        raise ValueError(f"unsupported padding {padding}; expected SAME or VALID")
    total = max((out_size - 1) * stride + effective_filter - in_size, 0)
    before = total // 2
    return out_size, before, total - before


def multiplier_entry(real_multiplier):
    significand, shift = quantize_multiplier(real_multiplier)
    return {"real": real_multiplier, "multiplier": significand, "shift": shift}


# ---------------------------------------------------------------------------
# Model building and conversion
# ---------------------------------------------------------------------------

class Case:
    """One fixture: a float graph, its input ranges and converter switches."""

    def __init__(self, name, description, input_shapes, build, input_ranges=None,
                 per_tensor_weights=False, scheme="int8"):
        self.name = name
        self.scheme = scheme
        self.description = description
        self.input_shapes = input_shapes
        self.build = build
        self.input_ranges = input_ranges or [(-1.0, 1.0)] * len(input_shapes)
        self.per_tensor_weights = per_tensor_weights


def case_seed(name):
    """Stable per-case seed so that adding a case does not change the others."""
    return BASE_SEED + sum((i + 1) * ord(c) for i, c in enumerate(name))


def sample_inputs(rng, case, widen=1.0):
    samples = []
    for shape, (low, high) in zip(case.input_shapes, case.input_ranges):
        mid = 0.5 * (low + high)
        half = 0.5 * (high - low) * widen
        samples.append(rng.uniform(mid - half, mid + half, size=shape).astype(np.float32))
    return samples


def convert(case, rng):
    """Quantize the case's float graph to a full-int8 TFLite flatbuffer."""
    weights_rng = np.random.default_rng(rng.integers(1 << 31))
    module = tf.Module()
    signature = [tf.TensorSpec(shape, tf.float32) for shape in case.input_shapes]
    graph = case.build(weights_rng)
    module.forward = tf.function(graph, input_signature=signature)
    concrete = module.forward.get_concrete_function()
    argument_names = list(inspect.signature(graph).parameters)

    calibration = [sample_inputs(rng, case) for _ in range(CALIBRATION_SAMPLES)]

    def representative_dataset():
        # Keyed by argument name, because the converter does not keep the
        # argument order for the model inputs.
        for sample in calibration:
            yield dict(zip(argument_names, sample))

    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    if case.per_tensor_weights:
        # Private switch of the TF 2.x converter. run_case asserts that the
        # weight tensors then have a single scale.
        converter._experimental_disable_per_channel = True
    return converter.convert(), argument_names


def convert_uint8(case, rng):
    """Convert a fake-quantized TF1 graph to a uint8 TFLite flatbuffer.

    The TF1 converter with inference_type=tf.uint8 still emits real uint8
    kernels (uint8 activations and weights, the scheme of Jacob et al. 2018)
    when every tensor carries FakeQuant min/max ranges, so no calibration
    runs: the ranges come from the graph.  Inputs get FakeQuant nodes for
    their ranges and matching quantized_input_stats, where
    real = (q - mean) / std_dev.
    """
    weights_rng = np.random.default_rng(rng.integers(1 << 31))
    graph = tf.Graph()
    with graph.as_default():
        forward = case.build(weights_rng)
        argument_names = list(inspect.signature(forward).parameters)
        placeholders, fake_quantized, stats = [], [], {}
        for name, shape, (low, high) in zip(argument_names, case.input_shapes,
                                            case.input_ranges):
            placeholder = tf.compat.v1.placeholder(tf.float32, shape, name=name)
            placeholders.append(placeholder)
            fake_quantized.append(fake_quant(placeholder, low, high))
            scale = (high - low) / 255.0
            stats[name] = (-low / scale, 1.0 / scale)
        output = forward(*fake_quantized)
        with tf.compat.v1.Session(graph=graph) as session:
            converter = tf.compat.v1.lite.TFLiteConverter.from_session(
                session, placeholders, [output])
            converter.inference_type = tf.uint8
            converter.quantized_input_stats = stats
            return converter.convert(), argument_names


def fake_quant(tensor, low, high):
    return tf.quantization.fake_quant_with_min_max_args(tensor, min=low, max=high, num_bits=8)


# ---------------------------------------------------------------------------
# Reading the model and the interpreter
# ---------------------------------------------------------------------------

def float32_bits(value):
    return int(np.array([value], dtype=np.float32).view(np.uint32)[0])


def tensor_record(detail, value):
    quant = detail["quantization_parameters"]
    scales = [float(s) for s in np.asarray(quant["scales"], dtype=np.float32)]
    record = {
        "index": int(detail["index"]),
        "name": detail["name"],
        "type": np.dtype(detail["dtype"]).name,
        "shape": [int(d) for d in detail["shape"]],
        "scales": scales,
        "scale_bits": [float32_bits(s) for s in scales],
        "zero_points": [int(z) for z in quant["zero_points"]],
        "quantized_dimension": int(quant["quantized_dimension"]),
    }
    if value is None:
        record["data"] = None
    elif np.issubdtype(value.dtype, np.integer):
        record["data"] = [int(v) for v in value.reshape(-1)]
    else:
        record["data"] = [float(v) for v in value.reshape(-1)]
    return record


def operator_options(op):
    """Options of a TFLite operator as plain names and integers."""
    options = op.builtinOptions
    if options is None:
        return {}
    result = {}
    for key, value in vars(options).items():
        if key == "padding":
            result["padding"] = PADDING_NAMES[value]
        elif key == "fusedActivationFunction":
            result["fused_activation"] = ACTIVATION_NAMES[value]
        elif isinstance(value, (bool, int, float)):
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()
            result[snake] = value
    return result


def spatial_padding(options, input_shape, filter_height, filter_width):
    out_h, top, bottom = explicit_padding(
        options["padding"], input_shape[1], filter_height, options["stride_h"],
        options.get("dilation_h_factor", 1))
    out_w, left, right = explicit_padding(
        options["padding"], input_shape[2], filter_width, options["stride_w"],
        options.get("dilation_w_factor", 1))
    return {
        "output_height": out_h, "output_width": out_w,
        "top": top, "left": left, "bottom": bottom, "right": right,
    }


def derive(op_name, options, inputs, outputs, tensors):
    """Requantization parameters that the TFLite Prepare step derives for one operator."""
    def tensor(i):
        return tensors[i] if i >= 0 else None

    out = tensor(outputs[0])
    out_scale = out["scales"][0]
    out_zero = out["zero_points"][0]
    activation = options.get("fused_activation", "NONE")
    limits = np.iinfo(np.dtype(out["type"]))
    act_min, act_max = activation_range(activation, out_scale, out_zero,
                                        int(limits.min), int(limits.max))
    derived = {
        "output_offset": out_zero,
        "output_activation_min": act_min,
        "output_activation_max": act_max,
    }

    if op_name in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
        data_in, weights = tensor(inputs[0]), tensor(inputs[1])
        in_scale = data_in["scales"][0]
        derived["input_offset"] = -data_in["zero_points"][0]
        derived["weights_offsets"] = [-z for z in weights["zero_points"]]
        # Effective scale per output channel, in double from the float32
        # scales: (input_scale * filter_scale) / output_scale.
        derived["output_multipliers"] = [
            multiplier_entry((float(in_scale) * float(w)) / float(out_scale))
            for w in weights["scales"]
        ]
        if op_name == "CONV_2D":
            derived["padding"] = spatial_padding(
                options, data_in["shape"], weights["shape"][1], weights["shape"][2])
        elif op_name == "DEPTHWISE_CONV_2D":
            derived["padding"] = spatial_padding(
                options, data_in["shape"], weights["shape"][1], weights["shape"][2])
    elif op_name in ("ADD", "SUB"):
        a, b = tensor(inputs[0]), tensor(inputs[1])
        left_shift = 20
        twice_max = 2.0 * max(float(a["scales"][0]), float(b["scales"][0]))
        derived.update({
            "left_shift": left_shift,
            "input1_offset": -a["zero_points"][0],
            "input2_offset": -b["zero_points"][0],
            "input1_multiplier": multiplier_entry(float(a["scales"][0]) / twice_max),
            "input2_multiplier": multiplier_entry(float(b["scales"][0]) / twice_max),
            "output_multiplier": multiplier_entry(
                twice_max / ((1 << left_shift) * float(out_scale))),
        })
    elif op_name in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
        data_in = tensor(inputs[0])
        derived["padding"] = spatial_padding(
            options, data_in["shape"], options["filter_height"], options["filter_width"])
    elif op_name in ("QUANTIZE", "MEAN"):
        data_in = tensor(inputs[0])
        derived["input_offset"] = -data_in["zero_points"][0]
        derived["output_multiplier"] = multiplier_entry(
            float(data_in["scales"][0]) / float(out_scale))
    return derived


def run_case(case):
    rng = np.random.default_rng(case_seed(case.name))
    if case.scheme == "uint8":
        flatbuffer, argument_names = convert_uint8(case, rng)
    else:
        flatbuffer, argument_names = convert(case, rng)

    model = flatbuffer_utils.read_model_from_bytearray(bytearray(flatbuffer))
    assert len(model.subgraphs) == 1, f"{case.name}: expected one subgraph"
    subgraph = model.subgraphs[0]

    interpreter = Interpreter(
        model_content=flatbuffer,
        experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
        experimental_preserve_all_tensors=True,
    )
    interpreter.allocate_tensors()

    # The converter names model inputs serving_default_<argument>:0 and does
    # not keep the argument order, so inputs are matched by name.
    by_name = {d["name"]: d for d in interpreter.get_input_details()}
    prefix = "" if case.scheme == "uint8" else "serving_default_"
    suffix = "" if case.scheme == "uint8" else ":0"
    input_details = [by_name[f"{prefix}{name}{suffix}"] for name in argument_names]
    test_inputs = sample_inputs(rng, case, widen=1.2)
    for detail, sample in zip(input_details, test_inputs):
        expected_type = np.uint8 if case.scheme == "uint8" else np.int8
        assert detail["dtype"] == expected_type, f"{case.name}: input is {detail['dtype']}"
        limits = np.iinfo(expected_type)
        scale, zero = detail["quantization"]
        quantized = np.clip(np.round(sample / scale) + zero, limits.min, limits.max)
        quantized = quantized.astype(expected_type)
        interpreter.set_tensor(detail["index"], quantized)
    interpreter.invoke()

    # Kernels add scratch tensors (MEAN does) after the model's own tensors;
    # their contents are undefined, so only the model's tensors are stored.
    tensors = {}
    for detail in interpreter.get_tensor_details():
        if detail["index"] >= len(subgraph.tensors):
            continue
        try:
            value = interpreter.get_tensor(detail["index"])
        except ValueError:
            value = None
        tensors[detail["index"]] = tensor_record(detail, value)

    operators = []
    for position, op in enumerate(subgraph.operators):
        code = model.operatorCodes[op.opcodeIndex]
        op_code = max(code.builtinCode, code.deprecatedBuiltinCode)
        op_name = OPERATOR_NAMES[op_code]
        options = operator_options(op)
        inputs = [int(i) for i in op.inputs]
        outputs = [int(i) for i in op.outputs]
        operators.append({
            "position": position,
            "op": op_name,
            "version": int(code.version),
            "options": options,
            "inputs": inputs,
            "outputs": outputs,
            "derived": derive(op_name, options, inputs, outputs, tensors),
        })

    # Recompute each operator from the stored values alone; a mismatch means a
    # derived parameter (or FORMAT.md's arithmetic) is wrong, so it is fatal.
    for op in operators:
        problem = integer_reference.check_operator(op, tensors)
        if problem == "not modelled":
            op["python_model_check"] = "not modelled"
        elif problem is None:
            op["python_model_check"] = "bit-exact"
            op["outputs_changed_by_single_rounding"] = integer_reference.count_outputs_changed_by(
                op, tensors, integer_reference.multiply_single_rounding)
        else:
            raise AssertionError(f"{case.name}: {op['op']} at {op['position']}: {problem}")

    if case.per_tensor_weights:
        for op in operators:
            if op["op"] in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
                scales = tensors[op["inputs"][1]]["scales"]
                assert len(scales) == 1, f"{case.name}: weights are not per-tensor"

    return {
        "format_version": FORMAT_VERSION,
        "name": case.name,
        "scheme": case.scheme,
        "description": case.description,
        "generator": {
            "script": "generate.py",
            "seed": case_seed(case.name),
            "python": sys.version.split()[0],
            "tensorflow": tf.__version__,
            "ai_edge_litert": ai_edge_litert.__version__,
            "numpy": np.__version__,
            "op_resolver": "BUILTIN_REF",
        },
        "inputs": [int(d["index"]) for d in input_details],
        "outputs": [int(d["index"]) for d in interpreter.get_output_details()],
        "operators": operators,
        "tensors": [tensors[i] for i in sorted(tensors)],
    }


def to_json(document):
    """Pretty JSON with every innermost list of numbers on one line."""
    text = json.dumps(document, indent=1)
    return re.sub(r"\[[^\[\]{}\"]*\]", lambda m: json.dumps(json.loads(m.group(0))), text) + "\n"


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def apply_activation(x, activation):
    if activation == "relu":
        return tf.nn.relu(x)
    if activation == "relu6":
        return tf.nn.relu6(x)
    return x


def conv2d(in_channels, out_channels, kernel, stride, padding, dilation=1, activation=None,
           bias=True, weight_gain=1.0):
    def build(rng):
        limit = weight_gain / math.sqrt(kernel * kernel * in_channels)
        weights = tf.constant(
            rng.uniform(-limit, limit, (kernel, kernel, in_channels, out_channels)), tf.float32)
        offsets = tf.constant(rng.uniform(-0.2, 0.2, out_channels), tf.float32)

        def forward(x):
            y = tf.nn.conv2d(x, weights, strides=stride, padding=padding, dilations=dilation)
            if bias:
                y = y + offsets
            return apply_activation(y, activation)
        return forward
    return build


def depthwise(channels, kernel, stride, padding, activation=None, multiplier=1):
    def build(rng):
        weights = tf.constant(
            rng.uniform(-0.6, 0.6, (kernel, kernel, channels, multiplier)), tf.float32)
        offsets = tf.constant(rng.uniform(-0.2, 0.2, channels * multiplier), tf.float32)

        def forward(x):
            y = tf.nn.depthwise_conv2d(x, weights, strides=[1, stride, stride, 1],
                                       padding=padding)
            return apply_activation(y + offsets, activation)
        return forward
    return build


def fully_connected(in_features, out_features, activation=None):
    def build(rng):
        limit = 1.0 / math.sqrt(in_features)
        weights = tf.constant(rng.uniform(-limit, limit, (in_features, out_features)), tf.float32)
        offsets = tf.constant(rng.uniform(-0.2, 0.2, out_features), tf.float32)

        def forward(x):
            return apply_activation(tf.matmul(x, weights) + offsets, activation)
        return forward
    return build


def add(activation=None):
    def build(rng):
        def forward(a, b):
            return apply_activation(a + b, activation)
        return forward
    return build


def conv_residual_add(channels):
    def build(rng):
        inner = conv2d(channels, channels, 3, 1, "SAME", activation="relu")(rng)

        def forward(x):
            return x + inner(x)
        return forward
    return build


def pool(kind, size, stride, padding):
    def build(rng):
        def forward(x):
            if kind == "max":
                return tf.nn.max_pool2d(x, size, stride, padding)
            return tf.nn.avg_pool2d(x, size, stride, padding)
        return forward
    return build


def mean_hw(keepdims):
    def build(rng):
        def forward(x):
            return tf.reduce_mean(x, axis=[1, 2], keepdims=keepdims)
        return forward
    return build


def concat():
    def build(rng):
        def forward(a, b):
            return tf.concat([a, b], axis=3)
        return forward
    return build


def conv_concat(channels, activation="relu6", weight_gain=1.0):
    """Concatenate a block input with a convolution of it (DenseNet style).

    The converter gives the convolution the concatenation's output range, so
    when the input range is wider than the activation's, the fused
    activation clamps inside the int8 range instead of at its ends.
    """
    def build(rng):
        inner = conv2d(channels, channels, 3, 1, "SAME", activation=activation,
                       weight_gain=weight_gain)(rng)

        def forward(x):
            return tf.concat([x, inner(x)], axis=3)
        return forward
    return build


def add_then_concat():
    """Concatenate an Add result with a third input calibrated on a different range."""
    def build(rng):
        def forward(a, b, c):
            return tf.concat([a + b, c], axis=3)
        return forward
    return build


def fake_quant_constant(values):
    """A float constant behind a FakeQuant over its own min/max (asymmetric in general)."""
    return fake_quant(tf.constant(values, tf.float32), float(values.min()), float(values.max()))


def uint8_conv2d(in_channels, out_channels, kernel, stride, padding, output_range,
                 activation=None):
    def build(rng):
        weights = rng.uniform(-0.3, 0.6, (kernel, kernel, in_channels, out_channels))
        offsets = tf.constant(rng.uniform(-0.2, 0.2, out_channels), tf.float32)

        def forward(x):
            y = tf.nn.conv2d(x, fake_quant_constant(weights), strides=stride, padding=padding)
            return fake_quant(apply_activation(y + offsets, activation), *output_range)
        return forward
    return build


def uint8_depthwise(channels, kernel, stride, padding, output_range, activation=None):
    def build(rng):
        weights = rng.uniform(-0.4, 0.8, (kernel, kernel, channels, 1))
        offsets = tf.constant(rng.uniform(-0.2, 0.2, channels), tf.float32)

        def forward(x):
            y = tf.nn.depthwise_conv2d(x, fake_quant_constant(weights),
                                       strides=[1, stride, stride, 1], padding=padding)
            return fake_quant(apply_activation(y + offsets, activation), *output_range)
        return forward
    return build


def uint8_fully_connected(in_features, out_features, output_range, activation=None):
    def build(rng):
        weights = rng.uniform(-0.2, 0.35, (in_features, out_features))
        offsets = tf.constant(rng.uniform(-0.2, 0.2, out_features), tf.float32)

        def forward(x):
            y = tf.matmul(x, fake_quant_constant(weights)) + offsets
            return fake_quant(apply_activation(y, activation), *output_range)
        return forward
    return build


def uint8_add(output_range, activation=None):
    def build(rng):
        def forward(a, b):
            return fake_quant(apply_activation(a + b, activation), *output_range)
        return forward
    return build


def uint8_pool(kind, size, stride, padding, output_range):
    def build(rng):
        inner = pool(kind, size, stride, padding)(rng)

        def forward(x):
            return fake_quant(inner(x), *output_range)
        return forward
    return build


SHIFTED = (-0.4, 2.0)  # asymmetric range: the input zero point is far from zero

CASES = [
    Case("conv2d_same_stride1_bias", "Conv2D 3x3, SAME, stride 1, bias, no activation",
         [(1, 7, 7, 3)], conv2d(3, 4, 3, 1, "SAME"), [SHIFTED]),
    Case("conv2d_same_stride2_relu", "Conv2D 3x3, SAME, stride 2 on an even size, ReLU",
         [(1, 8, 8, 3)], conv2d(3, 4, 3, 2, "SAME", activation="relu"), [SHIFTED]),
    Case("conv2d_same_stride2_odd_relu6", "Conv2D 3x3, SAME, stride 2 on an odd size, ReLU6",
         [(1, 9, 9, 2)], conv2d(2, 3, 3, 2, "SAME", activation="relu6"), [(-3.0, 5.0)]),
    Case("conv2d_same_kernel4", "Conv2D 4x4, SAME, stride 1: uneven padding (top 1, bottom 2)",
         [(1, 6, 6, 2)], conv2d(2, 3, 4, 1, "SAME"), [SHIFTED]),
    Case("conv2d_valid_stride1", "Conv2D 3x3, VALID, stride 1",
         [(1, 7, 7, 3)], conv2d(3, 4, 3, 1, "VALID")),
    Case("conv2d_valid_stride2_relu", "Conv2D 3x3, VALID, stride 2, ReLU",
         [(1, 9, 9, 3)], conv2d(3, 5, 3, 2, "VALID", activation="relu"), [SHIFTED]),
    Case("conv2d_dilation2_same", "Conv2D 3x3, dilation 2, SAME, stride 1",
         [(1, 9, 9, 2)], conv2d(2, 3, 3, 1, "SAME", dilation=2), [SHIFTED]),
    Case("conv2d_1x1_relu6", "Conv2D 1x1 (pointwise), VALID, ReLU6",
         [(1, 5, 5, 4)], conv2d(4, 6, 1, 1, "VALID", activation="relu6"), [(-4.0, 8.0)]),
    Case("conv2d_1x1_rounding_stress",
         "Conv2D 1x1 on a larger input: enough outputs to hit rounding ties",
         [(1, 24, 24, 8)], conv2d(8, 16, 1, 1, "VALID"), [SHIFTED]),
    Case("conv2d_per_tensor_same_relu", "Conv2D 3x3, SAME, ReLU, per-tensor weight scale",
         [(1, 7, 7, 3)], conv2d(3, 4, 3, 1, "SAME", activation="relu"), [SHIFTED],
         per_tensor_weights=True),
    Case("depthwise_same_stride1", "DepthwiseConv2D 3x3, multiplier 1, SAME, stride 1",
         [(1, 7, 7, 4)], depthwise(4, 3, 1, "SAME"), [SHIFTED]),
    Case("depthwise_same_stride2_relu6",
         "DepthwiseConv2D 3x3, multiplier 1, SAME, stride 2, ReLU6",
         [(1, 8, 8, 4)], depthwise(4, 3, 2, "SAME", activation="relu6"), [(-2.0, 6.0)]),
    Case("depthwise_multiplier2_same",
         "DepthwiseConv2D 3x3, depth multiplier 2, SAME, stride 1",
         [(1, 6, 6, 3)], depthwise(3, 3, 1, "SAME", multiplier=2), [SHIFTED]),
    Case("depthwise_valid_stride1_relu", "DepthwiseConv2D 3x3, multiplier 1, VALID, ReLU",
         [(1, 6, 6, 3)], depthwise(3, 3, 1, "VALID", activation="relu")),
    Case("fully_connected_bias", "FullyConnected 16 -> 8 with bias",
         [(1, 16)], fully_connected(16, 8), [SHIFTED]),
    Case("fully_connected_relu", "FullyConnected 24 -> 10 with bias and ReLU",
         [(1, 24)], fully_connected(24, 10, activation="relu")),
    Case("add_different_scales", "Add of two inputs whose scales differ by about 4x",
         [(1, 5, 5, 3), (1, 5, 5, 3)], add(), [(-1.0, 1.0), (-3.0, 5.0)]),
    Case("add_different_scales_relu", "Add with ReLU of two inputs with different scales",
         [(1, 6, 6, 2), (1, 6, 6, 2)], add("relu"), [(-0.5, 2.0), (-4.0, 3.0)]),
    Case("conv2d_residual_add", "Conv2D 3x3 SAME ReLU followed by Add with the block input",
         [(1, 6, 6, 3)], conv_residual_add(3), [SHIFTED]),
    Case("max_pool_valid_2x2", "MaxPool2D 2x2, stride 2, VALID",
         [(1, 8, 8, 3)], pool("max", 2, 2, "VALID"), [SHIFTED]),
    Case("max_pool_same_3x3_stride2", "MaxPool2D 3x3, stride 2, SAME",
         [(1, 7, 7, 2)], pool("max", 3, 2, "SAME")),
    Case("average_pool_valid_2x2", "AveragePool2D 2x2, stride 2, VALID",
         [(1, 8, 8, 3)], pool("avg", 2, 2, "VALID"), [SHIFTED]),
    Case("average_pool_same_3x3_stride2",
         "AveragePool2D 3x3, stride 2, SAME: edge windows average fewer elements",
         [(1, 7, 7, 2)], pool("avg", 3, 2, "SAME"), [SHIFTED]),
    Case("average_pool_same_3x3_stride1", "AveragePool2D 3x3, stride 1, SAME",
         [(1, 5, 5, 2)], pool("avg", 3, 1, "SAME"), [(-1.0, 1.0)]),
    Case("mean_hw_keepdims", "Mean over H and W with keep_dims (global average pool)",
         [(1, 6, 6, 4)], mean_hw(True), [SHIFTED]),
    Case("mean_hw", "Mean over H and W without keep_dims",
         [(1, 5, 7, 6)], mean_hw(False), [SHIFTED]),
    Case("concatenation_calibrated_ranges",
         "Concatenation of two inputs calibrated on different ranges; the converter "
         "gives both inputs the output's scale and zero point",
         [(1, 5, 5, 2), (1, 5, 5, 3)], concat(), [(-1.0, 1.0), (-2.0, 6.0)]),
    Case("conv2d_concatenation", "Conv2D 3x3 SAME ReLU6, then Concatenation with the conv input",
         [(1, 5, 5, 3)], conv_concat(3), [(-3.0, 3.0)]),
    Case("conv2d_relu6_clamp_concatenation",
         "Conv2D ReLU6 concatenated with an input of range -3..9: both ReLU6 bounds "
         "clamp inside the int8 range",
         [(1, 6, 6, 3)], conv_concat(3, weight_gain=3.0), [(-3.0, 9.0)]),
    Case("add_concatenation", "Add of two inputs, then Concatenation with a third input",
         [(1, 5, 5, 2), (1, 5, 5, 2), (1, 5, 5, 3)], add_then_concat(),
         [(-1.0, 1.0), (-2.0, 2.0), (-0.5, 0.5)]),
    Case("uint8_conv2d_same_relu",
         "uint8 Conv2D 3x3, SAME, stride 1, ReLU, asymmetric weights (zero point not 128)",
         [(1, 7, 7, 3)], uint8_conv2d(3, 4, 3, 1, "SAME", (0.0, 4.0), "relu"), [SHIFTED],
         scheme="uint8"),
    Case("uint8_conv2d_relu_clamp",
         "uint8 Conv2D 3x3 SAME with ReLU and an output range of -1..4, so ReLU clamps "
         "at the zero point",
         [(1, 6, 6, 3)], uint8_conv2d(3, 4, 3, 1, "SAME", (-1.0, 4.0), "relu"), [SHIFTED],
         scheme="uint8"),
    Case("uint8_depthwise_relu6_clamp",
         "uint8 DepthwiseConv2D 3x3 SAME with ReLU6 and an output range of -1.5..7.5, "
         "so both ReLU6 bounds clamp inside 0..255",
         [(1, 6, 6, 3)], uint8_depthwise(3, 3, 1, "SAME", (-1.5, 7.5), "relu6"), [(-3.0, 5.0)],
         scheme="uint8"),
    Case("uint8_conv2d_valid_stride2", "uint8 Conv2D 3x3, VALID, stride 2, no activation",
         [(1, 9, 9, 2)], uint8_conv2d(2, 3, 3, 2, "VALID", (-2.5, 3.5)), [(-1.0, 1.0)],
         scheme="uint8"),
    Case("uint8_depthwise_same_stride2_relu6",
         "uint8 DepthwiseConv2D 3x3, multiplier 1, SAME, stride 2, ReLU6",
         [(1, 8, 8, 3)], uint8_depthwise(3, 3, 2, "SAME", (0.0, 6.0), "relu6"), [(-2.0, 6.0)],
         scheme="uint8"),
    Case("uint8_fully_connected", "uint8 FullyConnected 16 -> 6 with bias",
         [(1, 16)], uint8_fully_connected(16, 6, (-1.5, 2.5)), [SHIFTED], scheme="uint8"),
    Case("uint8_add_different_scales", "uint8 Add of two inputs with different scales",
         [(1, 5, 5, 3), (1, 5, 5, 3)], uint8_add((-4.0, 6.0)), [(-1.0, 1.0), (-3.0, 5.0)],
         scheme="uint8"),
    Case("uint8_average_pool_same_3x3_stride2", "uint8 AveragePool2D 3x3, stride 2, SAME",
         [(1, 7, 7, 2)], uint8_pool("avg", 3, 2, "SAME", SHIFTED), [SHIFTED], scheme="uint8"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                        help="directory for the JSON files (default: beside this script)")
    parser.add_argument("--only", nargs="*", help="generate only these case names")
    arguments = parser.parse_args()

    selected = [c for c in CASES if not arguments.only or c.name in arguments.only]
    for case in selected:
        document = run_case(case)
        path = os.path.join(arguments.out, case.name + ".json")
        with open(path, "w") as handle:
            handle.write(to_json(document))
        ops = ", ".join(op["op"] for op in document["operators"])
        print(f"{case.name}: {ops}")


if __name__ == "__main__":
    main()

"""Independent Python model of the TFLite int8 and uint8 reference kernels.

generate.py runs every fixture through these functions, fed only with the
values stored in the fixture (tensors, options and the derived
multipliers, shifts, offsets and clamp ranges), and requires the result to
equal the interpreter's output bit for bit.  A mismatch means either a
derived parameter or the documented arithmetic in FORMAT.md is wrong.

All arithmetic is on Python integers, with the int32 wrap-around and the
C++ truncating division of the kernels written out where they matter.
"""

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def divide_truncating(a, b):
    """C++ integer division: the quotient is rounded toward zero."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


def saturating_rounding_doubling_high_mul(a, b):
    """High 32 bits of 2*a*b, rounded to nearest with ties away from zero."""
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    product = a * b
    nudge = (1 << 30) if product >= 0 else 1 - (1 << 30)
    return divide_truncating(product + nudge, 1 << 31)


def rounding_divide_by_power_of_two(x, exponent):
    """x / 2^exponent rounded to nearest with ties away from zero."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def wrap_int32(x):
    return ((x + (1 << 31)) % (1 << 32)) - (1 << 31)


def multiply_by_quantized_multiplier(x, multiplier, shift):
    """x * multiplier * 2^(shift - 31): a left shift, a doubling high multiply, a rounding right shift."""
    left = shift if shift > 0 else 0
    right = -shift if shift < 0 else 0
    return rounding_divide_by_power_of_two(
        saturating_rounding_doubling_high_mul(wrap_int32(x * (1 << left)), multiplier), right)


def multiply_single_rounding(x, multiplier, shift):
    """x * multiplier * 2^(shift - 31) with one round-half-up at the end.

    This is the TFLITE_SINGLE_ROUNDING variant, which the reference build
    used here does not use.  It only serves to count the outputs that tell
    the two variants apart.
    """
    total_shift = 31 - shift
    return (x * multiplier + (1 << (total_shift - 1))) >> total_shift


def clamp(x, low, high):
    return min(max(x, low), high)


def _array(tensor):
    return np.array(tensor["data"], dtype=np.int64).reshape(tensor["shape"])


def conv2d(op, tensors):
    data = _array(tensors[op["inputs"][0]])
    weights = _array(tensors[op["inputs"][1]])  # OHWI
    bias_index = op["inputs"][2] if len(op["inputs"]) > 2 else -1
    bias = tensors[bias_index]["data"] if bias_index >= 0 else None
    options, derived = op["options"], op["derived"]
    pad = derived["padding"]
    batches, in_h, in_w, _ = data.shape
    out_channels, k_h, k_w, _ = weights.shape
    stride_h, stride_w = options["stride_h"], options["stride_w"]
    dil_h, dil_w = options["dilation_h_factor"], options["dilation_w_factor"]
    weights = weights + np.array(derived["weights_offsets"]).reshape(-1, 1, 1, 1)
    output = np.zeros((batches, pad["output_height"], pad["output_width"], out_channels), np.int64)
    for b in range(batches):
        for oy in range(pad["output_height"]):
            for ox in range(pad["output_width"]):
                for oc in range(out_channels):
                    acc = 0
                    for ky in range(k_h):
                        iy = oy * stride_h - pad["top"] + ky * dil_h
                        if iy < 0 or iy >= in_h:
                            continue
                        for kx in range(k_w):
                            ix = ox * stride_w - pad["left"] + kx * dil_w
                            if ix < 0 or ix >= in_w:
                                continue
                            values = data[b, iy, ix, :] + derived["input_offset"]
                            acc += int(np.dot(values, weights[oc, ky, kx, :]))
                    output[b, oy, ox, oc] = _requantize_accumulator(acc, oc, bias, derived)
    return output


def depthwise_conv2d(op, tensors):
    data = _array(tensors[op["inputs"][0]])
    weights = _array(tensors[op["inputs"][1]])  # 1HWO, O = input channels * multiplier
    bias_index = op["inputs"][2] if len(op["inputs"]) > 2 else -1
    bias = tensors[bias_index]["data"] if bias_index >= 0 else None
    options, derived = op["options"], op["derived"]
    pad = derived["padding"]
    batches, in_h, in_w, in_channels = data.shape
    _, k_h, k_w, out_channels = weights.shape
    weights = weights + np.array(derived["weights_offsets"]).reshape(1, 1, 1, -1)
    depth_multiplier = options["depth_multiplier"]
    stride_h, stride_w = options["stride_h"], options["stride_w"]
    dil_h, dil_w = options["dilation_h_factor"], options["dilation_w_factor"]
    output = np.zeros((batches, pad["output_height"], pad["output_width"], out_channels), np.int64)
    for b in range(batches):
        for oy in range(pad["output_height"]):
            for ox in range(pad["output_width"]):
                for oc in range(out_channels):
                    ic = oc // depth_multiplier
                    acc = 0
                    for ky in range(k_h):
                        iy = oy * stride_h - pad["top"] + ky * dil_h
                        if iy < 0 or iy >= in_h:
                            continue
                        for kx in range(k_w):
                            ix = ox * stride_w - pad["left"] + kx * dil_w
                            if ix < 0 or ix >= in_w:
                                continue
                            acc += (int(data[b, iy, ix, ic]) + derived["input_offset"]) * int(
                                weights[0, ky, kx, oc])
                    output[b, oy, ox, oc] = _requantize_accumulator(acc, oc, bias, derived)
    return output


def fully_connected(op, tensors):
    data = _array(tensors[op["inputs"][0]])
    weights = _array(tensors[op["inputs"][1]])  # [output features, input features]
    bias_index = op["inputs"][2] if len(op["inputs"]) > 2 else -1
    bias = tensors[bias_index]["data"] if bias_index >= 0 else None
    derived = op["derived"]
    out_features, in_features = weights.shape
    rows = data.reshape(-1, in_features)
    output = np.zeros((rows.shape[0], out_features), np.int64)
    weights_offsets = derived["weights_offsets"]
    for r in range(rows.shape[0]):
        for o in range(out_features):
            weights_offset = weights_offsets[o if len(weights_offsets) > 1 else 0]
            acc = int(np.dot(rows[r] + derived["input_offset"], weights[o] + weights_offset))
            output[r, o] = _requantize_accumulator(acc, o, bias, derived)
    return output


def _requantize_accumulator(acc, channel, bias, derived):
    if bias is not None:
        acc += bias[channel]
    entries = derived["output_multipliers"]
    entry = entries[channel if len(entries) > 1 else 0]
    acc = multiply_by_quantized_multiplier(acc, entry["multiplier"], entry["shift"])
    acc += derived["output_offset"]
    return clamp(acc, derived["output_activation_min"], derived["output_activation_max"])


def add(op, tensors):
    a = _array(tensors[op["inputs"][0]])
    b = _array(tensors[op["inputs"][1]])
    derived = op["derived"]
    a, b = np.broadcast_arrays(a, b)
    output = np.zeros(a.shape, np.int64)
    m1, m2, mo = derived["input1_multiplier"], derived["input2_multiplier"], derived[
        "output_multiplier"]
    for index in np.ndindex(a.shape):
        shifted1 = (int(a[index]) + derived["input1_offset"]) * (1 << derived["left_shift"])
        shifted2 = (int(b[index]) + derived["input2_offset"]) * (1 << derived["left_shift"])
        scaled1 = multiply_by_quantized_multiplier(shifted1, m1["multiplier"], m1["shift"])
        scaled2 = multiply_by_quantized_multiplier(shifted2, m2["multiplier"], m2["shift"])
        raw = multiply_by_quantized_multiplier(scaled1 + scaled2, mo["multiplier"], mo["shift"])
        raw += derived["output_offset"]
        output[index] = clamp(raw, derived["output_activation_min"],
                              derived["output_activation_max"])
    return output


def pool2d(op, tensors):
    data = _array(tensors[op["inputs"][0]])
    options, derived = op["options"], op["derived"]
    pad = derived["padding"]
    batches, in_h, in_w, channels = data.shape
    output = np.zeros((batches, pad["output_height"], pad["output_width"], channels), np.int64)
    for b in range(batches):
        for oy in range(pad["output_height"]):
            for ox in range(pad["output_width"]):
                y0 = oy * options["stride_h"] - pad["top"]
                x0 = ox * options["stride_w"] - pad["left"]
                ys = range(max(y0, 0), min(y0 + options["filter_height"], in_h))
                xs = range(max(x0, 0), min(x0 + options["filter_width"], in_w))
                for c in range(channels):
                    window = [int(data[b, y, x, c]) for y in ys for x in xs]
                    if op["op"] == "MAX_POOL_2D":
                        value = max(window)
                    else:
                        total, count = sum(window), len(window)
                        if total > 0:
                            value = divide_truncating(total + count // 2, count)
                        else:
                            value = divide_truncating(total - count // 2, count)
                    output[b, oy, ox, c] = clamp(value, derived["output_activation_min"],
                                                 derived["output_activation_max"])
    return output


def mean_hw(op, tensors):
    data = _array(tensors[op["inputs"][0]])
    derived = op["derived"]
    batches, in_h, in_w, channels = data.shape
    count = in_h * in_w
    entry = derived["output_multiplier"]
    output = np.zeros((batches, channels), np.int64)
    for b in range(batches):
        for c in range(channels):
            acc = int(np.sum(data[b, :, :, c] + derived["input_offset"]))
            acc = multiply_by_quantized_multiplier(acc, entry["multiplier"], entry["shift"])
            if acc > 0:
                acc = divide_truncating(acc + count // 2, count)
            else:
                acc = divide_truncating(acc - count // 2, count)
            output[b, c] = clamp(acc + derived["output_offset"],
                                 derived["output_activation_min"], derived["output_activation_max"])
    return output


def requantize(op, tensors):
    data = _array(tensors[op["inputs"][0]])
    derived = op["derived"]
    entry = derived["output_multiplier"]
    output = np.zeros(data.shape, np.int64)
    for index in np.ndindex(data.shape):
        value = multiply_by_quantized_multiplier(
            int(data[index]) + derived["input_offset"], entry["multiplier"], entry["shift"])
        output[index] = clamp(value + derived["output_offset"],
                              derived["output_activation_min"], derived["output_activation_max"])
    return output


def concatenation(op, tensors):
    parts = [_array(tensors[i]) for i in op["inputs"]]
    return np.concatenate(parts, axis=op["options"]["axis"])


KERNELS = {
    "CONV_2D": conv2d,
    "DEPTHWISE_CONV_2D": depthwise_conv2d,
    "FULLY_CONNECTED": fully_connected,
    "ADD": add,
    "MAX_POOL_2D": pool2d,
    "AVERAGE_POOL_2D": pool2d,
    "MEAN": mean_hw,
    "QUANTIZE": requantize,
    "CONCATENATION": concatenation,
}


def count_outputs_changed_by(op, tensors, multiply):
    """Count the operator's outputs that change when `multiply` replaces the double-rounding multiply."""
    kernel = KERNELS.get(op["op"])
    if kernel is None:
        return None
    global multiply_by_quantized_multiplier
    original = multiply_by_quantized_multiplier
    try:
        baseline = kernel(op, tensors)
        multiply_by_quantized_multiplier = multiply
        variant = kernel(op, tensors)
    finally:
        multiply_by_quantized_multiplier = original
    return int(np.count_nonzero(baseline != variant))


def check_operator(op, tensors):
    """Recompute one operator from the fixture and compare with the interpreter's output.

    Returns None when the model matches bit for bit, a short description of
    the first difference otherwise, or "not modelled" for operators (or
    variants) that this module does not cover.
    """
    kernel = KERNELS.get(op["op"])
    if kernel is None:
        return "not modelled"
    expected = _array(tensors[op["outputs"][0]])
    actual = kernel(op, tensors).reshape(expected.shape)
    if np.array_equal(actual, expected):
        return None
    differences = np.argwhere(actual != expected)
    first = tuple(int(i) for i in differences[0])
    return (f"{len(differences)} of {expected.size} values differ; first at {first}: "
            f"model {int(actual[first])}, interpreter {int(expected[first])}")

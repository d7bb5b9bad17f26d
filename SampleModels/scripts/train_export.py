#!/usr/bin/env python3
"""Train one quantscope sample model on Fashion-MNIST and export it to ONNX.

Each architecture is written once, as a function of an `ops` object. The JAX
backend (`JaxOps`) runs it for training and evaluation, the ONNX backend
(`OnnxOps`) replays the same calls to emit one named node per call, so the
exported graph matches the trained network layer for layer. Batch
normalization stays a BatchNormalization node with its trained running
statistics.

Usage:
    python3 train_export.py --model cnn [--epochs N] [--seed S]

Versions used: see requirements.txt beside this script (JAX on CPU).
"""

import argparse
import gzip
import os
import sys
import time

import numpy as np
import jax
import jax.numpy as jnp
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort

DATA_DIR = "/usr/share/datasets/fashion-mnist"
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.dirname(SCRIPT_DIR)

# Mean and standard deviation of the 60,000 training images after pixel / 255.
FASHION_MEAN = 0.2860
FASHION_STD = 0.3530

BN_EPSILON = 1e-5
# Running statistics follow running = (1 - BN_MOMENTUM) * running + BN_MOMENTUM * batch.
BN_MOMENTUM = 0.1

CLASS_NAMES = "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"


# ----------------------------------------------------------------------------
# Data


def read_idx(path):
    """Read a gzip IDX file (images: uint8 [N, 28, 28], labels: uint8 [N])."""
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    offset = 4 + 4 * dims
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def load_split(prefix):
    images = read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    return images, labels.astype(np.int32)


def normalize(images_uint8, mean, std):
    """Map uint8 [N, 28, 28] pixels to float32 [N, 1, 28, 28] as (p / 255 - mean) / std."""
    x = images_uint8.astype(np.float32) * np.float32(1.0 / 255.0)
    x = (x - np.float32(mean)) / np.float32(std)
    return x[:, None, :, :]


def augment(images_uint8, rng, pad):
    """Flip each image horizontally with probability 1/2 and shift it by up to `pad` pixels."""
    count = images_uint8.shape[0]
    flips = rng.random(count) < 0.5
    out = images_uint8.copy()
    out[flips] = out[flips, :, ::-1]
    if pad == 0:
        return out
    padded = np.pad(out, ((0, 0), (pad, pad), (pad, pad)))
    rows = rng.integers(0, 2 * pad + 1, size=count)
    cols = rng.integers(0, 2 * pad + 1, size=count)
    row_index = rows[:, None] + np.arange(28)[None, :]
    col_index = cols[:, None] + np.arange(28)[None, :]
    return padded[np.arange(count)[:, None, None], row_index[:, :, None], col_index[:, None, :]]


# ----------------------------------------------------------------------------
# JAX backend


def depthwise_conv(x, weight, stride, pad):
    """Depthwise convolution as a sum of kH * kW shifted, channel-scaled copies of x.

    y[n, c, i, j] = sum over (a, b) of weight[c, 0, a, b] * x_padded[n, c, i * stride + a, j * stride + b].
    The result equals a grouped Conv with group = C. The elementwise form keeps
    training off XLA's grouped-convolution gradient, which was slow on CPU here.
    """
    _, _, height, width = x.shape
    kernel = weight.shape[2]
    out_height = (height + 2 * pad - kernel) // stride + 1
    out_width = (width + 2 * pad - kernel) // stride + 1
    padded = jnp.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    y = 0.0
    for a in range(kernel):
        for b in range(kernel):
            window = padded[:, :, a:a + stride * (out_height - 1) + 1:stride, b:b + stride * (out_width - 1) + 1:stride]
            y = y + window * weight[None, :, 0, a, b, None, None]
    return y


class JaxOps:
    """Backend that runs a model definition in JAX.

    With `init_rng` set, it creates every parameter from the shape of the
    tensor reaching it (He-normal weights, zero biases, unit BN scale).
    With `train` set, batch normalization uses batch statistics and records
    updated running statistics in `new_state`.
    """

    def __init__(self, params, state, train, init_rng=None):
        self.params = params
        self.state = state
        self.train = train
        self.init_rng = init_rng
        self.new_state = {}

    def _param(self, name, shape, fan_in=None, fill=None):
        if self.init_rng is not None and name not in self.params:
            if fill is not None:
                value = np.full(shape, fill, dtype=np.float32)
            else:
                value = self.init_rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape).astype(np.float32)
            self.params[name] = jnp.asarray(value)
        return self.params[name]

    def _state(self, name, shape, fill):
        if self.init_rng is not None and name not in self.state:
            self.state[name] = jnp.full(shape, fill, dtype=jnp.float32)
        return self.state[name]

    def channels(self, x):
        return x.shape[1]

    def conv(self, name, x, out_channels, kernel, stride=1, groups=1, bias=False, out=None):
        in_channels = x.shape[1]
        fan_in = in_channels // groups * kernel * kernel
        weight = self._param(f"{name}.weight", (out_channels, in_channels // groups, kernel, kernel), fan_in)
        pad = kernel // 2
        if groups > 1 and groups == in_channels == out_channels:
            y = depthwise_conv(x, weight, stride, pad)
        elif kernel == 1 and groups == 1:
            # A 1x1 convolution is a matrix product over channels, which XLA on CPU
            # differentiates faster than the convolution primitive.
            y = jnp.einsum("nchw,oc->nohw", x[:, :, ::stride, ::stride], weight[:, :, 0, 0])
        else:
            y = jax.lax.conv_general_dilated(
                x, weight, window_strides=(stride, stride), padding=[(pad, pad), (pad, pad)],
                dimension_numbers=("NCHW", "OIHW", "NCHW"), feature_group_count=groups)
        if bias:
            y = y + self._param(f"{name}.bias", (out_channels,), fill=0.0)[None, :, None, None]
        return y

    def batch_norm(self, name, x, out=None):
        channels = x.shape[1]
        scale = self._param(f"{name}.weight", (channels,), fill=1.0)
        shift = self._param(f"{name}.bias", (channels,), fill=0.0)
        running_mean = self._state(f"{name}.running_mean", (channels,), 0.0)
        running_var = self._state(f"{name}.running_var", (channels,), 1.0)
        if self.train:
            mean = jnp.mean(x, axis=(0, 2, 3))
            var = jnp.var(x, axis=(0, 2, 3))
            self.new_state[f"{name}.running_mean"] = (1 - BN_MOMENTUM) * running_mean + BN_MOMENTUM * mean
            self.new_state[f"{name}.running_var"] = (1 - BN_MOMENTUM) * running_var + BN_MOMENTUM * var
        else:
            mean, var = running_mean, running_var
        inv = scale / jnp.sqrt(var + BN_EPSILON)
        return (x - mean[None, :, None, None]) * inv[None, :, None, None] + shift[None, :, None, None]

    def relu(self, name, x, out=None):
        return jnp.maximum(x, 0.0)

    def relu6(self, name, x, out=None):
        return jnp.clip(x, 0.0, 6.0)

    def max_pool(self, name, x, out=None):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def global_average_pool(self, name, x, out=None):
        return jnp.mean(x, axis=(2, 3), keepdims=True)

    def flatten(self, name, x, out=None):
        return x.reshape(x.shape[0], -1)

    def gemm(self, name, x, out_features, out=None):
        in_features = x.shape[1]
        weight = self._param(f"{name}.weight", (out_features, in_features), in_features)
        bias = self._param(f"{name}.bias", (out_features,), fill=0.0)
        return x @ weight.T + bias

    def add(self, name, a, b, out=None):
        return a + b


# ----------------------------------------------------------------------------
# ONNX backend


class OnnxOps:
    """Backend that replays a model definition as ONNX nodes, with value names as tensors.

    Each call emits one node named `name` whose output value has the same
    name, unless `out` gives the output value another name.
    """

    def __init__(self, params, state):
        self.arrays = {**params, **state}
        self.nodes = []
        self.initializers = {}
        self.clip_bounds_added = False
        # Channel count of each value, which mobilenet and resnet read to size a layer.
        self.channel_counts = {"input": 1}

    def channels(self, x):
        return self.channel_counts[x]

    def _init(self, name):
        self.initializers[name] = numpy_helper.from_array(np.asarray(self.arrays[name], dtype=np.float32), name)
        return name

    def _node(self, op_type, name, inputs, out, channels=None, **attributes):
        output = out or name
        self.channel_counts[output] = channels if channels is not None else self.channel_counts[inputs[0]]
        self.nodes.append(helper.make_node(op_type, inputs, [output], name=name, **attributes))
        return output

    def conv(self, name, x, out_channels, kernel, stride=1, groups=1, bias=False, out=None):
        inputs = [x, self._init(f"{name}.weight")]
        if bias:
            inputs.append(self._init(f"{name}.bias"))
        pad = kernel // 2
        return self._node("Conv", name, inputs, out, channels=out_channels, kernel_shape=[kernel, kernel],
                          strides=[stride, stride], pads=[pad, pad, pad, pad],
                          dilations=[1, 1], group=groups)

    def batch_norm(self, name, x, out=None):
        inputs = [x] + [self._init(f"{name}.{suffix}") for suffix in ("weight", "bias", "running_mean", "running_var")]
        return self._node("BatchNormalization", name, inputs, out, epsilon=BN_EPSILON,
                          momentum=1.0 - BN_MOMENTUM)

    def relu(self, name, x, out=None):
        return self._node("Relu", name, [x], out)

    def relu6(self, name, x, out=None):
        if not self.clip_bounds_added:
            self.initializers["relu6.min"] = numpy_helper.from_array(np.array(0.0, dtype=np.float32), "relu6.min")
            self.initializers["relu6.max"] = numpy_helper.from_array(np.array(6.0, dtype=np.float32), "relu6.max")
            self.clip_bounds_added = True
        return self._node("Clip", name, [x, "relu6.min", "relu6.max"], out)

    def max_pool(self, name, x, out=None):
        return self._node("MaxPool", name, [x], out, kernel_shape=[2, 2], strides=[2, 2])

    def global_average_pool(self, name, x, out=None):
        return self._node("GlobalAveragePool", name, [x], out)

    def flatten(self, name, x, out=None):
        return self._node("Flatten", name, [x], out, axis=1)

    def gemm(self, name, x, out_features, out=None):
        inputs = [x, self._init(f"{name}.weight"), self._init(f"{name}.bias")]
        return self._node("Gemm", name, inputs, out, channels=out_features, alpha=1.0, beta=1.0, transA=0, transB=1)

    def add(self, name, a, b, out=None):
        return self._node("Add", name, [a, b], out)


# ----------------------------------------------------------------------------
# Architectures


def mlp(ops, x):
    x = ops.flatten("flatten", x)
    x = ops.gemm("fc1", x, 256)
    x = ops.relu("relu1", x)
    x = ops.gemm("fc2", x, 128)
    x = ops.relu("relu2", x)
    return ops.gemm("fc3", x, 10, out="logits")


def cnn(ops, x):
    x = ops.conv("conv1", x, 32, 3)
    x = ops.batch_norm("bn1", x)
    x = ops.relu("relu1", x)
    x = ops.max_pool("pool1", x)
    x = ops.conv("conv2", x, 64, 3)
    x = ops.batch_norm("bn2", x)
    x = ops.relu("relu2", x)
    x = ops.max_pool("pool2", x)
    x = ops.flatten("flatten", x)
    x = ops.gemm("fc1", x, 128)
    x = ops.relu("relu3", x)
    return ops.gemm("fc2", x, 10, out="logits")


# (output channels, stride) of each depthwise-separable block.
MOBILENET_BLOCKS = [(64, 1), (128, 2), (128, 1), (128, 1)]


def mobilenet(ops, x):
    x = ops.conv("conv1", x, 32, 3, stride=2)
    x = ops.batch_norm("bn1", x)
    x = ops.relu6("relu1", x)
    for index, (out_channels, stride) in enumerate(MOBILENET_BLOCKS, start=1):
        block = f"block{index}"
        channels = ops.channels(x)
        x = ops.conv(f"{block}.dw", x, channels, 3, stride=stride, groups=channels)
        x = ops.batch_norm(f"{block}.dw_bn", x)
        x = ops.relu6(f"{block}.dw_relu", x)
        x = ops.conv(f"{block}.pw", x, out_channels, 1)
        x = ops.batch_norm(f"{block}.pw_bn", x)
        x = ops.relu6(f"{block}.pw_relu", x)
    x = ops.global_average_pool("gap", x)
    x = ops.flatten("flatten", x)
    return ops.gemm("fc", x, 10, out="logits")


# (output channels, stride) of each residual block; a block whose shape
# changes gets a 1x1 projection on its skip path.
RESNET_BLOCKS = [(16, 2), (32, 2), (32, 1)]


def resnet(ops, x):
    x = ops.conv("conv1", x, 16, 3)
    x = ops.batch_norm("bn1", x)
    x = ops.relu("relu1", x)
    for index, (out_channels, stride) in enumerate(RESNET_BLOCKS, start=1):
        block = f"block{index}"
        in_channels = ops.channels(x)
        y = ops.conv(f"{block}.conv1", x, out_channels, 3, stride=stride)
        y = ops.batch_norm(f"{block}.bn1", y)
        y = ops.relu(f"{block}.relu1", y)
        y = ops.conv(f"{block}.conv2", y, out_channels, 3)
        y = ops.batch_norm(f"{block}.bn2", y)
        skip = x
        if stride != 1 or in_channels != out_channels:
            skip = ops.conv(f"{block}.proj", x, out_channels, 1, stride=stride)
            skip = ops.batch_norm(f"{block}.proj_bn", skip)
        x = ops.add(f"{block}.add", y, skip)
        x = ops.relu(f"{block}.relu2", x)
    x = ops.global_average_pool("gap", x)
    x = ops.flatten("flatten", x)
    return ops.gemm("fc", x, 10, out="logits")


# name: (definition, input mean, input std, epochs, shift in pixels, description)
MODELS = {
    "mlp": (mlp, 0.0, 1.0, 15, 0,
            "Three-layer perceptron (784-256-128-10, ReLU) on Fashion-MNIST pixels scaled to [0, 1]."),
    "cnn": (cnn, FASHION_MEAN, FASHION_STD, 5, 0,
            "Two Conv-BatchNormalization-ReLU-MaxPool blocks and two fully connected layers on Fashion-MNIST."),
    "mobilenet": (mobilenet, FASHION_MEAN, FASHION_STD, 5, 0,
                  "MobileNet-style network: one 3x3 conv, five depthwise-separable blocks with ReLU6, global average pooling, one fully connected layer, on Fashion-MNIST."),
    "resnet": (resnet, FASHION_MEAN, FASHION_STD, 7, 0,
               "Residual network: one 3x3 conv, three basic residual blocks with identity or 1x1 projection skips, global average pooling, one fully connected layer, on Fashion-MNIST."),
}


# ----------------------------------------------------------------------------
# Training


def make_steps(definition):
    def loss_fn(params, state, x, y):
        ops = JaxOps(params, state, train=True)
        logits = definition(ops, x)
        log_probs = jax.nn.log_softmax(logits)
        loss = -jnp.mean(jnp.take_along_axis(log_probs, y[:, None], axis=1))
        return loss, ops.new_state

    @jax.jit
    def train_step(params, state, moments, step, learning_rate, x, y):
        (loss, new_state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, state, x, y)
        params, moments = adam_update(params, grads, moments, step, learning_rate)
        return params, new_state, moments, loss

    @jax.jit
    def predict(params, state, x):
        return definition(JaxOps(params, state, train=False), x)

    return train_step, predict


def adam_update(params, grads, moments, step, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """One Adam step (Kingma and Ba 2015) with bias correction; `step` counts from 1."""
    first, second = moments
    first = jax.tree_util.tree_map(lambda m, g: beta1 * m + (1 - beta1) * g, first, grads)
    second = jax.tree_util.tree_map(lambda v, g: beta2 * v + (1 - beta2) * g * g, second, grads)
    correction1 = 1 - beta1 ** step
    correction2 = 1 - beta2 ** step
    params = jax.tree_util.tree_map(
        lambda p, m, v: p - learning_rate * (m / correction1) / (jnp.sqrt(v / correction2) + epsilon),
        params, first, second)
    return params, (first, second)


def jax_accuracy(predict, params, state, x, labels, batch=1000):
    correct = 0
    for start in range(0, len(x), batch):
        logits = predict(params, state, jnp.asarray(x[start:start + batch]))
        correct += int(np.sum(np.argmax(np.asarray(logits), axis=1) == labels[start:start + batch]))
    return correct / len(x)


def train(name, epochs, seed, batch_size=128, peak_learning_rate=2e-3):
    definition, mean, std, _, shift, _ = MODELS[name]
    rng = np.random.default_rng(seed)
    train_images, train_labels = load_split("train")
    test_images, test_labels = load_split("t10k")
    test_x = normalize(test_images, mean, std)

    params, state = {}, {}
    definition(JaxOps(params, state, train=True, init_rng=rng), jnp.asarray(normalize(train_images[:2], mean, std)))
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    moments = (zeros, zeros)
    train_step, predict = make_steps(definition)

    steps_per_epoch = len(train_images) // batch_size
    total_steps = epochs * steps_per_epoch
    step = 0
    started = time.time()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(train_images))
        losses = []
        for batch_index in range(steps_per_epoch):
            indices = order[batch_index * batch_size:(batch_index + 1) * batch_size]
            x = normalize(augment(train_images[indices], rng, shift), mean, std)
            step += 1
            # Cosine decay from the peak to zero over the whole run.
            learning_rate = peak_learning_rate * 0.5 * (1 + np.cos(np.pi * (step - 1) / total_steps))
            params, state, moments, loss = train_step(
                params, state, moments, np.float32(step), np.float32(learning_rate),
                jnp.asarray(x), jnp.asarray(train_labels[indices]))
            losses.append(loss)
        accuracy = jax_accuracy(predict, params, state, test_x, test_labels)
        print(f"epoch {epoch}/{epochs}: loss {float(np.mean(np.asarray(losses))):.4f}, "
              f"test top-1 {accuracy:.4f}, {time.time() - started:.0f} s", flush=True)
    seconds = time.time() - started
    params = {key: np.asarray(value) for key, value in params.items()}
    state = {key: np.asarray(value) for key, value in state.items()}
    return params, state, accuracy, seconds, predict


# ----------------------------------------------------------------------------
# Export and verification


def export(name, params, state):
    definition = MODELS[name][0]
    ops = OnnxOps(params, state)
    output = definition(ops, "input")
    assert output == "logits", output
    graph = helper.make_graph(
        ops.nodes, name,
        inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 28, 28])],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        initializer=list(ops.initializers.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="quantscope-sample-models")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def set_metadata(model, name, top1):
    _, mean, std, _, _, description = MODELS[name]
    entries = {
        "quantscope.data": "data/fashion-mnist/t10k-images-idx3-ubyte.gz",
        "quantscope.labels": "data/fashion-mnist/t10k-labels-idx1-ubyte.gz",
        "quantscope.calibration_data": "data/fashion-mnist/calibration-images-idx3-ubyte.gz",
        "quantscope.calibration_labels": "data/fashion-mnist/calibration-labels-idx1-ubyte.gz",
        "quantscope.input_scale": repr(1.0 / 255.0),
        "quantscope.input_mean": f"{mean:.4f}" if mean else "0",
        "quantscope.input_std": f"{std:.4f}" if std != 1.0 else "1",
        "quantscope.input_layout": "NCHW",
        "quantscope.class_names": CLASS_NAMES,
        "quantscope.float_top1": f"{top1:.4f}",
        "quantscope.description": description,
    }
    del model.metadata_props[:]
    for key, value in entries.items():
        model.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value))


def onnxruntime_logits(model_bytes, x, batch=500):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    return np.concatenate([session.run(["logits"], {"input": x[start:start + batch]})[0]
                           for start in range(0, len(x), batch)])


def count_macs(model):
    """Count multiply-accumulates per image of every Conv and Gemm node.

    Conv: H_out * W_out * C_out * (C_in / group) * kH * kW.  Gemm: in_features * out_features.
    """
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {}
    for value in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
        shapes[value.name] = [d.dim_value if d.HasField("dim_value") else d.dim_param
                              for d in value.type.tensor_type.shape.dim]
    weights = {init.name: list(init.dims) for init in model.graph.initializer}
    total = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            out_channels, in_per_group, kernel_h, kernel_w = weights[node.input[1]]
            _, _, out_h, out_w = shapes[node.output[0]]
            total += out_h * out_w * out_channels * in_per_group * kernel_h * kernel_w
        elif node.op_type == "Gemm":
            out_features, in_features = weights[node.input[1]]
            total += in_features * out_features
    return total


def count_parameters(model):
    """Return (trained parameters, BN running-statistic values) among the initializers."""
    trained, statistics = 0, 0
    for init in model.graph.initializer:
        size = int(np.prod(init.dims))
        if init.name.endswith(".running_mean") or init.name.endswith(".running_var"):
            statistics += size
        elif init.name.startswith("relu6."):
            continue
        else:
            trained += size
    return trained, statistics


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--epochs", type=int, help="training epochs (default: per model, see MODELS)")
    parser.add_argument("--seed", type=int, default=0, help="seed of initialization, shuffling and augmentation")
    parser.add_argument("--output", help=f"ONNX file to write (default: {MODELS_DIR}/<model>.onnx)")
    args = parser.parse_args()

    name = args.model
    epochs = args.epochs or MODELS[name][3]
    output = args.output or os.path.join(MODELS_DIR, f"{name}.onnx")
    params, state, jax_top1, seconds, predict = train(name, epochs, args.seed)

    model = export(name, params, state)
    _, mean, std, _, _, _ = MODELS[name]
    test_images, test_labels = load_split("t10k")
    test_x = normalize(test_images, mean, std)
    ort_logits = onnxruntime_logits(model.SerializeToString(), test_x)
    ort_top1 = float(np.mean(np.argmax(ort_logits, axis=1) == test_labels))
    jax_logits = np.concatenate([np.asarray(predict(params, state, jnp.asarray(test_x[s:s + 1000])))
                                 for s in range(0, len(test_x), 1000)])
    max_diff = float(np.max(np.abs(jax_logits - ort_logits)))

    set_metadata(model, name, ort_top1)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, output)

    trained, statistics = count_parameters(model)
    print(f"model {name}: {output} ({os.path.getsize(output)} bytes)")
    print(f"training: {epochs} epochs, {seconds:.0f} s")
    print(f"top-1 on the 10k test set: jax {jax_top1:.4f}, onnxruntime {ort_top1:.4f}")
    print(f"max |jax - onnxruntime| logit difference: {max_diff:.2e}")
    print(f"parameters: {trained} trained, {statistics} BN running statistics")
    print(f"MACs per image: {count_macs(model)}")
    if abs(jax_top1 - ort_top1) > 1e-4:
        sys.exit(f"error: onnxruntime top-1 {ort_top1:.4f} differs from JAX top-1 {jax_top1:.4f}")


if __name__ == "__main__":
    main()

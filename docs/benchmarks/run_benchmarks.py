#!/usr/bin/env python3
"""Benchmark quantscope against onnxruntime and the TFLite interpreter.

Usage (from the repository root, with the system python3):

    python3 docs/benchmarks/run_benchmarks.py [--models cnn mobilenet] [--batch 16]
        [--threads 1] [--repeats 20] [--toggle-latency]
        [--peak-int8-gops X --peak-float-gflops Y --peak-source TEXT]
        [--quantscope .build/release/quantscope] [--output docs/benchmarks/results.md]

One run measures, for each sample model, on the same input batch, data and
thread count:

- quantscope: `quantscope bench MODEL --json` (float engine and all-int8 engine,
  TFLite scheme), plus, with the first model, its int8 and float GEMM at
  N = 2048 and, with --toggle-latency, the session toggle latency and the
  peak memory;
- onnxruntime: the float model, and the model quantized by its own
  `quantize_static` (QDQ and QOperator formats, int8 per-channel weights, int8
  activations, min/max calibration on the model's calibration images);
- TFLite (ai-edge-litert, XNNPACK delegate, the default CPU path): a Keras
  model translated from the ONNX graph with the same weights. tensorflow's
  TFLiteConverter converts it to float32, and to full-integer int8 calibrated
  on the same calibration images (float input and output, int8 inside).

tensorflow-cpu and ai-edge-litert live in a separate virtual environment
(--tflite-python, default /work/venvs/tflite/bin/python); the script runs
itself there in `--tflite-worker` mode and reads its results as JSON.

Every runtime's figure is the median wall time of one call on the batch after
warm-up calls; images/s = batch / median (quantscope: batch * threads /
median, its --threads runs that many calls at once; the two agree at one
thread). Top-1 is measured on the first --accuracy-samples test images, to
show that each converted model computes the same function.

Versions used for the committed results: Python 3.11.7, numpy 2.4.6,
onnx 1.23.2 and onnxruntime 1.32.0 (system), tensorflow-cpu 2.21.0,
ai-edge-litert 2.3.0 and keras 3.15.1 (venv).
"""

import argparse
import gzip
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


# ---------------------------------------------------------------- data


def read_idx_images(path):
    """Read an IDX (optionally gzip) file of uint8 images as [N, H, W]."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if data[2] != 0x08 or data[3] != 3:
        raise SystemExit(f"error: {path} is not an IDX file of uint8 images (magic {data[:4].hex()})")
    count, height, width = (int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, height, width)


def read_idx_labels(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)


def model_metadata(model_path):
    import onnx
    model = onnx.load(model_path)
    return {prop.key: prop.value for prop in model.metadata_props}


def preprocess(images, metadata):
    """Apply the model's quantscope.input_* preprocessing: [N, 1, H, W] float32."""
    scale = float(metadata.get("quantscope.input_scale", 1 / 255))
    mean = float(metadata.get("quantscope.input_mean", 0))
    std = float(metadata.get("quantscope.input_std", 1))
    values = (images.astype(np.float32) * scale - mean) / std
    return values[:, None, :, :].astype(np.float32)


def load_data(model_path, accuracy_samples):
    metadata = model_metadata(model_path)
    base = os.path.dirname(model_path)
    test = read_idx_images(os.path.join(base, metadata["quantscope.data"]))
    labels = read_idx_labels(os.path.join(base, metadata["quantscope.labels"]))
    calibration = read_idx_images(os.path.join(base, metadata["quantscope.calibration_data"]))
    return (preprocess(test[:accuracy_samples], metadata), labels[:accuracy_samples],
            preprocess(calibration, metadata))


# ---------------------------------------------------------------- timing


def median_seconds(call, warmup, repeats):
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def batched_top1(predict, images, labels, batch):
    correct = 0
    for start in range(0, len(images) - len(images) % batch, batch):
        logits = predict(images[start:start + batch])
        correct += int((np.argmax(logits, axis=1) == labels[start:start + batch]).sum())
    evaluated = len(images) - len(images) % batch
    return correct / evaluated if evaluated else None


# ---------------------------------------------------------------- onnxruntime


def onnxruntime_results(model_path, batch_images, test_images, test_labels, calibration, args, workdir):
    import onnxruntime as ort
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self, images, input_name):
            self.batches = iter([{input_name: images[i:i + 100]} for i in range(0, len(images), 100)])

        def get_next(self):
            return next(self.batches, None)

    def session(path):
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    float_session = session(model_path)
    input_name = float_session.get_inputs()[0].name
    variants = [("float", model_path)]
    # The recommended pre-processing: shape inference and graph optimization, which folds batch normalization.
    preprocessed = os.path.join(workdir, "ort-preprocessed.onnx")
    quant_pre_process(model_path, preprocessed)
    for quant_format in (QuantFormat.QDQ, QuantFormat.QOperator):
        output = os.path.join(workdir, f"ort-int8-{quant_format.name}.onnx")
        quantize_static(preprocessed, output, Reader(calibration, input_name), quant_format=quant_format,
                        per_channel=True, activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax)
        variants.append((f"int8 {quant_format.name}", output))

    results = []
    for precision, path in variants:
        run = session(path)
        seconds = median_seconds(lambda: run.run(None, {input_name: batch_images}), args.warmup, args.repeats)
        top1 = batched_top1(lambda x: run.run(None, {input_name: x})[0], test_images, test_labels, 100)
        results.append({"runtime": "onnxruntime", "precision": precision, "median_seconds": seconds,
                        "images_per_second": len(batch_images) / seconds, "top1": top1})
    return results


# ---------------------------------------------------------------- TFLite worker (runs in the tensorflow venv)


def describe_onnx(model_path, workdir):
    """Write the graph as JSON and the initializers as .npz for the worker, whose venv has no onnx package."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(model_path)
    graph = model.graph

    def plain(value):
        if isinstance(value, bytes):
            return value.decode()
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        return value

    description = {
        "input": graph.input[0].name,
        "input_dims": [d.dim_value for d in graph.input[0].type.tensor_type.shape.dim],
        "output": graph.output[0].name,
        "nodes": [{"op_type": node.op_type, "name": node.name or node.output[0], "inputs": list(node.input),
                   "outputs": list(node.output),
                   "attributes": {a.name: plain(helper.get_attribute_value(a)) for a in node.attribute}}
                  for node in graph.node],
    }
    graph_path = os.path.join(workdir, "graph.json")
    weights_path = os.path.join(workdir, "weights.npz")
    with open(graph_path, "w") as handle:
        json.dump(description, handle)
    np.savez(weights_path, **{init.name: numpy_helper.to_array(init) for init in graph.initializer})
    return graph_path, weights_path


def keras_from_onnx(graph_path, weights_path):
    """Translate the sample models' op subset to an NHWC Keras model with the same weights.

    Supported: Conv (groups 1 or depthwise), BatchNormalization, Relu, Clip,
    MaxPool, GlobalAveragePool, Flatten, Gemm (transB = 1) and Add. The first
    Gemm after a Flatten of a spatial tensor has its weight rows permuted
    from NCHW to NHWC order, so no transpose is needed.
    """
    import tensorflow as tf

    with open(graph_path) as handle:
        graph = json.load(handle)
    weights = dict(np.load(weights_path))
    channels, height, width = graph["input_dims"][1:4]
    inputs = tf.keras.Input(shape=(height, width, channels), name="input")
    values = {graph["input"]: inputs}
    # Shapes [H, W, C] of spatial values, to permute Gemm weights after Flatten.
    spatial = {graph["input"]: (height, width, channels)}
    flattened_from = {}

    for node in graph["nodes"]:
        attrs = node["attributes"]
        node_inputs, node_outputs = node["inputs"], node["outputs"]
        x = values[node_inputs[0]]
        name = node["name"]
        if node["op_type"] == "Conv":
            kernel = weights[node_inputs[1]]  # [Cout, Cin / group, kH, kW]
            bias = weights[node_inputs[2]] if len(node_inputs) > 2 and node_inputs[2] else None
            group = attrs.get("group", 1)
            strides = tuple(attrs.get("strides", [1, 1]))
            pads = attrs.get("pads", [0, 0, 0, 0])
            kh, kw = kernel.shape[2], kernel.shape[3]
            if any(pads):
                x = tf.keras.layers.ZeroPadding2D(((pads[0], pads[2]), (pads[1], pads[3])), name=name + "_pad")(x)
            cin = spatial[node_inputs[0]][2]
            if group == 1:
                layer = tf.keras.layers.Conv2D(kernel.shape[0], (kh, kw), strides=strides, padding="valid",
                                               use_bias=bias is not None, name=name)
                y = layer(x)
                layer.set_weights([kernel.transpose(2, 3, 1, 0)] + ([bias] if bias is not None else []))
            elif group == cin and kernel.shape[1] == 1 and kernel.shape[0] == cin:
                layer = tf.keras.layers.DepthwiseConv2D((kh, kw), strides=strides, padding="valid",
                                                        use_bias=bias is not None, name=name)
                y = layer(x)
                layer.set_weights([kernel.transpose(2, 3, 0, 1)] + ([bias] if bias is not None else []))
            else:
                raise SystemExit(f"error: Conv {name} has group {group}; only 1 or depthwise is translated")
            oh = (spatial[node_inputs[0]][0] + pads[0] + pads[2] - kh) // strides[0] + 1
            ow = (spatial[node_inputs[0]][1] + pads[1] + pads[3] - kw) // strides[1] + 1
            spatial[node_outputs[0]] = (oh, ow, kernel.shape[0])
        elif node["op_type"] == "BatchNormalization":
            gamma, beta, mean, var = (weights[n] for n in node_inputs[1:5])
            layer = tf.keras.layers.BatchNormalization(epsilon=attrs.get("epsilon", 1e-5), name=name)
            y = layer(x)
            layer.set_weights([gamma, beta, mean, var])
            spatial[node_outputs[0]] = spatial[node_inputs[0]]
        elif node["op_type"] == "Relu":
            y = tf.keras.layers.ReLU(name=name)(x)
            spatial[node_outputs[0]] = spatial.get(node_inputs[0])
        elif node["op_type"] == "Clip":
            low = float(weights[node_inputs[1]]) if len(node_inputs) > 1 and node_inputs[1] else attrs.get("min")
            high = float(weights[node_inputs[2]]) if len(node_inputs) > 2 and node_inputs[2] else attrs.get("max")
            if low != 0:
                raise SystemExit(f"error: Clip {name} has min {low}; only ReLU-style clips are translated")
            y = tf.keras.layers.ReLU(max_value=high, name=name)(x)
            spatial[node_outputs[0]] = spatial.get(node_inputs[0])
        elif node["op_type"] == "MaxPool":
            kernel = tuple(attrs["kernel_shape"])
            strides = tuple(attrs.get("strides", kernel))
            if any(attrs.get("pads", [0, 0, 0, 0])):
                raise SystemExit(f"error: MaxPool {name} is padded; only unpadded pooling is translated")
            y = tf.keras.layers.MaxPooling2D(kernel, strides=strides, padding="valid", name=name)(x)
            h, w, c = spatial[node_inputs[0]]
            spatial[node_outputs[0]] = ((h - kernel[0]) // strides[0] + 1, (w - kernel[1]) // strides[1] + 1, c)
        elif node["op_type"] == "GlobalAveragePool":
            y = tf.keras.layers.GlobalAveragePooling2D(keepdims=True, name=name)(x)
            spatial[node_outputs[0]] = (1, 1, spatial[node_inputs[0]][2])
        elif node["op_type"] == "Flatten":
            y = tf.keras.layers.Flatten(name=name)(x)
            flattened_from[node_outputs[0]] = spatial[node_inputs[0]]
        elif node["op_type"] == "Gemm":
            if attrs.get("transA", 0) or not attrs.get("transB", 0):
                raise SystemExit(f"error: Gemm {name} must have transA = 0 and transB = 1")
            kernel = weights[node_inputs[1]]  # [out, in]
            bias = weights[node_inputs[2]] if len(node_inputs) > 2 and node_inputs[2] else None
            if node_inputs[0] in flattened_from:
                h, w, c = flattened_from[node_inputs[0]]
                # NCHW flatten index c*H*W + h*W + w becomes NHWC index h*W*C + w*C + c.
                kernel = kernel.reshape(-1, c, h, w).transpose(0, 2, 3, 1).reshape(kernel.shape[0], -1)
            layer = tf.keras.layers.Dense(kernel.shape[0], use_bias=bias is not None, name=name)
            y = layer(x)
            layer.set_weights([kernel.T] + ([bias] if bias is not None else []))
        elif node["op_type"] == "Add":
            y = tf.keras.layers.Add(name=name)([x, values[node_inputs[1]]])
            spatial[node_outputs[0]] = spatial.get(node_inputs[0])
        else:
            raise SystemExit(f"error: operator {node['op_type']} ({name}) is not translated to Keras")
        values[node_outputs[0]] = y
    return tf.keras.Model(inputs, values[graph["output"]])


def tflite_worker(request_path):
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter

    with open(request_path) as handle:
        request = json.load(handle)
    batch_images = np.load(request["batch"]).transpose(0, 2, 3, 1).copy()
    test_images = np.load(request["test_images"]).transpose(0, 2, 3, 1).copy()
    test_labels = np.load(request["test_labels"])
    calibration = np.load(request["calibration"]).transpose(0, 2, 3, 1).copy()
    keras_model = keras_from_onnx(request["graph"], request["weights"])

    float_converter = tf.lite.TFLiteConverter.from_keras_model(keras_model)
    float_model = float_converter.convert()

    def representative():
        for start in range(0, len(calibration), 1):
            yield [calibration[start:start + 1]]

    int8_converter = tf.lite.TFLiteConverter.from_keras_model(keras_model)
    int8_converter.optimizations = [tf.lite.Optimize.DEFAULT]
    int8_converter.representative_dataset = representative
    int8_converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    int8_model = int8_converter.convert()

    def interpreter(content, batch):
        instance = Interpreter(model_content=content, num_threads=request["threads"])
        index = instance.get_input_details()[0]["index"]
        instance.resize_tensor_input(index, [batch] + list(batch_images.shape[1:]))
        instance.allocate_tensors()
        output = instance.get_output_details()[0]["index"]

        def predict(images):
            instance.set_tensor(index, images)
            instance.invoke()
            return instance.get_tensor(output)
        return predict

    results = []
    for precision, content in (("float", float_model), ("int8", int8_model)):
        timed = interpreter(content, len(batch_images))
        seconds = median_seconds(lambda: timed(batch_images), request["warmup"], request["repeats"])
        top1 = batched_top1(interpreter(content, 100), test_images, test_labels, 100)
        results.append({"runtime": "tflite (XNNPACK)", "precision": precision, "median_seconds": seconds,
                        "images_per_second": len(batch_images) / seconds, "top1": top1,
                        "model_bytes": len(content)})
    # The converter prints to standard output, so results go to a file.
    with open(request["result"], "w") as handle:
        json.dump({"results": results, "tensorflow": tf.__version__}, handle)


def tflite_results(model_path, batch_images, test_images, test_labels, calibration, args, workdir):
    paths = {}
    for name, array in (("batch", batch_images), ("test_images", test_images), ("test_labels", test_labels),
                        ("calibration", calibration)):
        paths[name] = os.path.join(workdir, f"{name}.npy")
        np.save(paths[name], array)
    graph_path, weights_path = describe_onnx(model_path, workdir)
    result_path = os.path.join(workdir, "tflite-result.json")
    request = dict(paths, result=result_path, graph=graph_path, weights=weights_path, threads=args.threads, warmup=args.warmup, repeats=args.repeats)
    request_path = os.path.join(workdir, "tflite-request.json")
    with open(request_path, "w") as handle:
        json.dump(request, handle)
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    completed = subprocess.run([args.tflite_python, os.path.abspath(__file__), "--tflite-worker", request_path],
                               capture_output=True, text=True, env=environment)
    if completed.returncode != 0:
        raise SystemExit(f"error: the TFLite worker failed:\n{completed.stderr[-4000:]}")
    with open(result_path) as handle:
        return json.load(handle)["results"]


# ---------------------------------------------------------------- quantscope


def quantscope_results(model_path, args, first):
    """Run quantscope bench; the GEMM and the toggle latency only with the first model."""
    command = [args.quantscope, "bench", model_path, "--batch", str(args.batch), "--threads", str(args.threads),
               "--repeats", str(args.repeats), "--warmup", str(args.warmup),
               "--gemm-size", str(args.gemm_size if first else 0), "--json"]
    if first and args.toggle_latency:
        command.append("--toggle-latency")
    if args.peak_int8_gops:
        command += ["--peak-int8-gops", str(args.peak_int8_gops), "--peak-source", args.peak_source]
    if args.peak_float_gflops:
        command += ["--peak-float-gflops", str(args.peak_float_gflops)]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY)
    if completed.returncode != 0:
        raise SystemExit(f"error: {' '.join(command)} failed:\n{completed.stderr}")
    return json.loads(completed.stdout), command


# ---------------------------------------------------------------- report


def lscpu_summary():
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return platform.processor()
    keep = ("Model name", "CPU(s)", "Thread(s) per core", "L2 cache", "L3 cache", "Hypervisor vendor")
    lines = [line for line in text.splitlines() if line.split(":")[0].strip() in keep]
    flags = next((line for line in text.splitlines() if line.startswith("Flags")), "")
    simd = [flag for flag in ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni") if f" {flag}" in flags]
    return "\n".join(" ".join(line.split()) for line in lines) + "\nSIMD flags: " + " ".join(simd)


def format_table(rows):
    header = "| model | runtime | precision | median ms / batch | images/s | top-1 |\n|---|---|---|---|---|---|"
    body = []
    for row in rows:
        top1 = f"{row['top1'] * 100:.2f} %" if row.get("top1") is not None else "-"
        body.append(f"| {row['model']} | {row['runtime']} | {row['precision']} | {row['median_seconds'] * 1000:.3f} "
                    f"| {row['images_per_second']:.0f} | {top1} |")
    return "\n".join([header] + body)


def targets_section(reports, tflite_int8):
    lines = ["| target | model | measured | met |", "|---|---|---|---|"]
    for model, report in reports.items():
        ratio = report.get("int8_over_float_throughput")
        text = f"{ratio:.2f}x" if ratio is not None else f"int8 {report['int8_status']}"
        lines.append(f"| all-int8 >= 3x our float throughput | {model} | {text} | "
                     f"{'yes' if ratio is not None and ratio >= 3 else 'not yet'} |")
    for model, report in reports.items():
        ours = report["int8"]["images_per_second"] if report.get("int8") else None
        theirs = tflite_int8.get(model)
        if ours is None or theirs is None:
            lines.append(f"| all-int8 >= TFLite int8 (XNNPACK) | {model} | not measured | not yet |")
            continue
        ratio = ours / theirs
        lines.append(f"| all-int8 >= TFLite int8 (XNNPACK) | {model} | {ours:.0f} vs {theirs:.0f} images/s "
                     f"({ratio:.2f}x) | {'yes' if ratio >= 1 else 'not yet'} |")
    gemm = next((r["gemm"] for r in reports.values() if r.get("gemm")), None)
    if gemm:
        fraction = gemm.get("int8_fraction_of_peak")
        measured = f"{gemm['int8_gops']:.1f} GOP/s on {gemm['threads']} thread(s)"
        if fraction is not None:
            measured += f", {fraction * 100:.0f} % of {gemm['int8_peak_gops']:.0f} GOP/s"
        lines.append(f"| int8 GEMM N={gemm['size']} >= 60 % of VNNI peak | - | {measured} | "
                     f"{'yes' if fraction is not None and fraction >= 0.6 else 'not yet'} |")
    for model, report in reports.items():
        for comparison in report["simulated"]:
            lines.append(f"| this-machine simulated within 30 % per layer ({comparison['precision']}) | {model} | "
                         f"{comparison['within_count']} of {len(comparison['rows'])} layers | "
                         f"{'yes' if comparison['within_count'] == len(comparison['rows']) else 'not yet'} |")
    for model, report in reports.items():
        latency = report.get("toggle_latency")
        if latency:
            subset_ms = latency["worst_subset_seconds"] * 1000
            full_ms = latency["worst_full_seconds"] * 1000
            lines.append(f"| toggle: first subset ({latency['subset']} images) result < 30 ms | {model} | "
                         f"worst {subset_ms:.1f} ms | {'yes' if subset_ms < 30 else 'not yet'} |")
            lines.append(f"| toggle: full {latency['samples']}-image result < 150 ms | {model} | "
                         f"worst {full_ms:.1f} ms | {'yes' if full_ms < 150 else 'not yet'} |")
            if latency.get("worst_warm_full_seconds") is not None:
                warm_ms = latency["worst_warm_full_seconds"] * 1000
                lines.append(f"| toggle after speculation (warm, {latency['speculation_seconds']:.1f} s of "
                             f"speculation first): full result | {model} | worst {warm_ms:.1f} ms | "
                             f"no target: answered from stored predictions |")
            mebibytes = report["peak_resident_bytes"] / 1048576
            lines.append(f"| peak memory with cached activations < 512 MiB | {model} | {mebibytes:.0f} MiB | "
                         f"{'yes' if mebibytes < 512 else 'not yet'} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Benchmark quantscope against onnxruntime and TFLite.")
    parser.add_argument("--tflite-worker", help=argparse.SUPPRESS)
    parser.add_argument("--models", nargs="+", default=["cnn", "mobilenet"],
                        help="sample model names under SampleModels/ (default: cnn mobilenet)")
    parser.add_argument("--batch", type=int, default=16, help="images per call (default 16)")
    parser.add_argument("--threads", type=int, default=1, help="threads of every runtime (default 1)")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls; the median is reported (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first (default 3)")
    parser.add_argument("--accuracy-samples", type=int, default=1000, help="test images for top-1 (default 1000)")
    parser.add_argument("--gemm-size", type=int, default=2048, help="side of quantscope's GEMM (default 2048)")
    parser.add_argument("--peak-int8-gops", type=float, help="int8 peak of --threads cores in GOP/s")
    parser.add_argument("--peak-float-gflops", type=float, help="fp32 peak of --threads cores in GFLOP/s")
    parser.add_argument("--peak-source", default="given on the command line", help="where the peaks come from")
    parser.add_argument("--toggle-latency", action="store_true",
                        help="also time quantscope's layer toggles and peak memory on the first model")
    parser.add_argument("--quantscope", default=os.path.join(REPOSITORY, ".build", "release", "quantscope"),
                        help="quantscope executable (default .build/release/quantscope)")
    parser.add_argument("--tflite-python", default="/work/venvs/tflite/bin/python",
                        help="python of the venv with tensorflow-cpu and ai-edge-litert")
    parser.add_argument("--output", default=os.path.join(REPOSITORY, "docs", "benchmarks", "results.md"),
                        help="Markdown file to write (default docs/benchmarks/results.md)")
    args = parser.parse_args()
    if args.tflite_worker:
        tflite_worker(args.tflite_worker)
        return

    rows, reports, commands, tflite_int8 = [], {}, [], {}
    for index, name in enumerate(args.models):
        model_path = os.path.join(REPOSITORY, "SampleModels", f"{name}.onnx")
        relative = os.path.relpath(model_path, REPOSITORY)
        print(f"[{name}] loading data", file=sys.stderr)
        test_images, test_labels, calibration = load_data(model_path, args.accuracy_samples)
        batch_images = test_images[:args.batch].copy()
        with tempfile.TemporaryDirectory() as workdir:
            print(f"[{name}] quantscope", file=sys.stderr)
            report, command = quantscope_results(relative, args, index == 0)
            reports[name] = report
            commands.append(shlex.join([os.path.relpath(command[0], REPOSITORY)] + command[1:]))
            rows.append({"model": name, "runtime": "quantscope", "precision": "float",
                         "median_seconds": report["float"]["end_to_end"]["median_seconds"],
                         "images_per_second": report["float"]["images_per_second"]})
            if report.get("int8"):
                rows.append({"model": name, "runtime": "quantscope", "precision": "int8 (TFLite scheme)",
                             "median_seconds": report["int8"]["end_to_end"]["median_seconds"],
                             "images_per_second": report["int8"]["images_per_second"]})
            print(f"[{name}] onnxruntime", file=sys.stderr)
            for row in onnxruntime_results(model_path, batch_images, test_images, test_labels, calibration, args,
                                           workdir):
                rows.append(dict(row, model=name))
            print(f"[{name}] tflite", file=sys.stderr)
            for row in tflite_results(model_path, batch_images, test_images, test_labels, calibration, args,
                                      workdir):
                rows.append(dict(row, model=name))
                if row["precision"] == "int8":
                    tflite_int8[name] = row["images_per_second"]

    import onnxruntime
    document = [
        "# Benchmark results",
        "",
        f"Written by `docs/benchmarks/run_benchmarks.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"batch {args.batch}, {args.threads} thread(s), median of {args.repeats} calls after {args.warmup} warm-up "
        f"calls; top-1 on the first {args.accuracy_samples} test images (quantscope's accuracy: docs/accuracy.md).",
        "",
        "```",
        lscpu_summary(),
        "```",
        "",
        f"onnxruntime {onnxruntime.__version__}; TFLite: ai-edge-litert in {args.tflite_python}.",
        "",
        format_table(rows),
        "",
        "## Targets",
        "",
        targets_section(reports, tflite_int8),
        "",
        "## quantscope commands",
        "",
        "```",
        *commands,
        "```",
    ]
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as handle:
        handle.write("\n".join(document) + "\n")
    with open(os.path.splitext(args.output)[0] + ".json", "w") as handle:
        json.dump({"rows": rows, "quantscope": reports}, handle, indent=1)
    print("\n".join(document))


if __name__ == "__main__":
    main()

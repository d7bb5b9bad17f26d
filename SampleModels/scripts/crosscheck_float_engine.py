#!/usr/bin/env python3
"""Compare quantscope's float engine with onnxruntime on the sample models.

For each model, the script reads the model's default evaluation images and
preprocessing from its metadata, runs onnxruntime (graph optimizations off,
so BatchNormalization runs as written) on all of them, runs
`quantscope eval MODEL --save-outputs OUT.npy` on the same images, and prints
the maximum absolute difference of the logits and how many argmax
predictions agree. quantscope does its own IDX reading and preprocessing, so
the check covers the data path as well as the engine.

Usage (from the repository root, after `swift build -c release`):
    python3 SampleModels/scripts/crosscheck_float_engine.py [MODEL.onnx ...]
        [--quantscope .build/release/quantscope] [--limit N] [--atol 1e-4]

Exit status 0 when every model is within --atol, 1 otherwise.
Versions used: Python 3.11.7, numpy 2.4.6, onnx 1.23.2, onnxruntime 1.32.0.
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

SAMPLE_MODELS = ["mlp", "cnn", "mobilenet", "resnet"]


def read_idx_images(path, limit):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    count, rows, columns = (int.from_bytes(data[offset:offset + 4], "big") for offset in (4, 8, 12))
    images = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows, columns)
    return images[:limit] if limit else images


def preprocessed_input(model_path, limit):
    model = onnx.load(model_path)
    metadata = {entry.key: entry.value for entry in model.metadata_props}
    folder = os.path.dirname(os.path.abspath(model_path))
    images = read_idx_images(os.path.join(folder, metadata["quantscope.data"]), limit)
    scale = float(metadata.get("quantscope.input_scale", 1 / 255))
    mean = float(metadata.get("quantscope.input_mean", "0").split(",")[0])
    std = float(metadata.get("quantscope.input_std", "1").split(",")[0])
    values = (images.astype(np.float32) * np.float32(scale) - np.float32(mean)) / np.float32(std)
    return values[:, None, :, :].astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="ONNX models (default: the four sample models)")
    parser.add_argument("--quantscope", default=".build/release/quantscope", help="quantscope executable")
    parser.add_argument("--limit", type=int, default=0, help="evaluate only the first N images (0: all)")
    parser.add_argument("--atol", type=float, default=1e-4, help="largest accepted absolute difference")
    args = parser.parse_args()
    models = args.models or [f"SampleModels/{name}.onnx" for name in SAMPLE_MODELS]

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    all_within = True
    print(f"{'model':<32} {'samples':>8} {'max |diff|':>12} {'argmax agree':>14}")
    for model_path in models:
        inputs = preprocessed_input(model_path, args.limit)
        session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        reference = session.run(None, {session.get_inputs()[0].name: inputs})[0]
        with tempfile.TemporaryDirectory() as folder:
            outputs_path = os.path.join(folder, "outputs.npy")
            command = [args.quantscope, "eval", model_path, "--save-outputs", outputs_path, "--json"]
            if args.limit:
                command += ["--limit", str(args.limit)]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            ours = np.load(outputs_path)
        if ours.shape != reference.shape:
            print(f"{model_path}: quantscope output shape {ours.shape}, onnxruntime {reference.shape}")
            all_within = False
            continue
        difference = float(np.max(np.abs(ours - reference)))
        agree = int(np.sum(np.argmax(ours, axis=1) == np.argmax(reference, axis=1)))
        all_within &= difference <= args.atol
        print(f"{model_path:<32} {len(inputs):>8} {difference:>12.3g} {agree:>8}/{len(inputs)}")
    return 0 if all_within else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compare another engine's outputs for an ONNX model against onnxruntime.

Usage:
    python3 check_onnxruntime.py MODEL.onnx INPUT.npy EXPECTED.npy [--atol TOL]

INPUT.npy is the float32 tensor fed to the model's first input, already
normalized (for the sample models: [N, 1, 28, 28]). EXPECTED.npy contains the
other engine's values of the model's first output for that input ([N, 10]
logits for the sample models). The script runs onnxruntime on INPUT.npy with
graph optimizations disabled, so batch normalization is evaluated as written,
and prints the maximum absolute difference and how many rows agree on argmax.

Exit status: 0 when the comparison ran (and, with --atol, the maximum
difference is at most TOL), 1 when the difference exceeds --atol, 2 on
invalid input.
"""

import argparse
import sys

import numpy as np
import onnxruntime as ort


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def load_array(path, role):
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        fail(f"cannot read the {role} file {path}: {error}. Pass a .npy file written by numpy.save.")


def main():
    parser = argparse.ArgumentParser(description="Compare an engine's outputs with onnxruntime.")
    parser.add_argument("model", help="ONNX model file")
    parser.add_argument("input", help=".npy file with the model input (float32, already normalized)")
    parser.add_argument("expected", help=".npy file with the other engine's output for that input")
    parser.add_argument("--atol", type=float,
                        help="exit with status 1 when the maximum absolute difference exceeds this value")
    args = parser.parse_args()

    inputs = load_array(args.input, "input")
    expected = load_array(args.expected, "expected-output")
    if not np.issubdtype(inputs.dtype, np.floating):
        fail(f"the input has dtype {inputs.dtype}, expected float32 values that are already normalized.")
    inputs = inputs.astype(np.float32)

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types for invalid models.
        fail(f"onnxruntime cannot load {args.model}: {error}")

    model_input = session.get_inputs()[0]
    model_output = session.get_outputs()[0]
    try:
        actual = session.run([model_output.name], {model_input.name: inputs})[0]
    except Exception as error:
        fail(f"onnxruntime failed on input '{model_input.name}' of shape {list(inputs.shape)} "
             f"(the model expects {model_input.shape}): {error}")

    if actual.shape != expected.shape:
        fail(f"the expected output has shape {list(expected.shape)}, but onnxruntime's output "
             f"'{model_output.name}' has shape {list(actual.shape)}.")

    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    max_difference = float(np.max(difference)) if difference.size else 0.0
    worst = np.unravel_index(int(np.argmax(difference)), difference.shape) if difference.size else ()
    print(f"model: {args.model}")
    print(f"output '{model_output.name}', shape {list(actual.shape)}")
    print(f"max abs diff: {max_difference:.6g} at index {tuple(int(i) for i in worst)}")
    print(f"mean abs diff: {float(np.mean(difference)) if difference.size else 0.0:.6g}")

    if actual.ndim >= 2:
        actual_classes = np.argmax(actual.reshape(actual.shape[0], -1), axis=1)
        expected_classes = np.argmax(expected.reshape(expected.shape[0], -1), axis=1)
        agreeing = int(np.sum(actual_classes == expected_classes))
        rows = actual.shape[0]
        print(f"argmax agreement: {agreeing}/{rows} ({agreeing / rows:.4%})")
        disagreeing = np.nonzero(actual_classes != expected_classes)[0]
        if disagreeing.size:
            print(f"rows with a different argmax (first 20): {disagreeing[:20].tolist()}")

    if args.atol is not None and max_difference > args.atol:
        print(f"max abs diff {max_difference:.6g} exceeds --atol {args.atol:g}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

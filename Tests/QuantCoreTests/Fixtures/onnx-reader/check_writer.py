#!/usr/bin/env python3
"""Check that files written by ONNXWriter load in the Python onnx package
and run in onnxruntime with the expected results.

A one-off check, not part of `swift test`. Run from the repository root:

    python3 Tests/QuantCoreTests/Fixtures/onnx-reader/check_writer.py

It runs `swift test --filter ONNXWriterExportTests` with
QUANTSCOPE_WRITER_CHECK_DIR set, which re-writes the fixture models in this
directory through ONNXReader and ONNXWriter and writes a small network.
Then it checks each file with onnx.checker (full_check) and runs it in
onnxruntime: a re-written fixture must reproduce the expected output of its
test_data_set_0, and the small network must match a NumPy reference.

Checked with onnx 1.23.2, onnxruntime 1.32.0, numpy 2.4.6 and Python 3.11.7.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = ["test_conv_with_strides_padding", "test_qlinearconv", "test_if",
            "test_constant", "test_cast_FLOAT16_to_FLOAT"]


def run(path, feeds):
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def check_fixture(directory, name):
    path = os.path.join(directory, name + ".onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    data = os.path.join(HERE, name, "test_data_set_0")
    original = onnx.load(os.path.join(HERE, name, "model.onnx"))
    feeds = {}
    for index, value in enumerate(original.graph.input):
        file = os.path.join(data, "input_%d.pb" % index)
        if os.path.exists(file):
            feeds[value.name] = numpy_helper.to_array(onnx.load_tensor(file))
    expected = numpy_helper.to_array(onnx.load_tensor(os.path.join(data, "output_0.pb")))
    actual = run(path, feeds)[0]
    # Float16 tensors are widened on reading, so compare values, not dtypes.
    np.testing.assert_array_equal(actual.astype(expected.dtype), expected)
    print("ok  %s: checker passed, output matches test_data_set_0" % name)


def check_small_network(directory):
    path = os.path.join(directory, "small_network.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    image = numpy_helper.to_array(onnx.load_tensor(os.path.join(directory, "small_network_input.pb")))
    expected_image = (np.arange(16, dtype=np.float32) / 8 - 1).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(image, expected_image)

    weights = ((np.arange(18) % 5) / 4 - 0.5).astype(np.float32).reshape(2, 1, 3, 3)
    bias = np.array([0.25, -0.5], dtype=np.float32)
    padded = np.pad(image[0, 0], 1)
    conv = np.zeros((2, 4, 4), dtype=np.float32)
    for channel in range(2):
        for row in range(4):
            for column in range(4):
                window = padded[row:row + 3, column:column + 3]
                conv[channel, row, column] = np.sum(window * weights[channel, 0]) + bias[channel]
    flat = np.maximum(conv, 0).reshape(1, -1)
    scale, zero_point = np.float32(0.05), -3
    quantized = np.clip(np.round(flat / scale) + zero_point, -128, 127)
    expected = ((quantized - zero_point) * scale + np.float32(0.5)).astype(np.float32)

    actual = run(path, {"image": image})[0]
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)
    print("ok  small_network: checker passed, output matches the NumPy reference")


def main():
    root = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
    with tempfile.TemporaryDirectory() as directory:
        environment = dict(os.environ, QUANTSCOPE_WRITER_CHECK_DIR=directory)
        subprocess.run(["swift", "test", "--filter", "ONNXWriterExportTests"],
                       cwd=root, env=environment, check=True, stdout=subprocess.DEVNULL)
        for name in FIXTURES:
            check_fixture(directory, name)
        check_small_network(directory)
    print("all files written by ONNXWriter passed")


if __name__ == "__main__":
    sys.exit(main())

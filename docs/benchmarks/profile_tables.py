#!/usr/bin/env python3
"""Print the per-layer "this-machine" comparison tables of docs/benchmarks.md.

Reads the recordings in Tests/Fixtures/machine-profile/ (written by
Tests/Fixtures/machine-profile/record.sh) and prints, per sample model, one
Markdown table of measured and simulated milliseconds per layer for the
float and int8 engines, and the count of layers within the tolerance.

Usage, from the repository root, with any Python 3 (standard library only;
written and run with Python 3.11.7):

    python3 docs/benchmarks/profile_tables.py
"""
import json
import pathlib

MODELS = ["mlp", "cnn", "mobilenet", "resnet"]
FIXTURES = pathlib.Path("Tests/Fixtures/machine-profile")


def main():
    for model in MODELS:
        report = json.loads((FIXTURES / f"{model}.json").read_text())
        by_precision = {entry["precision"]: entry for entry in report["simulated"]}
        float_rows = {row["name"]: row for row in by_precision["float"]["rows"]}
        int8_rows = by_precision["int8"]["rows"]
        print(f"### {model}\n")
        print("| layer | float measured ms | float simulated ms | ratio "
              "| int8 measured ms | int8 simulated ms | ratio |")
        print("|---|---|---|---|---|---|---|")
        for row in int8_rows:
            name = row["name"]
            cells = ["-", "-", "-"]
            if name in float_rows:
                f = float_rows[name]
                cells = [f"{f['measured_seconds'] * 1e3:.4f}", f"{f['simulated_seconds'] * 1e3:.4f}",
                         f"{f['ratio']:.2f}"]
            cells += [f"{row['measured_seconds'] * 1e3:.4f}", f"{row['simulated_seconds'] * 1e3:.4f}",
                      f"{row['ratio']:.2f}"]
            print(f"| {name} | " + " | ".join(cells) + " |")
        float_entry, int8_entry = by_precision["float"], by_precision["int8"]
        print(f"\nfloat {float_entry['within_count']} of {len(float_entry['rows'])}, "
              f"int8 {int8_entry['within_count']} of {len(int8_entry['rows'])} within 30 % (or 5 µs).\n")


if __name__ == "__main__":
    main()

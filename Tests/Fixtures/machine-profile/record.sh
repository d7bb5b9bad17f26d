#!/bin/sh
# Records the fixtures of MachineProfileFixtureTests: for each sample model,
# `quantscope bench --json` at batch 16 on one thread, with the this-machine
# profile measured again in the same run (--remeasure-profile), so each file
# contains the measured per-layer times and the profile parameters they are
# compared against. 50 timed runs per layer keep one descheduled run out of
# the medians. Run it from the repository root on an idle machine:
#
#     sh Tests/Fixtures/machine-profile/record.sh
#
# It builds the release binary first and uses a private cache directory, so
# the user's cached profile is left alone.
set -eu
swift build -c release --product quantscope
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
for model in mlp cnn mobilenet resnet; do
    XDG_CACHE_HOME="$cache" .build/release/quantscope bench "SampleModels/$model.onnx" \
        --batch 16 --threads 1 --warmup 5 --repeats 50 --gemm-size 0 --remeasure-profile --json \
        > "Tests/Fixtures/machine-profile/$model.json"
    echo "recorded Tests/Fixtures/machine-profile/$model.json"
done

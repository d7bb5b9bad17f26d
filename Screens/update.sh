#!/bin/sh
# Regenerates the text captures of every explorer screen from the program
# itself: the layer table, the layer detail and the help screen at 80x24
# and 160x48, and the too-small notice at 60x20, for the default sample
# model. Evaluation runs to completion on the first 1000 test images (200
# for the quick pass) before each capture, so the files are deterministic.
# The evaluation panel names the sample count.
#
# Usage: Screens/update.sh   (from anywhere inside the repository)
# The end-to-end test ScreenCaptureTests fails when these files no longer
# match what the program renders.
set -eu
cd "$(dirname "$0")/.."
swift build --product quantscope
.build/debug/quantscope snapshot --limit 1000 --subset 200 --all Screens
echo "updated: $(ls Screens/*.txt | tr '\n' ' ')"

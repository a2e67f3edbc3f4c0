#!/usr/bin/env sh
# Build the embedded FMs' ONNX graphs into $IMPRINT_MODEL_DIR (run at image build time, see
# deploy/Dockerfile), so that no task builds them at run time. A graph is built per FM, input size
# and image shape; this builds them for MNIST-shaped images (28 × 28 grey, as MNIST, FashionMNIST
# and CombiMNIST are) at the sizes listed in IMPRINT_PREBUILD: NAME (native size) or NAME@SIZE.
# Other shapes (image folders) are built on first use into the cache ($IMPRINT_CACHE_DIR/onnx).
set -eu
: "${IMPRINT_MODEL_DIR:?set IMPRINT_MODEL_DIR to the folder the graphs go to}"
BENCH=${IMPRINT_BENCH:-imprint-bench}
LIST=${IMPRINT_PREBUILD:-"mobilenet_v2_140 mobilenet_v2_140@160 mobilenet_v2_nsfw inception_v3_nsfw inception_v3_nsfw@224"}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for item in $LIST; do
  name=${item%@*}
  size=
  [ "$name" != "$item" ] && size="--input-size ${item#*@}"
  echo "building the ONNX graph of $item"
  # shellcheck disable=SC2086
  IMPRINT_CACHE_DIR="$scratch" $BENCH --engine onnx embed --dataset mnist --split test --limit 16 --backbone "$name" $size --no-cache --out "$scratch/probe.npz"
done
ls -l "$IMPRINT_MODEL_DIR"

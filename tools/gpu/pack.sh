#!/usr/bin/env bash
# Build the GPU check kit into .gpu-kit/ (git-ignored): what travels to a machine that has a GPU but
# no Node and no network. Measured sizes are in docs/gpu.md; the device tool takes 64 MiB a call.
#   bash tools/gpu/pack.sh            # then: run tools/gpu/run.sh there with .gpu-kit carried
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=.gpu-kit
rm -rf "$kit" && mkdir -p "$kit"
ort=$(node -e "console.log(require('path').dirname(require.resolve('onnxruntime-node/package.json', { paths: ['packages/onnx'] })))")
common="$(dirname "$ort")/onnxruntime-common"
nsfw=$(node -e "console.log(require('path').dirname(require('path').dirname(require('path').dirname(require.resolve('nsfwjs', { paths: ['packages/backbones'] })))))")
wasm=$(node -e "console.log(require('path').dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json', { paths: ['packages/backbones'] })))")

# 1. The check and the CLI it drives, bundled into one ES module (the three packages below stay
#    outside: native binding, the same onnxruntime-common, the model files read by path).
stage=$(mktemp -d)
node_modules/.bin/esbuild tools/gpu/check.mts --bundle --platform=node --format=esm --target=node20 \
  --conditions=@imprint/source --external:onnxruntime-node --external:onnxruntime-common --external:nsfwjs \
  --banner:js="import { createRequire as __kitRequire } from 'node:module'; import { fileURLToPath as __kitPath } from 'node:url'; import { dirname as __kitDir } from 'node:path'; const require = __kitRequire(import.meta.url); const __filename = __kitPath(import.meta.url); const __dirname = __kitDir(__filename);" \
  --outfile="$stage/app/check.mjs" --log-level=warning
cp "$wasm"/dist/*.wasm "$stage/app/"
# 2. node_modules for what stays outside the bundle
mkdir -p "$stage/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64" "$stage/app/node_modules/onnxruntime-common" "$stage/app/node_modules/nsfwjs/dist/cjs"
cp "$ort/package.json" "$stage/app/node_modules/onnxruntime-node/"
cp -r "$ort/dist" "$stage/app/node_modules/onnxruntime-node/"
cp "$ort/bin/napi-v6/linux/x64/onnxruntime_binding.node" "$ort/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$stage/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/"
cp "$common/package.json" "$stage/app/node_modules/onnxruntime-common/" && cp -r "$common/dist" "$stage/app/node_modules/onnxruntime-common/"
cp "$nsfw/package.json" "$stage/app/node_modules/nsfwjs/" && cp -r "$nsfw/dist/models" "$stage/app/node_modules/nsfwjs/dist/"
echo "module.exports = {};" > "$stage/app/node_modules/nsfwjs/dist/cjs/index.js"
# 3. Node itself, and the Vulkan loader with the GL dispatch libraries that NVIDIA's Vulkan driver
#    (libGLX_nvidia) links against: the device machine has the driver, not these (Debian's packages).
cp "$(readlink -f "$(command -v node)")" "$stage/app/node"
debs=$(mktemp -d)
(cd "$debs" && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 >/dev/null 2>&1) || { echo "pack: apt-get download of the Vulkan loader and GL libraries failed (run apt-get update)" >&2; exit 1; }
for deb in "$debs"/*.deb; do dpkg -x "$deb" "$debs/x"; done
mkdir -p "$stage/app/lib" && cp -a "$debs"/x/usr/lib/x86_64-linux-gnu/*.so* "$stage/app/lib/"
rm -rf "$debs"
tar -C "$stage" -cf - app | xz -T0 -6 > "$kit/app.tar.xz"
rm -rf "$stage"
ls -la "$kit"
echo "pack: $(du -b "$kit/app.tar.xz" | cut -f1) bytes to carry"

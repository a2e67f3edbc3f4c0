#!/usr/bin/env bash
# Run the GPU check on the device machine (no Node, no network there), from the repository root,
# with .gpu-kit/ (made by tools/gpu/pack.sh) carried. Figures go to stdout and, under $OUT, to
# gpu-check.json and gpu-check.log. Arguments go to the check (--quick, --only=kernels,parity, …).
set -uo pipefail
cd "$(dirname "$0")/../.."
kit=/tmp/imprint-gpu-kit
out=${OUT:-/tmp}
started=$(date +%s)
rm -rf "$kit" && mkdir -p "$kit" && tar -C "$kit" -xJf .gpu-kit/app.tar.xz || { echo "run: cannot unpack .gpu-kit/app.tar.xz (carry .gpu-kit)"; exit 1; }
echo "unpacked in $(( $(date +%s) - started )) s"
export LD_LIBRARY_PATH="$kit/app/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [[ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" && -f "$nvidia" ]]; then export VK_DRIVER_FILES="$nvidia"; fi
[[ -d /usr/local/nvidia/lib64 ]] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/local/nvidia/lib64"
[[ -d /usr/local/nvidia/lib ]] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/local/nvidia/lib"
export IMPRINT_CACHE_DIR=/tmp/imprint-gpu-cache XDG_RUNTIME_DIR=/tmp
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} $(cat "${VK_DRIVER_FILES:-/dev/null}" 2>/dev/null | tr -d '\n ' | head -c 300)"
"$kit/app/node" "$kit/app/check.mjs" --out="$out/gpu-check.json" "$@" 2>&1 | tee "$out/gpu-check.log"
status=${PIPESTATUS[0]}
echo "run: exit $status after $(( $(date +%s) - started )) s"
exit "$status"

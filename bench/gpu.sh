#!/usr/bin/env bash
# The runtime benchmark (bench/runtime.ts) on a machine with an NVIDIA GPU, in one go: shows the
# GPU and the Vulkan drivers Dawn can see, installs what is missing, runs WebGPU (on NVIDIA's
# Vulkan driver) against PyTorch on CUDA when it is there, and writes the table and the JSON
# under $OUT (or bench-out/). Written for such a machine; not yet run on one.
#
#   bench/gpu.sh                     WebGPU only, small and ResNet-18 sizes
#   BACKENDS=webgpu,cpu bench/gpu.sh also the CPU backend (minutes at the ResNet size)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench-out}"
mkdir -p "$out"

{
    echo "== machine"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || echo "no nvidia-smi"
    ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null || echo "no Vulkan ICD files"
    node --version
} | tee "$out/machine.txt"

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules/webgpu ] || [ ! -d node_modules/tsx ]; then
    npm ci --no-audit --no-fund
fi

# Dawn takes the high-performance adapter; TNET_DAWN_FLAGS="adapter=NAME" would pick one by name,
# and Dawn lists the adapters when NAME matches none.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
python="${PYTHON:-/usr/bin/python3}"
torch_args=(--python "$python" --torch-device auto)
if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "PyTorch not found for $python: the table has no torch column" | tee -a "$out/machine.txt"
    torch_args=(--no-torch)
fi

timeout "${BENCH_TIMEOUT:-480}" node --import tsx bench/runtime.ts \
    --backends "${BACKENDS:-webgpu}" --sizes small,resnet \
    --repeat 20 --warmup 3 --resnet-repeat 10 \
    "${torch_args[@]}" --json "$out/bench-runtime.json" \
    2> >(grep -v 'artificially reduced' >&2) | tee "$out/bench-runtime.txt"

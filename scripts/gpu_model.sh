#!/usr/bin/env bash
# The memory-traffic model (issue 23, docs/gpu_model.md): builds the instrumented emulated library
# with clang in build/model, checks that each invariant catches its planted regression, then runs
# the main job's GPU workloads and prints the table (also written to build/model/gpu_model.md, and
# every launch to build/model/gpu_model.json for the calibration on a card, docs/gpu_model.md 6).
# Exits non-zero when a planted check or an invariant fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
build=build/model
t0=$SECONDS
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O0" \
  -DNDGPU_CUDA=OFF -DNDGPU_CUDA_EMULATION=ON -DNDGPU_EMU_MODEL=ON \
  -DNDGPU_BUILD_TESTS=OFF -DNDGPU_BUILD_BENCH=OFF -DNDGPU_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j2 --target ndgpu-gpu-model
echo "gpu_model: built in $((SECONDS - t0))s"
export NDGPU_EMU_SCHEDULES=1  # the race check's second schedule adds nothing to the model
driver="$PWD/$build/bench/gpu_model/ndgpu-gpu-model"  # absolute: the launch log names it
"$driver" --planted
NDGPU_EMU_LAUNCH_LOG="$PWD/$build/launched_kernels.txt" "$driver" --json "$build/gpu_model.json" |
  tee "$build/gpu_model.md"
# The table must cover every __global__ function in kernels/cuda.
python3 scripts/emu_kernel_coverage.py "$build/launched_kernels.txt" | grep -E "NEVER RAN|coverage"
echo "gpu_model: done in $((SECONDS - t0))s"

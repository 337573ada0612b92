#!/usr/bin/env bash
# The emulated CUDA suite (issue 7, docs/emulation.md): the CUDA backend's kernels compiled as C++
# against the SIMT emulator, so cuda:0 runs them on the CPU, under ASan + UBSan. Builds in
# build/emulated and runs the whole test binary (cpu and cuda0 parameters, plus the emulator's own
# tests). Usage: scripts/ci_emulated.sh [extra gtest args, e.g. --gtest_filter='*cuda0*']
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
build=build/emulated
t0=$SECONDS
# -O1 as in the other sanitizer jobs: on this 2-core VM the job took 813 s at -O2 (build 759 s,
# tests 54 s) and 708 s at -O1 (cold build 542 s, tests 166 s); the checks are the same. -g1
# (line tables: all a sanitizer report needs) and no reduction clones under ASan then cut the
# cold build from 490 s to 290 s. The tests then took 600 s on the 2-core Xeon VMs: at -O1 GCC
# left out vzeroupper after the AVX2 kernels (cmake/ndgpu_warnings.cmake now asks for it) and
# glibc's swapcontext made a system call per fiber switch (kernels/cuda/emu/fiber_context.hpp);
# with both fixed, 74 s.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
  -DNDGPU_CUDA=OFF -DNDGPU_CUDA_EMULATION=ON \
  -DNDGPU_SANITIZE=ON -DNDGPU_BUILD_BENCH=OFF -DNDGPU_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j2 --target ndgpu_tests
echo "ci_emulated: built in $((SECONDS - t0))s"
# detect_stack_use_after_return stays off here: with it ASan builds and tears down a fake stack
# for every fiber (each CUDA thread), which makes the suite ~10x slower; the CPU sanitizer job
# keeps that check for host code. The device pool stays on: under ASan it poisons cached blocks
# and the tail past each request, so it hides no overflow.
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export NDGPU_EMU_LAUNCH_LOG="$PWD/$build/launched_kernels.txt"
rm -f "$NDGPU_EMU_LAUNCH_LOG"
t1=$SECONDS
"$build/tests/ndgpu_tests" --gtest_brief=1 "$@"
# Two emulated devices: the runtime's device guards, per-device pools and cross-device frees.
if [[ $# -eq 0 ]]; then
  # (without the launch log: it is written at exit and would replace the whole suite's)
  env -u NDGPU_EMU_LAUNCH_LOG NDGPU_EMU_DEVICES=2 "$build/tests/ndgpu_tests" --gtest_brief=1 \
    --gtest_filter='CudaStreams.*:CudaRuntime.*'
fi
echo "ci_emulated: tests ran in $((SECONDS - t1))s (total $((SECONDS - t0))s)"
# Every __global__ function in kernels/cuda must have run (only meaningful for the whole suite).
if [[ $# -eq 0 ]]; then python3 scripts/emu_kernel_coverage.py "$NDGPU_EMU_LAUNCH_LOG"; fi

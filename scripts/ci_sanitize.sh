#!/usr/bin/env bash
# Sanitizer jobs of the CPU CI (docs/reliability.md 9.1); .ci/run calls this.
#   asan: ASan + UBSan build of the test binary, the whole CPU suite. The host pool bypasses its
#         cache under ASan (tested by HostPool.BypassedUnderAsanCachedOtherwise); NDGPU_POOL=off
#         makes that explicit for every other pool too.
#   tsan: ThreadSanitizer build with the CUDA backend on the SIMT emulator (so cuda:0 exists):
#         the allocators, concurrent read-only ops, and threads driving their own streams and
#         GEMMs on cuda:0 (tests/cuda/test_streams.cpp).
# usage: scripts/ci_sanitize.sh [asan|tsan|all]   (default all). Builds only the test binary each runs.
# Compiler: clang++-14 when present (libclang-rt-14-dev), else the default c++.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
which_jobs=${1:-all}
CXX_SAN=${NDGPU_SAN_CXX:-$(command -v clang++-14 || command -v c++)}
CC_SAN=${NDGPU_SAN_CC:-$(command -v clang-14 || command -v cc)}
common=(-DNDGPU_CUDA=OFF -DNDGPU_BUILD_BENCH=OFF -DNDGPU_BUILD_EXAMPLES=OFF
        -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
        -DCMAKE_CXX_COMPILER="$CXX_SAN" -DCMAKE_C_COMPILER="$CC_SAN")

job() {  # job <name> <build dir> <cmake options, space-separated> <test target> <gtest filter> <env...>
  local name=$1 dir=$2 opt=$3 target=$4 filter=$5
  shift 5
  local t0=$SECONDS
  echo "=== sanitize/$name: configure + build ($CXX_SAN)"
  # shellcheck disable=SC2086  # $opt: one or more -D options
  cmake -S . -B "$dir" "${common[@]}" $opt > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; return 1; }
  cmake --build "$dir" -j2 --target "$target" > "$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; return 1; }
  local t1=$SECONDS
  echo "=== sanitize/$name: run ($filter)"
  env "$@" "$dir/tests/$target" --gtest_filter="$filter" --gtest_brief=1
  echo "=== sanitize/$name: ok (build $((t1 - t0))s, tests $((SECONDS - t1))s)"
}

mkdir -p build
if [[ $which_jobs == asan || $which_jobs == all ]]; then
  job asan build/asan -DNDGPU_SANITIZE=ON ndgpu_tests '*' \
    ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 NDGPU_POOL=off
fi
if [[ $which_jobs == tsan || $which_jobs == all ]]; then
  # The allocators (pool limits, host pool, concurrent allocation), the thread pool, concurrent read-only ops,
  # and threads on their own streams (cpu and emulated cuda:0): ndgpu_concurrency_tests holds
  # just their files (tests/CMakeLists.txt).
  job tsan build/tsan "-DNDGPU_TSAN=ON -DNDGPU_CUDA_EMULATION=ON" ndgpu_concurrency_tests \
    '*Threads*:*PoolLimits*:HostPool.*:CudaStreams.*:ThreadPool.*' \
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
fi

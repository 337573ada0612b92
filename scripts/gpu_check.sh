#!/usr/bin/env bash
# Everything a lent GPU machine (H100/H200: nvcc, CuPy, PyTorch, compute-sanitizer; no network)
# should check, in two calls of at most 10 minutes each:
#   1. scripts/pack_gpu_deps.sh here, then on the GPU (carry .deps):  scripts/gpu_check.sh build test bench
#   2. on the same warm machine (carry .deps, build/gpu is kept):      scripts/gpu_check.sh sanitize calibrate
# Stages: env (always), build (preset gpu, sm_90), test (whole suite), sanitize (compute-sanitizer
# memcheck/racecheck/initcheck/synccheck over the CUDA tests with NDGPU_POOL=off), bench (the main
# job with the NumPy, CuPy and PyTorch columns), calibrate (Nsight Compute against the traffic
# model, docs/gpu_model.md). No argument runs them all.
# Logs, JSON, Markdown and the chart go to one folder: $OUT when set (the device tool), else
# bench/results/; files are named <date>_<card>_<commit>*, ready to commit under bench/results/.
# Env: NDGPU_SANITIZE_FILTER (gtest filter, default *cuda*), NDGPU_SANITIZE_TIMEOUT (s per tool,
# default 110), NDGPU_MAIN_JOB_ARGS (e.g. --full).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
stages=${*:-build test sanitize bench calibrate}
export CCACHE_BASEDIR=$root
deps=$root/.deps
if [ -d "$deps" ]; then
  export LD_LIBRARY_PATH=$deps/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PKG_CONFIG_PATH=$deps/usr/lib/x86_64-linux-gnu/openblas-pthread/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  export CXXFLAGS="${CXXFLAGS:-} -isystem $deps/usr/include/x86_64-linux-gnu/openblas-pthread -isystem $deps/usr/include"
  # CPATH too: a preset's CMAKE_CXX_FLAGS would drop CXXFLAGS (dlpack/dlpack.h went missing).
  export CPATH=$deps/usr/include${CPATH:+:$CPATH}
  dep_args=(-DCMAKE_PREFIX_PATH="$deps/usr"
            -Dbenchmark_DIR="$deps/usr/lib/x86_64-linux-gnu/cmake/benchmark"
            -DFETCHCONTENT_SOURCE_DIR_GOOGLETEST="$deps/googletest" -DFETCHCONTENT_FULLY_DISCONNECTED=ON
            -DCMAKE_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu/openblas-pthread;$deps/usr/lib/x86_64-linux-gnu")
else
  dep_args=()
fi

card=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
short=$(echo "${card:-nogpu}" | grep -oiE 'h100|h200|a100|l40s|b200|gh200' | head -1 | tr 'A-Z' 'a-z')
short=${short:-$(echo "${card:-nogpu}" | tr -c 'A-Za-z0-9' '_' | cut -c1-20)}
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
stem="$(date -u +%Y-%m-%d)_${short}_${commit}"
dest=${OUT:-$root/bench/results}
mkdir -p "$dest"
log=$dest/${stem}_check.log
build=$root/build/gpu
jobs=$(nproc)
say() { echo "=== [$SECONDS s] $*" | tee -a "$log"; }
status=0

say "gpu_check: stages '$stages', card '$card', commit $commit, logs in $dest"
{
  nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,ecc.mode.current,power.limit --format=csv
  nvcc --version | tail -1; cmake --version | head -1; g++ --version | head -1
  compute-sanitizer --version 2>/dev/null | tail -1
  python3 -c "import numpy, sys; print('python', sys.version.split()[0], 'numpy', numpy.__version__)" 2>&1
  python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))" 2>&1 | tail -1
  python3 -c "import cupy; print('cupy', cupy.__version__)" 2>&1 | tail -1
} >>"$log" 2>&1

if [[ " $stages " == *" build "* ]]; then
  say "configure + build (preset gpu: CUDA ON, sm_90, Release), $jobs jobs"
  if cmake --preset gpu "${dep_args[@]}" >>"$log" 2>&1 && cmake --build "$build" -j"$jobs" >>"$log" 2>&1; then
    say "build: ok"
  else
    say "build: FAILED (see the log above)"; tail -40 "$log"; exit 1
  fi
fi

if [[ " $stages " == *" test "* ]]; then
  say "whole test suite (ctest), CUDA tests included"
  ctest --test-dir "$build" -j"$jobs" --timeout 300 --output-on-failure >"$dest/${stem}_ctest.log" 2>&1
  rc=$?
  grep -E "tests passed|tests failed|Total Test time" "$dest/${stem}_ctest.log" | tee -a "$log"
  ran_gpu=$("$build/tests/ndgpu_tests" --gtest_list_tests --gtest_filter='*cuda*' 2>/dev/null | grep -c '^  ')
  say "test: ctest exit $rc; $ran_gpu CUDA test cases listed"
  [ $rc -eq 0 ] || status=1
fi

if [[ " $stages " == *" sanitize "* ]]; then
  filter=${NDGPU_SANITIZE_FILTER:-*cuda*}
  limit=${NDGPU_SANITIZE_TIMEOUT:-110}
  slog=$dest/${stem}_sanitizer.log
  : >"$slog"
  for tool in memcheck racecheck initcheck synccheck; do
    extra=(); [ $tool = memcheck ] && extra=(--leak-check full)
    say "compute-sanitizer --tool $tool (filter '$filter', NDGPU_POOL=off, limit ${limit}s)"
    echo "===== $tool" >>"$slog"
    NDGPU_POOL=off timeout "$limit" compute-sanitizer --tool $tool "${extra[@]}" --error-exitcode 99 \
      "$build/tests/ndgpu_tests" --gtest_filter="$filter" --gtest_brief=1 >>"$slog" 2>&1
    rc=$?
    summary=$(grep -E "ERROR SUMMARY|RACECHECK SUMMARY|Device not supported|PASSED|FAILED" "$slog" | tail -3 | tr '\n' ' ')
    if grep -q "Device not supported" "$slog"; then say "$tool: device not supported by compute-sanitizer here (skipped)"
    elif [ $rc -eq 124 ]; then say "$tool: timed out after ${limit}s (set NDGPU_SANITIZE_FILTER to a smaller set) $summary"; status=1
    elif [ $rc -ne 0 ]; then say "$tool: FAILED (exit $rc) $summary"; status=1
    else say "$tool: clean $summary"; fi
  done
fi

if [[ " $stages " == *" bench "* ]]; then
  say "main job (ndgpu CPU + GPU, NumPy, CuPy, PyTorch)"
  mj=$build/main_job
  bench/main_job/run_main_job.sh "$build/bench/main_job/ndgpu-bench" "$mj" ${NDGPU_MAIN_JOB_ARGS:-} \
    >"$dest/${stem}_bench.log" 2>&1
  rc=$?
  for ext in json md png; do [ -f "$mj/report.$ext" ] && cp "$mj/report.$ext" "$dest/$stem.$ext"; done
  tail -5 "$dest/${stem}_bench.log" | tee -a "$log"
  say "bench: exit $rc; report $dest/$stem.{json,md,png}"
  [ $rc -eq 0 ] || status=1
fi
if [[ " $stages " == *" calibrate "* ]]; then
  # The traffic model (docs/gpu_model.md 6) against Nsight Compute: the same workloads, the same
  # launches in the same order, compared with the newest committed model record.
  model_json=$(ls -1 "$root"/bench/results/*_gpu_model_*.json 2>/dev/null | tail -1)
  if ! command -v ncu >/dev/null; then say "calibrate: no ncu on this machine (skipped)"
  elif [ -z "$model_json" ]; then say "calibrate: no bench/results/*_gpu_model_*.json (run scripts/gpu_model.sh)"; status=1
  else
    say "calibrate: ncu over ndgpu-gpu-model --run, against $(basename "$model_json")"
    metrics=l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum
    metrics+=,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum
    metrics+=,l1tex__data_pipe_lsu_wavefronts_mem_shared.sum,dram__bytes_read.sum,dram__bytes_write.sum
    timeout 300 ncu --profile-from-start off --csv --print-units base --metrics "$metrics" \
      "$build/bench/gpu_model/ndgpu-gpu-model" --run >"$dest/${stem}_ncu.csv" 2>>"$log"
    rc=$?
    python3 bench/gpu_model/compare_ncu.py "$model_json" "$dest/${stem}_ncu.csv" >"$dest/${stem}_calibration.md" 2>&1
    rc2=$?
    tail -8 "$dest/${stem}_calibration.md" | tee -a "$log"
    say "calibrate: ncu exit $rc, compare exit $rc2; $dest/${stem}_calibration.md"
    [ $rc -eq 0 ] && [ $rc2 -eq 0 ] || status=1
  fi
fi
say "gpu_check: done, exit $status"
exit $status

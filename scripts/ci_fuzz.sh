#!/usr/bin/env bash
# Fuzz smoke for CI (docs/reliability.md 9.1, 9.2): builds the libFuzzer targets (clang, ASan +
# UBSan, -DNDGPU_FUZZ=ON), replays every committed regression input, then fuzzes each target
# from its committed seed corpus for an equal share of the budget.
# usage: scripts/ci_fuzz.sh [total seconds, default 60]
# Crash inputs land in build/fuzz-artifacts/ (upload them; add them to fuzz/regressions/<target>/
# with the fix). New corpus entries go to a scratch directory, never into fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
budget=${1:-60}
dir=${NDGPU_FUZZ_BUILD_DIR:-build/fuzz}
cxx=${NDGPU_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++)}
cc=${NDGPU_FUZZ_CC:-$(command -v clang-14 || command -v clang)}
t0=$SECONDS
mkdir -p "$dir"
cmake -S . -B "$dir" -DNDGPU_CUDA=OFF -DNDGPU_FUZZ=ON -DNDGPU_BUILD_TESTS=OFF -DNDGPU_BUILD_BENCH=OFF \
  -DNDGPU_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" > "$dir/ci_configure.log" 2>&1 || { cat "$dir/ci_configure.log"; exit 1; }
cmake --build "$dir" -j2 --target fuzz > "$dir/ci_build.log" 2>&1 || { tail -50 "$dir/ci_build.log"; exit 1; }
echo "=== fuzz: built in $((SECONDS - t0))s"

targets=()
for exe in "$dir"/fuzz/fuzz_*; do [[ -x $exe ]] && targets+=("$(basename "$exe")"); done
per=$(( budget / ${#targets[@]} ))
(( per < 1 )) && per=1
mkdir -p build/fuzz-artifacts
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  seeds=fuzz/corpus/$name
  regressions=(fuzz/regressions/$name/*)
  if [[ -e ${regressions[0]} ]]; then  # every past finding must stay fixed
    "$dir/fuzz/$t" "${regressions[@]}" > "build/fuzz-artifacts/$name.replay.log" 2>&1 \
      || { echo "FAIL $t: a regression input fails again"; tail -30 "build/fuzz-artifacts/$name.replay.log"; status=1; }
  fi
  scratch=$(mktemp -d)
  if "$dir/fuzz/$t" -max_total_time="$per" -runs=200000 -timeout=10 -rss_limit_mb=2048 \
       -dict=fuzz/npy.dict -artifact_prefix="build/fuzz-artifacts/$name-" -print_final_stats=1 \
       "$scratch" "$seeds" > "build/fuzz-artifacts/$name.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build/fuzz-artifacts/$name.log" | grep -o '[0-9]*$' || echo '?')
    echo "ok   $t: $runs runs in <= ${per}s"
  else
    echo "FAIL $t (inputs in build/fuzz-artifacts/)"
    grep -E 'ERROR|invariant|runtime error|SUMMARY' "build/fuzz-artifacts/$name.log" | head -10
    status=1
  fi
  rm -rf "$scratch"
done
echo "=== fuzz: done in $((SECONDS - t0))s"
exit $status

#!/usr/bin/env bash
# The float functions' RareSplit halves (rare / common, kernels/ops.hpp) must be inlined into the
# CPU loops' vector clones: an out-of-line copy is compiled for the baseline target, where it runs
# scalar and calls libm for each fma (pow's loop once ran 30x slower that way, unnoticed by the
# tests). Usage: scripts/check_inlined.sh [path/to/libndgpu.a]
set -euo pipefail
lib=${1:-build/release/libndgpu.a}
if nm -C "$lib" | grep -E " [TtWw] nd::kern::[A-Za-z0-9_]+::(common|rare)\("; then
  echo "error: the functions above are out of line in $lib: mark them ND_FM (kernels/fast_math.hpp)" >&2
  exit 1
fi
echo "check_inlined: every RareSplit rare/common is inlined in $lib"

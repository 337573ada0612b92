#!/usr/bin/env bash
# The op functors of kernels/ops.hpp (operator() and the RareSplit halves rare / common) must be
# inlined into the CPU loops' vector clones: an out-of-line copy (also a local .isra clone) is
# compiled for the baseline target, where it runs scalar and calls libm for each fma (pow's loop
# once ran 30x slower that way, then expm1's 90x, unnoticed by the tests).
# Usage: scripts/check_inlined.sh [path/to/libndgpu.a]
set -euo pipefail
lib=${1:-build/release/libndgpu.a}
if nm -C "$lib" | grep -E " [TtWw] .*nd::kern::[A-Za-z0-9_]+::(common|rare|operator\(\))(<[^>]*>)?\("; then
  echo "error: the functions above are out of line in $lib: they must be ND_FM (kernels/fast_math.hpp)" >&2
  exit 1
fi
echo "check_inlined: every op functor call is inlined in $lib"

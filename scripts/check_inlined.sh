#!/usr/bin/env bash
# Code meant to run inside the CPU loops' vector clones (ND_SIMD_CLONES) must be inlined there: an
# out-of-line copy is compiled once, for the baseline target, where it runs scalar and calls libm
# for each fma (pow's loop once ran 30x slower that way, then expm1's 90x, then standardize's rows
# 1.25x, all unnoticed by the tests). Fails on
#   - an op functor of kernels/ops.hpp (operator(), the RareSplit halves rare / common) out of
#     line, a local .isra clone included: they must be ND_FM (kernels/fast_math.hpp);
#   - a lambda of a cloned function, or a function it was passed to, out of line: ND_CLONE_LAMBDA
#     (kernels/cpu/simd.hpp) on the lambda, ND_FM on the function.
# Usage: scripts/check_inlined.sh [path/to/libndgpu.a]
set -euo pipefail
lib=${1:-build/release/libndgpu.a}
[ -f "$lib" ] || { echo "error: $lib not found (build it first)" >&2; exit 1; }
syms=$(mktemp)
trap 'rm -f "$syms"' EXIT
nm -C "$lib" >"$syms"
status=0
if grep -E " [TtWw] .*nd::kern::[A-Za-z0-9_]+::(common|rare|operator\(\))(<[^>]*>)?\(" "$syms"; then
  echo "error: the op functors above are out of line in $lib: they must be ND_FM (kernels/fast_math.hpp)" >&2
  status=1
fi
python3 - "$syms" <<'EOF' || status=1
import re, sys
names = [re.sub(r"^[0-9a-f]+ [TtWw] ", "", l.rstrip("\n")) for l in open(sys.argv[1])
         if re.match(r"^[0-9a-f]+ [TtWw] ", l)]
def without_return_type(n):
    depth, cut = 0, 0
    for i, ch in enumerate(n):
        depth += ch in "<(" and 1 or ch in ">)" and -1 or 0
        if ch == " " and depth == 0:
            cut = i + 1
    return n[cut:]
# Functions with vector clones: "ns::f<...>(args)".
cloned = {without_return_type(re.sub(r" \[clone .*", "", n)) for n in names if "[clone .arch_x86_64_v" in n}
bad = []
for n in names:
    if "[clone .arch_x86_64_v" in n or "::{lambda" not in n:
        continue
    owners = [n[:m.start()] for m in re.finditer(r"::\{lambda", n)]
    if any(o.endswith(c) for o in owners for c in cloned):
        bad.append(n)
for n in bad:
    print(n[:300])
if bad:
    print("error: the functions above hold a vector-cloned function's lambda out of line: "
          "ND_CLONE_LAMBDA on the lambda, ND_FM on a function it is passed to", file=sys.stderr)
    sys.exit(1)
EOF
[ "$status" -eq 0 ] && echo "check_inlined: every op functor and vector-clone lambda is inlined in $lib"
exit "$status"

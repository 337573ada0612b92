#!/usr/bin/env bash
# ndgpu reductions vs NumPy, back to back in one run (PERFORMANCE.md "same process, same run"):
# NumPy's reduce section, bench_reduce, NumPy again; prints both and the ratios (NumPy / ndgpu).
# Usage: bench/run_reduce_vs_numpy.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
np() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 /work/shared/bench/numpy_baseline.py --sections reduce --json | grep '^JSON' | sed 's/^JSON //'; }
np > /tmp/ndgpu_np1.json
"$build/bench/bench_reduce" --benchmark_format=json --benchmark_filter='cpu' > /tmp/ndgpu_bench.json
np > /tmp/ndgpu_np2.json
python3 - <<'PY'
import json
np_rows = {}
for f in ("/tmp/ndgpu_np1.json", "/tmp/ndgpu_np2.json"):
    for line in open(f):
        r = json.loads(line)
        np_rows.setdefault((r["op"], r["size"]), []).append(r["median_s"])
names = {"sum_axis1": "sum axis=1", "mean_axis1": "mean axis=1", "std_axis1": "std axis=1",
         "max_axis1": "max axis=1", "argmax_axis1": "argmax axis=1", "norm_axis1": "norm axis=1",
         "sum_full": "sum (all, full reduce)"}
print(f"{'op':<16}{'size':<14}{'numpy ms':>10}{'ndgpu ms':>10}{'ratio':>8}")
for b in json.load(open("/tmp/ndgpu_bench.json"))["benchmarks"]:
    name, size, dev = b["name"].split("/")[:3]
    t = b["real_time"]  # ms
    key = (names.get(name, ""), size)
    if key in np_rows:
        n = min(np_rows[key]) * 1e3
        print(f"{name:<16}{size:<14}{n:>10.2f}{t:>10.2f}{n / t:>7.2f}x")
    else:
        print(f"{name:<16}{size:<14}{'-':>10}{t:>10.2f}")
PY

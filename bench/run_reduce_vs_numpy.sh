#!/usr/bin/env bash
# ndgpu reductions vs NumPy, back to back in one process and run (docs/performance.md 3):
# NumPy's reduce section, bench_reduce, NumPy again; prints both and the ratios (NumPy / ndgpu).
# ndgpu in latency mode (bench/README.md); NumPy's calls are synchronous, so it has one mode.
# Usage: bench/run_reduce_vs_numpy.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
np() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 /work/shared/bench/numpy_baseline.py --sections reduce --json | grep '^JSON' | sed 's/^JSON //'; }
np > /tmp/ndgpu_np1.json
"$build/bench/bench_reduce" --benchmark_format=json --benchmark_filter='cpu/latency' > /tmp/ndgpu_bench.json
np > /tmp/ndgpu_np2.json
python3 - <<'PY'
import json
np_rows = {}
for f in ("/tmp/ndgpu_np1.json", "/tmp/ndgpu_np2.json"):
    for line in open(f):
        r = json.loads(line)
        np_rows.setdefault((r["op"], r["size"]), []).append(r["median_s"])
names = {"sum_rows": "sum axis=1", "mean_rows": "mean axis=1", "std_rows": "std axis=1",
         "max_rows": "max axis=1", "argmax_rows": "argmax axis=1", "norm_rows": "norm axis=1",
         "sum_all": "sum (all, full reduce)"}
print(f"{'op':<16}{'size':<14}{'numpy ms':>10}{'ndgpu ms':>10}{'ratio':>8}")
for b in json.load(open("/tmp/ndgpu_bench.json"))["benchmarks"]:
    name, _, size, dev = b["name"].split("/")[:4]
    size = "(" + size.replace("x", ",") + ")"
    t = b["real_time"]  # ms (manual time)
    key = (names.get(name, ""), size)
    if key in np_rows:
        n = min(np_rows[key]) * 1e3
        print(f"{name:<16}{size:<14}{n:>10.2f}{t:>10.2f}{n / t:>7.2f}x")
    else:
        print(f"{name:<16}{size:<14}{'-':>10}{t:>10.2f}")
PY

#!/usr/bin/env python3
"""Ratio tables: ndgpu's Google Benchmark JSON against NumPy's numpy_baseline.py output (same run).
Usage: compare.py NUMPY_OUTPUT.txt GBENCH.json [--mode latency|throughput] [--json OUT.json] > table.md
NUMPY_OUTPUT.txt: the output of numpy_baseline.py --json (its "JSON {...}" lines are read).
--mode: ndgpu's timing mode to compare (bench/README.md; default latency). NumPy's calls are
synchronous, so its one number stands for either mode."""
import json, sys

# numpy_baseline.py op names -> ndgpu benchmark names (bench/bench_*.cpp)
NAMES = {"add a+b": "add", "mul a*b": "mul", "pow a**2 (fast path)": "square",
         "pow a**3.0 (powf)": "pow3", "pow np.power(a,b)": "pow", "sqrt": "sqrt", "exp": "exp",
         "log": "log", "add (out=, no alloc)": "add_inplace", "X + b (row vector)": "add_row"}


def size_tag(s):
    return s.strip("()").replace(",", "x") if s.startswith("(") else str(int(float(s)))


def main(argv):
    numpy = [json.loads(l[5:]) for l in open(argv[1]) if l.startswith("JSON ")]
    ours = {b["name"].split("/manual_time")[0]: b for b in json.load(open(argv[2]))["benchmarks"]
            if b.get("run_type", "iteration") == "iteration"}
    mode = argv[argv.index("--mode") + 1] if "--mode" in argv else "latency"
    rows = []
    for r in numpy:
        op = NAMES.get(r["op"])
        for dev in ("cpu", "cuda0"):
            b = ours.get(f"{op}/f32/{size_tag(r['size'])}/{dev}/{mode}") if op else None
            if not b:
                continue
            t = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            rows.append({"workload": f"{r['op']} ({r['size']})", "device": dev, "numpy_s": r["median_s"],
                         "ndgpu_s": t, "speedup": r["median_s"] / t, "ndgpu_GBps": b.get("GBps"),
                         "pct_stream": b.get("pct_stream")})
    print("| workload | device | NumPy | ndgpu | NumPy / ndgpu | ndgpu GB/s | % same-run STREAM |")
    print("|---|---|---|---|---|---|---|")
    fmt = lambda s: f"{s * 1e3:.3f} ms" if s >= 1e-4 else f"{s * 1e6:.2f} us"
    for x in rows:
        gb = f"{x['ndgpu_GBps']:.1f}" if x["ndgpu_GBps"] else "-"
        pct = f"{x['pct_stream']:.0f} %" if x["pct_stream"] else "-"
        print(f"| {x['workload']} | {x['device']} | {fmt(x['numpy_s'])} | {fmt(x['ndgpu_s'])} | "
              f"**{x['speedup']:.2f}x** | {gb} | {pct} |")
    if "--json" in argv:
        json.dump(rows, open(argv[argv.index("--json") + 1], "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""The traffic model against Nsight Compute on a card (docs/gpu_model.md 6).

usage: compare_ncu.py MODEL_JSON NCU_CSV

MODEL_JSON: `ndgpu-gpu-model --json` from the model build (scripts/gpu_model.sh writes
build/model/gpu_model.json; bench/results keeps dated copies). NCU_CSV: `ncu --csv
--print-units base --profile-from-start off --metrics ...` over `ndgpu-gpu-model --run` on a GPU
build (scripts/gpu_check.sh calibrate). Both list the same launches in the same order; kernel
names are checked. Prints one Markdown row per launch (model / measured for global load and store
requests and sectors, shared wavefronts, DRAM bytes) and the median error of each counter.
"""
import csv
import json
import re
import statistics
import sys

METRICS = {  # ncu metric -> model field(s) it is compared with
    "l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum": "ld_requests",
    "l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum": "ld_sectors",
    "l1tex__t_requests_pipe_lsu_mem_global_op_st.sum": "st_requests",
    "l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum": "st_sectors",
    "l1tex__data_pipe_lsu_wavefronts_mem_shared.sum": "sh_wavefronts",
    "dram__bytes_read.sum": "unique_read",
    "dram__bytes_write.sum": "unique_written",
}


def base_name(demangled):
    """'void nd::cuda::(anonymous namespace)::f<Op, float>(float*, long)' -> 'f'."""
    name = demangled.replace("(anonymous namespace)", "anon")
    cut = min((name.find(c) for c in "<(" if c in name), default=len(name))
    return name[:cut].split("::")[-1].split()[-1]


def ncu_launches(path):
    """[(kernel base name, {metric: value})] in launch order."""
    rows = {}
    with open(path, newline="") as f:
        lines = [ln for ln in f if ln.startswith('"')]  # ncu prints its own log lines too
    for r in csv.DictReader(lines):
        launch = rows.setdefault(int(r["ID"]), (base_name(r["Kernel Name"]), {}))
        value = re.sub(r"[^0-9.eE+-]", "", r["Metric Value"])
        if value:
            launch[1][r["Metric Name"]] = float(value)
    return [rows[k] for k in sorted(rows)]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = json.load(open(sys.argv[1]))
    measured = ncu_launches(sys.argv[2])
    if len(model) != len(measured):
        print(f"warning: the model recorded {len(model)} launches, ncu profiled {len(measured)}")
    cols = list(METRICS)
    print("| workload | kernel | " + " | ".join(METRICS[c] + " (model / ncu)" for c in cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    errors = {c: [] for c in cols}
    for m, (kernel, values) in zip(model, measured):
        if m["kernel"] != kernel:
            sys.exit(f"launch order differs: model {m['kernel']} ({m['workload']}), ncu {kernel}")
        cells = []
        for c in cols:
            mine = m[METRICS[c]]
            theirs = values.get(c)
            cells.append(f"{mine} / {theirs:.0f}" if theirs is not None else f"{mine} / -")
            if theirs and mine:
                errors[c].append(abs(mine - theirs) / theirs)
        print(f"| {m['workload']} | {kernel} | " + " | ".join(cells) + " |")
    print()
    for c in cols:
        if errors[c]:
            print(f"- {METRICS[c]} vs {c}: median error {100 * statistics.median(errors[c]):.1f} % "
                  f"over {len(errors[c])} launches")


if __name__ == "__main__":
    main()

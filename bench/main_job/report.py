#!/usr/bin/env python3
"""Renders the main job's JSON (ndgpu-bench's, or compare_frameworks.py's merged one) as
Markdown tables, one per timing mode (bench/README.md), and a PNG chart (speedup per workload in
throughput and latency mode, % of the device limit). Speedups compare like modes only.

    report.py RESULTS.json [--md OUT.md] [--png OUT.png]     (default: next to the JSON)
"""
import argparse
import json
import math
import os
import sys

FRAMEWORKS = [("numpy", "NumPy", "cpu"), ("cupy", "CuPy", "gpu"), ("torch", "PyTorch", "gpu")]
# compare_frameworks.py's CPU peers (scripts/install_peers.sh), compared with ndgpu's CPU column.
CPU_PEERS = [("torch-cpu", "PyTorch CPU"), ("jax", "JAX"), ("numexpr", "numexpr"), ("faiss", "FAISS"),
             ("faiss-search", "FAISS search only"), ("sklearn", "scikit-learn")]
NOT_BEST = {"faiss-search"}  # skips the document pass that ndgpu's call makes: not like-for-like


def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.2f} µs"
    if s < 1:
        return f"{s * 1e3:.3f} ms"
    return f"{s:.3f} s"


MODES = ("latency", "throughput", "enqueue")
MODE_TITLES = {
    "latency": "Latency: each call followed by a synchronise, time per call",
    "throughput": "Throughput: calls back to back, one synchronise per batch, time per call",
    "enqueue": "Enqueue (ndgpu only): host time of the call alone, synchronised outside the timing",
}


def median(res):
    return res.get("median_s") if res else None


def at(results, key, mode):
    """One mode's result of a device ('cpu', 'cuda0') or framework ('numpy', ...), or None."""
    return ((results or {}).get(key) or {}).get(mode)


def ratio(num, den):
    return num / den if num and den else None


def fmt_ratio(r):
    return "-" if r is None else (f"{r:.2f}x" if r < 10 else f"{r:.0f}x" if r >= 100 else f"{r:.1f}x")


def fmt_rate(w, res):
    if not res or not res.get("rate") or w["unit"] == "none":
        return "-"
    unit = "GB/s" if w["unit"] == "bytes" else "GFLOP/s"
    pct = res.get("pct_of_limit")
    return f"{res['rate']:.1f} {unit}" + (f" ({pct:.0f} %)" if pct else "")


def gpu_key(data):
    return data["devices"][1]["key"] if len(data["devices"]) > 1 else None


def present(data, table):
    return [f for f in table if any(f[0] in (w.get("frameworks") or {}) for w in data["workloads"])]


def present_frameworks(data):
    return present(data, FRAMEWORKS)


def best_peer(w, mode):
    """(name, time) of the fastest CPU framework (NumPy or a peer) on this workload in `mode`."""
    times = [(median(at(w.get("frameworks"), key, mode)), name)
             for key, name in [FRAMEWORKS[0][:2]] + CPU_PEERS if key not in NOT_BEST]
    times = [(t, name) for t, name in times if t]
    return (min(times)[1], min(times)[0]) if times else (None, None)


def header_lines(data):
    L = data["limits"]["cpu"]
    h = data["host"]
    out = [f"Run {data['date']}, commit `{data['commit']}`, mode {data['mode']}, {data.get('wall_s', 0):.0f} s.",
           "",
           f"- CPU: {h['cpu_model']}, {h['threads']} threads. Limits measured in this run: STREAM-like triad "
           f"**{L['triad_gbs']:.1f} GB/s** (end of run {L['triad_end_gbs']:.1f}), OpenBLAS SGEMM {L['sgemm_n']}³ "
           f"**{L['sgemm_gflops']:.0f} GFLOP/s** (kernel {L['blas_core']}, {L['blas_threads']} threads; {L['blas_env']})."]
    g = gpu_key(data)
    if g:
        G = data["limits"][g]
        out.append(f"- GPU {g}: {G['name']}, {G['sm_count']} SMs. Copy kernel **{G['copy_gbs']:.0f} GB/s**, "
                   f"cuBLAS SGEMM {G['sgemm_n']}³ **{G['sgemm_gflops']:.0f} GFLOP/s**, empty launch {G['launch_us']:.1f} µs.")
    else:
        out.append("- GPU: none on this machine; the GPU column reads \"no GPU\".")
    for name, info in (data.get("frameworks_info") or {}).items():
        out.append(f"- {name}: {info}")
    return out


def mode_table(data, mode):
    g = gpu_key(data)
    fws = present_frameworks(data) if mode != "enqueue" else []
    rates = mode == "throughput"
    enqueue = mode == "enqueue"  # host time only: no speedup; the GPU latency beside it instead
    cols = ["Workload", "ndgpu CPU", "ndgpu GPU", "ndgpu GPU latency" if enqueue else "GPU/CPU"]
    if rates:
        cols += ["CPU rate (% of limit)", "GPU rate (% of limit)"]
    for key, name, _ in fws:
        cols += [name, f"ndgpu vs {name}"]
    best = not enqueue and bool(present(data, CPU_PEERS))
    if best:
        cols += ["Best CPU peer", "ndgpu CPU vs best"]
    lines = [f"### {MODE_TITLES[mode]}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    section = None
    for w in data["workloads"]:
        r = w["results"]
        if w["section"] == "loop" and mode != "latency":
            continue  # the loops are latency-only; the vectorised a + b is the 1e6 row above
        if w["section"] != section:
            section = w["section"]
            lines.append(f"| **{section}** |" + " |" * (len(cols) - 1))
        cpu, gpu = at(r, "cpu", mode), at(r, g, mode) if g else None
        cells = [w["label"], fmt_time(median(cpu)) if cpu else "not built" if not r.get("cpu") else "-",
                 fmt_time(median(gpu)) if gpu else "no GPU" if not g or not r.get(g) else "-",
                 fmt_time(median(at(r, g, "latency"))) if enqueue else fmt_ratio(ratio(median(cpu), median(gpu)))]
        if rates:
            cells += [fmt_rate(w, cpu), fmt_rate(w, gpu)]
        for key, name, side in fws:
            fr = at(w.get("frameworks"), key, mode)
            mine = gpu if side == "gpu" else cpu
            cells += [fmt_time(median(fr)), fmt_ratio(ratio(median(fr), median(mine)))]
        if best:
            name, t = best_peer(w, mode)
            cells += [f"{name} {fmt_time(t)}" if name else "-", fmt_ratio(ratio(t, median(cpu)))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def peers_table(data):
    """Every CPU peer beside ndgpu's CPU time, latency mode (the peers' calls are synchronous)."""
    peers = [FRAMEWORKS[0][:2]] + present(data, CPU_PEERS)
    cols = ["Workload", "ndgpu CPU"] + [name for _, name in peers]
    lines = ["### CPU peers, latency mode: time (peer / ndgpu CPU; > 1: ndgpu faster)", "",
             "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for w in data["workloads"]:
        cpu = median(at(w["results"], "cpu", "latency"))
        if w["section"] == "loop" or not cpu:
            continue
        cells = [w["label"], fmt_time(cpu)]
        for key, _ in peers:
            t = median(at(w.get("frameworks"), key, "latency"))
            cells.append(f"{fmt_time(t)} ({fmt_ratio(ratio(t, cpu))})" if t else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(data):
    tm = data["timing_modes"]
    lines = header_lines(data) + [
        "",
        f"Timing modes (bench/README.md): **latency** = call + synchronise; **throughput** = up to "
        f"{tm['max_in_flight']} calls back to back, then one synchronise, time / calls; **enqueue** = "
        "host time of the ndgpu call alone (the synchronise every "
        f"{tm['max_in_flight']} calls is not timed). On the CPU every call is synchronous, so the "
        "three agree up to noise; NumPy is timed once and shown in both of its modes. Samples: "
        + ", ".join(f"{m} {tm[m]['repetitions']} x >= {tm[m]['min_time_s'] * 1e3:g} ms" for m in MODES) + "."]
    for mode in MODES:
        lines += [""] + mode_table(data, mode)
    lines += ["", "GPU/CPU and \"ndgpu vs X\" are speedups within one mode (> 1: ndgpu's side is faster; "
              "NumPy is compared with ndgpu's CPU column, CuPy and PyTorch with its GPU column). Rates "
              "count compulsory traffic (inputs read once, outputs written once) or 2mnk FLOPs; % is of "
              "the same run's limit."]
    if present(data, CPU_PEERS):
        lines += ["", "Best CPU peer: the fastest of NumPy and the CPU peers below in that mode (FAISS "
                  "search only excluded: its index is built outside the timing, so it skips the "
                  "document pass that ndgpu's call makes; bench/README.md)."]
        lines += [""] + peers_table(data)
    loop = {w["bench"].split("/")[0]: median(at(w["results"], "cpu", "latency")) for w in data["workloads"]
            if w["section"] == "loop"}
    vec = loop.get("add")
    parts = []
    for key, what in (("loop_array_api", "loop through the Array API"), ("loop_std_vector", "loop over std::vector")):
        if loop.get(key):
            parts.append(f"{what} {fmt_time(loop[key])}" + (f" ({loop[key] / vec:.0f}x the vectorised a + b, {fmt_time(vec)})" if vec else ""))
    if parts:
        lines += ["", "**Loop vs vectorised (Exercise 3, 1e6 float32 elements, CPU, latency):** " + "; ".join(parts) + "."]
    np_loop = data.get("frameworks_loop") or {}
    if np_loop:
        base = np_loop.get("NumPy a + b")
        lines.append("NumPy side, same run: " + "; ".join(
            f"{k} {fmt_time(v)}" + (f" ({v / base:.0f}x)" if base and k != "NumPy a + b" else "")
            for k, v in np_loop.items()) + ".")
    return "\n".join(lines) + "\n"


def chart(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    g = gpu_key(data)
    fws = present_frameworks(data)
    rows = [w for w in data["workloads"] if w["section"] != "loop" and w["results"].get("cpu")]
    labels = [w["label"] for w in rows]

    def speedups(mode):  # (name, values) per comparison, both sides in `mode`
        out = []
        if g:
            out.append(("ndgpu GPU / ndgpu CPU", [ratio(median(at(w["results"], "cpu", mode)),
                                                        median(at(w["results"], g, mode))) for w in rows]))
        for key, name, side in fws:
            mine = "cpu" if side == "cpu" else g
            if mine:
                out.append((f"ndgpu {'CPU' if side == 'cpu' else 'GPU'} vs {name}",
                            [ratio(median(at(w.get("frameworks"), key, mode)), median(at(w["results"], mine, mode)))
                             for w in rows]))
        if present(data, CPU_PEERS):
            out.append(("ndgpu CPU vs best CPU peer", [ratio(best_peer(w, mode)[1], median(at(w["results"], "cpu", mode)))
                                                       for w in rows]))
        return out
    pcts = [("ndgpu CPU, % of triad / SGEMM", [(at(w["results"], "cpu", "throughput") or {}).get("pct_of_limit")
                                               for w in rows])]
    if g:
        pcts.append(("ndgpu GPU, % of copy kernel / cuBLAS",
                     [(at(w["results"], g, "throughput") or {}).get("pct_of_limit") for w in rows]))
    panels = [(speedups("throughput"), "Speedup, throughput mode (x, log; > 1 = ndgpu side faster)", True),
              (speedups("latency"), "Speedup, latency mode (x, log; > 1 = ndgpu side faster)", True),
              (pcts, "% of the device limit measured in the same run (throughput mode)", False)]

    n = len(rows)
    if n == 0:  # nothing measured yet (no op benchmarks registered): say so rather than draw axes
        fig = plt.figure(figsize=(8, 2))
        fig.text(0.5, 0.5, "ndgpu main job: no workload measured on the CPU yet", ha="center")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return
    fig, axes = plt.subplots(1, 3, figsize=(21, 0.38 * n + 2.8), sharey=True)
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
    for ax, (data_series, title, log) in zip(axes, panels):
        k = max(1, len(data_series))
        h = 0.8 / k
        for j, (name, vals) in enumerate(data_series):
            ys = [i + (j - (k - 1) / 2) * h for i in range(n)]
            xs = [v if v else 0 for v in vals]
            ax.barh(ys, xs, height=h, label=name, color=colors[j % len(colors)])
            for y, v in zip(ys, vals):
                if v:
                    ax.text(v, y, f" {v:.1f}" if v < 100 else f" {v:.0f}", va="center", fontsize=7)
        if log:
            ax.set_xscale("log")
            ax.axvline(1, color="black", lw=0.8)
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}x"))
            ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1, 2, 5)))
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        else:
            ax.axvline(100, color="black", lw=0.8, ls="--")
        if not data_series:
            ax.text(0.5, 0.5, "no GPU and no NumPy in this run:\nno speedup to show", ha="center",
                    va="center", transform=ax.transAxes)
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        for i in range(1, n):  # a rule between sections
            if rows[i]["section"] != rows[i - 1]["section"]:
                ax.axhline(i - 0.5, color="grey", lw=0.6)
        if data_series:
            ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.045), ncol=2, frameon=False)
    axes[0].set_yticks(range(n))
    axes[0].set_yticklabels(labels, fontsize=8)
    axes[0].set_ylim(n - 0.5, -0.5)  # first workload on top, no empty margin
    gname = data["limits"][g]["name"] if g else "no GPU"
    fig.suptitle(f"ndgpu main job — {data['host']['cpu_model']} ({data['host']['threads']} threads) / {gname} — "
                 f"{data['date'][:10]} commit {data['commit']}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("--md")
    ap.add_argument("--png")
    a = ap.parse_args()
    with open(a.json) as f:
        data = json.load(f)
    if "timing_modes" not in data:  # before timing modes: its report.md was rendered then
        print(f"{a.json} predates the timing modes (old method); keep its committed .md/.png", file=sys.stderr)
        return 1
    stem = os.path.splitext(a.json)[0]
    md = a.md or stem + ".md"
    with open(md, "w") as f:
        f.write("# ndgpu main job\n\n" + markdown(data))
    print(f"wrote {md}")
    try:
        chart(data, a.png or stem + ".png")
        print(f"wrote {a.png or stem + '.png'}")
    except ImportError:
        print("matplotlib missing (pip install matplotlib): no PNG chart", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

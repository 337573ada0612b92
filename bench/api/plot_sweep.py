#!/usr/bin/env python3
"""Draws the size sweep (bench/README.md, "Size sweep"): time per call against elements, log-log,
one panel per op and one line per library, from api_peers.py --set sweep's sweep.json.

    plot_sweep.py SWEEP_JSON OUT_PNG
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def elements(shape):
    n = 1
    for v in shape.split("x"):
        n *= int(v)
    return n


def main():
    data = json.load(open(sys.argv[1]))
    results = data["results"]
    ids = list(results["ndgpu"])
    ops = list(dict.fromkeys(i.split("/")[0] for i in ids))
    cols = 4
    nrows = (len(ops) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(4 * cols, 3.2 * nrows), squeeze=False)
    for ax, op in zip(axes.flat, ops):
        mine = [i for i in ids if i.split("/")[0] == op]
        for lib, times in results.items():
            pts = [(elements(i.split("/")[3]), times[i]) for i in mine if times.get(i)]
            if pts:
                ax.loglog(*zip(*pts), marker="o", markersize=3, label=lib)
        ax.set_title(op)
        ax.set_xlabel("elements")
        ax.set_ylabel("seconds per call")
        ax.grid(True, which="both", alpha=0.3)
    for ax in list(axes.flat)[len(ops):]:
        ax.axis("off")
    axes.flat[0].legend()
    fig.suptitle("Size sweep (CPU): " + ", ".join(f"{k} {v}" for k, v in data["versions"].items()))
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=90)


if __name__ == "__main__":
    main()

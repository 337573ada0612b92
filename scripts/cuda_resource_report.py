#!/usr/bin/env python3
"""Registers, spills and local memory of every CUDA kernel in the given files, from ptxas.

  scripts/cuda_resource_report.py kernels/cuda/rowwise.cu kernels/cuda/reduce.cu [--arch sm_90]

Compiles each file with the project's CUDA flags and -Xptxas -v (no GPU needed) and prints a
markdown table with one line per kernel template: instantiations, register range, spill bytes and
how many instantiations have a stack frame (local memory). Exits 1 if any kernel spills or has a
stack frame, so a run shows at a glance whether issue 14's "no local memory" holds.
"""
import argparse
import collections
import os
import re
import subprocess
import sys


def ptxas_report(path, arch):
    cmd = ["nvcc", "-O3", "-std=c++20", f"-arch={arch}", "--fmad=false", "--expt-relaxed-constexpr",
           "-Xptxas", "-v", "-I", "kernels", "-I", "runtime/include", "-I", "runtime/src", "-I", "host/include",
           "-c", path, "-o", os.devnull]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    kernels, cur = [], None
    for line in out.stderr.splitlines():
        m = re.search(r"Compiling entry function '(\w+)'", line)
        if m:
            cur = {"mangled": m.group(1)}
            kernels.append(cur)
            continue
        m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if m and cur is not None and "stack" not in cur:
            cur["stack"], cur["st"], cur["ld"] = map(int, m.groups())
        m = re.search(r"Used (\d+) registers", line)
        if m and cur is not None and "regs" not in cur:
            cur["regs"] = int(m.group(1))
    names = subprocess.run(["c++filt"], input="\n".join(k["mangled"] for k in kernels),
                           capture_output=True, text=True).stdout.splitlines()
    for k, n in zip(kernels, names):
        k["template"] = re.sub(r"<.*", "", n.split("::")[-1] if "<" not in n else n[:n.index("<")].split("::")[-1])
    return kernels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--arch", default="sm_90")
    a = ap.parse_args()
    print("| file | kernel | instantiations | registers | spill bytes (stores + loads, all) | with a stack frame (largest) |")
    print("| --- | --- | --- | --- | --- | --- |")
    bad = False
    for f in a.files:
        groups = collections.OrderedDict()
        for k in ptxas_report(f, a.arch):
            groups.setdefault(k["template"], []).append(k)
        for name, ks in sorted(groups.items()):
            regs = [k.get("regs", 0) for k in ks]
            spill = sum(k.get("st", 0) + k.get("ld", 0) for k in ks)
            stacked = [k.get("stack", 0) for k in ks if k.get("stack", 0) > 0]
            bad |= spill > 0 or bool(stacked)
            print(f"| {os.path.basename(f)} | {name} | {len(ks)} | {min(regs)}-{max(regs)} | {spill} | "
                  f"{len(stacked)} ({max(stacked, default=0)} B max) |")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""ctest helper: runs a program and compares its output with a NumPy transcript.

    compare_transcript.py [--rtol R] TRANSCRIPT PROGRAM [ARGS...]

Lines must match exactly, except that numbers may differ by 2 float32 ulps (relative 2.4e-7):
ndgpu computes in float32 (its documented default) where the transcript holds NumPy's float64
result rounded to float32, so a last digit can differ, and NumPy then pads the array
differently. Everything that is not a number (brackets, words, layout of the line) must agree.
--rtol widens that for a 16-bit float tour (2 ULPs of the type: 2^-9 for float16, 2^-6 for
bfloat16), whose transcript rounds NumPy's float64 results once where ndgpu rounds every op.
"""
import re
import subprocess
import sys

NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?")


def same_line(want, got, rtol):
    if want == got:
        return True
    wn, gn = NUM.findall(want), NUM.findall(got)
    if len(wn) != len(gn) or NUM.sub("#", want).replace(" ", "") != NUM.sub("#", got).replace(" ", ""):
        return False
    for a, b in zip(wn, gn):
        x, y = float(a), float(b)
        if abs(x - y) > rtol * max(abs(x), abs(y)):
            return False
    return True


def main():
    args, rtol = sys.argv[1:], 2.4e-7
    if args[0] == "--rtol":
        rtol, args = float(args[1]), args[2:]
    want = open(args[0]).read().splitlines()
    run = subprocess.run(args[1:], capture_output=True, text=True)
    got = run.stdout.splitlines()
    if run.returncode != 0:
        print(run.stdout + run.stderr)
        print(f"{args[1]} exited with {run.returncode}")
        return 1
    bad = [(i + 1, w, g) for i, (w, g) in enumerate(zip(want, got)) if not same_line(w, g, rtol)]
    if len(want) != len(got):
        bad.append((min(len(want), len(got)) + 1, f"<{len(want)} lines>", f"<{len(got)} lines>"))
    for line, w, g in bad[:20]:
        print(f"line {line}:\n  NumPy: {w}\n  ndgpu: {g}")
    print(f"{len(want) - len(bad)} of {len(want)} lines match" + ("" if bad else " (all)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Per-call time of small ops from Python: ndgpu's module beside NumPy, same process, same timing
(timeit, best of 5 repeats of 20000 calls). Issue 17's bar: a 1e3-element add within 1.5x NumPy's.

    PYTHONPATH=build/release/python python3 bench/python/overhead.py
"""
import timeit

import numpy as np

import ndgpu as nd


def per_call(f):
    return min(timeit.repeat(f, number=20000, repeat=5)) / 20000


print("| op | elements | ndgpu | NumPy | ndgpu vs NumPy |")
print("| --- | --- | --- | --- | --- |")
for n in (10, 1000, 100000):
    a, b = np.random.rand(n).astype(np.float32), np.random.rand(n).astype(np.float32)
    x, y = nd.asarray(a), nd.asarray(b)
    for name, ours, theirs in [("a + b", lambda: x + y, lambda: a + b),
                               ("exp(a)", lambda: nd.exp(x), lambda: np.exp(a)),
                               ("a.sum()", lambda: x.sum(), lambda: a.sum()),
                               ("a[1:-1]", lambda: x[1:-1], lambda: a[1:-1])]:
        t, u = per_call(ours), per_call(theirs)
        print(f"| {name} | {n} | {t * 1e6:.2f} µs | {u * 1e6:.2f} µs | {u / t:.2f}x |")

#!/usr/bin/env python3
"""Fits the two polynomials of float32 pow (kernels/fast_math.hpp, pow_f32_common) and prints them
as C hex literals with their relative error.

log2(1 + u) = u P(u), P of degree 9 on u in [2^-1/4 - 1, 2^1/4 - 1]; 2^g = E(g), E of degree 7 on
g in [-1/2, 1/2]. Near-minimax for relative error: a weighted least-squares fit on Chebyshev nodes
whose weights are multiplied by each node's error, 50 times (Lawson's iteration). Needs numpy.
"""
import numpy as np

P = np.polynomial.polynomial


def fit(f, lo, hi, deg, nodes=4000, rounds=50):
    xs = (np.cos(np.linspace(0, np.pi, nodes)) * (hi - lo) + (hi + lo)) / 2
    y = f(xs)
    w = np.ones_like(xs)
    for _ in range(rounds):
        c = P.polyfit(xs, y, deg, w=np.sqrt(w) / np.abs(y))
        e = np.abs(P.polyval(xs, c) / y - 1)
        w = w * e
        w /= w.sum()
    xt = np.linspace(lo, hi, 400001)
    xt = xt[xt != 0]
    err = np.max(np.abs(P.polyval(xt, c) / f(xt) - 1))
    return c, err


def show(name, c, err):
    print(f"{name}: relative error 2^{np.log2(err):.1f}")
    print("  " + ", ".join(float(v).hex() for v in c))


def log2_over_u(u):
    return np.log1p(u) / u / np.log(2)


show("log2(1+u)/u", *fit(log2_over_u, 2**-0.25 - 1, 2**0.25 - 1, 9))
show("2^g", *fit(lambda g: 2.0**g, -0.5, 0.5, 7))

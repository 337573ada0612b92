#!/usr/bin/env python3
"""Golden values for the reduction tests, computed by NumPy with float64 oracles.

Writes tests/golden/reduce_golden.inc: a C++ initializer list of GoldenReduce cases (see
tests/reduce/golden.hpp). Inputs are exact (float32 values printed as float64 repr), expected
values come from x.astype(float64) (docs/reliability.md 5: never NumPy's float32 sums), with
abs_sum = sum|x| per output for the 4*ceil(log2 n)*eps*sum|x| tolerance.
Run: python3 tests/golden/make_golden_reduce.py  (deterministic; commit the output).
"""
import os
import numpy as np

rng = np.random.default_rng(1234)
CASES = []
INPUTS = {}  # id(array) -> (name, line): each input is written once


def fmt(v):
    if np.isnan(v):
        return "NAN"
    if np.isinf(v):
        return "INFINITY" if v > 0 else "-INFINITY"
    return repr(float(v))


def public_dtype(op, dt):
    fl = dt in ("float32", "float64")
    if op in ("sum", "prod"):
        return dt if fl else "int64"
    if op in ("max", "min"):
        return dt
    if op in ("argmax", "argmin"):
        return "int64"
    if op in ("any", "all"):
        return "bool"
    return dt if fl else "float32"  # mean/var/std/norms: float math on ints -> float32


def oracle(op, x64, axis, keepdims, ddof, ordv):
    kw = dict(axis=axis, keepdims=keepdims)
    if op == "sum": return np.sum(x64, **kw), np.sum(np.abs(x64), **kw)
    if op == "prod": return np.prod(x64, **kw), None
    if op == "mean": return np.mean(x64, **kw), np.sum(np.abs(x64), **kw)
    if op == "var": return np.var(x64, ddof=ddof, **kw), None
    if op == "std": return np.std(x64, ddof=ddof, **kw), None
    if op == "max": return np.max(x64, **kw), None
    if op == "min": return np.min(x64, **kw), None
    if op == "argmax": return np.argmax(x64, axis=axis, keepdims=keepdims), None
    if op == "argmin": return np.argmin(x64, axis=axis, keepdims=keepdims), None
    if op == "any": return np.any(x64, **kw), None
    if op == "all": return np.all(x64, **kw), None
    if op == "norm":
        return np.linalg.norm(x64, ord=ordv, **kw), np.sum(x64 * x64, **kw)
    raise ValueError(op)


def add(name, op, x, axis=None, keepdims=False, ddof=0, ordv=None):
    x_orig = x
    x = np.asarray(x)
    dt = str(x.dtype)
    x64 = x.astype(np.float64)
    with np.errstate(all="ignore"):
        y, abs_sum = oracle(op, x64, axis, keepdims, ddof, ordv)
    y = np.asarray(y, dtype=np.float64)
    if abs_sum is None:
        abs_sum = np.zeros_like(y)
    abs_sum = np.broadcast_to(np.asarray(abs_sum, dtype=np.float64), y.shape)
    n = x.size if axis is None else int(np.prod([x.shape[a] for a in np.atleast_1d(axis)]))
    key = id(x_orig)
    if key not in INPUTS:
        iname = f"in{len(INPUTS)}"
        INPUTS[key] = (iname, x_orig,
                       f'  {{"{iname}", {{{", ".join(map(str, x.shape))}}}, nd::{dt if dt != "bool" else "bool_"}, '
                       f'{{{", ".join(fmt(v) for v in x64.ravel())}}}}},')
    iname = INPUTS[key][0]
    axes = "{}" if axis is None else "{" + ", ".join(str(a) for a in np.atleast_1d(axis)) + "}"
    o = "NAN" if ordv is None else fmt(ordv)
    CASES.append(
        f'  {{"{name}", "{op}", "{iname}", {str(axis is None).lower()}, {axes}, '
        f'{str(keepdims).lower()}, {ddof}, {o}, {n}, {{{", ".join(map(str, y.shape))}}}, '
        f'nd::{public_dtype(op, dt).replace("bool", "bool_")}, '
        f'{{{", ".join(fmt(v) for v in y.ravel())}}}, {{{", ".join(fmt(v) for v in abs_sum.ravel())}}}}},')


def f32(shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# Sizes around the lane / tile edges, every op, float32 and float64.
for n in (1, 31, 32, 33, 255, 256, 257, 1023, 1024, 1025):
    x = f32((n,))
    for op in ("sum", "mean", "max", "min", "argmax", "argmin"):
        add(f"{op}_f32_{n}", op, x)
    add(f"std_f32_{n}", "std", x)
    add(f"norm_f32_{n}", "norm", x)
    if n in (33, 1025):
        x64 = x.astype(np.float64) * 1.5
        add(f"sum_f64_{n}", "sum", x64)
        add(f"var1_f64_{n}", "var", x64, ddof=1)
        add(f"argmin_f64_{n}", "argmin", x64)

# Axes, keepdims, ddof on small 2-D / 3-D arrays.
m = f32((5, 7))
t = f32((3, 4, 6))
for op in ("sum", "mean", "var", "std", "max", "min", "prod"):
    for ax in (0, 1, -1):
        add(f"{op}_m_ax{ax}", op, m, axis=ax)
    add(f"{op}_m_keep1", op, m, axis=1, keepdims=True)
    add(f"{op}_t_ax02", op, t, axis=(0, 2))
    add(f"{op}_t_ax12_keep", op, t, axis=(1, 2), keepdims=True)
    add(f"{op}_t_ax0", op, t, axis=0)
for op in ("argmax", "argmin"):
    add(f"{op}_m_ax0", op, m, axis=0)
    add(f"{op}_m_ax1_keep", op, m, axis=1, keepdims=True)
    add(f"{op}_t_ax1", op, t, axis=1)
add("var_m_ddof1", "var", m, axis=1, ddof=1)
add("std_m_ddof2_ax0", "std", m, axis=0, ddof=2)
add("var_ddof_eq_n", "var", m, axis=1, ddof=7)      # divisor 0 -> inf/nan
add("std_ddof_neg", "std", m, axis=0, ddof=-1)

# Integers and bools: int64 sums, float32 means.
i32 = rng.integers(-50, 50, (6, 9)).astype(np.int32)
i64 = rng.integers(-1000, 1000, (4, 5, 3)).astype(np.int64)
b = rng.integers(0, 2, (5, 6)).astype(bool)
for op in ("sum", "mean", "max", "min", "argmax", "var"):
    add(f"{op}_i32_ax1", op, i32, axis=1)
    add(f"{op}_i64_ax0", op, i64, axis=0)
add("prod_i32_small", "prod", rng.integers(1, 4, (3, 5)).astype(np.int32), axis=1)
add("sum_i32_all", "sum", i32)
add("sum_bool", "sum", b, axis=0)
add("any_bool_ax1", "any", b, axis=1)
add("all_bool_ax0", "all", b, axis=0)
add("any_f32", "any", np.array([[0, 0, 0.5], [0, 0, 0]], np.float32), axis=1)
add("all_i32", "all", np.array([[1, 2, 0], [3, 4, 5]], np.int32), axis=1)

# NaN and ties.
nanx = np.array([[1, np.nan, 3, np.nan], [4, 4, 2, 4], [-1, -7, -7, 0]], np.float32)
for op in ("max", "min", "argmax", "argmin", "sum", "mean", "var"):
    add(f"{op}_nan_ax1", op, nanx, axis=1)
add("argmax_const", "argmax", np.full((40,), 3.0, np.float32))
add("argmin_const_ax0", "argmin", np.full((33, 3), -2.0, np.float32), axis=0)
add("max_inf", "max", np.array([1, np.inf, -np.inf], np.float32))

# Norms.
v = f32((10,))
for o in (None, 1.0, 2.0, np.inf, -np.inf, 0.0):
    add(f"norm_v_{o}", "norm", v, axis=0, ordv=o)
add("norm_m_ax1_keep", "norm", m, axis=1, keepdims=True)
add("norm_m_fro", "norm", m)
add("norm_m_ord1", "norm", m, axis=(0, 1), ordv=1.0)
add("norm_m_ordinf", "norm", m, axis=(0, 1), ordv=np.inf)
add("norm_i32", "norm", np.array([3, 4], np.int32))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reduce_golden.inc")
with open(out, "w") as f:
    f.write(f"// Generated by tests/golden/make_golden_reduce.py with NumPy {np.__version__}; do not edit.\n")
    f.write("#ifdef ND_GOLDEN_INPUTS\n" + "\n".join(v[2] for v in INPUTS.values()) + "\n#else\n")
    f.write("\n".join(CASES) + "\n#endif\n")
print(f"wrote {len(CASES)} cases to {out}")

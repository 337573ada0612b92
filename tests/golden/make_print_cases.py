#!/usr/bin/env python3
"""Writes print_cases.txt: NumPy's print(a) and repr(a) text for many arrays.

Each case gives the dtype, shape and exact element bits, an optional view to apply, and the two
texts NumPy prints; tests/io/test_print.cpp rebuilds the array and compares. Regenerate with
`python3 tests/golden/make_print_cases.py` (records numpy's version in the file header).
"""
import os
import numpy as np

rng = np.random.default_rng(20240601)
cases = []


def add(name, a, view=None):
    a = np.asarray(a)
    shown = a
    if view == "T":
        shown = a.T
    elif view == "rev":
        shown = a[(slice(None, None, -1),) * a.ndim]
    elif view == "step2":
        shown = a[(slice(None, None, 2),) * a.ndim]
    cases.append((name, a, view, str(shown), repr(shown)))


def bits(a):
    flat = a.ravel()
    if a.dtype == np.float32:
        return ["%08x" % v for v in flat.view(np.uint32)]
    if a.dtype == np.float64:
        return ["%016x" % v for v in flat.view(np.uint64)]
    if a.dtype == np.bool_:
        return ["1" if v else "0" for v in flat]
    return [str(int(v)) for v in flat]


F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_

# ---- every dtype and rank, small values ----
for dt in (F32, F64, I32, I64):
    add(f"{dt.__name__}_0d", np.array(3, dtype=dt))
    add(f"{dt.__name__}_0d_neg", np.array(-7, dtype=dt))
    add(f"{dt.__name__}_1d", np.arange(5, dtype=dt))
    add(f"{dt.__name__}_2d", np.arange(12, dtype=dt).reshape(3, 4))
    add(f"{dt.__name__}_3d", np.arange(24, dtype=dt).reshape(2, 3, 4) - 10)
    add(f"{dt.__name__}_4d", np.arange(36, dtype=dt).reshape(2, 3, 2, 3))
    add(f"{dt.__name__}_5d", np.arange(32, dtype=dt).reshape(2, 2, 2, 2, 2))
    add(f"{dt.__name__}_col", np.arange(4, dtype=dt).reshape(4, 1))
    add(f"{dt.__name__}_empty", np.zeros((0,), dtype=dt))
    add(f"{dt.__name__}_empty2d", np.zeros((2, 0), dtype=dt))
    add(f"{dt.__name__}_empty3d", np.zeros((0, 3, 2), dtype=dt))
    add(f"{dt.__name__}_T", np.arange(12, dtype=dt).reshape(3, 4), view="T")
    add(f"{dt.__name__}_rev", np.arange(12, dtype=dt).reshape(3, 4), view="rev")
add("bool_0d_true", np.array(True))
add("bool_0d_false", np.array(False))
add("bool_1d", np.array([True, False, True]))
add("bool_2d", np.array([[True, False], [False, False]]))
add("bool_3d", rng.random((2, 2, 3)) > 0.5)
add("bool_all_false", np.zeros(4, dtype=B))
add("bool_empty", np.zeros((0,), dtype=B))
add("bool_wrap", rng.random(40) > 0.5)
add("bool_summary", rng.random(1500) > 0.5)

# ---- float formatting: positional, shared padding, '1.' style ----
for dt in (F32, F64):
    n = dt.__name__
    add(f"{n}_halves", np.array([0.5, 1.25, 100.125, -3.0], dtype=dt))
    add(f"{n}_third", np.array([1 / 3, 2 / 3, 1.0], dtype=dt))
    add(f"{n}_tenths", np.array([0.1, 0.2, 0.3], dtype=dt))
    add(f"{n}_sum_tenths", np.array([0.1 + 0.2, 1.0], dtype=dt))
    add(f"{n}_neg", np.array([-1.5, 2.25, -100.0], dtype=dt))
    add(f"{n}_negzero", np.array([-0.0, 1.0], dtype=dt))
    add(f"{n}_negzero_only", np.array([-0.0, 0.0], dtype=dt))
    add(f"{n}_zeros", np.zeros(3, dtype=dt))
    add(f"{n}_nan_inf", np.array([np.nan, -np.inf, 1.5, np.inf], dtype=dt))
    add(f"{n}_nan_only", np.array([np.nan, np.nan], dtype=dt))
    add(f"{n}_inf_only", np.array([np.inf, -np.inf], dtype=dt))
    add(f"{n}_posinf_only", np.array([np.inf, np.inf], dtype=dt))
    add(f"{n}_nan_sci", np.array([np.nan, 1e-7, 2.0], dtype=dt))
    add(f"{n}_nan_big", np.array([np.nan, 123456.789, -np.inf], dtype=dt))
    add(f"{n}_edge_1e-4", np.array([0.0001, 0.001], dtype=dt))
    add(f"{n}_ratio_1000", np.array([1.0, 1000.0], dtype=dt))
    add(f"{n}_ratio_1001", np.array([1.0, 1001.0], dtype=dt))
    add(f"{n}_sci_small", np.array([1e-5, 1.5], dtype=dt))
    add(f"{n}_sci_mixed", np.array([1e-5, 1.2345678, 3e10], dtype=dt))
    add(f"{n}_sci_pow2", np.array([2.0 ** -17, 1.5, 2.0 ** 20], dtype=dt))
    add(f"{n}_sci_onedigit", np.array([1e-5, 1e10], dtype=dt))
    add(f"{n}_million", np.array([999999.0, 1000000.0], dtype=dt))
    add(f"{n}_ten_million", np.array([1e7, 2.5], dtype=dt))
    add(f"{n}_hundred_million", np.array([1e8, 2.5], dtype=dt))
    add(f"{n}_1e7_alone", np.array([12345678.0], dtype=dt))
    add(f"{n}_long_frac", np.array([0.123456789123, 0.5], dtype=dt))
    add(f"{n}_round_up", np.array([0.999999999, 0.5], dtype=dt))
    add(f"{n}_many_digits", np.array([np.pi, np.e, -np.sqrt(2)], dtype=dt))
    add(f"{n}_tiny_frac", np.array([0.00012345678, 0.0009], dtype=dt))
    add(f"{n}_normal_2d", rng.standard_normal((4, 5)).astype(dt))
    add(f"{n}_uniform_3d", rng.random((2, 3, 4)).astype(dt))
    add(f"{n}_wide_row", rng.standard_normal(30).astype(dt))
    add(f"{n}_wide_2d", (rng.standard_normal((3, 14)) * 100).astype(dt))
    add(f"{n}_wide_3d", rng.random((2, 2, 20)).astype(dt))
    add(f"{n}_sci_wide", (rng.standard_normal(20) * 10.0 ** rng.integers(-8, 8, 20)).astype(dt))
    add(f"{n}_sci_2d", (rng.standard_normal((3, 4)) * 1e-6).astype(dt))
    add(f"{n}_ints_large", np.array([123456.0, 7.0, -42.0], dtype=dt))
    add(f"{n}_summary_1d", np.arange(2000, dtype=dt) / 7)
    add(f"{n}_summary_2d", rng.standard_normal((50, 50)).astype(dt))
    add(f"{n}_summary_3d", rng.random((12, 10, 11)).astype(dt))
    add(f"{n}_summary_cols", rng.random((3, 340)).astype(dt))
    add(f"{n}_summary_rows", rng.random((501, 2)).astype(dt))
    add(f"{n}_summary_sci", (np.arange(1001, dtype=dt) + 1) ** 3)
    add(f"{n}_T_wide", rng.random((12, 3)).astype(dt), view="T")
    add(f"{n}_step2", rng.random((6, 8)).astype(dt), view="step2")
    for k, v in enumerate([1.0, 0.1, 1e-4, 9.99e-5, 1e-5, 1.5e-7, 123456.7, 999999.9, 1e6,
                           1234567.0, 1e15, 1e16, 1.2345e17, -2.5, np.nan, -np.inf, -0.0,
                           1 / 3, 1e-300 if dt is F64 else 1e-38, 3.4e38]):
        add(f"{n}_scalar{k}", np.array(v, dtype=dt))
    if dt is F64:
        add("float64_big_exp", np.array([1e-300, 1.0, 1e300]))
        add("float64_subnormal", np.array([5e-324, 1.0]))
    else:
        add("float32_max", np.array([3.4028235e38, -1.0], dtype=dt))
        add("float32_subnormal", np.array([1e-45, 1.0], dtype=dt))
# Random magnitudes stress the shortest-digits path.
for k in range(12):
    mags = 10.0 ** rng.integers(-3, 6)
    add(f"float32_rand{k}", (rng.standard_normal(7) * mags).astype(F32))
    add(f"float64_rand{k}", rng.standard_normal(7) * mags)

# ---- integers ----
add("int64_mixed_width", np.array([1, -22, 333, -4444], dtype=I64))
add("int64_extremes", np.array([np.iinfo(I64).min, 0, np.iinfo(I64).max], dtype=I64))
add("int32_extremes", np.array([np.iinfo(I32).min, 0, np.iinfo(I32).max], dtype=I32))
add("int64_wrap", np.arange(40, dtype=I64) * 1001)
add("int32_wrap_2d", (np.arange(60, dtype=I32) * 37).reshape(3, 20))
add("int64_summary", np.arange(10000, dtype=I64))
add("int64_summary_2d", np.arange(1200, dtype=I64).reshape(30, 40))
add("int32_summary_3d", np.arange(2000, dtype=I32).reshape(10, 10, 20))
add("int64_1001", np.arange(1001, dtype=I64))
add("int64_1000", np.arange(1000, dtype=I64))
add("int64_neg_summary", -np.arange(1500, dtype=I64))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "print_cases.txt"), "w") as f:
    f.write(f"# NumPy {np.__version__} print/repr transcript, made by make_print_cases.py\n")
    for name, a, view, s, r in cases:
        f.write(f"case {name}\n")
        f.write(f"dtype {a.dtype}\n")
        f.write("shape" + "".join(f" {d}" for d in a.shape) + "\n")
        if a.dtype != np.bool_ and a.size > 1 and np.array_equal(a.ravel(), np.arange(a.size)) \
                and not np.signbit(a).any():
            f.write("data arange\n")  # 0, 1, 2, ... (keeps the file small)
        else:
            f.write("data" + "".join(f" {b}" for b in bits(a)) + "\n")
        if view:
            f.write(f"view {view}\n")
        f.write("str\n" + "".join(f"|{line}\n" for line in s.split("\n")))
        f.write("repr\n" + "".join(f"|{line}\n" for line in r.split("\n")))
        f.write("end\n")
print(f"{len(cases)} cases")

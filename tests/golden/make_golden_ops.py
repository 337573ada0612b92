#!/usr/bin/env python3
"""Writes tests/golden/ops_golden.txt: NumPy's results for every elementwise op of ndgpu.

Run from anywhere: python3 tests/golden/make_golden_ops.py  (needs numpy and ml_dtypes; deterministic).
Format (one record per line, values space-separated, parsed by tests/support/golden_text.hpp):
  case <id> <op> <ulp>              ulp: allowed distance of ndgpu's floats from `out`
  arg array <dtype> <shape> <values...>   shape: comma list, "_" for 0-d
  arg scalar <int|float|bool> <value>     a C++ number (weak: never widens the array)
  out <dtype> <shape> <values...>
Floats are written with repr(), which round-trips exactly (nan, inf, -inf, -0.0 included).
For float32 transcendental ops the expected value is the float64 result rounded to float32
(the correctly rounded answer), and `ulp` is ndgpu's documented bound for that op.
"""
import os
import numpy as np
from ml_dtypes import bfloat16  # PyPI ml_dtypes: the bfloat16 reference (scripts/install_peers.sh)

rng = np.random.default_rng(20240611)
I32, I64 = np.iinfo(np.int32), np.iinfo(np.int64)
F_SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 1e-40,
             -1e-40, 1e-7, 88.5, 89.0, -104.0, -87.0, 1e30, -1e30, 3.0e38, 7.25, -7.75, 100.0]
lines = []


def fmt_values(a):
    a = np.asarray(a)
    if a.dtype == np.bool_:
        return " ".join("1" if v else "0" for v in a.ravel())
    if a.dtype.kind in "iu":
        return " ".join(str(int(v)) for v in a.ravel())
    return " ".join(repr(float(v)) for v in a.ravel())


def shape_of(a):
    return ",".join(str(d) for d in a.shape) if a.ndim else "_"


def dname(a):
    return "bool" if a.dtype == np.bool_ else str(a.dtype)


def case(cid, op, args, out, ulp=0):
    lines.append(f"case {cid} {op} {ulp}")
    for a in args:
        if isinstance(a, (bool, int, float)):
            kind = "bool" if isinstance(a, bool) else "int" if isinstance(a, int) else "float"
            lines.append(f"arg scalar {kind} {fmt_values(np.array(a))}")
        else:
            lines.append(f"arg array {dname(a)} {shape_of(a)} {fmt_values(a)}".rstrip())
    out = np.asarray(out)
    lines.append(f"out {dname(out)} {shape_of(out)} {fmt_values(out)}".rstrip())


def floats(dtype, n_random=14, lo=-10, hi=10):
    vals = np.array(F_SPECIAL + list(rng.uniform(lo, hi, n_random)), dtype=np.float64)
    with np.errstate(all="ignore"):
        return vals.astype(dtype)


def ints(dtype):
    info = np.iinfo(dtype)
    vals = [0, 1, -1, 2, -2, 7, -7, 13, -13, 100, info.max, info.min, info.max - 1, info.min + 1]
    return np.array(vals + list(rng.integers(-1000, 1000, 10)), dtype=dtype)


def correctly_rounded(f, x):
    with np.errstate(all="ignore"):
        return f(x.astype(np.float64)).astype(x.dtype) if x.dtype == np.float32 else f(x)


with np.errstate(all="ignore"):
    # ---- unary float ops, float32 and float64 --------------------------------------------
    sigmoid = lambda x: 1.0 / (1.0 + np.exp(-x))
    # op: (numpy function, float32 ulp bound vs the correctly rounded result). The float32
    # transcendental ops are ours (kernels/fast_math.hpp, whose bounds are tighter: log10, sin, cos
    # 1 ULP, tan 3); these looser values date from when they were the platform's libm.
    UNARY_F = {
        "sqrt": (np.sqrt, 0), "exp": (np.exp, 1), "log": (np.log, 1), "log2": (np.log2, 1),
        "log10": (np.log10, 2), "log1p": (np.log1p, 1), "expm1": (np.expm1, 1),
        "sin": (np.sin, 2), "cos": (np.cos, 2), "tan": (np.tan, 4), "tanh": (np.tanh, 2),
        "sigmoid": (sigmoid, 2), "negative": (np.negative, 0), "absolute": (np.absolute, 0),
        "sign": (np.sign, 0), "square": (np.square, 0), "floor": (np.floor, 0),
        "ceil": (np.ceil, 0), "round": (np.round, 0),
    }
    for dt in (np.float32, np.float64):
        x = floats(dt)
        if dt == np.float32:  # dense extra samples for exp/log/sigmoid ranges
            x = np.concatenate([x, rng.uniform(-100, 90, 40).astype(dt), rng.uniform(0, 5, 20).astype(dt)])
        for op, (f, ulp) in UNARY_F.items():
            exact_op = ulp == 0
            out = f(x) if (exact_op or dt == np.float64) else correctly_rounded(f, x)
            bound = ulp if dt == np.float32 else (0 if exact_op else 2)
            case(f"{op}_{dname(x)}", op, [x], out, bound)
        for op, f in (("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite),
                      ("logical_not", np.logical_not)):
            case(f"{op}_{dname(x)}", op, [x], f(x))
    # float math on integers computes in float32 (docs/design.md 4), so the reference casts first
    xi = np.array([0, 1, 2, 3, 4, 9, 100, -1], dtype=np.int64)
    case("sqrt_int64", "sqrt", [xi], np.sqrt(xi.astype(np.float32)))
    case("exp_int32", "exp", [xi.astype(np.int32)], correctly_rounded(np.exp, xi.astype(np.float32)), 1)

    # ---- unary integer ops ------------------------------------------------------------------
    for dt in (np.int32, np.int64):
        x = ints(dt)
        for op, f in (("negative", np.negative), ("absolute", np.absolute), ("sign", np.sign),
                      ("square", np.square), ("floor", np.floor), ("ceil", np.ceil),
                      ("round", np.round), ("isnan", np.isnan), ("isfinite", np.isfinite),
                      ("logical_not", np.logical_not)):
            case(f"{op}_{dname(x)}", op, [x], f(x))
    b = np.array([True, False, True, True, False])
    case("logical_not_bool", "logical_not", [b], np.logical_not(b))

    # ---- binary ops: float (all pairs of specials), integer, bool ----------------------------
    BIN_F = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
             "floor_divide": np.floor_divide, "mod": np.remainder, "maximum": np.maximum,
             "minimum": np.minimum, "fmax": np.fmax, "fmin": np.fmin, "equal": np.equal,
             "not_equal": np.not_equal, "less": np.less, "less_equal": np.less_equal,
             "greater": np.greater, "greater_equal": np.greater_equal,
             "logical_and": np.logical_and, "logical_or": np.logical_or,
             "logical_xor": np.logical_xor}
    sp = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.0, 2.5, -3.0, 7.0, 1e-40, 3e38])
    for dt in (np.float32, np.float64):
        a = np.repeat(sp, len(sp)).astype(dt)  # every ordered pair of specials...
        bb = np.tile(sp, len(sp)).astype(dt)
        ra, rb = rng.uniform(-50, 50, 30).astype(dt), rng.uniform(-50, 50, 30).astype(dt)
        a, bb = np.concatenate([a, ra]), np.concatenate([bb, rb])  # ...plus random pairs
        for op, f in BIN_F.items():
            case(f"{op}_{dname(a)}", op, [a, bb], f(a, bb))
        pa = np.abs(ra)
        pb = rng.uniform(-4, 4, 30).astype(dt)
        case(f"power_{dname(a)}", "power", [pa, pb],
             correctly_rounded(lambda u: np.power(u, pb.astype(np.float64)), pa) if dt == np.float32
             else np.power(pa, pb), 1 if dt == np.float32 else 2)
    for dt in (np.int32, np.int64):
        info = np.iinfo(dt)
        a = np.array([7, -7, 7, -7, 0, 5, info.max, info.min, info.min, info.max, 13, -13, 100, 3],
                     dtype=dt)
        bb = np.array([2, 2, -2, -2, 0, 0, 1, -1, 1, info.max, 0, 5, -7, 3], dtype=dt)
        for op, f in BIN_F.items():
            if op == "divide":  # true division of integers computes in float32 here
                case(f"divide_{dname(a)}", op, [a, bb], np.divide(a.astype(np.float32), bb.astype(np.float32)))
            else:
                case(f"{op}_{dname(a)}", op, [a, bb], f(a, bb))
        base = np.array([2, -3, 0, 1, -1, 7, 3, 2], dtype=dt)
        expo = np.array([10, 3, 0, 100, 7, 0, 40, 63], dtype=dt)  # 3**40, 2**63 wrap
        case(f"power_{dname(base)}", "power", [base, expo], np.power(base, expo))
    ba = np.array([True, True, False, False])
    bb = np.array([True, False, True, False])
    for op in ("add", "multiply", "maximum", "minimum", "equal", "not_equal", "less", "greater",
               "logical_and", "logical_or", "logical_xor"):
        case(f"{op}_bool", op, [ba, bb], BIN_F[op](ba, bb))

    # ---- scalars on either side (weak: the array's dtype wins within a category) -------------
    x32 = floats(np.float32)
    case("add_f32_scalar", "add", [x32, 2.5], x32 + np.float32(2.5))
    case("rsub_scalar_f32", "subtract", [1.0, x32], np.float32(1.0) - x32)
    case("rdiv_scalar_f32", "divide", [2.0, x32], np.float32(2.0) / x32)
    case("mul_f32_int_scalar", "multiply", [x32, 3], x32 * np.float32(3))
    i32 = ints(np.int32)
    case("add_i32_scalar", "add", [i32, 5], i32 + np.int32(5))
    case("mul_i32_scalar_wraps", "multiply", [i32, 3], i32 * np.int32(3))
    case("floordiv_i32_scalar0", "floor_divide", [i32, 0], np.floor_divide(i32, np.int32(0)))
    i64 = ints(np.int64)
    case("mod_i64_scalar_neg", "mod", [i64, -7], np.remainder(i64, -7))
    case("greater_f32_scalar", "greater", [x32, 0.5], x32 > np.float32(0.5))
    case("power_f32_2", "power", [x32, 2], np.square(x32))
    case("power_f32_3", "power", [x32, 3.0], correctly_rounded(lambda u: u ** 3.0, x32), 1)
    case("power_i64_2", "power", [i64, 2], np.power(i64, 2))
    case("rpow_2_i64", "power", [2, np.arange(0, 70, 3, dtype=np.int64)], np.power(2, np.arange(0, 70, 3, dtype=np.int64)))

    # ---- broadcasting ----------------------------------------------------------------------
    for sa, sb in (((2, 3), (3,)), ((3, 1), (1, 4)), ((), (2, 2)), ((0, 3), (3,)), ((2, 1, 3), (4, 1)),
                   ((1,), (5,)), ((4, 1, 1, 2), (3, 1)), ((2, 0), (1, 1))):
        a = rng.uniform(-5, 5, sa).astype(np.float32)
        bb = rng.uniform(-5, 5, sb).astype(np.float32)
        tag = "x".join(map(str, sa)) + "_" + "x".join(map(str, sb))
        case(f"bcast_add_{tag}", "add", [np.asarray(a), np.asarray(bb)], a + bb)
        case(f"bcast_mul_{tag}", "multiply", [np.asarray(bb), np.asarray(a)], bb * a)
    m = rng.uniform(-5, 5, (3, 4)).astype(np.float64)
    case("bcast_sub_col_f64", "subtract", [m, m[:, :1].copy()], m - m[:, :1])
    case("bcast_less_i64", "less", [np.arange(6).reshape(2, 3), np.array([[1], [4]])],
         np.arange(6).reshape(2, 3) < np.array([[1], [4]]))
    # mixed dtypes promote by category
    case("add_i32_i64", "add", [np.array([1, 2, 3], np.int32), np.array([I64.max, 5, -9])],
         np.array([1, 2, 3], np.int64) + np.array([I64.max, 5, -9]))
    case("add_f32_f64", "add", [np.array([0.1, 0.2], np.float32), np.array([0.3, 1e300])],
         np.array([0.1, 0.2], np.float32).astype(np.float64) + np.array([0.3, 1e300]))
    case("add_i64_f32", "add", [np.array([1, 2**40], np.int64), np.array([0.5, 0.25], np.float32)],
         np.array([1, 2**40], np.int64).astype(np.float32) + np.array([0.5, 0.25], np.float32))
    case("add_bool_i32", "add", [np.array([True, False]), np.array([3, 4], np.int32)],
         np.array([True, False]).astype(np.int32) + np.array([3, 4], np.int32))

    # ---- ternary ---------------------------------------------------------------------------
    c = np.array([[True, False, True], [False, False, True]])
    wa = np.array([1.5, np.nan, -0.0], np.float32)
    case("where_bcast_scalar", "where", [c, wa, -1.0], np.where(c, wa, np.float32(-1.0)))
    ci = np.array([0, 3, -1, 0], np.int64)
    case("where_int_cond", "where", [ci, np.array([1, 2, 3, 4]), np.array([10, 20, 30, 40])],
         np.where(ci, [1, 2, 3, 4], [10, 20, 30, 40]))
    case("where_two_scalars", "where", [c, 1, 0], np.where(c, 1, 0))
    xc = floats(np.float32)
    case("clip_f32", "clip", [xc, -1.0, 2.0], np.clip(xc, np.float32(-1), np.float32(2)))
    case("clip_i64_arrays", "clip", [np.arange(-3, 4), np.array([-1]), np.array([2, 2, 2, 2, 2, 2, 2])],
         np.clip(np.arange(-3, 4), -1, 2))

    # ---- the 16-bit floats: float16 (NumPy's own loops) and bfloat16 (ml_dtypes' ufuncs) -----
    # Both compute in float32 and round once per op, as ndgpu does (docs/design.md 4): exact for
    # arithmetic, comparisons and rounding; 1 ULP of the 16-bit type for the transcendental ops,
    # whose float32 results may differ by an ULP between libraries before the final rounding.
    # Where those loops give a zero another sign than NumPy's float32 loop does (maximum and
    # minimum of -0 and 0 in NumPy's float16, ml_dtypes' sign(-0)), the reference is float32's
    # rule rounded, which ndgpu follows for every dtype.
    by_float32 = {"sign", "maximum", "minimum", "fmax", "fmin"}

    def via_f32(f, *args):
        return f(*[v.astype(np.float32) for v in args]).astype(args[0].dtype)

    for dt in (np.float16, bfloat16):
        x = floats(dt)
        for op, (f, ulp) in UNARY_F.items():
            if op == "sigmoid":
                out = sigmoid(x.astype(np.float64)).astype(dt)
            elif op in by_float32:
                out = via_f32(f, x)
            else:
                out = f(x)
            case(f"{op}_{dname(x)}", op, [x], out, 0 if ulp == 0 else 1)
        for op, f in (("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite)):
            case(f"{op}_{dname(x)}", op, [x], f(x))
        a = np.concatenate([np.repeat(sp, len(sp)), rng.uniform(-50, 50, 30)]).astype(dt)
        bb = np.concatenate([np.tile(sp, len(sp)), rng.uniform(-50, 50, 30)]).astype(dt)
        for op, f in BIN_F.items():
            if op.startswith("logical"):
                continue  # bool results of bool inputs: the float32 cases cover them
            case(f"{op}_{dname(a)}", op, [a, bb], via_f32(f, a, bb) if op in by_float32 else f(a, bb))
        pa = np.abs(a[-30:])
        pb = rng.uniform(-4, 4, 30).astype(dt)
        case(f"power_{dname(a)}", "power", [pa, pb], np.power(pa, pb), 1)
        case(f"add_{dname(a)}_scalar", "add", [a, 2.5], a + dt(2.5))
    h, bf = floats(np.float16), floats(bfloat16)
    case("add_f16_f32", "add", [h, h.astype(np.float32)], h.astype(np.float32) + h.astype(np.float32))
    case("add_f16_bf16", "add", [h, bf], h.astype(np.float32) + bf.astype(np.float32))
    case("add_i32_f16", "add", [np.arange(-3, 5, dtype=np.int32), h[:8]],
         np.arange(-3, 5, dtype=np.int32).astype(np.float16) + h[:8])

    # ---- the integer widths: NumPy's own loops, which wrap as ndgpu's int32 / int64 math does
    # once wrapped to the narrow width, and as uint64's own math does (docs/design.md 4); float
    # math computes in float32 --------------------------------------------------------------------
    NARROW = (np.int8, np.uint8, np.int16, np.uint16, np.uint32, np.uint64)

    def narrow_ints(dt, n_random=10):
        info = np.iinfo(dt)
        vals = [0, 1, -1, 2, -2, 7, -7, 13, -13, 100, info.max, info.min, info.max - 1, info.min + 1]
        vals = [v for v in vals if info.min <= v <= info.max]
        lo, hi = max(int(info.min), -1000), min(int(info.max), 1000)
        return np.array(vals + list(rng.integers(lo, hi, n_random)), dtype=dt)

    for dt in NARROW:
        x = narrow_ints(dt)
        for op, f in (("negative", np.negative), ("absolute", np.absolute), ("sign", np.sign),
                      ("square", np.square), ("floor", np.floor), ("ceil", np.ceil),
                      ("round", np.round), ("isnan", np.isnan), ("isfinite", np.isfinite),
                      ("logical_not", np.logical_not)):
            case(f"{op}_{dname(x)}", op, [x], f(x))
        case(f"sqrt_{dname(x)}", "sqrt", [x], np.sqrt(x.astype(np.float32)))
        case(f"exp_{dname(x)}", "exp", [x], correctly_rounded(np.exp, x.astype(np.float32)), 1)
        a, bb = narrow_ints(dt, 30), narrow_ints(dt, 30)
        a = np.concatenate([np.repeat(a[:14], 14), a[14:]])  # the special values in every pair...
        bb = np.concatenate([np.tile(bb[:14], 14), bb[14:]])
        n = min(len(a), len(bb))
        a, bb = a[:n], bb[:n]
        for op, f in BIN_F.items():
            if op == "divide":
                case(f"divide_{dname(a)}", op, [a, bb], np.divide(a.astype(np.float32), bb.astype(np.float32)))
            else:
                case(f"{op}_{dname(a)}", op, [a, bb], f(a, bb))
        base = np.array([2, 3, 0, 1, 5, 7, 3, 2], dtype=dt)
        expo = np.array([10, 3, 0, 100, 7, 0, 40, 31], dtype=dt)  # wrap at the type's width
        case(f"power_{dname(base)}", "power", [base, expo], np.power(base, expo))
        case(f"add_{dname(a)}_scalar", "add", [a, 5], a + dt(5))
        case(f"mul_{dname(a)}_scalar_wraps", "multiply", [a, 3], a * dt(3))
        case(f"clip_{dname(a)}", "clip", [a, 1, 100], np.clip(a, dt(1), dt(100)))
        case(f"where_{dname(a)}", "where", [a > bb, a, bb], np.where(a > bb, a, bb))
    # ---- bitwise ops and shifts: integers and bool, NumPy's own loops (a shift count below 0 or
    # at least the width shifts every bit out; bool shifts compute in int8) ----------------------
    BITWISE = {"bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor}
    for dt in (np.int32, np.int64) + NARROW:
        x, y = narrow_ints(dt, 20), narrow_ints(dt, 20)[::-1]
        for op, f in BITWISE.items():
            case(f"{op}_{dname(x)}", op, [x, y], f(x, y))
        case(f"invert_{dname(x)}", "invert", [x], np.invert(x))
        bits = np.iinfo(dt).bits
        counts = [0, 1, 3, bits - 1, bits, bits + 5, 100] + ([-1, -bits] if np.iinfo(dt).min < 0 else [])
        xs = np.repeat(x[:12], len(counts))
        cs = np.tile(np.array(counts, dtype=dt), 12)
        case(f"left_shift_{dname(x)}", "left_shift", [xs, cs], np.left_shift(xs, cs))
        case(f"right_shift_{dname(x)}", "right_shift", [xs, cs], np.right_shift(xs, cs))
        case(f"left_shift_{dname(x)}_scalar", "left_shift", [x, 3], x << dt(3))
        case(f"rshift_scalar_{dname(x)}", "right_shift", [100, cs[:24]], dt(100) >> cs[:24])
    ba, bb = np.array([True, True, False, False]), np.array([True, False, True, False])
    for op, f in BITWISE.items():
        case(f"{op}_bool", op, [ba, bb], f(ba, bb))
    case("invert_bool", "invert", [ba], np.invert(ba))
    case("left_shift_bool", "left_shift", [ba, bb], np.left_shift(ba, bb))  # int8, as NumPy's loop

    # NumPy 2's promotion of mixed signs; an integer with a float gives the float (category rule)
    for ta, tb in ((np.int8, np.uint8), (np.uint8, np.int16), (np.int16, np.uint16), (np.uint16, np.int32),
                   (np.int32, np.uint32), (np.uint32, np.int64), (np.uint8, np.uint32), (np.int8, np.int64),
                   (np.bool_, np.uint8), (np.uint8, np.uint64), (np.uint64, np.uint32), (np.bool_, np.uint64)):
        a, bb = narrow_ints(ta, 6) if ta != np.bool_ else np.array([True, False] * 10), narrow_ints(tb, 6)
        n = min(len(a), len(bb))
        case(f"add_{dname(a)}_{dname(bb)}", "add", [a[:n], bb[:n]], a[:n] + bb[:n])
        case(f"less_{dname(a)}_{dname(bb)}", "less", [a[:n], bb[:n]], a[:n] < bb[:n])
    for ti, tf in ((np.int8, np.float16), (np.uint16, np.float16), (np.uint32, np.float32), (np.int16, bfloat16),
                   (np.uint64, np.float32)):
        a = narrow_ints(ti, 6)
        fv = floats(tf)[:len(a)]
        case(f"multiply_{dname(a)}_{dname(fv)}", "multiply", [a, fv],
             (a.astype(tf).astype(np.float32) * fv.astype(np.float32)).astype(tf))  # a cast first

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops_golden.txt")
with open(path, "w") as f:
    f.write(f"# generated by make_golden_ops.py with numpy {np.__version__}; do not edit\n")
    f.write("\n".join(lines) + "\n")
print(f"wrote {path}: {sum(1 for l in lines if l.startswith('case'))} cases")

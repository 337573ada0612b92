#!/usr/bin/env python3
"""The whole-API benchmark's and the size sweep's peers and tables (bench/README.md, "Whole API",
"Size sweep").

    api_peers.py NDGPU_API_BENCH OUT_DIR [--set api|sweep] [--filter S] [--budget SECONDS_PER_ROW]

--set sweep times bench/api/sweep_rows.cpp's rows instead (10 to 1e8 elements) and writes
OUT_DIR/sweep.json and sweep.md (plot_sweep.py draws sweep.png); the rest of this text describes
the default set.

Runs ndgpu-api-bench (every row of bench/api/api_rows.cpp), times the same rows in NumPy and,
when installed, PyTorch (CPU, one thread per core), and writes OUT_DIR/api.json and
OUT_DIR/api.md: one table sorted by ndgpu's ratio to the fastest peer (> 1: ndgpu is faster).
Inputs are built from each row's fields exactly as api_rows.cpp builds them (x in [0.5, 1.5),
(16 | 1300) x 768 float32, "T" = a transposed operand); the timing method is the same as
ndgpu-api-bench's: one warm-up call, five batches of back-to-back calls, the fastest batch's
time per call. Every call of every library returns finished work.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

COLS = 768


def time_per_call(call, budget):
    call()
    t0 = time.perf_counter()
    call()
    one = max(time.perf_counter() - t0, 1e-9)
    per_batch = max(1, int(budget / 5 / one))
    best = one
    for _ in range(5):
        s = time.perf_counter()
        for _ in range(per_batch):
            call()
        best = min(best, (time.perf_counter() - s) / per_batch)
    return best


def rows_of(shape):
    return int(shape.split("x")[0])


class Lib:
    """How one library spells each row. np-like modules only differ by the names below."""

    def __init__(self, name):
        self.name = name


def numpy_lib():
    lib = Lib("numpy")
    try:
        from scipy.special import expit
    except ImportError:
        expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    lib.unary = {"sigmoid": expit}
    lib.binary = {}
    lib.put = lambda a: a
    lib.fn = lambda name: lib.unary.get(name) or lib.binary.get(name) or getattr(np, name)
    lib.where, lib.clip = np.where, np.clip

    def reduce(op, x, axis):
        if op == "norm":
            return np.linalg.norm(x, axis=axis)
        return getattr(np, op)(x, axis=axis)
    lib.reduce = reduce
    return lib


def torch_lib(torch):
    lib = Lib("torch")
    names = {"negative": "neg", "absolute": "abs", "subtract": "sub", "multiply": "mul",
             "divide": "div", "mod": "remainder", "power": "pow", "equal": "eq", "not_equal": "ne",
             "less": "lt", "less_equal": "le", "greater": "gt", "greater_equal": "ge",
             "invert": "bitwise_not", "left_shift": "bitwise_left_shift",
             "right_shift": "bitwise_right_shift"}
    lib.put = lambda a: torch.from_numpy(a)
    lib.fn = lambda name: getattr(torch, names.get(name, name))
    lib.where = torch.where
    lib.clip = torch.clamp

    def reduce(op, x, axis):
        kw = {} if axis is None else {"dim": axis}
        if op in ("var", "std"):
            return getattr(torch, op)(x, correction=0, **kw)
        if op == "norm":
            return torch.linalg.vector_norm(x, **kw)
        if op in ("max", "min"):
            return getattr(torch, "a" + op)(x, **kw) if axis is not None else getattr(torch, op)(x)
        return getattr(torch, op)(x, **kw)
    lib.reduce = reduce
    return lib


def make_input(rows, seed, transposed):
    rng = np.random.default_rng(seed)
    if not transposed:
        return rng.random((rows, COLS), dtype=np.float32) + np.float32(0.5)
    return (rng.random((COLS, rows), dtype=np.float32) + np.float32(0.5)).T


def row_op(lib, op, x, torch):
    """softmax, log_softmax, normalize, standardize or topk (k = 10) along x's last axis."""
    is_np = lib.name == "numpy"
    if not is_np:
        F = torch.nn.functional
        return {"softmax": lambda: torch.softmax(x, -1),
                "log_softmax": lambda: torch.log_softmax(x, -1),
                "normalize": lambda: F.normalize(x, dim=-1),
                "standardize": lambda: (x - x.mean(-1, keepdim=True)) / x.std(-1, correction=0, keepdim=True),
                "topk": lambda: torch.topk(x, 10, -1)}[op]

    def softmax():
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    def log_softmax():
        s = x - x.max(-1, keepdims=True)
        return s - np.log(np.exp(s).sum(-1, keepdims=True))

    def topk():
        part = np.argpartition(-x, 10, axis=-1)[:, :10]
        vals = np.take_along_axis(x, part, -1)
        order = np.argsort(-vals, axis=-1)
        return np.take_along_axis(vals, order, -1), np.take_along_axis(part, order, -1)
    return {"softmax": softmax, "log_softmax": log_softmax,
            "normalize": lambda: x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12),
            "standardize": lambda: (x - x.mean(-1, keepdims=True)) / x.std(-1, keepdims=True),
            "topk": topk}[op]


def search(lib, op, q, x, torch):
    """cosine_similarity, cdist or nearest (k = 10) of queries q against rows x."""
    is_np = lib.name == "numpy"
    if not is_np:
        F = torch.nn.functional
        cos = lambda: F.normalize(q, dim=-1) @ F.normalize(x, dim=-1).T  # noqa: E731
        return {"cosine_similarity": cos, "cdist": lambda: torch.cdist(q, x),
                "nearest": lambda: torch.topk(cos(), 10, -1)}[op]

    def cos():
        qn = q / np.linalg.norm(q, axis=-1, keepdims=True)
        xn = x / np.linalg.norm(x, axis=-1, keepdims=True)
        return qn @ xn.T

    def cdist():
        d2 = (q * q).sum(-1)[:, None] + (x * x).sum(-1)[None, :] - 2 * (q @ x.T)
        return np.sqrt(np.maximum(d2, 0))

    def nearest():
        s = cos()
        part = np.argpartition(-s, 10, axis=-1)[:, :10]
        vals = np.take_along_axis(s, part, -1)
        return np.take_along_axis(part, np.argsort(-vals, axis=-1), -1)
    return {"cosine_similarity": cos, "cdist": cdist, "nearest": nearest}[op]


def special(lib, row, torch):
    """The call for a `special` row, or None where the library has no spelling of it."""
    op, shape, lay, param = row["op"], row["shape"], row["layout"], row["param"]
    t = lay == "T"
    is_np = lib.name == "numpy"
    r = rows_of(shape)
    n = r * COLS
    x = lib.put(make_input(r, 1, t)) if shape.endswith("x768") else None
    rng = np.random.default_rng(0)
    if is_np:
        M = np
        creation = {
            "empty": lambda: np.empty((r, COLS), np.float32),
            "zeros": lambda: np.zeros((r, COLS), np.float32),
            "ones": lambda: np.ones((r, COLS), np.float32),
            "full": lambda: np.full((r, COLS), 3.0, np.float32),
            "arange": lambda: np.arange(n, dtype=np.float32),
            "linspace": lambda: np.linspace(0, 1, n, dtype=np.float32),
            "rand": lambda: rng.random((r, COLS), dtype=np.float32),
            "randn": lambda: rng.standard_normal((r, COLS), dtype=np.float32),
            "uniform": lambda: rng.random((r, COLS), dtype=np.float32) * np.float32(5) - np.float32(2),
            "normal": lambda: rng.standard_normal((r, COLS), dtype=np.float32) * np.float32(2) + np.float32(1),
            "integers": lambda: rng.integers(0, 100, (r, COLS)),
        }
    else:
        M = torch
        creation = {
            "empty": lambda: torch.empty((r, COLS)),
            "zeros": lambda: torch.zeros((r, COLS)),
            "ones": lambda: torch.ones((r, COLS)),
            "full": lambda: torch.full((r, COLS), 3.0),
            "arange": lambda: torch.arange(n, dtype=torch.float32),
            "linspace": lambda: torch.linspace(0, 1, n),
            "rand": lambda: torch.rand((r, COLS)),
            "randn": lambda: torch.randn((r, COLS)),
            "uniform": lambda: torch.empty((r, COLS)).uniform_(-2, 3),
            "normal": lambda: torch.empty((r, COLS)).normal_(1, 2),
            "integers": lambda: torch.randint(0, 100, (r, COLS)),
        }
    if op in creation:
        return creation[op]
    if op in ("eye", "identity"):
        return (lambda: np.eye(r, dtype=np.float32)) if is_np else (lambda: torch.eye(r))
    if op == "scalar":
        return (lambda: np.array(1.5, np.float32)) if is_np else (lambda: torch.tensor(1.5))
    if op.endswith("_like"):
        f = {"empty_like": M.empty_like, "zeros_like": M.zeros_like, "ones_like": M.ones_like}.get(op)
        return (lambda: f(x)) if f else (lambda: M.full_like(x, 2.0))
    if op == "array":
        host = np.full(n, 1.5, np.float32)
        return (lambda: np.array(host)) if is_np else (lambda: torch.tensor(host))
    if op == "index":
        if param == "mask":
            return lambda: x[x > 1.0]
        if param == "rows":
            idx = lib.put(np.arange(0, r, 2))
            return lambda: x[idx]
        return lambda: x[1::2, 0:384]
    if op == "assign_at":
        if param == "mask":
            m = x > 1.0
            def f():
                x[m] = 0.0
            return f
        idx = lib.put(np.arange(0, r, 2))
        def g():
            x[idx] = 0.0
        return g
    if op == "assign":
        def h():
            x[:, 0:384] = 1.0
        return h
    if op == "nonzero":
        m = x > 1.0
        return (lambda: np.nonzero(m)) if is_np else (lambda: torch.nonzero(m, as_tuple=True))
    if op == "copy":  # a C-ordered copy, as ndarray.copy() (torch's clone keeps the strides)
        return (lambda: x.copy()) if is_np else (lambda: x.clone(memory_format=torch.contiguous_format))
    if op == "contiguous":
        return (lambda: np.ascontiguousarray(x)) if is_np else (lambda: x.contiguous())
    if op == "astype":
        if is_np:
            if param == "bfloat16":  # NumPy's bfloat16 is ml_dtypes' (no row without it)
                try:
                    from ml_dtypes import bfloat16 as dt
                except ImportError:
                    return None
            else:
                dt = {"int32": np.int32, "float64": np.float64, "float16": np.float16}[param]
            return lambda: x.astype(dt)
        dt = {"int32": torch.int32, "float64": torch.float64, "float16": torch.float16,
              "bfloat16": torch.bfloat16}[param]
        return lambda: x.to(dt)
    if op == "reshape":
        return lambda: x.reshape(-1)
    if op == "flatten":  # always a copy, as NumPy's (torch.flatten returns a view when it can)
        return (lambda: x.flatten()) if is_np else (lambda: x.flatten().clone() if not t else x.flatten())
    if op == "ravel":
        return (lambda: x.ravel()) if is_np else (lambda: x.ravel())
    if op in ("concatenate", "stack"):
        y = lib.put(make_input(r, 2, False))
        if is_np:
            f = np.concatenate if op == "concatenate" else np.stack
        else:
            f = torch.cat if op == "concatenate" else torch.stack
        return lambda: f((x, y), 0)
    if op == "to_vector":
        return (lambda: x.tolist()) if is_np else (lambda: x.tolist())
    if op == "transpose":
        return lambda: x.T
    if op == "swapaxes":
        return (lambda: np.swapaxes(x, 0, 1)) if is_np else (lambda: torch.swapaxes(x, 0, 1))
    if op == "squeeze":
        x3 = x.reshape(1, r, COLS)
        return lambda: x3.squeeze()
    if op == "expand_dims":
        return (lambda: np.expand_dims(x, 0)) if is_np else (lambda: x.unsqueeze(0))
    if op == "broadcast_to":
        x1 = lib.put(make_input(1, 1, False))
        return (lambda: np.broadcast_to(x1, (1300, COLS))) if is_np else (lambda: x1.expand(1300, COLS))
    if op == "item":
        s = np.array(1.5, np.float32) if is_np else torch.tensor(1.5)
        return lambda: s.item()
    if op in ("to_string", "repr"):
        return (lambda: str(x)) if op == "to_string" else (lambda: repr(x))
    if op == "matmul":
        if shape == "256x256x256":
            a = make_input(256, 1, False)[:, :256].copy()
            b = a + np.float32(0)
            if t:
                a = a.T
            a, b = lib.put(a), lib.put(b)
            return lambda: a @ b
        xx = make_input(1300, 1, False)
        a = xx.T if t else np.ascontiguousarray(xx.T)
        a, xx = lib.put(a), lib.put(xx)
        return lambda: a @ xx
    if op == "dot":
        u = lib.put(make_input(1300, 1, False).reshape(-1))
        v = lib.put(make_input(1300, 2, False).reshape(-1))
        return (lambda: np.dot(u, v)) if is_np else (lambda: torch.dot(u, v))
    if op == "outer":
        v = make_input(1, 1, False)[0, :500]
        v = lib.put(np.concatenate([v, v]))
        return (lambda: np.outer(v, v)) if is_np else (lambda: torch.outer(v, v))
    if op in ("softmax", "log_softmax", "normalize", "standardize", "topk"):
        return row_op(lib, op, x, torch)
    if op in ("cosine_similarity", "cdist", "nearest"):
        return search(lib, op, lib.put(make_input(32, 2, False)), x, torch)
    if op == "attention":
        h, S = int(shape.split("x")[1]), int(shape.split("x")[2])
        g = np.random.default_rng(4)
        qkv = [lib.put(g.standard_normal((1, h, S, 64), dtype=np.float32)) for _ in range(3)]
        if not is_np:
            return lambda: torch.nn.functional.scaled_dot_product_attention(*qkv)

        def attn():
            qq, kk, vv = qkv
            s = (qq @ kk.swapaxes(-1, -2)) * np.float32(1 / 8)
            e = np.exp(s - s.max(-1, keepdims=True))
            return (e / e.sum(-1, keepdims=True)) @ vv
        return attn
    if op in ("save", "load", "savez", "load_npz"):
        if not is_np:
            return None
        path = os.path.join(tempfile.gettempdir(), f"ndgpu_api_peer_{shape}")
        np.save(path + ".npy", x)
        np.savez(path + ".npz", x=x)
        return {"save": lambda: np.save(path + ".npy", x), "load": lambda: np.load(path + ".npy"),
                "savez": lambda: np.savez(path + ".npz", x=x),
                "load_npz": lambda: dict(np.load(path + ".npz"))}[op]
    if op == "from_blob":
        buf = bytearray(n * 4)
        return (lambda: np.frombuffer(buf, np.float32).reshape(r, COLS)) if is_np else \
            (lambda: torch.frombuffer(buf, dtype=torch.float32).reshape(r, COLS))
    return None  # kmeans: scikit-learn is its peer in the main job (compare_frameworks.py)


def sweep_call(lib, row, torch):
    """The call for a size-sweep row (bench/api/sweep_rows.cpp): the same inputs and expressions."""
    op, shape = row["op"], row["shape"]
    rng = lambda seed: np.random.default_rng(seed)  # noqa: E731
    if "x" not in shape:  # n-element vectors
        n = int(shape)
        x, y = (lib.put(rng(s).random(n, dtype=np.float32) + np.float32(0.5)) for s in (1, 2))
        if op == "add":
            return lambda: x + y
        if op == "axpy":
            return lambda: x * 0.5 + y
        if op == "exp":
            f = lib.fn("exp")
            return lambda: f(x)
        return lambda: x.sum()
    r, c = (int(v) for v in shape.split("x"))
    x = lib.put(rng(1).random((r, c), dtype=np.float32) + np.float32(0.5))
    if op == "matmul":
        b = lib.put(rng(2).random((r, c), dtype=np.float32) + np.float32(0.5))
        return lambda: x @ b
    if op == "row_sum":
        return lambda: x.sum(-1)
    if op.startswith("nearest"):
        q = lib.put(rng(2).random((int(op[len("nearest"):]), c), dtype=np.float32) + np.float32(0.5))
        return search(lib, "nearest", q, x, torch)
    return row_op(lib, op, x, torch)


def half_call(lib, row, torch):
    """A `half` row: float16 / bfloat16 inputs (NumPy: float16 only; bfloat16 is ml_dtypes'), and
    the float32 corpus beside them in the 1-query search rows."""
    op, r, t = row["op"], rows_of(row["shape"]), row["layout"] == "T"
    if lib.name == "numpy":
        if row["dtype"] == "bf16":
            return None
        npt = np.float32 if row["dtype"] == "f32" else np.float16
        x = make_input(r, 1, t).astype(npt)
        y = make_input(1 if row["param"] else r, 2, False).astype(npt)
        if op == "softmax":
            return None  # NumPy has no softmax; the float32 rows time the expression
    else:
        dt = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[row["dtype"]]
        x = torch.from_numpy(make_input(r, 1, t)).to(dt)
        y = torch.from_numpy(make_input(1 if row["param"] else r, 2, False)).to(dt)
        if t:
            x = x.T.contiguous().T if x.is_contiguous() else x
    if op == "add":
        return lambda: x + y
    if op == "multiply":
        return lambda: x * 0.5
    if op == "exp":
        f = lib.fn("exp")
        return lambda: f(x)
    if op == "sum":
        return lambda: x.sum()
    if op == "nearest":  # 1 query (the first row of y), k = 10, cosine
        return search(lib, "nearest", y[:1], x, torch)
    if op == "matmul":  # x @ y.T: (r, 768) @ (768, r)
        return lambda: x @ y.T
    return lambda: torch.softmax(x, -1)


def narrow_call(lib, row, torch):
    """A `narrow` row: int8 / uint8 / uint64 inputs, the float inputs scaled to [50, 150)."""
    op, r, t = row["op"], rows_of(row["shape"]), row["layout"] == "T"
    npt = {"i8": np.int8, "u8": np.uint8, "u64": np.uint64}[row["dtype"]]
    x, y = ((make_input(r, s, t and s == 1) * np.float32(100)).astype(npt) for s in (1, 2))  # order kept
    if lib.name != "numpy":
        x, y = torch.from_numpy(x), torch.from_numpy(y)
    if op == "add":
        return lambda: x + y
    if op == "multiply":
        return lambda: x * 3
    if op == "greater":
        return lambda: x > y
    if op == "sum":
        return lambda: x.sum()
    if lib.name == "numpy":
        return lambda: x.astype(np.float32)
    return lambda: x.to(torch.float32)


def call_for(lib, row, torch):
    form, op = row["form"], row["op"]
    if form == "sweep":
        return sweep_call(lib, row, torch)
    if form == "special":
        return special(lib, row, torch)
    if form == "half":
        return half_call(lib, row, torch)
    if form == "narrow":
        return narrow_call(lib, row, torch)
    r, t = rows_of(row["shape"]), row["layout"] == "T"
    if form == "bitwise":  # int32: x in [500, 1500), y (also a shift count) in [10, 30)
        x = lib.put((make_input(r, 1, t) * np.float32(1000)).astype(np.int32))
        y = lib.put((make_input(r, 2, False) * np.float32(20)).astype(np.int32))
        f = lib.fn(op)
        return (lambda: f(x)) if op in ("invert", "bitwise_not") else (lambda: f(x, y))
    x = lib.put(make_input(r, 1, t))
    if form == "unary":
        f = lib.fn(op)
        return lambda: f(x)
    if form == "binary":
        f, y = lib.fn(op), lib.put(make_input(r, 2, False))
        return lambda: f(x, y)
    if form == "binary_scalar":
        f = lib.fn(op)
        if row["dtype"] == "i64":
            x = lib.put(np.random.default_rng(3).integers(-1000, 1000, (r, COLS)))
            s = int(row["param"])
        else:
            s = float(row["param"])
        return lambda: f(x, s)
    if form == "ternary":
        if op == "where":
            y = lib.put(make_input(r, 2, False))
            c = x > 1.0
            return lambda: lib.where(c, x, y)
        return lambda: lib.clip(x, 0.7, 1.2)
    if form == "reduce":
        axis = None if row["param"] == "all" else int(row["param"])
        return lambda: lib.reduce(op, x, axis)
    raise ValueError(form)


def fmt(s):
    if s is None:
        return "-"
    return f"{s * 1e6:.2f} µs" if s < 1e-3 else f"{s * 1e3:.3f} ms"


def write_sweep(out, rows, results, versions):
    """sweep.json and sweep.md (per op, by size: time per call and ndgpu's ratio to the fastest
    peer); plot_sweep.py draws sweep.png from sweep.json."""
    with open(os.path.join(out, "sweep.json"), "w") as f:
        json.dump({"versions": versions, "results": results}, f, indent=1)
    libs = ["ndgpu"] + list(versions)

    def elements(shape):
        n = 1
        for v in shape.split("x"):
            n *= int(v)
        return n
    ops = list(dict.fromkeys(r["op"] for r in rows))
    behind = 0
    lines = ["## Size sweep: ndgpu (CPU) beside " + ", ".join(f"{k} {v}" for k, v in versions.items()),
             "", "Time per call, back to back, fastest of five batches (bench/README.md). "
             "vs best > 1: ndgpu is faster. ROWSx768: row ops; NxN: matmul.", "",
             "| op | shape | elements | " + " | ".join(libs) + " | vs best |",
             "| --- | --- | --- | " + " | ".join("---" for _ in libs) + " | --- |"]
    for op in ops:
        for r in (r for r in rows if r["op"] == op):
            t = {k: results[k].get(r["id"]) for k in libs}
            best = min((t[k] for k in versions if t[k]), default=None)
            ratio = best / t["ndgpu"] if best and t["ndgpu"] else None
            behind += ratio is not None and ratio < 0.95
            lines.append(f"| {op} | {r['shape']} | {elements(r['shape']):.0e} | " +
                         " | ".join(fmt(t[k]) for k in libs) + f" | {'-' if ratio is None else f'{ratio:.2f}x'} |")
    lines[2] += f" {behind} of {len(rows)} rows more than 5 % behind the fastest peer."
    with open(os.path.join(out, "sweep.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("out")
    ap.add_argument("--filter", default="")
    ap.add_argument("--budget", type=float, default=0.1)
    ap.add_argument("--set", choices=("api", "sweep"), default="api",
                    help="api: the whole-API table (api.md); sweep: the size sweep (sweep.md, sweep.png)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    bench = [args.bench, "--set", args.set]
    listing = subprocess.run(bench + ["--list"], check=True, capture_output=True, text=True).stdout
    keys = ("id", "op", "form", "dtype", "shape", "layout", "param")
    rows = [dict(zip(keys, line.split("\t"))) for line in listing.splitlines() if line]
    rows = [r for r in rows if args.filter in r["id"]]
    nd_json = os.path.join(args.out, args.set + "_ndgpu.json")
    subprocess.run(bench + ["--json", nd_json, "--filter", args.filter, "--budget", str(args.budget)],
                   check=True, stderr=subprocess.DEVNULL)
    with open(nd_json) as f:
        results = {"ndgpu": json.load(f)}
    libs = [numpy_lib()]
    versions = {"numpy": np.__version__}
    torch = None
    try:
        import torch
        torch.set_num_threads(len(os.sched_getaffinity(0)))
        libs.append(torch_lib(torch))
        versions["torch"] = torch.__version__
    except ImportError:
        pass
    for lib in libs:
        results[lib.name] = {}
        for row in rows:
            try:  # no such spelling in this library, or no kernel for the dtype (torch's uint64)
                call = call_for(lib, row, torch)
                if call is not None:
                    results[lib.name][row["id"]] = time_per_call(call, args.budget)
            except (AttributeError, TypeError, RuntimeError, NotImplementedError) as e:
                print(f"{lib.name}: {row['id']}: {e}", file=sys.stderr)
    if args.set == "sweep":
        return write_sweep(args.out, rows, results, versions)
    table = []
    for row in rows:
        nd = results["ndgpu"].get(row["id"])
        peers = {k: results[k].get(row["id"]) for k in versions}
        best = min((v for v in peers.values() if v), default=None)
        table.append((best / nd if best and nd else None, row["id"], nd, peers))
    table.sort(key=lambda e: (e[0] is None, e[0] or 0))
    with open(os.path.join(args.out, "api.json"), "w") as f:
        json.dump({"versions": versions, "results": results}, f, indent=1)
    behind = [e for e in table if e[0] is not None and e[0] < 0.95]
    lines = ["## Whole API: every public op, ndgpu (CPU) beside " + ", ".join(f"{k} {v}" for k, v in versions.items()),
             "",
             f"Time per call, back to back, fastest of five batches (bench/README.md). {len(table)} rows; "
             f"{len(behind)} more than 5 % behind the fastest peer. vs best > 1: ndgpu is faster.",
             "",
             "| row (op/form/dtype/shape/layout/param) | ndgpu | " + " | ".join(versions) + " | vs best |",
             "| --- | --- | " + " | ".join("---" for _ in versions) + " | --- |"]
    for ratio, rid, nd, peers in table:
        cells = " | ".join(fmt(peers[k]) for k in versions)
        lines.append(f"| {rid} | {fmt(nd)} | {cells} | {'-' if ratio is None else f'{ratio:.2f}x'} |")
    with open(os.path.join(args.out, "api.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[:7 + min(40, len(table))]))


if __name__ == "__main__":
    main()

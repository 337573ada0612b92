#!/usr/bin/env python3
"""Adds NumPy's time (and, where installed with a usable GPU, CuPy's and PyTorch's; where installed,
the CPU peers of peers_cpu.py and PyTorch on the CPU) for the main job's workloads to ndgpu-bench's
JSON, so the report shows them side by side.

    compare_frameworks.py --ndgpu build/main_job/ndgpu.json --out build/main_job/report.json
        [--quick] [--check] [--only numpy,cupy,torch,torch-cpu,jax,numexpr,faiss,faiss-search,sklearn]

Each workload is found by its benchmark family and size in ndgpu's JSON ("zscore/f32/100000x768/
{dev}" -> zscore on a (100000, 768) float32 array), so a workload added to the C++ table needs only
its NumPy spelling here. Timing (docs/performance.md 2): warm-up, samples of >= 2 ms (small calls
batched), median of >= 5, in the timing modes of ndgpu-bench (bench/README.md), so each "ndgpu vs X"
ratio compares like modes: latency (every call followed by a synchronise) and throughput (calls back
to back, one synchronise every BATCH calls and at the end of the sample, as ndgpu's kMaxInFlight).
NumPy's calls (and the CPU peers') are synchronous, so one measurement serves both modes. ndgpu's
enqueue mode has no counterpart here. Every framework gets the same inputs (one seed per workload);
--check compares each one's result with NumPy's.

BLAS: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set exactly as ndgpu-bench ran (its JSON says:
unset, or pinned when its OpenBLAS did not know the CPU); this script re-executes itself with that
environment before importing NumPy, and records NumPy's BLAS kernel (threadpoolctl).
"""
import argparse
import json
import os
import re
import statistics
import sys
import time
import zlib

import peers_cpu


def blas_env_of(ndgpu):
    m = re.search(r"OPENBLAS_CORETYPE=(\w+)", ndgpu["limits"]["cpu"].get("blas_env", ""))
    return m.group(1) if m else None


def ensure_blas_env(ndgpu):
    want = blas_env_of(ndgpu)
    have = os.environ.get("OPENBLAS_CORETYPE")
    if have == want and "OPENBLAS_L2_SIZE" not in os.environ:
        return
    env = dict(os.environ)
    env.pop("OPENBLAS_L2_SIZE", None)
    env.pop("OPENBLAS_CORETYPE", None)
    if want:
        env["OPENBLAS_CORETYPE"] = want
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


# ------------------------------------------------------------------------------------ timing
MODES = ("latency", "throughput")
BATCH = 64  # calls between synchronises in throughput mode: kMaxInFlight of bench/support/modes.hpp


def bench(fn, sync, quick, mode):
    budget, min_samples = (0.15, 3) if quick else (0.6, 5)
    fn(); sync()  # warm-up: page faults, BLAS threads, kernels compiled/cached
    t0 = time.perf_counter(); fn(); sync()
    single = time.perf_counter() - t0
    inner = max(1, int(2e-3 / max(single, 1e-9)))
    samples, start = [], time.perf_counter()
    while len(samples) < 41:
        t0 = time.perf_counter()
        if mode == "latency":
            for _ in range(inner):
                fn()
                sync()
        else:
            for i in range(1, inner + 1):
                fn()
                if i % BATCH == 0 or i == inner:
                    sync()
        samples.append((time.perf_counter() - t0) / inner)
        if len(samples) >= min_samples and time.perf_counter() - start > budget:
            break
    return statistics.median(samples), len(samples)


# ------------------------------------------------------------------------------- frameworks
class ArrayModule:
    """NumPy or CuPy: the tutorial's code, written once against `xp`."""

    def __init__(self, name, xp, sync, synchronous=False):
        self.name, self.xp, self.sync = name, xp, sync
        self.synchronous = synchronous  # every call returns finished: latency == throughput

    def topk(self, scores, k):  # the NumPy idiom: argpartition, then sort the k
        xp = self.xp
        idx = xp.argpartition(-scores, k, axis=-1)[..., :k]
        part = xp.take_along_axis(scores, idx, axis=-1)
        order = xp.argsort(-part, axis=-1)
        return xp.take_along_axis(part, order, axis=-1), xp.take_along_axis(idx, order, axis=-1)

    def setup(self, family, shape, host_rand):
        xp = self.xp
        rand = lambda *s: xp.asarray(host_rand(*s))
        if family in ("add", "mul", "square", "sqrt", "exp", "log"):
            a, b = rand(shape[0]), rand(shape[0])
            return {"add": lambda: a + b, "mul": lambda: a * b, "square": lambda: a ** 2,
                    "sqrt": lambda: xp.sqrt(a), "exp": lambda: xp.exp(a), "log": lambda: xp.log(a)}[family]
        if family in ("add_row", "zscore", "l2norm", "sum_rows", "mean_rows", "max_rows",
                      "argmax_rows", "std_rows", "sum_all", "softmax"):
            X = rand(*shape)
            r = rand(shape[1])
            return {"add_row": lambda: X + r,
                    "zscore": lambda: (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True),
                    "l2norm": lambda: X / xp.linalg.norm(X, axis=1, keepdims=True),
                    "sum_rows": lambda: X.sum(axis=1), "mean_rows": lambda: X.mean(axis=1),
                    "max_rows": lambda: X.max(axis=1), "argmax_rows": lambda: X.argmax(axis=1),
                    "std_rows": lambda: X.std(axis=1), "sum_all": lambda: X.sum(),
                    "softmax": lambda: self.softmax(X)}[family]
        if family == "cosine_topk":  # raw documents, norms computed in the call (as nd::nearest)
            nq, n, d = shape
            D = rand(n, d)
            if nq == 1:
                q = rand(d)
                return lambda: self.topk((D @ q) / (xp.linalg.norm(D, axis=1) * xp.linalg.norm(q)), 10)
            Q = rand(nq, d)
            return lambda: self.topk((Q @ D.T) / (xp.linalg.norm(Q, axis=1, keepdims=True)
                                                  * xp.linalg.norm(D, axis=1)), 10)
        if family == "topk":  # top-10 of precomputed scores, one row or a batch of rows
            S = rand(*shape)
            return lambda: self.topk(S, 10)
        if family in ("attention", "attention_causal"):
            h, s, d = shape
            Q, K, V = rand(h, s, d), rand(h, s, d), rand(h, s, d)
            scale = xp.float32(1.0 / d ** 0.5)
            if family == "attention_causal":  # key j > query i at -inf
                mask = xp.where(xp.triu(xp.ones((s, s), dtype=bool), 1), -xp.inf, 0).astype(xp.float32)
                return lambda: self.softmax(Q @ K.transpose(0, 2, 1) * scale + mask) @ V
            return lambda: self.softmax(Q @ K.transpose(0, 2, 1) * scale) @ V
        if family == "matmul":
            n = shape[0]
            A, B = rand(n, n), rand(n, n)
            return lambda: A @ B
        if family == "kmeans":
            n, d, k = shape
            X = rand(n, d)
            return lambda: self.kmeans(X, k, 10)
        return None

    def softmax(self, S):
        xp = self.xp
        e = xp.exp(S - S.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def kmeans(self, X, k, iters):  # Lloyd's algorithm, first k rows as the initial centroids
        xp = self.xp
        C = X[:k].copy()
        x2 = (X * X).sum(axis=1, keepdims=True)
        for _ in range(iters):
            d2 = x2 - 2 * X @ C.T + (C * C).sum(axis=1)
            labels = d2.argmin(axis=1)
            for j in range(k):
                members = X[labels == j]
                if len(members):
                    C[j] = members.mean(axis=0)
        return C, labels


CPU_PEERS = ("torch-cpu", "jax", "numexpr", "faiss", "faiss-search", "sklearn")


class Torch:
    """PyTorch on CUDA ("torch") or on the CPU ("torch-cpu", synchronous, all cores)."""

    def __init__(self, torch, device):
        self.t, self.dev = torch, torch.device(device)
        self.synchronous = device == "cpu"
        self.name = "torch-cpu" if self.synchronous else "torch"

    def sync(self):
        if not self.synchronous:
            self.t.cuda.synchronize()

    def setup(self, family, shape, host_rand):
        t = self.t
        rand = lambda *s: t.from_numpy(host_rand(*s)).to(self.dev)
        if family in ("add", "mul", "square", "sqrt", "exp", "log"):
            a, b = rand(shape[0]), rand(shape[0])
            return {"add": lambda: a + b, "mul": lambda: a * b, "square": lambda: a ** 2,
                    "sqrt": lambda: t.sqrt(a), "exp": lambda: t.exp(a), "log": lambda: t.log(a)}[family]
        if family in ("add_row", "zscore", "l2norm", "sum_rows", "mean_rows", "max_rows",
                      "argmax_rows", "std_rows", "sum_all", "softmax"):
            X, r = rand(*shape), rand(shape[1])
            return {"add_row": lambda: X + r,
                    "zscore": lambda: (X - X.mean(1, keepdim=True)) / X.std(1, keepdim=True, correction=0),
                    "l2norm": lambda: X / t.linalg.norm(X, dim=1, keepdim=True),
                    "sum_rows": lambda: X.sum(1), "mean_rows": lambda: X.mean(1),
                    "max_rows": lambda: X.amax(1), "argmax_rows": lambda: X.argmax(1),
                    "std_rows": lambda: X.std(1, correction=0), "sum_all": lambda: X.sum(),
                    "softmax": lambda: t.softmax(X, -1)}[family]
        if family == "cosine_topk":  # norms computed in the call, as nd::nearest
            nq, n, d = shape
            D, Q = rand(n, d), rand(nq, d)
            return lambda: t.topk((Q @ D.T) / (Q.norm(dim=1, keepdim=True) * D.norm(dim=1)), 10, dim=-1)
        if family == "topk":
            S = rand(*shape)
            return lambda: t.topk(S, 10, dim=-1)
        if family in ("attention", "attention_causal"):
            h, s, d = shape
            Q, K, V = rand(h, s, d), rand(h, s, d), rand(h, s, d)
            causal = family == "attention_causal"
            if self.synchronous or causal:  # the fused kernel; non-causal CUDA keeps its published spelling
                return lambda: t.nn.functional.scaled_dot_product_attention(Q, K, V, is_causal=causal)
            return lambda: t.softmax(Q @ K.transpose(1, 2) * (1.0 / d ** 0.5), -1) @ V
        if family == "matmul":
            A, B = rand(shape[0], shape[0]), rand(shape[0], shape[0])
            return lambda: A @ B
        if family == "kmeans":
            n, d, k = shape
            X = rand(n, d)

            def km():
                C = X[:k].clone()
                for _ in range(10):
                    labels = t.cdist(X, C).argmin(1)
                    for j in range(k):
                        m = labels == j
                        if m.any():
                            C[j] = X[m].mean(0)
                return C, labels
            return km
        return None


def frameworks(only):
    out = []
    if "numpy" in only:
        import numpy as np
        out.append(ArrayModule("numpy", np, lambda: None, synchronous=True))
    if "cupy" in only:
        try:
            import cupy as cp
            if cp.cuda.runtime.getDeviceCount() > 0:
                out.append(ArrayModule("cupy", cp, lambda: cp.cuda.Device().synchronize()))
        except Exception:  # not installed, or no usable GPU
            pass
    if "torch" in only:
        try:
            import torch
            if torch.cuda.is_available():
                torch.backends.cuda.matmul.allow_tf32 = False  # FP32, as ndgpu's matmul
                out.append(Torch(torch, "cuda"))
        except Exception:
            pass
    if "torch-cpu" in only:
        try:
            import torch
            torch.set_num_threads(peers_cpu.cores())
            out.append(Torch(torch, "cpu"))
        except ImportError:
            pass
    return out + peers_cpu.load(only)


def describe(fw):
    if fw.name == "numpy":
        import numpy as np
        info = f"NumPy {np.__version__}"
        try:
            import threadpoolctl
            blas = [p for p in threadpoolctl.threadpool_info() if p.get("user_api") == "blas"]
            blas = [p for p in blas if "numpy" in p.get("filepath", "")] or blas  # not a peer's BLAS
            if blas:
                b = blas[0]
                info += (f", BLAS {b.get('internal_api')} {b.get('version')} kernel "
                         f"{b.get('architecture')}, {b.get('num_threads')} threads")
        except ImportError:
            info += ", BLAS kernel unknown (pip install threadpoolctl)"
        env = os.environ.get("OPENBLAS_CORETYPE")
        return info + (f", OPENBLAS_CORETYPE={env}" if env else ", OPENBLAS_CORETYPE unset")
    if fw.name == "cupy":
        import cupy as cp
        props = cp.cuda.runtime.getDeviceProperties(0)
        return f"CuPy {cp.__version__} on {props['name'].decode()}"
    if fw.name == "torch-cpu":
        cfg = fw.t.__config__.show()
        blas, isa = (re.search(pat, cfg) for pat in (r"BLAS_INFO=(\w+)", r"CPU capability usage: (\w+)"))
        return (f"PyTorch {fw.t.__version__} on the CPU, {fw.t.get_num_threads()} threads, BLAS "
                f"{blas.group(1) if blas else '?'}, kernels {isa.group(1) if isa else '?'}")
    if fw.name != "torch":
        return fw.describe()
    return f"PyTorch {fw.t.__version__} on {fw.t.cuda.get_device_name(0)} (TF32 off)"


def host_rand(bench):
    """Inputs of one workload: every framework draws the same float32 arrays in [0, 1) from one
    seed per workload (in the order of its NumPy spelling), so --check can compare results."""
    import numpy as np
    rng = np.random.default_rng(zlib.crc32(bench.encode()))
    return lambda *shape: rng.random(shape, dtype=np.float32)


def check(w, family, shape, fw, out, reference):
    """Top-10 indices (as sets per row), k-means inertia or the output array, against NumPy's."""
    import numpy as np
    if family in ("cosine_topk", "topk", "kmeans"):
        out = out[0] if family == "kmeans" else out[1]
    out = np.asarray(out.get() if hasattr(out, "get") else out.cpu() if hasattr(out, "cpu") else out)
    if family == "kmeans":  # Lloyd on unclustered data is chaotic: rounding moves a few % of the
        X = host_rand(w["bench"])(*shape[:2])  # labels after 10 steps, but not the objective
        out = ((X * X).sum(1)[:, None] - 2 * X @ out.T + (out * out).sum(1)).min(1).sum(dtype=np.float64)
    if fw.name == "numpy":
        reference.clear()
        reference[w["bench"]] = out
        return []
    ref = reference.get(w["bench"])
    if ref is None:
        return []
    if family in ("cosine_topk", "topk"):
        ok = np.array_equal(np.sort(out.reshape(-1, 10)), np.sort(ref.reshape(-1, 10)))
        what = "same top-10 indices" if ok else "top-10 indices differ"
    else:
        rtol = 1e-4 if family == "kmeans" else 1e-3
        ok = out.shape == ref.shape and np.allclose(out, ref, rtol=rtol, atol=1e-6)
        what = (f"inertia {out:.7g} vs NumPy's {ref:.7g}" if family == "kmeans" else
                f"max |diff| {np.abs(out.astype(np.float64) - ref).max():.2g}" if out.shape == ref.shape
                else f"shape {out.shape} vs NumPy's {ref.shape}")
    print(f"  check {fw.name} vs numpy: {'ok' if ok else 'MISMATCH'} ({what})", file=sys.stderr)
    return [] if ok else [f"{fw.name} {w['label']}"]


def print_ratios(data, names):
    """Each CPU peer's time and peer / ndgpu CPU (> 1: ndgpu is faster), latency mode."""
    def t(s):
        return "-" if s is None else f"{s * 1e6:.1f}us" if s < 1e-3 else f"{s * 1e3:.2f}ms"
    rows = [["workload", "ndgpu CPU"] + names]
    for w in data["workloads"]:
        mine = ((w["results"].get("cpu") or {}).get("latency") or {}).get("median_s")
        if w["section"] == "loop" or mine is None:
            continue
        row = [w["label"], t(mine)]
        for n in names:
            peer = ((w.get("frameworks") or {}).get(n) or {}).get("latency", {}).get("median_s")
            row.append("" if peer is None else f"{t(peer)} {peer / mine:.2f}x")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print("\nlatency mode, peer time and peer / ndgpu (> 1: ndgpu faster):")
    for r in rows:
        print("  ".join(c.ljust(wd) for c, wd in zip(r, widths)))


def parse_bench(bench):
    """'zscore/f32/100000x768/{dev}' -> ('zscore', [100000, 768]); 'kmeans/f32/10000x768k8/..'
    -> ('kmeans', [10000, 768, 8])."""
    parts = bench.split("/")
    for p in parts[1:]:
        if re.fullmatch(r"[0-9]+(x[0-9]+)*(k[0-9]+)?", p):
            return parts[0], [int(v) for v in re.split(r"[xk]", p)]
    return parts[0], []


def loop_vs_vectorised(quick):
    import numpy as np
    n = 1_000_000
    a, b = np.random.rand(n).astype(np.float32), np.random.rand(n).astype(np.float32)
    la, lb = a.tolist(), b.tolist()

    def add_loop(arr1, arr2):  # the tutorial's Exercise 3, verbatim
        result = []
        for i in range(len(arr1)):
            result.append(arr1[i] + arr2[i])
        return result
    out = {}
    out["NumPy a + b"] = bench(lambda: a + b, lambda: None, quick, "latency")[0]
    out["Python loop over lists"] = bench(lambda: add_loop(la, lb), lambda: None, True, "latency")[0]
    out["Python loop over ndarrays"] = bench(lambda: add_loop(a, b), lambda: None, True, "latency")[0]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ndgpu", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="numpy,cupy,torch," + ",".join(CPU_PEERS),
                    help="frameworks to time (default: all; each one not installed is left out)")
    ap.add_argument("--check", action="store_true",
                    help="compare each framework's result with NumPy's on the same inputs")
    args = ap.parse_args()
    with open(args.ndgpu) as f:
        data = json.load(f)
    ensure_blas_env(data)
    quick = args.quick or data.get("mode") == "quick"
    fws = frameworks(args.only.split(","))
    data["frameworks_info"] = {fw.name: describe(fw) for fw in fws}
    todo = [(w, fw) for w in data["workloads"] if w["section"] != "loop" for fw in fws]
    mismatches, reference = [], {}  # --check: NumPy's result of the workload being timed
    for i, (w, fw) in enumerate(todo, 1):
        family, shape = parse_bench(w["bench"])
        print(f"[{i:2d}/{len(todo)}] {fw.name:12s} {w['label']}", file=sys.stderr, flush=True)
        fn = fw.setup(family, shape, host_rand(w["bench"])) if shape else None
        if fn is None:
            continue
        if args.check:
            mismatches += check(w, family, shape, fw, fn(), reference)
        res = w.setdefault("frameworks", {})[fw.name] = {}
        for mode in MODES:
            if fw.synchronous and mode != MODES[0]:
                res[mode] = dict(res[MODES[0]], same_as=MODES[0])
                continue
            t, n = bench(fn, fw.sync, quick, mode)
            res[mode] = {"median_s": t, "samples": n}
        del fn
    if any(fw.name == "numpy" for fw in fws) and any(w["section"] == "loop" for w in data["workloads"]):
        print("[loop] NumPy and Python loops at 1e6", file=sys.stderr, flush=True)
        data["frameworks_loop"] = loop_vs_vectorised(quick)
    with open(args.out, "w") as f:
        json.dump(data, f, indent=1)
    print(f"wrote {args.out}")
    if any(fw.name in CPU_PEERS for fw in fws):
        print_ratios(data, [fw.name for fw in fws if fw.name == "numpy" or fw.name in CPU_PEERS])
    if mismatches:
        print(f"--check: {len(mismatches)} mismatch(es): " + "; ".join(mismatches), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes index_cases.txt: NumPy's results for random mixes of integer arrays, boolean masks,
integers, slices, newaxis and ellipsis, both reading (gather) and writing (scatter), including
the errors NumPy raises. Read by tests/core/test_advanced_index.cpp.

The indexed array is always arange(size).reshape(shape) (int64). Entry lines:
  i V                      integer            s START STOP STEP   slice ('_' = omitted)
  n                        None (newaxis)     e                   ellipsis
  a NDIM SHAPE... VALUES   int64 index array  m NDIM SHAPE... 0/1 boolean mask
A gather case ends with `get SHAPE | VALUES` or `error CLASS | MESSAGE`; a scatter case writes
value = -(arange(n)+1) of shape VSHAPE and ends with `set VSHAPE | RESULT VALUES` or
`set VSHAPE | error CLASS | MESSAGE`.
"""
import os
import numpy as np

rng = np.random.default_rng(7)


def rand_shape():
    nd = int(rng.integers(1, 5))
    return tuple(int(x) for x in rng.integers(0 if rng.random() < 0.08 else 1, 6, nd))


def rand_entry(shape, axis):
    """A random entry for `axis` of shape; returns (python index, text, axes consumed)."""
    n = shape[axis] if axis < len(shape) else 1
    r = rng.random()
    if r < 0.3:
        ashape = tuple(int(x) for x in rng.integers(1, 4, int(rng.integers(0, 3))))
        hi = n + (1 if rng.random() < 0.05 else 0)  # sometimes out of bounds
        vals = rng.integers(-n, max(hi, 1), ashape) if n > 0 else rng.integers(0, 1, ashape)
        vals = np.asarray(vals, dtype=np.int64)
        txt = f"a {vals.ndim}" + "".join(f" {d}" for d in vals.shape) + "".join(
            f" {int(v)}" for v in vals.ravel())
        return vals, txt, 1
    if r < 0.42 and axis < len(shape):
        k = int(rng.integers(1, min(2, len(shape) - axis) + 1))
        mshape = list(shape[axis:axis + k])
        if rng.random() < 0.05:
            mshape[0] += 1  # mismatched mask
        mask = rng.random(mshape) < 0.5
        txt = f"m {mask.ndim}" + "".join(f" {d}" for d in mask.shape) + "".join(
            " 1" if v else " 0" for v in mask.ravel())
        return mask, txt, k
    if r < 0.55:
        v = int(rng.integers(-n, n + 1)) if n > 0 else 0
        return v, f"i {v}", 1
    if r < 0.62:
        return None, "n", 0
    if r < 0.67:
        return Ellipsis, "e", 0
    parts = [None if rng.random() < 0.4 else int(rng.integers(-n - 2, n + 3)) for _ in range(2)]
    step = None if rng.random() < 0.4 else int(rng.choice([-3, -2, -1, 1, 2, 3]))
    txt = "s" + "".join(" _" if p is None else f" {p}" for p in parts + [step])
    return slice(parts[0], parts[1], step), txt, 1


def outcome(f):
    try:
        return "ok", f()
    except (IndexError, ValueError, TypeError) as e:
        return "error", f"{type(e).__name__} | {e}"


lines = [f"# NumPy {np.__version__} advanced-indexing transcript, made by make_index_cases.py"]
count = 0
while count < 700:
    shape = rand_shape()
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    entries, texts, axis = [], [], 0
    for _ in range(int(rng.integers(1, len(shape) + 1)) + (rng.random() < 0.08)):
        ix, txt, k = rand_entry(shape, axis)
        entries.append(ix)
        texts.append(txt)
        axis += k
    if not any(isinstance(e, np.ndarray) for e in entries):
        continue
    idx = tuple(entries)
    kind, res = outcome(lambda: a[idx])
    body = [f"case {count}", "shape" + "".join(f" {d}" for d in shape)] + texts
    if kind == "error":
        lines += body + [f"error {res}", "end"]
        count += 1
        continue
    lines += body + ["get" + "".join(f" {d}" for d in res.shape) + " |" +
                     "".join(f" {int(v)}" for v in res.ravel()), "end"]
    count += 1
    # Scatter with unique targets (with repeats NumPy leaves the winner unspecified).
    if res.size and len(set(res.ravel().tolist())) == res.size and rng.random() < 0.6:
        vshape = res.shape[-1:] if rng.random() < 0.3 else res.shape
        if vshape and rng.random() < 0.1:
            vshape = vshape[:-1] + (vshape[-1] + 1,)  # does not broadcast
        value = -(np.arange(int(np.prod(vshape)), dtype=np.int64) + 1).reshape(vshape)
        b = a.copy()

        def write():
            b[idx] = value
            return b
        kind, res = outcome(write)
        vtxt = "".join(f" {d}" for d in vshape)
        end = (f"set{vtxt} | error {res}" if kind == "error" else
               f"set{vtxt} |" + "".join(f" {int(v)}" for v in res.ravel()))
        lines += [f"case {count}", "shape" + "".join(f" {d}" for d in shape)] + texts + [end, "end"]
        count += 1

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "index_cases.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
print(count, "cases")

#!/usr/bin/env python3
"""Writes the .npy files tests/io/test_npy_golden.cpp compares nd::save / nd::load against.

Every case is np.save of an array built from a formula the C++ test repeats (see value() there),
so the test checks both directions: nd::load(file) == formula, nd::save(formula) == file bytes.
Run from anywhere: python3 tests/golden/npy/make_npy_golden.py  (numpy >= 1.17; written with 2.4)
"""
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = ["bool", "int32", "int64", "float32", "float64", "float16", "int8", "uint8", "int16", "uint16",
          "uint32", "uint64"]


def values(dtype, n):
    i = np.arange(n, dtype=np.int64)
    if dtype == "bool":
        return i % 3 == 0
    if dtype == "int32":
        return (i * 7 - 20).astype(np.int32)
    if np.dtype(dtype).kind in "iu":  # int64's values, wrapped to the narrower widths
        return (i * 1000000007 - 3000000000).astype(dtype)
    if dtype == "float32":
        return (i.astype(np.float32) * np.float32(0.5) - np.float32(2.25)).astype(np.float32)
    return (i.astype(np.float64) / 3.0 - 1.0).astype(dtype)


def base(dtype, shape):
    return values(dtype, int(np.prod(shape))).reshape(shape)


def cases(dtype):
    """(name, array) pairs; the C++ side builds the same layouts with nd views."""
    b = base(dtype, (2, 3, 4))
    yield "c", b                                  # C-contiguous
    yield "f", np.asfortranarray(b)               # fortran_order: True
    yield "t", b.transpose(2, 0, 1)               # neither: saved in logical (C) order
    yield "rev", b[::-1, :, ::-2]                 # negative strides: logical order
    yield "vec", base(dtype, (5,))
    yield "scalar", base(dtype, (7,))[4].reshape(())  # 0-d
    yield "empty", base(dtype, (0, 3))
    yield "empty_f", np.asfortranarray(base(dtype, (3, 0)))
    yield "be", base(dtype, (2, 3)).astype(np.dtype(dtype).newbyteorder(">"))  # load only


def main():
    count = 0
    for dtype in DTYPES:
        for name, arr in cases(dtype):
            np.save(os.path.join(HERE, f"{dtype}_{name}.npy"), arr)
            count += 1
    # Archives: every save case of two dtypes, stored and deflated (NumPy writes zip64 headers).
    # zipfile stamps members with the local time: pin both so regenerating gives the same bytes.
    members = {f"{d}_{n}": a for d in ("int32", "float64") for n, a in cases(d) if n != "be"}
    os.environ["TZ"] = "UTC"
    time.tzset()
    real_time, time.time = time.time, lambda: 1700000000.0
    try:
        np.savez(os.path.join(HERE, "archive.npz"), **members)
        np.savez_compressed(os.path.join(HERE, "archive_compressed.npz"), **members)
    finally:
        time.time = real_time
    count += 2
    with open(os.path.join(HERE, "NUMPY_VERSION"), "w") as f:
        f.write(np.__version__ + "\n")
    print(f"wrote {count} files with numpy {np.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()

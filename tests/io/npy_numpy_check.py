#!/usr/bin/env python3
"""Live NumPy check for tests/io/test_npy_numpy.cpp.

usage: npy_numpy_check.py <dir> <golden_npy_dir>
1. Every <dtype>_<case>.npy that ndgpu wrote into <dir> must np.load to the case's array and be
   byte-identical to what np.save writes for it.
2. Writes NumPy's own files for every case into <dir>/np/ for ndgpu to load back.
Exit status 0 when all is well; the failures are printed.
"""
import io
import os
import sys

import numpy as np


def main():
    out_dir, golden_dir = sys.argv[1], sys.argv[2]
    sys.path.insert(0, golden_dir)
    import make_npy_golden as g

    failures = []
    checked = 0
    os.makedirs(os.path.join(out_dir, "np"), exist_ok=True)
    for dtype in g.DTYPES:
        for name, want in g.cases(dtype):
            fname = f"{dtype}_{name}.npy"
            np.save(os.path.join(out_dir, "np", fname), want)
            path = os.path.join(out_dir, fname)
            if not os.path.exists(path):
                continue  # load-only cases
            got = np.load(path)
            if got.dtype != want.dtype.newbyteorder("=") or got.shape != want.shape \
                    or not np.array_equal(got, want):
                failures.append(f"{fname}: np.load gave {got.dtype}{got.shape} {got!r}")
            buf = io.BytesIO()
            np.save(buf, want)
            with open(path, "rb") as f:
                if f.read() != buf.getvalue():
                    failures.append(f"{fname}: bytes differ from np.save")
            checked += 1
    for f in failures:
        print("FAIL", f)
    print(f"checked {checked} files written by ndgpu with numpy {np.__version__}")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

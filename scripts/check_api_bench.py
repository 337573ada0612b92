#!/usr/bin/env python3
"""Fails when a public op of ndgpu has no row in the whole-API benchmark (bench/api/), so that no
op can be added without being timed.

    check_api_bench.py NDGPU_API_BENCH INCLUDE_DIR

The public names are the functions and methods declared in INCLUDE_DIR's headers (plus the
ND_DECLARE_BINARY lists); the covered names are the `op` column of `NDGPU_API_BENCH --list`.
Names that are not operations on array data (accessors, index objects, settings) are listed in
NOT_OPS with the reason.
"""
import pathlib
import re
import subprocess
import sys

NOT_OPS = {
    # accessors of an array's metadata: no work to time
    **dict.fromkeys(["defined", "shape", "strides", "offset", "ndim", "size", "nbytes", "itemsize",
                     "dtype", "device", "is_contiguous", "is_readonly", "storage", "data_ptr"],
                    "metadata accessor"),
    **dict.fromkeys(["kind", "integer", "slice", "is_all", "list", "number"], "index/axes object accessor"),
    **dict.fromkeys(["seed", "set_matmul_precision", "matmul_precision"], "setting, no array work"),
    "contiguous_strides": "shape arithmetic helper",
    "T": "the same view as transpose (timed)",
    "cpu": "to(Device::cpu()): a no-op on CPU arrays; device transfers are timed on a GPU (bench_*.cpp)",
    "to": "device transfer: timed on a GPU (bench_*.cpp); a no-op between CPU arrays",
    "to_dlpack": "zero-copy hand-off of the same buffer",
    "from_dlpack": "zero-copy hand-off of the same buffer",
    "savez_compressed": "zlib's speed, not ndgpu's (savez is timed)",
    "identity_like": "not an op",
}

DECL = re.compile(r"^\s*(?:inline\s+|static\s+|template\s*<[^>]*>\s*)*"
                  r"(?:const\s+)?(?:[\w:]+(?:<[^;()]*>)?[&*]?)\s+&?(\w+)\(", re.M)
CTOR = re.compile(r"[A-Z][a-z]")  # constructors (Array, Axes, Index, ...) are not ops
BINARY = re.compile(r"ND_DECLARE_BINARY\((\w+)\)")


def public_names(include_dir):
    names = set()
    for h in sorted(pathlib.Path(include_dir).glob("*.hpp")):
        text = re.sub(r"//[^\n]*", "", h.read_text())
        text = re.sub(r"#define(?:[^\n]*\\\n)*[^\n]*", "", text)  # macro bodies declare nothing
        names.update(m for m in DECL.findall(text) if m not in ("operator", "return") and not CTOR.match(m))
        names.update(BINARY.findall(text))
    return names


def main():
    bench, include_dir = sys.argv[1], sys.argv[2]
    listing = subprocess.run([bench, "--list"], check=True, capture_output=True, text=True).stdout
    covered = {line.split("\t")[1] for line in listing.splitlines() if line}
    names = public_names(include_dir)
    missing = sorted(n for n in names if n not in covered and n not in NOT_OPS)
    stale = sorted(n for n in NOT_OPS if n in covered)
    print(f"{len(names)} public names, {len(covered)} ops with rows, {len(NOT_OPS)} not ops")
    if stale:
        print("listed as not ops but timed (remove from NOT_OPS):", ", ".join(stale))
    if missing:
        print("public ops without a row in bench/api/api_rows.cpp:", ", ".join(missing))
        return 1
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

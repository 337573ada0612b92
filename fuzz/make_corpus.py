#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ (committed; rerun to refresh).

npy_load: NumPy's files for every dtype x byte order x C/F x 0-d/empty, plus malformed magics,
versions, headers and truncations (libnpy/cnpy PoC shapes: huge shapes, overflowing products).
npy_header: the header texts alone. npz_load: small stored / deflated archives (zip64 headers
as NumPy writes them). slice_parse: shapes with index strings. view_ops: a few byte strings that decode to varied shapes and op chains.
"""
import io
import os
import shutil
import struct
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def npy(arr):
    b = io.BytesIO()
    np.save(b, arr)
    return b.getvalue()


def raw_npy(header, data=b"", major=1):
    fmt = "<H" if major == 1 else "<I"
    return b"\x93NUMPY" + bytes([major, 0]) + struct.pack(fmt, len(header)) + header + data


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    arrays = {}
    for dt in ["bool", "int32", "int64", "float32", "float64"]:
        a = (np.arange(6) % 3 == 0) if dt == "bool" else np.arange(6).astype(dt)
        a = a.reshape(2, 3)
        arrays[f"{dt}_c"] = a
        arrays[f"{dt}_f"] = np.asfortranarray(a)
        arrays[f"{dt}_be"] = a.astype(np.dtype(dt).newbyteorder(">"))
        arrays[f"{dt}_0d"] = a[1, 2].reshape(())
        arrays[f"{dt}_empty"] = a[:0]
    arrays["float64_nan"] = np.array([np.nan, -np.inf, -0.0, 1e308])
    arrays["int8_unsupported"] = np.arange(4, dtype=np.int8)
    arrays["complex_unsupported"] = np.arange(2, dtype=np.complex64)
    arrays["structured"] = np.zeros(2, dtype=[("a", "<f4"), ("b", "<i8")])
    for name, a in arrays.items():
        data = npy(a)
        put("npy_load", name + ".npy", data)
        hlen = struct.unpack("<H", data[8:10])[0]
        put("npy_header", name + ".txt", data[10:10 + hlen])
    good = npy(np.arange(6, dtype=np.float32).reshape(2, 3))
    hdr = good[10:10 + struct.unpack("<H", good[8:10])[0]]
    malformed = {
        "bad_magic": b"\x93NUMPZ" + good[6:],
        "version_9": good[:6] + b"\x09\x00" + good[8:],
        "v2": raw_npy(hdr, good[10 + len(hdr):], major=2),
        "v3": raw_npy(hdr, good[10 + len(hdr):], major=3),
        "truncated_header": good[:40],
        "truncated_data": good[:-5],
        "header_len_huge": good[:8] + b"\xff\xff" + good[10:],
        "v2_header_len_4g": b"\x93NUMPY\x02\x00\xff\xff\xff\xff{}",
        "huge_shape": raw_npy(b"{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }\n", b"x" * 8),
        "overflow_shape": raw_npy(b"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n"),
        "negative_shape": raw_npy(b"{'descr': '<i4', 'fortran_order': False, 'shape': (-1,), }\n"),
        "nested": raw_npy(b"{'descr': '<i4', 'fortran_order': False, 'shape': ((((((((1,),),),),),),),), }\n"),
        "py2_long": raw_npy(b"{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }\n", b"\0" * 8),
        "dquotes": raw_npy(b'{"descr": "<i4", "fortran_order": False, "shape": (2,)}', b"\0" * 8),
        "call": raw_npy(b"{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,), }\n"),
        "nine_dims": raw_npy(b"{'descr': '|b1', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }\n", b"\1"),
    }
    for name, data in malformed.items():
        put("npy_load", name + ".npy", data)
        if data[:6] == b"\x93NUMPY" and len(data) > 10:
            put("npy_header", name + ".txt", data[10:10 + min(200, len(data) - 10)])
    put("npy_header", "deep.txt", b"(" * 40 + b"1" + b")" * 40)
    put("npy_header", "strings.txt", b"{'a\\x41\\n': \"b'c\", u'd': [None, True, -0, --3], (): {}}")

    os.environ["TZ"] = "UTC"
    time.tzset()
    real_time, time.time = time.time, lambda: 1700000000.0
    try:
        small = {"a": arrays["int32_c"], "b": arrays["float64_f"], "c": arrays["bool_0d"]}
        for fn, name in [(np.savez, "stored.npz"), (np.savez_compressed, "deflated.npz")]:
            b = io.BytesIO()
            fn(b, **small)
            put("npz_load", name, b.getvalue())
        b = io.BytesIO()
        np.savez(b, one=arrays["int64_be"])
        put("npz_load", "one_be.npz", b.getvalue())
        b = io.BytesIO()
        np.savez(b)
        put("npz_load", "empty.npz", b.getvalue())
    finally:
        time.time = real_time

    # slice_parse: ndim byte, sizes, then NumPy index text.
    for i, (shape, text) in enumerate([((4, 5), "1:3, ::-1"), ((3,), "-1"), ((2, 3, 4), "..., None, 1"),
                                        ((5,), "::2"), ((2, 2), "1,"), ((0, 3), ":, -3:"),
                                        ((4, 4), "None, ..., 1:-1:-1"), ((), "..."), ((3, 3), "5"),
                                        ((3,), "::0"), ((2, 2), "1, 1, 1"), ((2, 3), "a[1]"),
                                        ((4,), " 1 : 3 "), ((6,), "-100:100:3")]):
        put("slice_parse", f"seed{i}", bytes([len(shape)] + list(shape)) + text.encode())

    rng = np.random.default_rng(7)
    for i in range(8):
        put("view_ops", f"seed{i}", rng.integers(0, 256, size=24 + 8 * i, dtype=np.uint8).tobytes())
    put("view_ops", "zeros", bytes(32))


if __name__ == "__main__":
    main()

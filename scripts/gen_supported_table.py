#!/usr/bin/env python3
"""Writes docs/supported_functions.md: for each NumPy function a tutorial user reaches for (the
curated list below), ndgpu's spelling or "—", read from the op tables (kernels/op_list.hpp) and
the public headers (host/include/ndgpu, runtime/include/ndgpu), never written by hand.

    gen_supported_table.py           rewrite docs/supported_functions.md
    gen_supported_table.py --check   exit 1 (with a diff) when the committed file is stale

A row's ndgpu name is the NumPy name itself, or the one given in the list; it is printed only when
the headers or op tables declare it, so a row turns to "—" by itself if a function goes away.
"""
import difflib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "supported_functions.md"
HEADERS = sorted((ROOT / "host/include/ndgpu").glob("*.hpp")) + sorted(
    (ROOT / "runtime/include/ndgpu").glob("*.hpp"))
OP_LIST = ROOT / "kernels/op_list.hpp"

# (NumPy name, ndgpu name or None for the same name, note). An ndgpu name "Array::x" is a method;
# "-" says ndgpu has no counterpart yet (the note may point at the nearest thing): the row shows
# the NumPy name as soon as a header declares it.
NUMPY = [
    # creation
    ("array", None, "from C++ values or nested braces; ints give int64, floats float32"),
    ("asarray", "-", "nd::array copies host values; nd::from_blob wraps memory"),
    ("zeros", None, "float32 by default"), ("ones", None, "float32 by default"),
    ("empty", None, ""), ("full", None, "dtype follows the value's C++ type"),
    ("zeros_like", None, ""), ("ones_like", None, ""), ("empty_like", None, ""),
    ("full_like", None, ""), ("eye", None, ""), ("identity", None, ""),
    ("arange", None, ""), ("linspace", None, "float32 by default"), ("logspace", "-", ""),
    ("meshgrid", "-", ""), ("copy", "Array::copy", ""),
    # dtypes
    ("bool_", None, ""), ("int32", None, ""), ("int64", None, ""), ("float32", None, ""),
    ("float64", None, ""),
    ("float16", None, "nd::Float16 values; computes in float32, rounds once per op (nd::bfloat16 too)"),
    ("int8", "-", "seven dtypes: bool, int32, int64, float16, bfloat16, float32, float64"),
    ("promote_types", None, "by category: int32 + float32 is float32; float16 + bfloat16 is float32"),
    # shape
    ("reshape", None, ""), ("ravel", None, ""), ("transpose", None, ""), ("swapaxes", None, ""),
    ("squeeze", None, ""), ("expand_dims", None, ""), ("broadcast_to", None, ""),
    ("concatenate", None, ""), ("stack", None, ""), ("hstack", "-", "nd::concatenate(..., 1) of 2-D arrays"),
    ("vstack", "-", "nd::concatenate(..., 0) of 2-D arrays"), ("split", "-", "slices are views"),
    ("tile", "-", ""), ("repeat", "-", ""),
    ("flip", "-", "a[\"::-1\"] reverses the first axis (a view)"), ("roll", "-", ""),
    ("pad", "-", ""), ("shape", "Array::shape", ""), ("ndim", "Array::ndim", ""),
    ("size", "Array::size", ""),
    # elementwise
    ("add", None, "also a + b"), ("subtract", None, "also a - b"),
    ("multiply", None, "also a * b"), ("divide", None, "also a / b"),
    ("true_divide", None, ""), ("floor_divide", None, ""), ("mod", None, "also a % b"),
    ("remainder", None, ""), ("power", None, "a ** b has no C++ operator"), ("negative", None, "also -a"),
    ("absolute", None, ""), ("abs", None, ""), ("sign", None, ""), ("square", None, ""),
    ("sqrt", None, ""), ("exp", None, ""), ("exp2", "-", ""), ("log", None, ""),
    ("log2", None, ""), ("log10", None, ""), ("log1p", None, ""), ("expm1", None, ""),
    ("sin", None, ""), ("cos", None, ""), ("tan", None, ""), ("arcsin", "-", ""),
    ("arccos", "-", ""), ("arctan", "-", ""), ("arctan2", "-", ""), ("sinh", "-", ""),
    ("cosh", "-", ""), ("tanh", None, ""), ("floor", None, ""), ("ceil", None, ""),
    ("round", None, "half to even"), ("trunc", "-", ""), ("rint", "-", "nd::round"),
    ("maximum", None, ""), ("minimum", None, ""), ("fmax", None, ""), ("fmin", None, ""),
    ("clip", None, ""), ("where", None, "the three-argument form; one argument: nd::nonzero"),
    ("equal", None, "also a == b"), ("not_equal", None, "also a != b"), ("less", None, "also a < b"),
    ("less_equal", None, "also a <= b"), ("greater", None, "also a > b"),
    ("greater_equal", None, "also a >= b"), ("logical_and", None, ""), ("logical_or", None, ""),
    ("logical_xor", None, ""), ("logical_not", None, "also !a"), ("isnan", None, ""),
    ("isinf", None, ""), ("isfinite", None, ""), ("bitwise_and", None, "also a & b; integers and bool"),
    ("bitwise_or", None, "also a | b"), ("bitwise_xor", None, "also a ^ b"),
    ("invert", None, "also ~a"), ("bitwise_not", None, ""), ("left_shift", None, "also a << b"),
    ("right_shift", None, "also a >> b"), ("nan_to_num", "-", "for NaN only: nd::where(nd::isnan(x), 0, x)"),
    ("allclose", "-", ""), ("isclose", "-", ""), ("array_equal", "-", "nd::all(a == b)"),
    # reductions
    ("sum", None, ""), ("prod", None, ""), ("mean", None, ""), ("var", None, "ddof as NumPy"),
    ("std", None, "ddof as NumPy"), ("max", None, ""), ("min", None, ""), ("amax", None, ""),
    ("amin", None, ""), ("argmax", None, ""), ("argmin", None, ""), ("any", None, ""),
    ("all", None, "nd::all(x, axes); bare nd::all is the \":\" index"), ("cumsum", "-", ""),
    ("cumprod", "-", ""), ("median", "-", ""), ("percentile", "-", ""), ("average", "-", ""),
    ("count_nonzero", "-", "nd::sum(x != 0)"),
    # searching and sorting
    ("nonzero", None, ""), ("argwhere", "-", "nd::nonzero"), ("sort", "-", "nd::topk(x, n) sorts descending"),
    ("argsort", "-", "nd::topk gives the indices of the k best"), ("unique", "-", ""),
    ("searchsorted", "-", ""), ("take", "-", "x[indices] along the first axis"),
    # products
    ("dot", None, ""), ("matmul", None, "a @ b has no C++ operator"), ("outer", None, ""),
    ("inner", "-", "nd::dot of 1-D arrays"), ("einsum", "-", ""), ("tensordot", "-", ""),
    ("trace", "-", ""), ("diag", "-", ""),
    # files
    ("save", None, "byte-identical .npy"), ("load", None, ".npy; .npz: nd::load_npz"),
    ("savez", None, ""), ("savez_compressed", None, ""), ("loadtxt", "-", ""),
    ("savetxt", "-", ""),
]
LINALG = [
    ("norm", None, "ord: nd::linalg::Ord{...}"), ("matmul", "nd::matmul", ""),
    ("inv", "-", ""), ("solve", "-", ""), ("det", "-", ""), ("eig", "-", ""), ("eigh", "-", ""),
    ("svd", "-", ""), ("qr", "-", ""), ("cholesky", "-", ""), ("pinv", "-", ""),
    ("lstsq", "-", ""), ("matrix_rank", "-", ""),
]
RANDOM = [
    ("seed", None, "one global Philox stream; same bits on CPU and CUDA"),
    ("rand", None, "takes a shape: rand({3, 3})"), ("randn", None, ""),
    ("random", "random::rand", ""), ("uniform", None, ""), ("normal", None, ""),
    ("standard_normal", "random::randn", ""), ("randint", "random::integers", "[low, high)"),
    ("default_rng", "-", "no Generator objects: nd::random::seed"), ("choice", "-", ""),
    ("shuffle", "-", ""), ("permutation", "-", ""),
]
NDARRAY = [
    ("reshape", None, ""), ("flatten", None, "a copy"), ("ravel", None, ""), ("T", None, "a method: a.T()"),
    ("transpose", None, ""), ("swapaxes", None, ""), ("squeeze", None, ""), ("astype", None, ""),
    ("copy", None, ""), ("item", None, "item<T>()"), ("tolist", "Array::to_vector", "flat, to_vector<T>()"),
    ("sum", None, ""), ("prod", None, ""), ("mean", None, ""), ("var", None, ""), ("std", None, ""),
    ("max", None, ""), ("min", None, ""), ("argmax", None, ""), ("argmin", None, ""),
    ("any", None, ""), ("all", None, ""), ("fill", "Array::assign", "a.assign(value)"),
    ("__setitem__", "Array::assign_at", "a[idx] = v; a[\"1:3\"].assign(v) for basic indices"),
    ("shape", None, ""), ("ndim", None, ""), ("size", None, ""), ("dtype", None, ""),
    ("nbytes", None, ""), ("itemsize", None, ""), ("sort", "-", ""), ("cumsum", "-", ""),
]

DECL = re.compile(r"^\s*(?:(?:inline|static|constexpr|friend)\s+|template\s*<[^;{]*?>\s*)*"
                  r"(?:const\s+)?[\w:]+(?:<[^;()]*>)?[&*]?\s+&?(\w+)\(")
OBJECT = re.compile(r"^\s*inline\s+constexpr\s+\w+\s+(\w+)\s*(?:\{\}|=)")
BINARY = re.compile(r"ND_DECLARE_BINARY\((\w+)\)")


def declared_names():
    """{namespace or 'Array': set of names} from the public headers; 'op' holds the op tables.
    Only declarations directly in namespaces nd, nd::linalg, nd::random and class Array count
    (brace depth tells a scope's own lines from nested classes and function bodies)."""
    names = {"nd": set(), "linalg": set(), "random": set(), "Array": set()}
    for h in HEADERS:
        scopes = [("", 0)]  # (name, brace depth inside it)
        depth = 0
        in_macro = False
        for line in h.read_text().splitlines():
            code = line.split("//")[0]
            was_macro, in_macro = in_macro, line.rstrip().endswith("\\")
            if was_macro or code.lstrip().startswith("#"):  # macro bodies declare nothing
                continue
            name, inner = scopes[-1]
            if depth == inner and name in names:
                for pattern in (DECL, OBJECT, BINARY):
                    for m in pattern.finditer(code):
                        if m.group(1) not in ("operator", "return"):
                            names[name].add(m.group(1))
            opened = re.match(r"\s*(?:namespace|class|struct)\s+(\w+)[^;{]*\{", code)
            depth += code.count("{") - code.count("}")
            if opened and depth > inner:
                scopes.append((opened.group(1), depth))
            while len(scopes) > 1 and depth < scopes[-1][1]:
                scopes.pop()
        names["nd"] -= {"nd"}
    text = OP_LIST.read_text()
    ops = set()
    for table in ("ND_UNARY_OPS", "ND_BINARY_OPS", "ND_TERNARY_OPS"):
        body = re.search(r"#define %s\(X\)(.*?)(?:\n\n|\n#)" % table, text, re.S).group(1)
        ops.update(re.findall(r"X\((\w+),", body))
    names["op"] = ops
    # The dtype constants (nd::float32, ...) are declared by the dtype table's rows.
    table = (ROOT / "runtime/include/ndgpu/dtype.hpp").read_text()
    names["nd"].update(re.findall(r"^\s*X\((\w+), ", table, re.M))
    return names


def resolve(names, section, numpy_name, alias):
    """ndgpu's spelling of a NumPy name, or '—'."""
    target = numpy_name if alias == "-" else alias or numpy_name  # "-": shown once declared
    if target.startswith("nd::"):
        target = target[4:]
    if target.startswith("Array::"):
        return f"`a.{target[7:]}`" if target[7:] in names["Array"] else "—"
    if section == "ndarray":
        return f"`a.{target}`" if target in names["Array"] else "—"
    space, _, bare = target.rpartition("::")
    space = space or {"numpy.linalg": "linalg", "numpy.random": "random"}.get(section, "nd")
    if space == "nd" and bare in names["op"]:
        return f"`nd::{bare}`"
    if bare in names[space]:
        return f"`nd::{bare}`" if space == "nd" else f"`nd::{space}::{bare}`"
    return "—"


def render():
    names = declared_names()
    out = ["# Supported functions", "",
           "Generated by `scripts/gen_supported_table.py` from the op tables (`kernels/op_list.hpp`) and",
           "the public headers; do not edit (a test fails when this file is stale). Each row is a NumPy",
           "name a user of the NumPy tutorial the project follows reaches for, with ndgpu's spelling, or",
           "— where ndgpu has no counterpart. The user guide (docs/guide/README.md) shows how to use them.",
           ""]
    covered = set()
    total = found = 0
    for title, section, rows, prefix in (("numpy", "numpy", NUMPY, "np."),
                                          ("numpy.linalg", "numpy.linalg", LINALG, "np.linalg."),
                                          ("numpy.random", "numpy.random", RANDOM, "np.random."),
                                          ("ndarray methods", "ndarray", NDARRAY, "a.")):
        out += [f"## {title}", "", "| NumPy | ndgpu | note |", "| --- | --- | --- |"]
        for numpy_name, alias, note in rows:
            nd_name = resolve(names, section, numpy_name, alias)
            total += 1
            if nd_name != "—":
                found += 1
                covered.add(nd_name.strip("`").replace("a.", "Array::", 1))
            out.append(f"| `{prefix}{numpy_name}` | {nd_name} | {note} |")
        out.append("")
    out.insert(6, f"{found} of {total} rows have an ndgpu counterpart.")
    extra = sorted(n for n in names["nd"] | names["op"]
                   if f"nd::{n}" not in covered and not n[0].isupper() and not n.startswith("_")
                   and n not in ("newaxis", "ellipsis", "kMaxNdim", "kNumDTypes", "dtype_v"))
    extra += sorted(f"linalg::{n}" for n in names["linalg"] if f"nd::linalg::{n}" not in covered and n[0].islower())
    extra += sorted(f"random::{n}" for n in names["random"] if f"nd::random::{n}" not in covered)
    out += ["## ndgpu functions with no row above", "",
            "Public functions of the headers that the NumPy lists above do not name (the tutorial's AI",
            "ops, devices, interop, helpers):", "",
            ", ".join(f"`nd::{n}`" for n in extra), ""]
    return "\n".join(out)


def main():
    text = render()
    if "--check" in sys.argv[1:]:
        old = OUT.read_text() if OUT.exists() else ""
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                       str(OUT), "regenerated"))
            print(f"\n{OUT.relative_to(ROOT)} is stale: run scripts/gen_supported_table.py")
            return 1
        print(f"{OUT.relative_to(ROOT)} is current")
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

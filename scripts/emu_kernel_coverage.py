#!/usr/bin/env python3
"""Checks that the emulated suite ran every CUDA kernel (issue 7).

usage: emu_kernel_coverage.py <launch log> [kernels dir, default kernels/cuda]

The log comes from a run with NDGPU_EMU_LAUNCH_LOG=<file> (kernels/cuda/emu/simt.cpp): one line
"<module> <hex offset>" per kernel instantiation that ran. `nm` names each offset; the kernel's
base name (templates and namespaces stripped) is compared with every `__global__` function
declared under the kernels dir. Prints one line per kernel and exits 1 if any never ran.
"""
import collections
import pathlib
import re
import subprocess
import sys

GLOBAL = re.compile(r"__global__\s+(?:__launch_bounds__\([^)]*\)\s+)?void\s+(\w+)\s*\(")


def declared_kernels(root):
    names = set()
    for path in sorted(pathlib.Path(root).rglob("*")):
        if path.suffix in (".cu", ".cuh") and "emu" not in path.parts:
            names.update(GLOBAL.findall(path.read_text()))
    return names


def base_name(demangled):
    """'void nd::cuda::(anonymous namespace)::f<Op, float>(float*, long)' -> 'f'."""
    name = demangled.replace("(anonymous namespace)", "anon")
    cut = min((name.find(c) for c in "<(" if c in name), default=len(name))  # before template args
    return name[:cut].split("::")[-1].split()[-1]


def launched_kernels(log):
    by_module = collections.defaultdict(set)
    for line in pathlib.Path(log).read_text().split("\n"):
        if line.strip():
            module, offset = line.rsplit(" ", 1)
            by_module[module].add(int(offset, 16))
    counts = collections.Counter()
    for module, offsets in by_module.items():
        nm = subprocess.run(["nm", "-C", "--defined-only", module], capture_output=True, text=True,
                            check=True).stdout
        symbols = {}
        for row in nm.split("\n"):
            parts = row.split(" ", 2)
            if len(parts) == 3 and parts[1] in "tTwW":
                symbols.setdefault(int(parts[0], 16), parts[2])
        for off in offsets:
            counts[base_name(symbols.get(off, "?unnamed"))] += 1
    return counts


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[2] if len(sys.argv) > 2 else "kernels/cuda"
    declared, ran = declared_kernels(root), launched_kernels(sys.argv[1])
    missing = sorted(declared - set(ran))
    for name in sorted(declared):
        print(f"  {'ran' if name in ran else 'NEVER RAN':9} {name} ({ran.get(name, 0)} instantiations)")
    print(f"emulated kernel coverage: {len(declared) - len(missing)} of {len(declared)} kernels in {root} ran")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()

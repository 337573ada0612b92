#!/usr/bin/env bash
# Packs what a lent GPU machine lacks to build and test ndgpu into .deps/ (git-ignored), so that
# it travels with the working tree (the GPU machine has nvcc, CuPy and PyTorch but no network,
# GoogleTest, Google Benchmark or OpenBLAS). Run it here, on the Debian build machine; then name
# `.deps` in the device call's carry list. scripts/gpu_check.sh points CMake at it.
#   .deps/googletest/     Debian's googletest sources (used through FETCHCONTENT_SOURCE_DIR_GOOGLETEST)
#   .deps/usr/            headers, libraries and CMake/pkg-config files of Google Benchmark,
#                         OpenBLAS (+ libgfortran, libquadmath), zlib and dlpack, laid out as /usr
#   .deps/lib/            every shared library above, flat: LD_LIBRARY_PATH for running
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
deps=.deps
rm -rf "$deps"
mkdir -p "$deps/usr/include" "$deps/lib"
arch=x86_64-linux-gnu
L=/usr/lib/$arch
D=$deps/usr/lib/$arch
mkdir -p "$D/cmake" "$D/openblas-pthread/pkgconfig" "$deps/usr/include/$arch"

# GoogleTest (built from source by the project's FetchContent fallback, pointed here).
cp -r /usr/src/googletest "$deps/googletest"

# Google Benchmark: Debian ships it shared; its CMake config is relocatable (prefix = 3 dirs up).
cp -r /usr/include/benchmark "$deps/usr/include/"
cp -L $L/libbenchmark.so.1.7.1 "$D/"
ln -s libbenchmark.so.1.7.1 "$D/libbenchmark.so.1debian"
ln -s libbenchmark.so.1debian "$D/libbenchmark.so"
cp $L/libbenchmark_main.a "$D/"
cp -r $L/cmake/benchmark "$D/cmake/"

# OpenBLAS (pthread flavour) with a relocatable pkg-config file, and its Fortran runtime.
cp -r /usr/include/$arch/openblas-pthread "$deps/usr/include/$arch/"
cp -L $L/openblas-pthread/libopenblas.so.0 "$D/openblas-pthread/libopenblas.so.0"
ln -s libopenblas.so.0 "$D/openblas-pthread/libopenblas.so"
sed -e 's|^libdir=.*|libdir=${pcfiledir}/..|' \
    -e "s|^includedir=.*|includedir=\${pcfiledir}/../../../../include/$arch/openblas-pthread|" \
    $L/openblas-pthread/pkgconfig/openblas.pc > "$D/openblas-pthread/pkgconfig/openblas.pc"
for lib in libgfortran.so.5 libquadmath.so.0; do cp -L /lib/$arch/$lib "$D/"; done

# zlib and dlpack headers (small; the .npy and DLPack code may need them).
cp /usr/include/zlib.h /usr/include/zconf.h "$deps/usr/include/" 2>/dev/null || true
[ -f /usr/include/$arch/zconf.h ] && cp /usr/include/$arch/zconf.h "$deps/usr/include/$arch/"
cp -L $L/libz.so "$D/libz.so.1" && ln -s libz.so.1 "$D/libz.so"
[ -d /usr/include/dlpack ] && cp -r /usr/include/dlpack "$deps/usr/include/"

# A flat folder for LD_LIBRARY_PATH.
for f in "$D"/*.so* "$D"/openblas-pthread/*.so*; do ln -sf "../usr/lib/$arch/${f#"$D"/}" "$deps/lib/$(basename "$f")"; done

echo "pack_gpu_deps: $(du -sh "$deps" | cut -f1) in $deps (carry it: run(..., carry=[\".deps\"]))"

#!/usr/bin/env bash
# Installs what a fresh Debian machine of our kind lacks for building and testing ndgpu.
# Idempotent and quiet when everything is present.
set -euo pipefail

pkgs=(cmake g++ pkg-config libgtest-dev libgmock-dev libbenchmark-dev libopenblas-dev zlib1g-dev
      libdlpack-dev clang libclang-rt-14-dev libfuzzer-14-dev ccache python3 doxygen libtbb-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The CPU BLAS (docs/blas.md): a current OpenBLAS from the scipy-openblas32 wheel, which knows CPUs
# that Debian's OpenBLAS 0.3.21 runs on its generic kernel (3-6x slower). Without it the build
# falls back to Debian's OpenBLAS and ndgpu warns at start-up where that kernel is generic.
NDGPU_SCIPY_OPENBLAS=${NDGPU_SCIPY_OPENBLAS:-scipy-openblas32==0.3.34.481.3}
if ! python3 -c "import scipy_openblas32" 2>/dev/null; then
  echo "setup: installing $NDGPU_SCIPY_OPENBLAS"
  python3 -m pip install -q "$NDGPU_SCIPY_OPENBLAS" 2>/dev/null || echo "setup: scipy-openblas32 unavailable (the system's OpenBLAS is used)"
fi
# NumPy makes the golden files and the baseline timings; tests never need it.
if ! python3 -c "import numpy" 2>/dev/null; then
  echo "setup: installing numpy"
  python3 -m pip install -q numpy 2>/dev/null || echo "setup: numpy unavailable (golden regeneration and NumPy baselines skipped)"
fi
# The main job's chart (matplotlib) and the BLAS kernel record of its NumPy column (threadpoolctl).
for mod in matplotlib threadpoolctl; do
  if ! python3 -c "import $mod" 2>/dev/null; then
    echo "setup: installing $mod"
    python3 -m pip install -q "$mod" 2>/dev/null || echo "setup: $mod unavailable (main job without chart / BLAS record)"
  fi
done
# The Python module (python/, docs/python.md): nanobind to build it in the normal tree, pytest to
# test it. Pinned: the module's build and the tests' behaviour are what CI checked.
for req in nanobind==3.1.0 pytest==9.2.0; do
  mod=${req%%==*}
  if ! python3 -c "import $mod" 2>/dev/null; then
    echo "setup: installing $req"
    python3 -m pip install -q "$req" 2>/dev/null || echo "setup: $req unavailable (the Python module or its tests are skipped)"
  fi
done

#!/usr/bin/env bash
# Installs the main job's CPU peers (bench/README.md, "CPU peers") into .venv-peers/ (git-ignored):
# PyTorch, JAX, numexpr, FAISS and scikit-learn beside NumPy, and ml_dtypes (the bfloat16 reference
# of tests/golden/make_golden_ops.py). Only on request: setup.sh and the
# main job never call this, since PyTorch alone is hundreds of MB (CPU wheel) to gigabytes.
#   scripts/install_peers.sh [--no-torch]      (PYTHON=python3.11 to pick the interpreter)
# Idempotent: a venv that already holds these pins is left as it is, without a network call.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv-peers
py=${PYTHON:-python3}
with_torch=1
[ "${1:-}" = "--no-torch" ] && with_torch=0

pins=(numpy==2.4.6 threadpoolctl==3.8.0 "jax[cpu]==0.10.2" numexpr==2.14.2 faiss-cpu==1.15.1
      scikit-learn==1.9.1 ml_dtypes==0.7.0)
torch_pin=torch==2.15.0
# The CPU-only wheel (~200 MB). PyPI's Linux x86-64 torch is the CUDA build, whose nvidia-* wheels
# add gigabytes; it runs on the CPU all the same, so it is the fallback where that index is not
# reachable (some machines reach PyPI only).
torch_cpu_index=https://download.pytorch.org/whl/cpu

[ -x "$venv/bin/python" ] || { echo "install_peers: creating $venv"; "$py" -m venv "$venv"; }
vpy=$venv/bin/python
have() {  # every pin installed at its version (a local tag such as torch's +cpu aside)
  "$vpy" -c '
import re, sys
from importlib.metadata import PackageNotFoundError, version
def ok(pin):
    name, want = re.sub(r"\[.*\]", "", pin).split("==")
    try:
        return version(name).split("+")[0] == want
    except PackageNotFoundError:
        return False
sys.exit(0 if all(map(ok, sys.argv[1:])) else 1)' "$@"
}
if have "${pins[@]}"; then
  echo "install_peers: ${pins[*]} present"
else
  echo "install_peers: installing ${pins[*]}"
  "$vpy" -m pip install -q "${pins[@]}"
fi
if ((with_torch)); then
  if have "$torch_pin"; then
    echo "install_peers: $torch_pin present"
  elif "$vpy" -m pip install -q --retries 1 --timeout 20 --index-url "$torch_cpu_index" "$torch_pin" 2>/dev/null; then
    echo "install_peers: $torch_pin (CPU wheel) installed"
  else
    echo "install_peers: $torch_cpu_index unreachable: $torch_pin from PyPI (CUDA build, gigabytes)"
    "$vpy" -m pip install -q "$torch_pin" numpy==2.4.6
  fi
fi
"$vpy" -c "import numpy, threadpoolctl, jax, numexpr, faiss, sklearn" \
  && echo "install_peers: done; the main job now times the peers with $vpy (NDGPU_PEERS=0: not)"

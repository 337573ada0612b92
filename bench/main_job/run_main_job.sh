#!/usr/bin/env bash
# The main job's pipeline (the `main_job` target runs it): ndgpu-bench, then the NumPy / CuPy /
# PyTorch columns when those are installed, then the merged report (table, JSON, PNG).
#   run_main_job.sh NDGPU_BENCH OUT_DIR [ndgpu-bench flags, e.g. --full]
# NDGPU_MAIN_JOB_ARGS adds flags too (cmake --workflow --preset main passes none).
# CPU peers (PyTorch, JAX, numexpr, FAISS, scikit-learn; bench/README.md): timed when .venv-peers/
# exists (scripts/install_peers.sh made it); NDGPU_PEERS=1 runs that script first, NDGPU_PEERS=0
# leaves them out. Nothing is installed otherwise.
set -euo pipefail
bench=$1 out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE   # same BLAS kernel for ndgpu and NumPy
mkdir -p "$out"
peers=$here/../../.venv-peers/bin/python
if [ "${NDGPU_PEERS:-}" = 1 ]; then "$here/../../scripts/install_peers.sh"; fi
# shellcheck disable=SC2086
"$bench" --out "$out" --no-chart "$@" ${NDGPU_MAIN_JOB_ARGS:-}
py=${PYTHON:-python3}
cmp_py=$py
if [ "${NDGPU_PEERS:-}" != 0 ] && [ -x "$peers" ]; then cmp_py=$peers; fi
if "$cmp_py" -c "import numpy" 2>/dev/null; then
  "$cmp_py" "$here/../compare_frameworks.py" --ndgpu "$out/ndgpu.json" --out "$out/report.json"
else
  echo "main job: no python3 with NumPy here: report without the NumPy column"
  cp "$out/ndgpu.json" "$out/report.json"
fi
if "$py" "$here/report.py" "$out/report.json"; then
  echo; cat "$out/report.md"; echo
else
  echo "main job: report.py failed (python3/matplotlib?)"
fi
# The whole-API table (bench/api/): every public op beside NumPy and PyTorch, sorted by ratio.
api_bench=$(dirname "$bench")/../api/ndgpu-api-bench
if [ "${NDGPU_API_BENCH:-1}" != 0 ] && [ -x "$api_bench" ] && "$cmp_py" -c "import numpy" 2>/dev/null; then
  "$cmp_py" "$here/../api/api_peers.py" "$api_bench" "$out" --budget 0.1 >/dev/null
  { echo; cat "$out/api.md"; } >> "$out/report.md"
  echo "main job: whole-API table in $out/api.md"
  # The size sweep (bench/README.md): the everyday ops from 10 to 1e8 elements, table and plot.
  if [ "${NDGPU_SWEEP:-1}" != 0 ]; then
    "$cmp_py" "$here/../api/api_peers.py" "$api_bench" "$out" --set sweep --budget 0.1 >/dev/null
    "$py" "$here/../api/plot_sweep.py" "$out/sweep.json" "$out/sweep.png" || echo "main job: no sweep.png (matplotlib?)"
    { echo; cat "$out/sweep.md"; } >> "$out/report.md"
    echo "main job: size sweep in $out/sweep.md and $out/sweep.png"
  fi
fi
echo "main job: results in $out (report.md, report.json, report.png)"

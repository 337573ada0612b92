#!/usr/bin/env bash
# Builds everything (CUDA backend too when nvcc is present: a compile-and-link check) and runs
# every test. The README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --workflow --preset test
scripts/check_inlined.sh build/release/libndgpu.a
# The API reference (docs/Doxyfile.in): warnings are errors, so an undocumented public name fails.
cmake --build build/release --target docs

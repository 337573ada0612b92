#!/usr/bin/env bash
# Builds everything and runs the main job (the CPU-vs-GPU report of the tutorial's workloads).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --workflow --preset main

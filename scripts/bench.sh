#!/usr/bin/env bash
# Benchmarks: builds an optimised binary and prints the figures. Not a test:
# nothing here passes or fails on speed.
#   scripts/bench.sh            engine (hold model, M/M/1) and the England-scale model
#   scripts/bench.sh --quick    a tenth of the engine work, 1 year x 2 replications of the model
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DIAPTSIM_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
if [ "${1:-}" = "--quick" ]; then
  build/release/bench/bench_engine --quick
  echo
  build/release/bench/bench_model --years 1 --replications 2
else
  build/release/bench/bench_engine
  echo
  build/release/bench/bench_model
fi

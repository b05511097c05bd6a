#!/usr/bin/env bash
# Benchmarks: builds an optimised binary and prints the figures. Not a test:
# nothing here passes or fails on speed. Usage: scripts/bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DIAPTSIM_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
build/release/bench/bench_engine "$@"

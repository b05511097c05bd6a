#!/usr/bin/env bash
# The main job: installs what is missing, builds an optimised iaptsim and runs
# the bundled default scenario, writing results under out/default/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DIAPTSIM_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/release/iaptsim run scenarios/default.yaml -o out/default "$@"

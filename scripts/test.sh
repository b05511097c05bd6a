#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, then builds
# and runs every test twice: once with warnings as errors, once under
# AddressSanitizer and UndefinedBehaviorSanitizer with every growable
# container starting tiny (so growth paths run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIAPTSIM_WERROR=ON >/dev/null
cmake --build build/test -j"$jobs"
ctest --test-dir build/test --output-on-failure -j"$jobs"

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIAPTSIM_WERROR=ON -DIAPTSIM_BENCH=OFF \
      -DIAPTSIM_SANITIZE=address,undefined -DIAPTSIM_SMALL_CAPACITY=ON >/dev/null
cmake --build build/asan -j"$jobs"
# The sanitizer options (leaks fail a test; tests/lsan.supp) are set per test
# by tests/CMakeLists.txt; the lsan_catches_a_leak test proves a leak fails.
ctest --test-dir build/asan --output-on-failure -j"$jobs"
echo "test.sh: all tests passed (plain and sanitized builds)"

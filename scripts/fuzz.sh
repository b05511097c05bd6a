#!/usr/bin/env bash
# Fuzzes the scenario loader (tests/fuzz/fuzz_conf.c) with libFuzzer for
# the given number of seconds (default 300). The corpus starts from
# scenarios/*.yaml and tests/data/conf/**/*.yaml and is kept in
# tests/fuzz/corpus/ (ignored by git); crashing, leaking or slow inputs are
# saved to tests/fuzz/regress/, where tests/test_fuzz_regress.c replays them.
#
# The fuzz targets are defined in tests/CMakeLists.txt, which is only read
# when IAPTSIM_TESTS=ON, so this build keeps the tests on but builds only
# the fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
jobs=$(nproc 2>/dev/null || echo 2)

CC=clang cmake -S . -B build/fuzz -DIAPTSIM_FUZZ=ON -DIAPTSIM_TESTS=ON -DIAPTSIM_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/fuzz -j"$jobs" --target fuzz_conf

corpus=tests/fuzz/corpus
regress=tests/fuzz/regress
mkdir -p "$corpus" "$regress"
shopt -s nullglob globstar
for f in scenarios/*.yaml tests/data/conf/**/*.yaml; do
  cp "$f" "$corpus/seed-$(echo "$f" | tr '/' '_')"
done

# libFuzzer writes crash-*, leak-*, timeout-* and oom-* files to a scratch
# directory; they are then moved to the regression directory as
# <kind>_<hash>.yaml (names .gitignore does not hide).
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"
status=0
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  build/fuzz/tests/fuzz_conf "$corpus" -max_len=65536 -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1 || status=$?
for f in "$artifacts"/*; do
  base=$(basename "$f")
  mv "$f" "$regress/${base%%-*}_${base#*-}.yaml"
  echo "fuzz.sh: saved $regress/${base%%-*}_${base#*-}.yaml"
done
exit "$status"

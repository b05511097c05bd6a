#!/usr/bin/env bash
# Fuzzes the scenario loader with libFuzzer, one process (-jobs=1: the
# machine is shared), for the given number of seconds per target (default
# 300), each target in turn:
#   fuzz_scenario  the real IAPT schema (tests/fuzz/fuzz_scenario.c): load,
#                  every check, print/load round trip, model preparation
#   fuzz_conf      the test schema (tests/fuzz/fuzz_conf.c)
#   fuzz_extends   a variant of scenarios/ltc-backfill.yaml (which extends
#                  the default): merging (remove, replace, new, keys),
#                  then as fuzz_scenario (tests/fuzz/fuzz_extends.c)
# Usage: scripts/fuzz.sh [seconds] [target...]
#
# Seeds: every scenario in scenarios/ and tests/data/ as written, and, as
# inputs may not use extends, as `iaptsim show` prints it (merged, every
# default filled in); for fuzz_extends, each file without its `extends`
# line (the harness puts its own first), as a variant's keys. Corpora grow
# in tests/fuzz/corpus/<target>/ (ignored by git). Crashing, leaking, slow
# or memory-hungry inputs are saved to tests/fuzz/regress/ as
# <kind>_<hash>.yaml (extends_<kind>_<hash>.yaml from fuzz_extends), where
# tests/test_fuzz_regress.c replays them as all three harnesses load them.
#
# The fuzz targets are defined in tests/CMakeLists.txt, which is only read
# when IAPTSIM_TESTS=ON, so this build keeps the tests on but builds only
# the fuzz targets and the program (for the seeds).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --fuzz
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_scenario fuzz_conf fuzz_extends)

CC=clang cmake -S . -B build/fuzz -DIAPTSIM_FUZZ=ON -DIAPTSIM_TESTS=ON -DIAPTSIM_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/fuzz -j2 --target iaptsim "${targets[@]}" >/dev/null

regress=tests/fuzz/regress
artifacts=build/fuzz/artifacts
mkdir -p "$regress" "$artifacts"
shopt -s nullglob globstar
status=0
for t in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/$t
  mkdir -p "$corpus"
  for f in scenarios/*.yaml tests/data/**/*.yaml; do
    seed=$(echo "$f" | tr '/' '_')
    if [ "$t" = fuzz_extends ]; then
      grep -v '^extends:' "$f" > "$corpus/seed-$seed" || true
      continue
    fi
    cp "$f" "$corpus/seed-$seed"
    if [ "$t" = fuzz_scenario ]; then
      build/fuzz/iaptsim show "$f" > "$corpus/seed-show-$seed" 2>/dev/null || rm -f "$corpus/seed-show-$seed"
    fi
  done
  echo "fuzz.sh: $t for ${seconds}s on $(ls "$corpus" | wc -l) corpus inputs"
  # libFuzzer writes crash-*, leak-*, timeout-* and oom-* files to a scratch
  # directory; they are moved to the regression directory afterwards. With
  # -jobs, its output goes to build/fuzz/fuzz-0.log.
  (cd build/fuzz &&
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "tests/$t" "../../$corpus" -jobs=1 -workers=1 -max_len=65536 -max_total_time="$seconds" \
      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="artifacts/" -print_final_stats=1) || status=$?
  tail -n 25 build/fuzz/fuzz-0.log || true
  prefix=""
  [ "$t" = fuzz_extends ] && prefix="extends_"
  for f in "$artifacts"/*; do
    base=$(basename "$f")
    mv "$f" "$regress/$prefix${base%%-*}_${base#*-}.yaml"
    echo "fuzz.sh: saved $regress/$prefix${base%%-*}_${base#*-}.yaml"
  done
done
exit "$status"

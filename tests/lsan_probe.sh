#!/bin/sh
# tests/lsan_probe.sh PROBE: runs the deliberately leaking probe
# (tests/probe/lsan_probe.c) with the suite's sanitizer options and passes
# only if the run fails and LeakSanitizer names the project function that
# leaked. If this fails, the sanitized suite cannot catch leaks either.
out=$("$1" --jobs 2 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
    printf '%s\n' "$out"
    echo "lsan_probe.sh: the leaking probe exited 0: leaks in tests would go unnoticed" >&2
    exit 1
fi
case $out in
*"LeakSanitizer: detected memory leaks"*"in leak_a_sample"*) exit 0 ;;
esac
printf '%s\n' "$out"
echo "lsan_probe.sh: the probe failed (exit $rc) without LeakSanitizer naming leak_a_sample" >&2
exit 1

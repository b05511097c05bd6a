/*
 * tests/probe/lsan_probe.c: a deliberate leak in project code, run by the
 * sanitized build's lsan_catches_a_leak test (tests/lsan_probe.sh), which
 * passes only if LeakSanitizer reports it and the run fails. It proves that
 * tests/lsan.supp hides Criterion's own leak and nothing of ours. The leaking
 * test has a timeout, like the long tests whose Criterion leak the
 * suppression is for, so that leak happens here too and must stay hidden.
 */
#include <criterion/criterion.h>

#include "sim/stats.h"

static sim_sample *leak_a_sample(void)
{
    sim_sample *s = malloc(sizeof *s);
    sim_sample_init(s);
    sim_sample_add(s, 1.0);
    return s;
}

Test(lsan_probe, leaks_a_sample_in_project_code, .timeout = 30)
{
    sim_sample *s = leak_a_sample();
    cr_assert_eq(s->n, 1);
    s = NULL; /* neither s nor its array is freed: LeakSanitizer must say so */
}

Test(lsan_probe, runs_cleanly, .timeout = 30) { cr_assert(1); }

/*
 * tests/fuzz/roundtrip.h: the fuzz harnesses' round-trip oracle, shared by
 * fuzz_scenario.c and fuzz_extends.c (header only, so the fuzz_*.c glob
 * does not make it a target). A scenario that loaded must print, load again
 * and print byte-identically: the promise `iaptsim show` makes. A broken
 * promise traps, which libFuzzer reports as a crash with its input.
 */
#ifndef IAPTSIM_TESTS_FUZZ_ROUNDTRIP_H
#define IAPTSIM_TESTS_FUZZ_ROUNDTRIP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../conf_fixture.h"
#include "models/scenario.h"

/* Prints sc, loads the text, prints again: the two texts must match. */
static void check_roundtrip(const iapt_scenario *sc)
{
    char *first = fix_emit(&iapt_scenario_schema, sc);
    if (!first)
        return;
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario again;
    if (ctx && conf_load_buffer(ctx, &iapt_scenario_schema, "emitted.yaml", first, strlen(first), NULL, &again)) {
        fprintf(stderr, "printed scenario does not load:\n%s\n", first);
        conf_print_errors(ctx, stderr);
        __builtin_trap();
    }
    if (ctx) {
        char *second = fix_emit(&iapt_scenario_schema, &again);
        if (second && strcmp(first, second) != 0) {
            fprintf(stderr, "printing is not stable:\n%s\n---\n%s\n", first, second);
            __builtin_trap();
        }
        free(second);
        iapt_scenario_free(&again);
        conf_ctx_destroy(ctx);
    }
    free(first);
}

#endif

/*
 * tests/fuzz/fuzz_scenario.c: libFuzzer target for the real scenario
 * language: each input is loaded as a scenario against the IAPT schema
 * (models/scenario.c) with extends refused (so an input cannot name files
 * to read), which runs every cross-field check and the run-window check.
 * A scenario that loads must print, load again and print byte-identically
 * (the round trip `iaptsim show` promises), and the model must be prepared
 * from it (iapt_model_create) and freed; a scenario that fails must say
 * why, each message with its location (fix_unlocated). Crashes, leaks and undefined behaviour are found by the sanitizers
 * the fuzz build enables; a broken promise traps. Run scripts/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../conf_fixture.h"
#include "models/model.h"
#include "models/scenario.h"
#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    conf_ctx *ctx = conf_ctx_create();
    if (!ctx)
        return 0;
    iapt_scenario sc;
    if (conf_load_buffer(ctx, &iapt_scenario_schema, "fuzz.yaml", (const char *)data, size, NULL, &sc) == 0) {
        check_roundtrip(&sc);
        iapt_model_destroy(iapt_model_create(&sc));
        iapt_scenario_free(&sc);
    } else if (conf_error_count(ctx) == 0) {
        fprintf(stderr, "a scenario failed to load without a message\n");
        __builtin_trap();
    } else if (fix_unlocated(ctx, "fuzz.yaml")) {
        fprintf(stderr, "a message without a location: %s\n", fix_unlocated(ctx, "fuzz.yaml"));
        __builtin_trap();
    }
    conf_ctx_destroy(ctx);
    return 0;
}

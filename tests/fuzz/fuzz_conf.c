/*
 * tests/fuzz/fuzz_conf.c: libFuzzer target for the scenario loader. Each
 * input is loaded as a scenario buffer against the test schema
 * (tests/conf_fixture.h) with extends refused; a scenario that loads is
 * printed to /dev/null and freed. Crashes, leaks and undefined behaviour
 * are found by the sanitizers the fuzz build enables. As an extra oracle,
 * a scenario that loads must print, load again and print byte-identically
 * (the round-trip promise of conf/emit.h); a mismatch traps. Run
 * scripts/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../conf_fixture.h"

/* Prints b, loads the text, prints again: the two texts must match. */
static void check_roundtrip(const bank *b)
{
    char *first = fix_emit(&bank_schema, b);
    if (!first)
        return;
    conf_ctx *ctx = conf_ctx_create();
    bank again;
    if (ctx && conf_load_buffer(ctx, &bank_schema, "emitted.yaml", first, strlen(first), NULL, &again) != 0) {
        fprintf(stderr, "printed scenario does not load:\n%s\n", first);
        conf_print_errors(ctx, stderr);
        __builtin_trap();
    }
    if (ctx) {
        char *second = fix_emit(&bank_schema, &again);
        if (second && strcmp(first, second) != 0) {
            fprintf(stderr, "printing is not stable:\n%s\n---\n%s\n", first, second);
            __builtin_trap();
        }
        free(second);
        conf_free(&bank_schema, &again);
        conf_ctx_destroy(ctx);
    }
    free(first);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null_out;
    if (!null_out)
        null_out = fopen("/dev/null", "w");
    conf_ctx *ctx = conf_ctx_create();
    if (!ctx)
        return 0;
    bank b;
    if (conf_load_buffer(ctx, &bank_schema, "fuzz.yaml", (const char *)data, size, NULL, &b) == 0) {
        if (null_out)
            conf_emit(null_out, &bank_schema, &b);
        check_roundtrip(&b);
        conf_free(&bank_schema, &b);
    } else if (fix_unlocated(ctx, "fuzz.yaml")) {
        fprintf(stderr, "a message without a location: %s\n", fix_unlocated(ctx, "fuzz.yaml"));
        __builtin_trap();
    }
    conf_ctx_destroy(ctx);
    return 0;
}

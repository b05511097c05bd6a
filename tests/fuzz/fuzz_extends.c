/*
 * tests/fuzz/fuzz_extends.c: libFuzzer target for merging: each input is a
 * variant's own keys, loaded against the real IAPT schema as
 * "extends: ltc-backfill.yaml" followed by the input, over copies of the
 * shipped scenarios/ltc-backfill.yaml and the default.yaml it extends,
 * written once to a temporary folder (LLVMFuzzerInitialize). So every
 * input goes through conf/extends.c and conf/merge.c (sections key by
 * key, lists by name or key, remove, replace and new, misspelt names)
 * before binding and every check; the harnesses that load inputs alone
 * refuse extends. The input cannot name files itself: a second `extends`
 * is a duplicate key. Oracles as in fuzz_scenario.c: a scenario that loads
 * must print, load again (with no base) and print byte-identically, and
 * the model must be prepared from it; a scenario that fails must say why,
 * each message located in the variant or in one of the two bases. Run
 * scripts/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../conf_fixture.h"
#include "models/model.h"
#include "models/scenario.h"
#include "roundtrip.h"

static char dir[] = "/tmp/iaptsim-fuzz-extends-XXXXXX";
static char base[sizeof dir + 64], base_of_base[sizeof dir + 64];

/* Copies IAPTSIM_SOURCE_DIR/scenarios/<name> to `to`. */
static void copy_scenario(const char *name, const char *to)
{
    char from[4096];
    snprintf(from, sizeof from, "%s/scenarios/%s", IAPTSIM_SOURCE_DIR, name);
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) {
        fprintf(stderr, "fuzz_extends: cannot copy %s to %s\n", from, to);
        abort();
    }
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, in)) > 0;)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        abort();
}

static void remove_bases(void)
{
    unlink(base);
    unlink(base_of_base);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        abort();
    snprintf(base, sizeof base, "%s/%s", dir, FIX_VARIANT_BASE);
    snprintf(base_of_base, sizeof base_of_base, "%s/%s", dir, FIX_VARIANT_BASE_OF_BASE);
    copy_scenario(FIX_VARIANT_BASE, base);
    copy_scenario(FIX_VARIANT_BASE_OF_BASE, base_of_base);
    atexit(remove_bases);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    char *text = fix_variant_text(data, size, &len);
    conf_ctx *ctx = conf_ctx_create();
    if (!text || !ctx) {
        free(text);
        conf_ctx_destroy(ctx);
        return 0;
    }
    iapt_scenario sc;
    const char *names[] = {"fuzz.yaml", base, base_of_base};
    if (conf_load_buffer(ctx, &iapt_scenario_schema, "fuzz.yaml", text, len, dir, &sc) == 0) {
        check_roundtrip(&sc);
        iapt_model_destroy(iapt_model_create(&sc));
        iapt_scenario_free(&sc);
    } else if (conf_error_count(ctx) == 0) {
        fprintf(stderr, "a variant failed to load without a message\n");
        __builtin_trap();
    } else if (fix_unlocated_in(ctx, names, 3)) {
        fprintf(stderr, "a message without a location: %s\n", fix_unlocated_in(ctx, names, 3));
        __builtin_trap();
    }
    conf_ctx_destroy(ctx);
    free(text);
    return 0;
}

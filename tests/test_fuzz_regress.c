/*
 * tests/test_fuzz_regress.c: replays every input in tests/fuzz/regress/
 * (inputs that once crashed, hung, leaked or misbehaved under any fuzz
 * harness, and hand-made hostile inputs) as all three harnesses load
 * them: against the test schema (loaded and, when it loads, printed);
 * against the real IAPT schema (loaded, printed, loaded again and printed
 * identically, and the model prepared); and as a variant of
 * scenarios/ltc-backfill.yaml (tests/fuzz/fuzz_extends.c: merged over it
 * and the default scenario it extends, then as the IAPT schema). Passing means nothing crashed or hung
 * and every failure came with messages that all say where (file, line and
 * column, or the file for a problem with the whole file); the sanitizer
 * build turns leaks
 * and undefined behaviour into failures too.
 */
#include <criterion/criterion.h>
#include <dirent.h>

#include "conf_fixture.h"
#include "models/model.h"
#include "models/scenario.h"

TestSuite(fuzz_regress, .init = fix_chdir_root);

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* As tests/fuzz/fuzz_scenario.c does with one input (base_dir NULL), or
 * tests/fuzz/fuzz_extends.c (base_dir "scenarios", buf the variant text);
 * messages must be located in one of the nnames files. */
static void replay_scenario(const char *path, const char *name, const char *buf, size_t len, const char *base_dir,
                            const char *const *names, size_t nnames)
{
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario sc;
    if (conf_load_buffer(ctx, &iapt_scenario_schema, name, buf, len, base_dir, &sc) == 0) {
        char *first = fix_emit(&iapt_scenario_schema, &sc);
        cr_assert_not_null(first);
        iapt_scenario again;
        conf_ctx *ctx2 = conf_ctx_create();
        cr_assert_eq(conf_load_buffer(ctx2, &iapt_scenario_schema, "emitted", first, strlen(first), NULL, &again), 0,
                     "%s: the printed scenario does not load", path);
        char *second = fix_emit(&iapt_scenario_schema, &again);
        cr_assert_str_eq(second, first, "%s: printing is not stable", path);
        free(second);
        iapt_scenario_free(&again);
        conf_ctx_destroy(ctx2);
        free(first);
        iapt_model_destroy(iapt_model_create(&sc));
        iapt_scenario_free(&sc);
    } else {
        cr_assert_gt(conf_error_count(ctx), 0, "%s failed without a message", path);
        const char *m = fix_unlocated_in(ctx, names, nnames);
        cr_assert_null(m, "%s: a message without a location: %s", path, m);
    }
    conf_ctx_destroy(ctx);
}

/* The input as fuzz_extends.c loads it: a variant of the LTC scenario. */
static void replay_variant(const char *path, const char *name, const char *buf, size_t len)
{
    size_t n;
    char *text = fix_variant_text((const uint8_t *)buf, len, &n);
    cr_assert_not_null(text);
    const char *names[] = {name, "scenarios/" FIX_VARIANT_BASE, "scenarios/" FIX_VARIANT_BASE_OF_BASE};
    replay_scenario(path, name, text, n, "scenarios", names, 3);
    free(text);
}

Test(fuzz_regress, replay_all, .timeout = 120)
{
    DIR *d = opendir("tests/fuzz/regress");
    if (!d)
        cr_skip_test("no regression inputs");
    FILE *null_out = fopen("/dev/null", "w");
    cr_assert_not_null(null_out);
    size_t count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "tests/fuzz/regress/%s", e->d_name);
        size_t len;
        char *buf = slurp(path, &len);
        conf_ctx *ctx = conf_ctx_create();
        bank b;
        if (conf_load_buffer(ctx, &bank_schema, e->d_name, buf, len, NULL, &b) == 0) {
            cr_assert_eq(conf_emit(null_out, &bank_schema, &b), 0);
            conf_free(&bank_schema, &b);
        } else {
            cr_assert_gt(conf_error_count(ctx), 0, "%s failed without a message", path);
            const char *m = fix_unlocated(ctx, e->d_name);
            cr_assert_null(m, "%s: a message without a location: %s", path, m);
        }
        conf_ctx_destroy(ctx);
        const char *names[] = {e->d_name};
        replay_scenario(path, e->d_name, buf, len, NULL, names, 1);
        replay_variant(path, e->d_name, buf, len);
        free(buf);
        count++;
    }
    closedir(d);
    fclose(null_out);
    cr_log_info("replayed %zu inputs", count);
}

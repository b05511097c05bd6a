/*
 * tests/test_scenario_keys.c: every key of the real scenario language
 * (models/scenario.c) is exercised. tests/data/scenario/every-key.yaml sets
 * each key, in every item of every list where it applies (a group's keys
 * apply to groups only: applies() below), to a value other than its
 * default. This test walks the schema over the loaded scenario and fails
 * for any value the loader did not read from that file (the loading
 * context records where each value came from), for any value equal to its
 * key's default (both printed as `show` prints them), and for any empty
 * list (its items' keys would go unchecked). Then the scenario runs for a
 * replication. A new key without a line in every-key.yaml fails here.
 */
#include <criterion/criterion.h>

#include "conf_fixture.h"
#include "model_support.h"

TestSuite(scenario_keys, .init = fix_chdir_root);

#define EVERY "tests/data/scenario/every-key.yaml"

typedef struct walk {
    conf_ctx *ctx;
    size_t leaves;
    FILE *fails; /* one line per problem */
    size_t nfail;
} walk;

/* `key: value` of field f of the struct at obj, as `show` prints it. */
static char *field_text(const conf_field *f, size_t size, const void *obj)
{
    conf_schema one = {"one", size, f, 1, NULL, NULL};
    char *t = fix_emit(&one, obj);
    cr_assert_not_null(t);
    return t;
}

/* `key: value` of field f (of a struct of `size` bytes) at its default. */
static char *default_text(const conf_field *f, size_t size)
{
    size_t padded = (size + sizeof(long) - 1) / sizeof(long) * sizeof(long);
    conf_field fields[2] = {*f,
                            {"zz_marker", CONF_INT, CONF_U_NONE, padded, NULL, NULL, NULL, 1, 0, 0, "0", NULL, ""}};
    fields[0].flags &= ~(unsigned)(CONF_F_REQUIRED | CONF_F_IN_RUN | CONF_F_NONEMPTY);
    conf_schema ds = {"default", padded + sizeof(long), fields, 2, NULL, NULL};
    unsigned char *obj = calloc(1, ds.size);
    conf_ctx *ctx = conf_ctx_create();
    cr_assert_eq(conf_load_buffer(ctx, &ds, "default", "zz_marker: 1\n", 13, NULL, obj), 0, "%s", f->key);
    char *t = field_text(&fields[0], ds.size, obj);
    conf_free(&ds, obj);
    free(obj);
    conf_ctx_destroy(ctx);
    return t;
}

static void fail(walk *w, const char *path, const char *why)
{
    fprintf(w->fails, "%s: %s\n", path, why);
    w->nfail++;
}

static void check_leaf(walk *w, const conf_schema *s, const conf_field *f, const unsigned char *obj)
{
    const void *p = obj + f->offset;
    const char *path = NULL, *where = conf_where(w->ctx, p, &path);
    w->leaves++;
    if (!where) {
        fail(w, f->key, "no position recorded");
        return;
    }
    if (strncmp(where, EVERY ":", strlen(EVERY ":")) != 0 || conf_from_default(w->ctx, p) != 0) {
        fail(w, path, "not set in " EVERY " (add the key with a value other than its default)");
        return;
    }
    if (!f->def)
        return;
    char *got = field_text(f, s->size, obj), *def = default_text(f, s->size);
    if (strcmp(got, def) == 0)
        fail(w, path, "set to its default; give it another value so that its effect can show");
    free(got);
    free(def);
}

/* 0 for a key that the scenario refuses to change in this item, as it
 * would have no effect there: a group's keys in a modality of another
 * kind. */
static int applies(const conf_schema *s, const conf_field *f, const unsigned char *obj)
{
    static const char *const group_keys[] = {"group_min", "group_max", "facilitators"};
    if (strcmp(s->name, "modality") != 0 || ((const iapt_modality_cfg *)obj)->kind == IAPT_MOD_GROUP)
        return 1;
    for (size_t i = 0; i < sizeof group_keys / sizeof group_keys[0]; i++)
        if (strcmp(f->key, group_keys[i]) == 0)
            return 0;
    return 1;
}

static void check_struct(walk *w, const conf_schema *s, const unsigned char *obj)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i];
        const unsigned char *p = obj + f->offset;
        if (!applies(s, f, obj)) {
            w->leaves++; /* visited, with nothing to set */
            continue;
        }
        if (f->type == CONF_STRUCT) {
            check_struct(w, f->sub, p);
        } else if (f->type == CONF_LIST) {
            const conf_list *l = (const conf_list *)p;
            const char *path = NULL;
            conf_where(w->ctx, p, &path);
            if (!l->n)
                fail(w, path ? path : f->key, "an empty list: give it an item that sets every key");
            for (size_t k = 0; k < l->n; k++)
                check_struct(w, f->sub, (const unsigned char *)l->items + k * f->sub->size);
        } else {
            check_leaf(w, s, f, obj);
        }
    }
}

static void count_key(const char *path, const conf_field *f, void *arg)
{
    (void)path;
    (void)f;
    ++*(size_t *)arg;
}

Test(scenario_keys, every_key_is_set_in_the_fixture)
{
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario sc;
    int r = iapt_scenario_load(ctx, EVERY, &sc);
    char *e = fix_errors(ctx);
    cr_assert_eq(r, 0, "%s", e);
    free(e);

    char *report = NULL;
    size_t len = 0;
    walk w = {ctx, 0, open_memstream(&report, &len), 0};
    check_struct(&w, &iapt_scenario_schema, (const unsigned char *)&sc);
    fclose(w.fails);
    size_t keys = 0;
    conf_walk_keys(&iapt_scenario_schema, count_key, &keys);
    cr_assert_eq(w.nfail, 0, "%zu of %zu values:\n%s", w.nfail, w.leaves, report);
    cr_assert_geq(w.leaves, keys, "every key path was visited (%zu values, %zu keys)", w.leaves, keys);
    cr_log_info("%zu keys, %zu values checked", keys, w.leaves);
    free(report);
    iapt_scenario_free(&sc);
    conf_ctx_destroy(ctx);
}

/* The check itself: a value left to its default, or equal to it, fails. */
Test(scenario_keys, the_check_catches_defaults)
{
    static const char *const variants[][2] = {
        {"extends: every-key.yaml\nrun: {confidence: 95%}\n", "run.confidence: set to its default"},
        {"name: x\nrun: {start: 2027-04-01, end: 2028-03-31}\nservice: {prevalence: 1}\n"
         "pathways: [{name: p, team: t, referrals: 1 per month, sources: {a: 100%}}]\n"
         "steps: {step2: {grades: [g], modalities: [{name: m}]}, step3: {grades: [g], modalities: [{name: m}]}}\n"
         "workforce: {grades: [{name: g}], teams: [{name: t}]}\n",
         "description: not set in"},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        conf_ctx *ctx = conf_ctx_create();
        iapt_scenario sc;
        cr_assert_eq(conf_load_buffer(ctx, &iapt_scenario_schema, EVERY, variants[i][0], strlen(variants[i][0]),
                                      "tests/data/scenario", &sc),
                     0);
        char *report = NULL;
        size_t len = 0;
        walk w = {ctx, 0, open_memstream(&report, &len), 0};
        check_struct(&w, &iapt_scenario_schema, (const unsigned char *)&sc);
        fclose(w.fails);
        cr_assert(strstr(report, variants[i][1]), "%s", report);
        free(report);
        iapt_scenario_free(&sc);
        conf_ctx_destroy(ctx);
    }
}

Test(scenario_keys, every_key_scenario_runs)
{
    run_result r;
    run_scenario(&r, DATA(EVERY), 1, 1);
    double referrals = 0, entered = 0;
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        referrals += val(&r, 0, "referrals", "all", m);
        entered += val(&r, 0, "entered_treatment", "all", m);
    }
    cr_assert_gt(referrals, 300, "about 700 referrals a year (opted in or not)");
    cr_assert_gt(entered, 0);
    run_free(&r);
}

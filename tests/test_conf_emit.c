/*
 * tests/test_conf_emit.c: printing loaded scenarios back as YAML (exact
 * round trips on every valid test file), the key-coverage test (every leaf
 * key of the test schema, overridden with its example through extends and
 * merge-by-name, must show up changed in the output and nowhere else), and
 * the generated Markdown reference.
 */
#include <criterion/criterion.h>
#include <glob.h>

#include "conf/internal.h"
#include "conf/tree.h"
#include "conf_fixture.h"

TestSuite(conf_emit, .init = fix_chdir_root);

#define DIR "tests/data/conf/"

/* Loads text (extends relative to base_dir) and emits it; NULL on failure
 * with the errors in *errs. */
static char *load_emit(const char *name, const char *text, const char *base_dir, char **errs)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    char *out = NULL;
    if (conf_load_buffer(ctx, &bank_schema, name, text, strlen(text), base_dir, &b) == 0) {
        out = fix_emit(&bank_schema, &b);
        conf_free(&bank_schema, &b);
    }
    if (errs)
        *errs = fix_errors(ctx);
    conf_ctx_destroy(ctx);
    return out;
}

static char *file_emit(const char *path)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    int r = conf_load_file(ctx, &bank_schema, path, &b);
    char *e = fix_errors(ctx);
    cr_assert_eq(r, 0, "%s:\n%s", path, e);
    free(e);
    char *out = fix_emit(&bank_schema, &b);
    cr_assert_not_null(out);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
    return out;
}

static void check_roundtrip(const char *path)
{
    char *first = file_emit(path), *errs = NULL;
    char *second = load_emit("emitted", first, NULL, &errs);
    cr_assert_not_null(second, "%s: the printed scenario does not load:\n%s\n%s", path, errs, first);
    cr_assert_str_eq(second, first, "%s: printing is not stable", path);
    free(first);
    free(second);
    free(errs);
}

Test(conf_emit, roundtrip_every_valid_file)
{
    glob_t g;
    cr_assert_eq(glob(DIR "*.yaml", 0, NULL, &g), 0);
    cr_assert_geq(g.gl_pathc, 5);
    for (size_t i = 0; i < g.gl_pathc; i++)
        check_roundtrip(g.gl_pathv[i]);
    globfree(&g);
    check_roundtrip(DIR "extends/override.yaml");
    check_roundtrip(DIR "extends/sub/leaf.yaml");
}

Test(conf_emit, canonical_text)
{
    char *out = file_emit(DIR "minimal.yaml");
    cr_assert_str_eq(out, "title: Bank\n"
                          "start: 2026-04-01\n"
                          "end: 2027-03-31\n"
                          "review: none\n"
                          "seed: 1\n"
                          "verbose: false\n"
                          "target: 6 weeks\n"
                          "dna: 12%\n"
                          "demand:\n"
                          "  referrals: 1200 per month\n"
                          "  sources:\n"
                          "    gp: 60%\n"
                          "    self: 40%\n"
                          "  team_mix: {}\n"
                          "  wait: {dist: gamma, mean: 42 days, sd: 14 days}\n"
                          "  growth: 3% per year\n"
                          "  quantiles: [50%, 90%]\n"
                          "  sessions: {dist: empirical, values: [4, 6, 8], weights: [1, 2, 1]}\n"
                          "costs:\n"
                          "  salary: £35000 per year\n"
                          "  room_fee: £650\n"
                          "  hours: 37.5 hours per week\n"
                          "teams: []\n"
                          "lead: null\n");
    free(out);
    out = file_emit(DIR "bank.yaml");
    cr_assert(strstr(out, "\n    - {at: 2026-09-01, value: 1304.4642857142858 per month}\n"), "%s", out);
    cr_assert(strstr(out, "\n    slots:\n      - 400 per month\n      - {at: 2026-06-01, value: 450 per month}\n"));
    cr_assert(strstr(out, "\n    staff:\n      - name: ana\n        wte: 1 wte\n        grade: senior\n"));
    cr_assert(strstr(out, "\ntitle: \"Bank: north & south\"\n") || strncmp(out, "title: \"Bank: north", 19) == 0);
    cr_assert(strstr(out, "\n    session: 60 min\n"), "a constant distribution prints as a quantity");
    free(out);
}

Test(conf_emit, write_errors_are_reported)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        cr_skip_test("no /dev/full");
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_file(ctx, &bank_schema, DIR "minimal.yaml", &b), 0);
    cr_assert_eq(conf_emit(f, &bank_schema, &b), -1);
    fclose(f);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

/* ---- key coverage ---- */

typedef struct keys {
    char *path[64];
    const conf_field *f[64];
    size_t n;
} keys;

static void collect(const char *path, const conf_field *f, void *arg)
{
    keys *k = arg;
    cr_assert_lt(k->n, 64);
    k->path[k->n] = strdup(path);
    k->f[k->n++] = f;
}

static const conf_field *field_named(const conf_schema *s, const char *key, size_t len)
{
    for (size_t i = 0; i < s->nfields; i++)
        if (strlen(s->fields[i].key) == len && memcmp(s->fields[i].key, key, len) == 0)
            return &s->fields[i];
    cr_assert_fail("no field %.*s", (int)len, key);
    return NULL;
}

static const char *item_name(const conf_field *list, const void *obj, size_t i)
{
    const conf_list *l = (const conf_list *)((const unsigned char *)obj + list->offset);
    cr_assert_gt(l->n, i, "the coverage base needs two items in %s", list->key);
    const unsigned char *item = (const unsigned char *)l->items + i * list->sub->size;
    for (size_t k = 0; k < list->sub->nfields; k++)
        if (list->sub->fields[k].flags & CONF_F_NAME)
            return *(char *const *)(item + list->sub->fields[k].offset);
    cr_assert_fail("no name field");
    return NULL;
}

static void pad(FILE *o, int n)
{
    for (int i = 0; i < n; i++)
        fputc(' ', o);
}

/* Writes an emitted item (block text) as a list item at indent ind, with its
 * name line replaced by `name: newname`. */
static void write_item(FILE *o, const conf_schema *s, const void *item, int ind, const char *newname)
{
    char *text = fix_emit(s, item);
    cr_assert_not_null(text);
    int first = 1;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        pad(o, first ? ind - 2 : ind);
        fputs(first ? "- " : "", o);
        first = 0;
        if (strncmp(line, "name: ", 6) == 0)
            fprintf(o, "name: %s\n", newname);
        else
            fprintf(o, "%s\n", line);
    }
    free(text);
}

/* Writes YAML overriding the key at comps (dotted, lists as "[]") of obj
 * with the field's example, in the first item of every list on the way. */
static void write_override(FILE *o, const conf_schema *s, const void *obj, const char *comps, int ind)
{
    size_t len = strcspn(comps, ".[");
    const conf_field *f = field_named(s, comps, len);
    const unsigned char *p = (const unsigned char *)obj + f->offset;
    pad(o, ind);
    if (f->type == CONF_STRUCT) {
        fprintf(o, "%s:\n", f->key);
        write_override(o, f->sub, p, comps + len + 1, ind + 2);
        return;
    }
    if (f->type != CONF_LIST) {
        fprintf(o, "%s: %s\n", f->key, f->example);
        return;
    }
    const char *rest = comps + len + 3; /* skip "[]." */
    const conf_field *leaf = field_named(f->sub, rest, strcspn(rest, ".["));
    const conf_list *l = (const conf_list *)p;
    fprintf(o, "%s:\n", f->key);
    if ((leaf->flags & CONF_F_NAME) && !strchr(rest, '.')) {
        /* Rename the first item: remove it and add a copy under the example name. */
        pad(o, ind + 2);
        fprintf(o, "- {name: %s, remove: true}\n", item_name(f, obj, 0));
        write_item(o, f->sub, l->items, ind + 4, leaf->example);
        return;
    }
    pad(o, ind + 2);
    fprintf(o, "- name: %s\n", item_name(f, obj, 0));
    write_override(o, f->sub, l->items, rest, ind + 4);
    if (leaf->type == CONF_NUM && (leaf->flags & CONF_F_SUM_100) && !strchr(rest, '.')) {
        /* Keep the sum at 100%: the second item takes the rest. */
        double v;
        char t[64];
        cr_assert_eq(conf_unit_parse(leaf->unit, leaf->example, &v, t, sizeof t), 0);
        pad(o, ind + 2);
        fprintf(o, "- name: %s\n", item_name(f, obj, 1));
        pad(o, ind + 4);
        fprintf(o, "%s: %s\n", leaf->key, conf_unit_format(leaf->unit, 1 - v, t, sizeof t));
    }
}

/* A parsed copy of emitted text (tree in ld). */
static conf__node *parse_tree(conf__loader *ld, const char *text)
{
    conf__node *n = conf__parse(ld, "emitted", text, strlen(text), 1);
    cr_assert_not_null(n);
    return n;
}

static conf__node *find_item(conf__node *seq, const char *name)
{
    cr_assert_eq(seq->kind, CONF__SEQ);
    for (size_t i = 0; i < seq->n; i++) {
        conf__node *nm = conf__map_get(seq->items[i], "name");
        if (nm && strcmp(nm->text, name) == 0)
            return seq->items[i];
    }
    return NULL;
}

/* The slot holding the value at comps, following the first (or, with
 * second, the second) item's name of the base object through lists. */
static conf__node **locate(conf__node *map, const conf_schema *s, const void *obj, const char *comps, int second)
{
    size_t len = strcspn(comps, ".[");
    const conf_field *f = field_named(s, comps, len);
    conf__node **slot = NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strlen(f->key) == map->keys[i]->len && strcmp(map->keys[i]->text, f->key) == 0)
            slot = &map->items[i];
    cr_assert_not_null(slot, "no %s in the output", f->key);
    if (!comps[len])
        return slot;
    const unsigned char *p = (const unsigned char *)obj + f->offset;
    if (f->type == CONF_STRUCT)
        return locate(*slot, f->sub, p, comps + len + 1, second);
    const char *rest = comps + len + 3;
    int last = !strchr(rest, '.');
    conf__node *item = find_item(*slot, item_name(f, obj, second && last ? 1 : 0));
    cr_assert_not_null(item);
    return locate(item, f->sub, ((const conf_list *)p)->items, rest, second);
}

static int tree_equal(const conf__node *a, const conf__node *b)
{
    if (a->kind != b->kind || a->n != b->n)
        return 0;
    if (a->kind == CONF__SCALAR)
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->kind == CONF__MAP && !tree_equal(a->keys[i], b->keys[i]))
            return 0;
        if (!tree_equal(a->items[i], b->items[i]))
            return 0;
    }
    return 1;
}

static void check_key(const char *path, const conf_field *f, const bank *base, const char *base_text)
{
    char *yaml = NULL;
    size_t ylen = 0;
    FILE *o = open_memstream(&yaml, &ylen);
    fprintf(o, "extends: coverage_base.yaml\n");
    write_override(o, &bank_schema, base, path, 0);
    fclose(o);
    char *errs = NULL;
    char *out = load_emit("override.yaml", yaml, DIR, &errs);
    cr_assert_not_null(out, "%s: the override does not load:\n%s\n%s", path, yaml, errs);
    cr_assert_str_neq(out, base_text, "%s: overriding the key changed nothing:\n%s", path, yaml);

    conf_ctx *ctx = conf_ctx_create();
    conf__loader ld;
    cr_assert_eq(conf__loader_init(&ld, ctx), 0);
    conf__node *got = parse_tree(&ld, out), *want = parse_tree(&ld, base_text);
    if (f->flags & CONF_F_NAME) {
        /* Renamed: the list holds the example name instead of its first item's. */
        char list[256];
        snprintf(list, sizeof list, "%.*s", (int)(strlen(path) - strlen("[].name")), path);
        conf__node *g = *locate(got, &bank_schema, base, list, 0), *w = *locate(want, &bank_schema, base, list, 0);
        cr_assert_eq(g->n, w->n, "%s: renaming changed the number of items", path);
        cr_assert_not_null(find_item(g, f->example), "%s: no item named %s", path, f->example);
        cr_assert_null(find_item(g, conf__map_get(w->items[0], "name")->text), "%s: old name kept", path);
    } else {
        conf__node **g = locate(got, &bank_schema, base, path, 0);
        conf__node **w = locate(want, &bank_schema, base, path, 0);
        cr_assert(!tree_equal(*g, *w), "%s: the value did not change", path);
        if (f->type == CONF_NUM) {
            double v;
            char t[96];
            cr_assert_eq(conf_unit_parse(f->unit, f->example, &v, t, sizeof t), 0);
            cr_assert_str_eq((*g)->text, conf_unit_format(f->unit, v, t, sizeof t), "%s", path);
        } else if (f->type != CONF_DIST && f->type != CONF_SCHED && f->type != CONF_NUMMAP &&
                   f->type != CONF_NUMLIST && f->type != CONF_WEEKDAYS && f->type != CONF_REFLIST) {
            cr_assert_str_eq((*g)->text, f->example, "%s", path);
        }
        *g = *w; /* with the key put back, nothing else may differ */
        if (f->type == CONF_NUM && (f->flags & CONF_F_SUM_100) && strstr(path, "[]")) {
            g = locate(got, &bank_schema, base, path, 1);
            *g = *locate(want, &bank_schema, base, path, 1);
        }
        cr_assert(tree_equal(got, want), "%s: other keys changed too:\n%s", path, out);
    }
    conf__loader_free(&ld);
    conf_ctx_destroy(ctx);

    /* The output is itself a scenario that prints the same. */
    free(errs);
    char *again = load_emit("again.yaml", out, NULL, &errs);
    cr_assert_not_null(again, "%s:\n%s", path, errs);
    cr_assert_str_eq(again, out);
    free(again);
    free(out);
    free(errs);
    free(yaml);
}

Test(conf_emit, every_key_is_used)
{
    keys k = {0};
    conf_walk_keys(&bank_schema, collect, &k);
    cr_assert_eq(k.n, 30);
    conf_ctx *ctx = conf_ctx_create();
    bank base;
    cr_assert_eq(conf_load_file(ctx, &bank_schema, DIR "coverage_base.yaml", &base), 0);
    char *base_text = fix_emit(&bank_schema, &base);
    for (size_t i = 0; i < k.n; i++) {
        cr_assert_not_null(k.f[i]->example, "%s has no example", k.path[i]);
        check_key(k.path[i], k.f[i], &base, base_text);
        free(k.path[i]);
    }
    free(base_text);
    conf_free(&bank_schema, &base);
    conf_ctx_destroy(ctx);
}

/* ---- reference ---- */

static char *doc_text(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(conf_doc_markdown(f, &bank_schema, "Bank keys", "Generated; do not edit."), 0);
    fclose(f);
    return buf;
}

Test(conf_emit, markdown_reference)
{
    char *a = doc_text(), *b = doc_text();
    cr_assert_str_eq(a, b, "deterministic");
    cr_assert(strncmp(a, "# Bank keys\n\nGenerated; do not edit.\n\n## bank\n", 46) == 0, "%s", a);
    const char *sections[] = {"\n## bank\n", "\n## demand\n", "\n## costs\n", "\n## team\n", "\n## staff\n",
                              "\n## Value syntax\n"};
    const char *prev = a;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        const char *s = strstr(a, sections[i]);
        cr_assert_not_null(s, "%s missing", sections[i]);
        cr_assert(s >= prev, "%s out of depth-first order", sections[i]);
        prev = s;
    }
    cr_assert(strstr(a, "| key | type and unit | default | description |\n|---|---|---|---|\n"));
    cr_assert(strstr(a, "| `wte` | whole-time equivalents (wte), 0 wte to 100 wte | required | Funded "
                        "whole-time equivalents. Example: `4.5 wte`. |\n"),
              "%s", a);
    cr_assert(strstr(a, "| `share` | share (%), 0% to 100%, sums to 100% over the list | required |"));
    cr_assert(strstr(a, "| `lead` | name of a team | not set |"));
    cr_assert(strstr(a, "| `teams` | list of [team](#team), one per name | `[]` |"));
    char *r = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&r, &len);
    cr_assert_eq(conf_doc_markdown(f, &rota_schema, "Rota", NULL), 0);
    fclose(f);
    cr_assert(strstr(r, "| `shifts` | list of [shift](#shift), one per day and room | `[]` |"), "%s", r);
    cr_assert(strstr(r, "| `notes` | list of [note](#note), no key: a variant replaces the list whole, starting it "
                        "with `replace: true` | `[]` |"), "%s", r);
    free(r);
    cr_assert(strstr(a, "**Distributions**") && strstr(a, "**Schedules**") && strstr(a, "**References**") &&
              strstr(a, "**extends**"));
    cr_assert(strstr(a, "- rate (per month): a rate, e.g. 1200 per month or 300 per week\n"));
    free(a);
    free(b);
}

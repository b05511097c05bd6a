/*
 * tests/test_conf_load.c: loading valid scenarios through the test schema
 * (tests/conf_fixture.h): values and units land in the right fields,
 * defaults apply, references resolve, extends merges as documented,
 * anchors copy, positions are remembered, and contexts are independent.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <sys/stat.h>
#include <pthread.h>

#include "conf_fixture.h"

TestSuite(conf_load, .init = fix_chdir_root);

#define DIR "tests/data/conf/"

/* Loads in place: positions are remembered by address, so no copies. */
static void load_ok(conf_ctx *ctx, const char *path, bank *b)
{
    int r = conf_load_file(ctx, &bank_schema, path, b);
    if (r) {
        char *e = fix_errors(ctx);
        cr_assert_fail("%s did not load:\n%s", path, e);
    }
}

static sim_date day(const char *iso)
{
    sim_date d;
    cr_assert_eq(sim_date_parse(iso, &d), 0);
    return d;
}

static bank_team *team(bank *b, size_t i) { return &((bank_team *)b->teams.items)[i]; }
static bank_staff *staff(bank_team *t, size_t i) { return &((bank_staff *)t->staff.items)[i]; }

Test(conf_load, full_scenario_values)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, DIR "bank.yaml", &b);
    cr_assert_str_eq(b.title, "Bank: north & south");
    cr_assert_eq(b.start, day("2026-04-01"));
    cr_assert_eq(b.end, day("2031-03-31"));
    cr_assert_eq(b.review, day("2027-04-01"));
    cr_assert_eq(b.seed, 7);
    cr_assert_eq(b.verbose, 1);
    cr_assert_eq(b.target, 42);
    cr_assert_eq(b.dna, 0.1);

    const sim_sched *r = &b.demand.referrals;
    cr_assert_eq(r->base, 1200);
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->seg[0].t0, day("2026-09-01"));
    cr_assert_eq(r->seg[0].t1, day("2026-09-01"));
    cr_assert_eq(r->seg[0].v, 300 * 30.4375 / 7);
    cr_assert_eq(r->seg[1].t0, day("2027-01-01"));
    cr_assert_eq(r->seg[1].t1, day("2027-06-30"));
    cr_assert_eq(r->seg[1].v, 16000 * 30.4375 / 365.25);

    const conf_nummap *src = &b.demand.sources;
    cr_assert_eq(src->n, 3);
    cr_assert_str_eq(src->names[0], "gp");
    cr_assert_str_eq(src->names[2], "web");
    cr_assert_eq(src->v[1], 0.35);
    cr_assert_null(src->ref);
    const conf_nummap *mix = &b.demand.team_mix;
    cr_assert_eq(mix->n, 2);
    cr_assert_eq(mix->ref[0], 0);
    cr_assert_eq(mix->ref[1], 1);

    cr_assert_eq(b.demand.wait.kind, SIM_DIST_LOGNORMAL);
    cr_assert_eq(b.demand.wait.p[0], 42);
    cr_assert_eq(b.demand.wait.p[1], 14);
    cr_assert_eq(b.demand.growth, 0.025);
    cr_assert_eq(b.demand.quantiles.n, 3);
    cr_assert_eq(b.demand.quantiles.v[1], 0.9);
    cr_assert_eq(b.demand.sessions.kind, SIM_DIST_EMPIRICAL);
    cr_assert_eq(b.demand.sessions.n, 3);
    cr_assert_eq(b.demand.sessions.values[2], 12);
    cr_assert_eq(b.demand.sessions.weights[1], 3);
    cr_assert_not_null(b.demand.sessions.table, "distributions are prepared");

    cr_assert_eq(b.costs.salary, 2900 * 365.25 / 30.4375);
    cr_assert_eq(b.costs.room_fee, 650);
    cr_assert_eq(b.costs.hours, 22);

    cr_assert_eq(b.teams.n, 2);
    bank_team *core = team(&b, 0), *north = team(&b, 1);
    cr_assert_str_eq(core->name, "core");
    cr_assert_eq(core->wte, 6.5);
    cr_assert_eq(core->days, 0x1f);
    cr_assert_eq(core->session.kind, SIM_DIST_GAMMA);
    cr_assert_eq(core->session.p[0], 50);
    cr_assert_eq(core->session.p[1], 15);
    cr_assert_eq(core->slots.base, 400);
    cr_assert_eq(core->slots.n, 1);
    cr_assert_eq(core->share, 0.7);
    cr_assert_eq(core->rooms, 4);
    cr_assert_eq(core->backup.n, 1);
    cr_assert_str_eq(core->backup.names[0], "north");
    cr_assert_eq(core->backup.index[0], 1);
    cr_assert_eq(core->staff.n, 2);
    cr_assert_str_eq(staff(core, 1)->name, "ben");
    cr_assert_eq(staff(core, 1)->wte, 0.8);
    cr_assert_eq(staff(core, 1)->grade, 1);
    cr_assert_eq(north->days, (1u << 0) | (1u << 2) | (1u << 4));
    cr_assert_eq(north->session.kind, SIM_DIST_CONSTANT);
    cr_assert_eq(north->session.p[0], 60);
    cr_assert_eq(north->rooms, 1, "default");
    cr_assert_eq(staff(north, 0)->grade, 0, "default grade pwp");
    cr_assert_str_eq(b.lead.name, "core");
    cr_assert_eq(b.lead.index, 0);

    conf_free(&bank_schema, &b);
    bank zero;
    memset(&zero, 0, sizeof zero);
    cr_assert(memcmp(&b, &zero, sizeof b) == 0, "conf_free zeroes the object");
    conf_free(&bank_schema, &b); /* and is safe twice */
    conf_ctx_destroy(ctx);
}

Test(conf_load, defaults)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, DIR "minimal.yaml", &b);
    cr_assert_str_eq(b.title, "Bank");
    cr_assert_eq(b.review, CONF_DATE_NONE);
    cr_assert_eq(b.seed, 1);
    cr_assert_eq(b.verbose, 0);
    cr_assert_eq(b.target, 42);
    cr_assert_eq(b.dna, 0.12);
    cr_assert_eq(b.demand.referrals.base, 1200);
    cr_assert_eq(b.demand.sources.n, 2);
    cr_assert_eq(b.demand.team_mix.n, 0);
    cr_assert_eq(b.demand.wait.kind, SIM_DIST_GAMMA);
    cr_assert_eq(b.demand.sessions.kind, SIM_DIST_EMPIRICAL);
    cr_assert_eq(b.costs.salary, 35000);
    cr_assert_eq(b.costs.hours, 37.5);
    cr_assert_eq(b.teams.n, 0);
    cr_assert_null(b.teams.items);
    cr_assert_null(b.lead.name);
    cr_assert_eq(b.lead.index, -1);

    const char *path = NULL;
    const char *pos = conf_where(ctx, &b.dna, &path);
    cr_assert_str_eq(pos, DIR "minimal.yaml:2:1");
    cr_assert_str_eq(path, "dna");
    pos = conf_where(ctx, &b.demand.wait.p[1], &path);
    cr_assert_str_eq(pos, DIR "minimal.yaml:2:1");
    cr_assert_str_eq(path, "demand.wait.sd");
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

Test(conf_load, positions_of_values)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, DIR "bank.yaml", &b);
    const char *path = NULL;
    cr_assert_str_eq(conf_where(ctx, &team(&b, 1)->wte, &path), DIR "bank.yaml:44:10");
    cr_assert_str_eq(path, "teams[north].wte");
    cr_assert_str_eq(conf_where(ctx, &staff(team(&b, 0), 1)->grade, &path), DIR "bank.yaml:42:42");
    cr_assert_str_eq(path, "teams[core].staff[ben].grade");
    cr_assert_str_eq(conf_where(ctx, &b.demand.referrals.seg[1].t1, &path), DIR "bank.yaml:15:11");
    cr_assert_str_eq(path, "demand.referrals[2].to");
    cr_assert_str_eq(conf_where(ctx, &b.demand.sources.v[2], &path), DIR "bank.yaml:17:38");
    cr_assert_str_eq(path, "demand.sources.web");
    cr_assert_str_eq(conf_where(ctx, &b.demand.wait.p[1], &path), DIR "bank.yaml:21:46");
    cr_assert_str_eq(path, "demand.wait.sd");
    cr_assert_str_eq(conf_where(ctx, &b.demand.sessions.weights[1], &path), DIR "bank.yaml:24:64");
    cr_assert_str_eq(path, "demand.sessions.weights[1]");
    cr_assert_str_eq(conf_where(ctx, &team(&b, 0)->backup.names[0], &path), DIR "bank.yaml:39:14");
    cr_assert_null(conf_where(ctx, &path, NULL), "an address outside the object");

    conf_error_at(ctx, &team(&b, 1)->rooms, "expected %d rooms", 2);
    cr_assert_eq(conf_error_count(ctx), 1);
    cr_assert_str_eq(conf_error_text(ctx, 0), DIR "bank.yaml:43:5: teams[north].rooms: expected 2 rooms (default)");
    cr_assert_null(conf_error_text(ctx, 1));
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

/* Every message has a location: reporting on a value the loader did not
 * record is a programming error. */
Test(conf_load, an_error_with_no_location_is_a_bug, .signal = SIGABRT)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, DIR "bank.yaml", &b);
    conf_error_at(ctx, &ctx, "no location");
}

/* A scenario reached through a symbolic link finds its base beside the
 * file the link points to. */
Test(conf_load, extends_from_a_symlink_is_relative_to_its_target)
{
    char *dir = fix_tmpdir();
    cr_assert_not_null(dir);
    char real[2100], link[2100], path[2200];
    snprintf(real, sizeof real, "%.2000s/real", dir);
    snprintf(link, sizeof link, "%.2000s/links", dir);
    cr_assert_eq(mkdir(real, 0700), 0);
    cr_assert_eq(mkdir(link, 0700), 0);
    const char *base = "start: 2026-04-01\nend: 2031-03-31\ntitle: base\n", *child = "extends: base.yaml\nseed: 9\n";
    free(fix_write(real, "base.yaml", base, strlen(base)));
    free(fix_write(real, "child.yaml", child, strlen(child)));
    snprintf(path, sizeof path, "%.2100s/child.yaml", link);
    cr_assert_eq(symlink("../real/child.yaml", path), 0);
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, path, &b);
    cr_assert_str_eq(b.title, "base");
    cr_assert_eq(b.seed, 9);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
    const char *names[] = {"child.yaml"};
    fix_rmdir(link, names, 1);
    const char *both[] = {"base.yaml", "child.yaml"};
    fix_rmdir(real, both, 2);
    rmdir(dir);
    free(dir);
}

Test(conf_load, extends_merges)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, DIR "extends/override.yaml", &b);
    cr_assert_str_eq(b.title, "Child bank", "scalar overridden");
    cr_assert_eq(b.dna, 0.12, "inherited");
    cr_assert_eq(b.demand.quantiles.n, 2, "plain lists are replaced");
    cr_assert_eq(b.demand.quantiles.v[1], 0.99);
    cr_assert_eq(b.demand.sources.n, 2, "untouched mapping inherited");
    cr_assert_eq(b.teams.n, 2);
    bank_team *core = team(&b, 0);
    cr_assert_str_eq(core->name, "core");
    cr_assert_eq(core->wte, 8, "one field of a named item overridden");
    cr_assert_eq(core->rooms, 2, "the item's other fields inherited");
    cr_assert_eq(core->staff.n, 3);
    cr_assert_str_eq(staff(core, 0)->name, "ana");
    cr_assert_eq(staff(core, 1)->grade, 2, "nested named item merged");
    cr_assert_eq(staff(core, 1)->wte, 1);
    cr_assert_str_eq(staff(core, 2)->name, "cat", "new nested item appended");
    cr_assert_str_eq(team(&b, 1)->name, "east", "north removed, east appended");

    const char *path;
    cr_assert_str_eq(conf_where(ctx, &core->wte, &path), DIR "extends/override.yaml:7:10");
    cr_assert_str_eq(conf_where(ctx, &core->rooms, &path), DIR "extends/base.yaml:14:12");
    cr_assert_str_eq(conf_where(ctx, &b.start, &path), DIR "extends/base.yaml:3:8");
    conf_free(&bank_schema, &b);

    load_ok(ctx, DIR "extends/sub/leaf.yaml", &b);
    cr_assert_eq(b.dna, 0.15);
    cr_assert_str_eq(b.title, "Child bank", "two levels of extends");
    cr_assert_str_eq(conf_where(ctx, &b.title, &path), DIR "extends/sub/../override.yaml:2:8");
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

/* Loads text extending extends/base.yaml. */
static void load_child(conf_ctx *ctx, const char *text, bank *b)
{
    if (conf_load_buffer(ctx, &bank_schema, "child.yaml", text, strlen(text), DIR "extends", b)) {
        char *e = fix_errors(ctx);
        cr_assert_fail("did not load:\n%s", e);
    }
}

Test(conf_load, extends_replaces_values_whole)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_child(ctx, "extends: base.yaml\ndemand:\n  sources: {web: 100%}\n", &b);
    cr_assert_eq(b.demand.sources.n, 1, "a map of shares is replaced, not merged");
    cr_assert_str_eq(b.demand.sources.names[0], "web");
    cr_assert_eq(b.demand.quantiles.n, 3, "the struct around it still merges");
    conf_free(&bank_schema, &b);

    load_child(ctx, "extends: base.yaml\nteams:\n  - {name: core, session: {dist: lognormal, mean: 50 min, sd: 5 min}}\n",
               &b);
    bank_team *core = team(&b, 0);
    cr_assert_eq(core->session.kind, SIM_DIST_LOGNORMAL, "a distribution may change its kind");
    cr_assert_eq(core->session.p[0], 50);
    cr_assert_eq(core->session.p[1], 5);
    cr_assert_eq(core->rooms, 2, "the item's other keys still merge");
    conf_free(&bank_schema, &b);

    load_child(ctx, "extends: base.yaml\nteams:\n  - {name: core, session: 40 min}\n", &b);
    cr_assert_eq(team(&b, 0)->session.kind, SIM_DIST_CONSTANT);
    cr_assert_eq(team(&b, 0)->session.p[0], 40);
    conf_free(&bank_schema, &b);

    load_child(ctx, "extends: base.yaml\ndemand:\n  sessions: {dist: empirical, values: [5, 7], weights: [1, 1]}\n", &b);
    cr_assert_eq(b.demand.sessions.n, 2);
    cr_assert_eq(b.demand.sessions.weights[1], 1);
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

Test(conf_load, extends_from_buffer)
{
    const char *text = "extends: base.yaml\ndna: 20%\n";
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "inline", text, strlen(text), DIR "extends", &b), 0);
    cr_assert_eq(b.dna, 0.2);
    cr_assert_str_eq(b.title, "Base bank");
    conf_free(&bank_schema, &b);
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "inline", text, strlen(text), NULL, &b), -1);
    cr_assert_str_eq(conf_error_text(ctx, 0),
                     "inline:1:10: extends: not available here: the scenario was not read from a file");
    conf_ctx_destroy(ctx);
}

Test(conf_load, anchors_are_copies)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, DIR "anchors.yaml", &b);
    cr_assert_eq(team(&b, 1)->wte, 3);
    cr_assert_eq(team(&b, 1)->session.kind, SIM_DIST_EXPONENTIAL);
    cr_assert_eq(team(&b, 1)->share, 0.5);
    const char *path;
    cr_assert_str_eq(conf_where(ctx, &team(&b, 1)->wte, &path), DIR "anchors.yaml:10:10",
                     "an alias is located where it is used");
    cr_assert_str_eq(path, "teams[b].wte");
    cr_assert_str_eq(conf_where(ctx, &team(&b, 1)->session.p[0], &path), DIR "anchors.yaml:7:43",
                     "values inside an aliased mapping are located at the anchor's text");
    cr_assert_str_eq(path, "teams[b].session.mean");
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

Test(conf_load, quoted_strings)
{
    conf_ctx *ctx = conf_ctx_create();
    bank b;
    load_ok(ctx, DIR "quoting.yaml", &b);
    cr_assert_str_eq(b.title, "yes");
    cr_assert_str_eq(team(&b, 0)->name, "123");
    cr_assert_str_eq(team(&b, 2)->name, "tab\there \"quoted\" \xc3\xa9 \xe2\x80\xa8");
    cr_assert_str_eq(b.lead.name, "null");
    cr_assert_eq(b.lead.index, 1);
    cr_assert_eq(team(&b, 1)->backup.index[0], 0);
    cr_assert_str_eq(b.demand.sources.names[0], "a: b");
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

Test(conf_load, window_set_before_loading)
{
    /* A schema without a root check: the loader checks a window set in advance. */
    conf_schema s = bank_schema;
    s.check = NULL;
    conf_ctx *ctx = conf_ctx_create();
    conf_ctx_set_window(ctx, day("2026-04-01"), day("2026-12-31"));
    const char *text = "start: 2026-04-01\nend: 2027-03-31\nreview: 2027-01-01\n";
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &s, "w.yaml", text, strlen(text), NULL, &b), -1);
    cr_assert_eq(conf_error_count(ctx), 1);
    cr_assert_str_eq(conf_error_text(ctx, 0),
                     "w.yaml:3:9: review: expected a date within the run (2026-04-01 to 2026-12-31), got 2027-01-01");
    conf_ctx_destroy(ctx);
}

Test(conf_load, context_reuse_and_buffer)
{
    conf_ctx *ctx = conf_ctx_create();
    const char *bad = "start: 2026-04-01\nend: 2031-03-31\nseed: x\n";
    const char *good = "start: 2026-04-01\nend: 2031-03-31\nseed: 9\n";
    bank b;
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "bad", bad, strlen(bad), NULL, &b), -1);
    cr_assert_eq(conf_error_count(ctx), 1);
    cr_assert_null(conf_where(ctx, &b.seed, NULL), "positions are forgotten on failure");
    cr_assert_eq(conf_load_buffer(ctx, &bank_schema, "good", good, strlen(good), NULL, &b), 0);
    cr_assert_eq(conf_error_count(ctx), 1, "errors accumulate across loads; a good load adds none");
    cr_assert_eq(b.seed, 9);
    cr_assert_str_eq(conf_where(ctx, &b.seed, NULL), "good:3:7");
    conf_free(&bank_schema, &b);
    conf_ctx_destroy(ctx);
}

static void *load_thread(void *arg)
{
    long ok = 1;
    for (int i = 0; i < 20; i++) {
        conf_ctx *ctx = conf_ctx_create();
        bank b;
        if (conf_load_file(ctx, &bank_schema, DIR "bank.yaml", &b) != 0)
            ok = 0;
        else
            conf_free(&bank_schema, &b);
        conf_ctx_destroy(ctx);
    }
    (void)arg;
    return (void *)ok;
}

Test(conf_load, separate_contexts_in_threads)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, load_thread, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        cr_assert_eq((long)r, 1);
    }
}

static void count_keys(const char *path, const conf_field *f, void *arg)
{
    (void)f;
    size_t *n = arg;
    if (strcmp(path, "teams[].staff[].wte") == 0)
        n[1] = 1;
    n[0]++;
}

Test(conf_load, walk_keys)
{
    size_t n[2] = {0, 0};
    conf_walk_keys(&bank_schema, count_keys, n);
    cr_assert_eq(n[0], 30);
    cr_assert_eq(n[1], 1);
}

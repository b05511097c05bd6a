/*
 * tests/test_show_roundtrip.c: what `show` prints (and what every run
 * writes as scenario.yaml) is a scenario that loads again, for every file
 * in scenarios/: show -> load -> show is byte-identical, and the reloaded
 * scenario runs to bit-identical results. The runs are cut short (two
 * replications of the first RUN_MONTHS months, past the LTC go-lives and
 * the rooms that follow them; a national-scale service, a hundred times
 * the others, its first BIG_MONTHS; the same edit to both runs), which is
 * enough to tell two scenarios apart: every stream is keyed by the seed
 * and draws from the loaded values from the first day.
 */
#include <criterion/criterion.h>
#include <dirent.h>

#include "conf_fixture.h"
#include "model_support.h"

TestSuite(show_roundtrip, .init = fix_chdir_root, .timeout = 300);

#define RUN_MONTHS 24
#define BIG_MONTHS 3
#define BIG_PREVALENCE 1e6

/* Cuts the run short, with two replications. */
static void short_run(iapt_scenario *sc)
{
    int months = sc->service.prevalence > BIG_PREVALENCE ? BIG_MONTHS : RUN_MONTHS;
    sim_date end = sim_date_add_months(sc->run.start, months) - 1;
    if (end < sc->run.end)
        sc->run.end = end;
    sc->run.replications = 2;
}

/* `show` of the scenario at path (malloc'd text; the test fails if it
 * does not load). */
static char *shown(const char *path)
{
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario sc;
    int rc = iapt_scenario_load(ctx, path, &sc);
    char *errors = fix_errors(ctx);
    cr_assert_eq(rc, 0, "%s does not load:\n%s", path, errors);
    free(errors);
    conf_ctx_destroy(ctx);
    char *text = fix_emit(&iapt_scenario_schema, &sc);
    cr_assert_not_null(text);
    iapt_scenario_free(&sc);
    return text;
}

static void roundtrip(const char *path, const char *tmp)
{
    char *first = shown(path);
    char *file = fix_write(tmp, "shown.yaml", first, strlen(first));
    cr_assert_not_null(file);
    char *second = shown(file);
    cr_assert_str_eq(second, first, "show of %s, loaded and shown again, differs", path);

    run_result a, b;
    run_scenario_edited(&a, path, 0, 1, short_run);
    run_scenario_edited(&b, file, 0, 1, short_run);
    cr_assert_eq(a.nout, b.nout, "%s: outputs", path);
    cr_assert_eq(memcmp(a.x, b.x, a.nrep * a.nout * sizeof *a.x), 0,
                 "%s: the scenario show printed runs to different results", path);
    run_free(&a);
    run_free(&b);
    unlink(file);
    free(file);
    free(first);
    free(second);
}

Test(show_roundtrip, every_shipped_scenario)
{
    char *tmp = fix_tmpdir();
    cr_assert_not_null(tmp);
    struct dirent **names;
    int n = scandir("scenarios", &names, NULL, alphasort), tried = 0;
    cr_assert_gt(n, 0);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 5 && !strcmp(names[i]->d_name + len - 5, ".yaml")) {
            char path[512];
            snprintf(path, sizeof path, "scenarios/%s", names[i]->d_name);
            roundtrip(path, tmp);
            tried++;
        }
        free(names[i]);
    }
    free(names);
    cr_assert_geq(tried, 5, "the five shipped scenarios at least");
    rmdir(tmp);
    free(tmp);
}

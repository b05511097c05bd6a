/*
 * tests/model_support.h: loading a scenario and running replications of the
 * model from tests (header-only; each test file is its own program).
 */
#ifndef TESTS_MODEL_SUPPORT_H
#define TESTS_MODEL_SUPPORT_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include "models/model.h"
#include "models/scenario.h"
#include "sim/replicate.h"

#define DATA(path) IAPTSIM_SOURCE_DIR "/" path

typedef struct run_result {
    iapt_scenario sc;
    iapt_model *m;
    size_t nrep, nout;
    double *x; /* nrep x nout */
} run_result;

/* Loads `path`, optionally overrides replications (> 0), runs on `threads`. */
static inline void run_scenario(run_result *r, const char *path, long reps, unsigned threads)
{
    conf_ctx *ctx = conf_ctx_create();
    int rc = iapt_scenario_load(ctx, path, &r->sc);
    if (rc)
        conf_print_errors(ctx, stderr);
    conf_ctx_destroy(ctx);
    cr_assert_eq(rc, 0, "cannot load %s", path);
    if (reps > 0)
        r->sc.run.replications = reps;
    r->m = iapt_model_create(&r->sc);
    cr_assert_not_null(r->m);
    r->nrep = (size_t)r->sc.run.replications;
    r->nout = iapt_model_nout(r->m);
    r->x = malloc(r->nrep * r->nout * sizeof *r->x);
    cr_assert_eq(sim_replicate(iapt_model_rep, r->m, (uint64_t)r->sc.run.seed, 0, r->nrep, r->nout, threads, r->x, NULL),
                 0);
}

static inline void run_free(run_result *r)
{
    free(r->x);
    iapt_model_destroy(r->m);
    iapt_scenario_free(&r->sc);
}

/* Value of (measure, group) in month m of replication rep. */
static inline double val(const run_result *r, size_t rep, const char *measure, const char *group, int m)
{
    long s = iapt_series_find(&r->m->layout, measure, group);
    cr_assert_geq(s, 0, "no series %s/%s", measure, group);
    return r->x[rep * r->nout + (size_t)s * (size_t)r->m->layout.nmonths + (size_t)m];
}

#endif

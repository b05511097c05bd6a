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

/* Loads `path`, optionally overrides replications (> 0), applies `edit`
 * (if not NULL: to run what a scenario file could not say, past the
 * loader's checks), runs on `threads`. */
static inline void run_scenario_edited(run_result *r, const char *path, long reps, unsigned threads,
                                       void (*edit)(iapt_scenario *))
{
    conf_ctx *ctx = conf_ctx_create();
    int rc = iapt_scenario_load(ctx, path, &r->sc);
    if (rc)
        conf_print_errors(ctx, stderr);
    conf_ctx_destroy(ctx);
    cr_assert_eq(rc, 0, "cannot load %s", path);
    if (reps > 0)
        r->sc.run.replications = reps;
    if (edit)
        edit(&r->sc);
    r->m = iapt_model_create(&r->sc);
    cr_assert_not_null(r->m);
    r->nrep = (size_t)r->sc.run.replications;
    r->nout = iapt_model_nout(r->m);
    r->x = malloc(r->nrep * r->nout * sizeof *r->x);
    cr_assert_eq(sim_replicate(iapt_model_rep, r->m, (uint64_t)r->sc.run.seed, 0, r->nrep, r->nout, threads, r->x, NULL),
                 0);
}

/* Loads `path`, optionally overrides replications (> 0), runs on `threads`. */
static inline void run_scenario(run_result *r, const char *path, long reps, unsigned threads)
{
    run_scenario_edited(r, path, reps, threads, NULL);
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

/* People are conserved at every month end of every replication: the
 * starting lists plus referrals, less those discharged and dropped, equal
 * the person records in use and the people found on the lists, stage by
 * stage (waiting, in treatment, waiting for reallocation), which equal the
 * stocks the model keeps. */
static inline void check_conservation(const run_result *r)
{
    static const char *const stage[] = {"stage:assessment", "stage:step2", "stage:step3"};
    int nm = r->m->layout.nmonths;
    for (size_t rep = 0; rep < r->nrep; rep++) {
        for (int m = 0; m < nm; m++) {
            double in = val(r, rep, "people_in", "all", m), dis = val(r, rep, "discharged_total", "all", m),
                   drop = val(r, rep, "dropped_total", "all", m), wait = val(r, rep, "waiting", "all", m),
                   treat = val(r, rep, "in_treatment", "all", m),
                   realloc = val(r, rep, "waiting_reallocation", "all", m);
            double inside = in - dis - drop, records = val(r, rep, "check_records_in_use", "all", m),
                   rwait = val(r, rep, "check_waiting_recount", "all", m),
                   rtreat = val(r, rep, "check_in_treatment_recount", "all", m),
                   rrealloc = val(r, rep, "check_reallocation_recount", "all", m);
            cr_assert_eq(inside, records, "rep %zu month %d: people in %.0f - discharged %.0f - dropped %.0f = %.0f, "
                         "but %.0f person records are in use", rep, m, in, dis, drop, inside, records);
            cr_assert_eq(inside, rwait + rtreat + rrealloc, "rep %zu month %d: %.0f inside, but %.0f waiting + %.0f in "
                         "treatment + %.0f waiting for reallocation found on the lists", rep, m, inside, rwait, rtreat,
                         rrealloc);
            cr_assert_eq(rtreat, treat, "rep %zu month %d: in treatment kept %.0f, recounted %.0f", rep, m, treat,
                         rtreat);
            cr_assert_eq(rrealloc, realloc, "rep %zu month %d: waiting for reallocation kept %.0f, recounted %.0f", rep,
                         m, realloc, rrealloc);
            cr_assert_eq(realloc, val(r, rep, "waiting_reallocation", "step:2", m) +
                                      val(r, rep, "waiting_reallocation", "step:3", m),
                         "rep %zu month %d: waiting for reallocation by step", rep, m);
            cr_assert_eq(rwait, wait, "rep %zu month %d: waiting kept %.0f, recounted %.0f", rep, m, wait, rwait);
            double stages = 0;
            for (int s = 0; s < 3; s++) {
                double kept = val(r, rep, "waiting", stage[s], m), found = val(r, rep, "check_waiting_recount", stage[s], m);
                cr_assert_eq(kept, found, "rep %zu month %d: %s kept %.0f, recounted %.0f", rep, m, stage[s], kept,
                             found);
                stages += kept;
            }
            cr_assert_eq(wait, stages, "rep %zu month %d: waiting by stage", rep, m);
        }
    }
}

#endif

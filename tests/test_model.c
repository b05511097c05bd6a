/*
 * tests/test_model.c: checks of the IAPT model that cannot lie.
 *
 *  - conservation of people at every monthly snapshot of every replication,
 *    exactly (counts are whole numbers held in doubles): the people still
 *    inside (starting lists + referrals - discharged - dropped) must equal
 *    the person records in use, counted from the person array, and the
 *    people found by walking every list, booking and group, stage by stage,
 *    which must also equal the stocks the model keeps as people change
 *    state (two independent counts against the kept one);
 *  - the same seed gives the same outputs bit for bit on 1 or 2 threads;
 *  - zero demand and zero staff behave as they must;
 *  - reduced to one step with exponential times the model is an M/M/c queue
 *    (tests/data/model/mmc.yaml explains why exactly), and its mean wait to
 *    first treatment must match Erlang C plus the mean notice: the theory
 *    must lie in the 99.9% Student-t interval of the replication means (a
 *    correct model fails with probability 0.001; seeds are fixed). Waits are
 *    whole days (date differences), unbiased for the continuous wait because
 *    referral times are uniform within their days;
 *  - reduced to a single clinician whose diary holds one session a day
 *    (tests/data/model/diary.yaml), the mean wait must match the slotted
 *    queue's 2.0 days and the diary be 80% used, each theory value inside
 *    the 99.9% interval, and that interval no wider than +-5% of the theory
 *    (so a noisy run cannot pass by being vague).
 */
#include <math.h>
#include <string.h>


#include "model_support.h"
#include "queueing_theory.h"

Test(model, conservation_default, .timeout = 120)
{
    run_result r;
    run_scenario(&r, DATA("scenarios/default.yaml"), 3, 2);
    check_conservation(&r);
    /* and people actually flowed */
    cr_assert_gt(val(&r, 0, "entered_treatment", "all", 12), 100);
    cr_assert_gt(val(&r, 0, "finished_courses", "all", 12), 100);
    run_free(&r);
}

Test(model, conservation_every_mechanism, .timeout = 120)
{
    run_result r;
    run_scenario(&r, DATA("tests/data/model/small_ltc.yaml"), 3, 2);
    check_conservation(&r);
    int nm = r.m->layout.nmonths;
    double ltc_entered = 0, groups = 0, stepped_up = 0;
    for (int m = 0; m < nm; m++) {
        ltc_entered += val(&r, 0, "entered_treatment", "pathway:diabetes", m);
        groups += val(&r, 0, "groups_started", "all", m);
        stepped_up += val(&r, 0, "stepped_up", "all", m);
    }
    cr_assert_gt(ltc_entered, 0, "the LTC pathway goes live and treats people");
    cr_assert_gt(groups, 0, "groups run");
    cr_assert_gt(stepped_up, 0, "people are stepped up");
    /* go_live 2026-10-01 in small_ltc.yaml: month 6 of a run from April 2026 */
    cr_assert_eq(val(&r, 0, "referrals", "pathway:diabetes", 5), 0, "no LTC referrals before go-live (October)");
    cr_assert_gt(val(&r, 0, "referrals", "pathway:diabetes", 6), 0, "LTC referrals from go-live");
    run_free(&r);
}

Test(model, same_seed_same_bits_any_threads, .timeout = 120)
{
    run_result a, b;
    run_scenario(&a, DATA("tests/data/model/small_ltc.yaml"), 3, 1);
    run_scenario(&b, DATA("tests/data/model/small_ltc.yaml"), 3, 2);
    cr_assert_eq(memcmp(a.x, b.x, a.nrep * a.nout * sizeof(double)), 0, "1 thread and 2 threads differ");
    run_free(&a);
    run_free(&b);
}

Test(model, zero_demand, .timeout = 60)
{
    run_result r;
    run_scenario(&r, DATA("tests/data/model/zero_demand.yaml"), 2, 2);
    check_conservation(&r);
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            cr_assert_eq(val(&r, rep, "referrals", "all", m), 0);
            cr_assert_eq(val(&r, rep, "entered_treatment", "all", m), 0);
            cr_assert_eq(val(&r, rep, "waiting", "all", m), 0);
            cr_assert_eq(val(&r, rep, "caseload_utilisation", "all", m), 0, "staff in post but nobody to treat");
            cr_assert(isnan(val(&r, rep, "wait_median", "all", m)), "no waits: undefined, not 0");
            cr_assert_gt(val(&r, rep, "wte_qualified", "all", m), 0);
        }
    run_free(&r);
}

/* Survival to day t of someone waiting from day 0 at the default
 * scenario's drop-out hazard: 0.5% a week to 6 weeks, 1.5% to 18 weeks,
 * 3% after. */
static double default_survival(double t)
{
    double h = 0.005 / 7 * fmin(t, 42) + 0.015 / 7 * fmax(0, fmin(t, 126) - 42) + 0.03 / 7 * fmax(0, t - 126);
    return exp(-h);
}

Test(model, zero_staff, .timeout = 60)
{
    run_result r;
    run_scenario(&r, DATA("tests/data/model/zero_staff.yaml"), 4, 2);
    check_conservation(&r);
    int nm = r.m->layout.nmonths;
    double left = 0;
    for (size_t rep = 0; rep < r.nrep; rep++) {
        double referred = 0, dropped = 0, out = 0, realloc_dropped = 0;
        for (int m = 0; m < nm; m++) {
            cr_assert_eq(val(&r, rep, "entered_treatment", "all", m), 0, "nobody can be treated");
            cr_assert_eq(val(&r, rep, "assessed", "all", m), 0, "nobody can be assessed");
            cr_assert_eq(val(&r, rep, "in_treatment", "all", m), 0, "month %d: nobody has a clinician", m);
            referred += val(&r, rep, "referrals", "all", m);
            dropped += val(&r, rep, "dropouts", "stage:waiting_assessment", m);
            realloc_dropped += val(&r, rep, "dropouts", "stage:waiting_reallocation", m);
            cr_assert_eq(val(&r, rep, "dropouts", "all", m),
                         val(&r, rep, "dropouts", "stage:waiting_assessment", m) +
                             val(&r, rep, "dropouts", "stage:waiting_reallocation", m),
                         "with nobody assessed, every drop-out is while waiting for assessment or reallocation");
            out += val(&r, rep, "not_opted_in", "all", m);
            /* The day-one caseload waits for reallocation or has dropped out. */
            cr_assert_eq(val(&r, rep, "waiting_reallocation", "all", m), 600 - realloc_dropped, "month %d", m);
        }
        /* Everyone who opted in is still waiting for assessment or dropped out. */
        cr_assert_eq(val(&r, rep, "waiting", "stage:assessment", nm - 1), referred - out - dropped);
        cr_assert_gt(dropped, 0, "long waits lead to drop-out");
        cr_assert_eq(val(&r, rep, "wte_qualified", "all", nm - 1), 0);
        left += val(&r, rep, "waiting_reallocation", "all", nm - 1);
    }
    /* Each of the 600 x 4 people still waits on 31 March 2027 (365 days in)
     * with probability default_survival(365) = 0.291, independently: the
     * count must lie within 3.29 binomial standard deviations (99.9%). */
    double n = 600.0 * (double)r.nrep, p = default_survival(365), sd = sqrt(n * p * (1 - p));
    fprintf(stderr, "waiting for reallocation at the end: %.0f of %.0f, expected %.1f +- %.1f\n", left, n, n * p,
            3.29 * sd);
    cr_assert(fabs(left - n * p) <= 3.29 * sd, "%.0f of %.0f still waiting for reallocation, expected %.1f +- %.1f",
              left, n, n * p, 3.29 * sd);
    run_free(&r);
}


/* Mean wait to first treatment of each replication over the months after
 * warm-up, weighted by people entering treatment (a plain mean of monthly
 * means would be biased low: busy months have longer waits); checked
 * against theory. With max_rel > 0 the interval's half-width must also be
 * at most max_rel x theory. */
static void check_wait_within(const run_result *r, int warm_months, double theory, double max_rel)
{
    double *w = malloc(r->nrep * sizeof *w);
    for (size_t rep = 0; rep < r->nrep; rep++) {
        double num = 0, den = 0;
        for (int m = warm_months; m < r->m->layout.nmonths; m++) {
            double n = val(r, rep, "entered_treatment", "all", m), mean = val(r, rep, "wait_mean", "all", m);
            if (n > 0)
                num += n * mean, den += n;
        }
        w[rep] = num / den;
    }
    sim_ci c = sim_ci_column(w, r->nrep, 1, 0, 0.999);
    fprintf(stderr, "mean wait %.3f, 99.9%% CI [%.3f, %.3f], theory %.3f\n", c.mean, c.lo, c.hi, theory);
    cr_assert(c.lo <= theory && theory <= c.hi, "mean wait: theory %.3f outside 99.9%% CI [%.3f, %.3f]", theory, c.lo,
              c.hi);
    if (max_rel > 0)
        cr_assert_leq((c.hi - c.lo) / 2, max_rel * theory,
                      "mean wait: 99.9%% CI [%.3f, %.3f] wider than +-%.0f%% of %.3f", c.lo, c.hi, 100 * max_rel,
                      theory);
    free(w);
}

static void check_wait(const run_result *r, int warm_months, double theory)
{
    check_wait_within(r, warm_months, theory, 0);
}

Test(model, reduces_to_mm3, .timeout = 300)
{
    run_result r;
    run_scenario(&r, DATA("tests/data/model/mmc.yaml"), 0, 2);
    double lambda = 0.24, mu = 0.1, wq = erlang_c(3, lambda / mu) / (3 * mu - lambda);
    check_wait(&r, 24, wq + 1.0);
    run_free(&r);
}

/* One clinician, one 60-minute session a day, Poisson referrals at 0.8 a
 * day (diary.yaml works out the theory): mean wait 0.8^2 / (2 x 0.2) +
 * 0.8 / 2 = 2.0 days, diary 80% used (its months' mean after warm-up, each
 * replication's a mean of 336 months, so the t interval applies). */
Test(model, diary_bound_queue, .timeout = 300)
{
    run_result r;
    run_scenario(&r, DATA("tests/data/model/diary.yaml"), 0, 2);
    cr_assert_eq(val(&r, 0, "overbooked", "all", 12), 0);
    check_wait_within(&r, 24, 0.8 * 0.8 / (2 * 0.2) + 0.8 / 2, 0.05);
    double *u = malloc(r.nrep * sizeof *u);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        double sum = 0;
        int n = 0;
        for (int m = 24; m < r.m->layout.nmonths; m++, n++)
            sum += val(&r, rep, "diary_utilisation", "all", m);
        u[rep] = sum / n;
    }
    sim_ci c = sim_ci_column(u, r.nrep, 1, 0, 0.999);
    fprintf(stderr, "diary use %.3f%%, 99.9%% CI [%.3f, %.3f], theory 80%%\n", c.mean, c.lo, c.hi);
    cr_assert(c.lo <= 80 && 80 <= c.hi, "diary use: 80%% outside 99.9%% CI [%.3f, %.3f]", c.lo, c.hi);
    cr_assert_leq((c.hi - c.lo) / 2, 0.05 * 80);
    free(u);
    run_free(&r);
}

Test(model, reduces_to_mm1, .timeout = 300)
{
    run_result r;
    run_scenario(&r, DATA("tests/data/model/mm1.yaml"), 0, 2);
    check_wait(&r, 24, 0.8 / (0.1 - 0.08) + 1.0);
    run_free(&r);
}

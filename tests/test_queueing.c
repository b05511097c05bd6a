/*
 * tests/test_queueing.c: the engine against queueing theory, through the
 * reference bank queue (bench/queue_model.h).
 *
 * Each check runs R independent replications (on 2 threads), each of a long
 * run after a warm-up far longer than the queue's relaxation time, and
 * requires the theoretical value to lie inside the 99.9% Student-t
 * confidence interval of the replication means. If the engine is right, a
 * given check fails with probability 0.001 for a random seed; the seeds are
 * fixed, so the result is reproducible. Warm-up bias is below 1e-6 of the
 * interval width at these run lengths (relaxation time about 1/(mu(1 -
 * sqrt(rho))^2) = 90 time units at rho = 0.8, warm-up 5,000).
 */
#include <criterion/criterion.h>
#include <math.h>


#include "queue_model.h"
#include "queueing_theory.h"
#include "sim/replicate.h"

enum { OUT_WAIT, OUT_QUEUE, OUT_SYSTEM, OUT_OVERLAP, OUT_LAMBDA, OUT_SOJOURN, OUT_UTIL, OUT_LITTLE_GAP, NOUT };

static int rep_fn(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    (void)nout;
    qm_result r;
    if (qm_run(ctx, seed, rep, &r))
        return -1;
    out[OUT_WAIT] = r.mean_wait;
    out[OUT_QUEUE] = r.mean_queue;
    out[OUT_SYSTEM] = r.mean_system;
    out[OUT_OVERLAP] = r.overlap_mean;
    out[OUT_LAMBDA] = r.arrival_rate;
    out[OUT_SOJOURN] = r.mean_sojourn;
    out[OUT_UTIL] = r.utilisation;
    out[OUT_LITTLE_GAP] = r.mean_system - r.arrival_rate * r.mean_sojourn;
    return 0;
}

enum { R = 20 };

static void run(qm_params *p, double *x)
{
    cr_assert_eq(sim_dist_prepare(&p->service), 0);
    cr_assert_eq(sim_replicate(rep_fn, p, 12345, 0, R, NOUT, 2, x, NULL), 0);
}

static void expect_in_ci(const double *x, int col, double theory, const char *what)
{
    sim_ci c = sim_ci_column(x, R, NOUT, (size_t)col, 0.999);
    cr_assert(c.lo <= theory && theory <= c.hi, "%s: theory %.5f outside 99.9%% CI [%.5f, %.5f] (mean %.5f)", what,
              theory, c.lo, c.hi, c.mean);
}


Test(queueing, mm1_waits_and_queue_length, .timeout = 120)
{
    /* lambda 0.8, mu 1: Wq = rho/(mu - lambda) = 4, Lq = 3.2, L = 4, W = 5 */
    qm_params p = {1.25, sim_dist_exponential(1.0), 1, 200000, 5000};
    static double x[R * NOUT];
    run(&p, x);
    expect_in_ci(x, OUT_WAIT, 4.0, "M/M/1 Wq");
    expect_in_ci(x, OUT_QUEUE, 3.2, "M/M/1 Lq");
    expect_in_ci(x, OUT_SYSTEM, 4.0, "M/M/1 L");
    expect_in_ci(x, OUT_SOJOURN, 5.0, "M/M/1 W");
    expect_in_ci(x, OUT_UTIL, 0.8, "M/M/1 utilisation");
}

Test(queueing, mmc_erlang_c, .timeout = 120)
{
    /* c = 3, lambda 2.4, mu 1 (rho 0.8): Wq = C(3, 2.4) / (3 - 2.4) */
    const int c = 3;
    const double lambda = 2.4, a = 2.4;
    double pw = erlang_c(c, a), wq = pw / (c - lambda);
    cr_assert_float_eq(pw, 0.64719, 1e-5, "Erlang C formula itself (tabulated value)");
    qm_params p = {1 / lambda, sim_dist_exponential(1.0), c, 400000, 5000};
    static double x[R * NOUT];
    run(&p, x);
    expect_in_ci(x, OUT_WAIT, wq, "M/M/3 Wq");
    expect_in_ci(x, OUT_QUEUE, lambda * wq, "M/M/3 Lq");
    expect_in_ci(x, OUT_UTIL, 0.8, "M/M/3 utilisation");
}

Test(queueing, md1_pollaczek_khinchine, .timeout = 120)
{
    /* lambda 0.8, deterministic service 1: Wq = rho D / (2 (1 - rho)) = 2 */
    qm_params p = {1.25, sim_dist_constant(1.0), 1, 200000, 5000};
    static double x[R * NOUT];
    run(&p, x);
    expect_in_ci(x, OUT_WAIT, 2.0, "M/D/1 Wq");
    expect_in_ci(x, OUT_QUEUE, 1.6, "M/D/1 Lq");
}

Test(queueing, littles_law_on_a_run, .timeout = 120)
{
    qm_params p = {1.0 / 1.8, sim_dist_make(SIM_DIST_LOGNORMAL, 1.0, 1.5, 0), 2, 100000, 2000};
    static double x[R * NOUT];
    run(&p, x);
    for (int r = 0; r < R; r++) {
        /* Exact on every run: the time-average number inside equals the
         * total time spent inside the window over its length. Only floating
         * point rounding separates them. */
        double L = x[r * NOUT + OUT_SYSTEM], overlap = x[r * NOUT + OUT_OVERLAP];
        cr_assert_leq(fabs(L - overlap), 1e-9 * L, "rep %d: L %.12g vs %.12g", r, L, overlap);
    }
    /* L = lambda W, with W over completed customers: the edge effect is the
     * few customers inside at the end, and its expectation is 0 in the
     * confidence-interval sense. */
    expect_in_ci(x, OUT_LITTLE_GAP, 0.0, "L - lambda W");
}

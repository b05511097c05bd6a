/*
 * tests/test_replicate.c: replications give the same numbers bit for bit on
 * any number of threads; confidence intervals use Student's t; automatic
 * replication counts stop where they should.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "queue_model.h"
#include "sim/replicate.h"
#include "sim/rng.h"

static int queue_rep(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    qm_result r;
    if (qm_run(ctx, seed, rep, &r))
        return -1;
    double v[] = {r.mean_wait, r.mean_queue, r.mean_system, r.utilisation, (double)r.served, r.end_time};
    memcpy(out, v, nout * sizeof(double));
    return 0;
}

Test(replicate, identical_bits_for_any_thread_count, .timeout = 120)
{
    qm_params p = {1.25, sim_dist_exponential(1.0), 1, 20000, 100};
    sim_dist_prepare(&p.service);
    enum { N = 7, K = 6 };
    double a[N * K], b[N * K], c[N * K];
    cr_assert_eq(sim_replicate(queue_rep, &p, 99, 0, N, K, 1, a, NULL), 0);
    cr_assert_eq(sim_replicate(queue_rep, &p, 99, 0, N, K, 2, b, NULL), 0);
    cr_assert_eq(sim_replicate(queue_rep, &p, 99, 0, N, K, 16, c, NULL), 0);
    cr_assert_eq(memcmp(a, b, sizeof a), 0, "1 thread vs 2 threads differ");
    cr_assert_eq(memcmp(a, c, sizeof a), 0, "1 thread vs 16 threads differ");
    /* A block of replications started elsewhere is the same as the rows of
     * a full run (what a distributed run relies on). */
    double d[3 * K];
    cr_assert_eq(sim_replicate(queue_rep, &p, 99, 4, 3, K, 2, d, NULL), 0);
    cr_assert_eq(memcmp(a + 4 * K, d, sizeof d), 0);
    /* A different seed gives different numbers. */
    cr_assert_eq(sim_replicate(queue_rep, &p, 100, 0, N, K, 2, c, NULL), 0);
    cr_assert_neq(memcmp(a, c, sizeof a), 0);
}

static int failing_rep(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    (void)ctx, (void)seed, (void)nout;
    out[0] = (double)rep;
    return rep == 5 || rep == 3 ? (int)rep + 100 : 0;
}

Test(replicate, reports_the_lowest_failing_replication)
{
    double x[10];
    uint64_t bad = 0;
    cr_assert_eq(sim_replicate(failing_rep, NULL, 1, 0, 10, 1, 2, x, &bad), 103);
    cr_assert_eq(bad, 3);
}

Test(replicate, student_t_interval)
{
    const double x[] = {1, 2, NAN, 3, 4, 5};
    sim_ci c = sim_ci_column(x, 6, 1, 0, 0.95);
    cr_assert_eq(c.n, 5, "NaN is skipped");
    cr_assert_float_eq(c.mean, 3, 1e-12);
    cr_assert_float_eq(c.sd, sqrt(2.5), 1e-12);
    /* t(0.975, 4) = 2.7764451052 */
    cr_assert_float_eq(c.half, 2.7764451052 * sqrt(2.5) / sqrt(5), 1e-9);
    cr_assert_float_eq(c.lo, 3 - c.half, 1e-12);
    sim_ci one = sim_ci_column(x, 1, 1, 0, 0.95);
    cr_assert_eq(one.n, 1);
    cr_assert_eq(one.lo, 1);
    cr_assert(isnan(one.sd));
    sim_ci none = sim_ci_column(x + 2, 1, 1, 0, 0.95);
    cr_assert_eq(none.n, 0);
    cr_assert(isnan(none.mean));
}

/* A replication whose single output is normal(10, 2): the relative
 * half-width after n replications is about 1.96 * 2 / (10 sqrt(n)). */
static int normal_rep(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    (void)ctx, (void)nout;
    gsl_rng *r = sim_rng_create(seed, rep, 1);
    out[0] = 10 + gsl_ran_gaussian(r, 2);
    out[1] = 0; /* an output that is always 0 is ignored by the stopping rule */
    gsl_rng_free(r);
    return 0;
}

Test(replicate, automatic_count_meets_target_deterministically)
{
    sim_auto_opts o = {0.95, 0.02, 5, 1000, NULL, 0};
    double *x1, *x2;
    size_t n1, n2;
    int met1, met2;
    cr_assert_eq(sim_replicate_auto(normal_rep, NULL, 7, 2, 1, &o, &x1, &n1, &met1), 0);
    cr_assert_eq(sim_replicate_auto(normal_rep, NULL, 7, 2, 2, &o, &x2, &n2, &met2), 0);
    cr_assert(met1);
    cr_assert_eq(n1, n2);
    cr_assert_eq(memcmp(x1, x2, n1 * 2 * sizeof(double)), 0);
    sim_ci c = sim_ci_column(x1, n1, 2, 0, 0.95);
    cr_assert_leq(c.half / c.mean, 0.02);
    /* about (1.96*2/(10*0.02))^2 = 384 replications are needed */
    cr_assert(n1 > 250 && n1 < 600, "stopped after %zu", n1);
    free(x1);
    free(x2);
    sim_auto_opts tight = {0.95, 0.0001, 5, 40, NULL, 0};
    cr_assert_eq(sim_replicate_auto(normal_rep, NULL, 7, 2, 2, &tight, &x1, &n1, &met1), 0);
    cr_assert_not(met1);
    cr_assert_eq(n1, 40, "stops at max_reps");
    free(x1);
}

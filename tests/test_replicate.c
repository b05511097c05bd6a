/*
 * tests/test_replicate.c: replications give the same numbers bit for bit on
 * any number of threads; confidence intervals use Student's t; automatic
 * replication counts stop where they should (watching only the listed
 * outputs, never met while a watched output has no interval); a GSL error
 * fails its replication.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_log.h>

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

/* A replication that raises a GSL error (log of a negative number) in
 * replication 3 but reports success itself. */
static int gsl_error_rep(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    (void)ctx, (void)seed, (void)nout;
    out[0] = rep == 3 ? gsl_sf_log(-1.0) : (double)rep;
    return 0;
}

Test(replicate, a_gsl_error_fails_its_replication)
{
    double x[6];
    uint64_t bad = 0;
    cr_assert_eq(sim_replicate(gsl_error_rep, NULL, 1, 0, 6, 1, 2, x, &bad), SIM_REP_GSL_ERROR);
    cr_assert_eq(bad, 3);
    /* The calling thread is a worker: after replication 3 erred on it, the
     * next replication on it starts with a clean count. */
    cr_assert_eq(sim_replicate(gsl_error_rep, NULL, 1, 3, 1, 1, 1, x, &bad), SIM_REP_GSL_ERROR);
    cr_assert_eq(sim_replicate(gsl_error_rep, NULL, 1, 4, 2, 1, 1, x, NULL), 0);
    cr_assert_eq(x[0], 4);
}

/* Output 0 as in normal_rep (same stream), output 1 ten times noisier. */
static int two_noise_rep(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    (void)ctx, (void)nout;
    gsl_rng *r = sim_rng_create(seed, rep, 1);
    gsl_rng *r2 = sim_rng_create(seed, rep, 2);
    out[0] = 10 + gsl_ran_gaussian(r, 2);
    out[1] = 10 + gsl_ran_gaussian(r2, 20);
    gsl_rng_free(r);
    gsl_rng_free(r2);
    return 0;
}

Test(replicate, automatic_count_watches_only_the_listed_outputs)
{
    /* Watching output 0 alone needs about 384 replications (as above);
     * watching both needs 100 times more, so stops at max_reps unmet. */
    const size_t first[] = {0};
    sim_auto_opts o = {0.95, 0.02, 5, 1000, first, 1};
    double *x;
    size_t n;
    int met;
    cr_assert_eq(sim_replicate_auto(two_noise_rep, NULL, 7, 2, 2, &o, &x, &n, &met), 0);
    cr_assert(met);
    cr_assert(n > 250 && n < 600, "stopped after %zu", n);
    sim_ci c1 = sim_ci_column(x, n, 2, 1, 0.95);
    cr_assert_gt(c1.half / c1.mean, 0.02, "the unwatched output is far from the target");
    free(x);
    sim_auto_opts all = {0.95, 0.02, 5, 1000, NULL, 0};
    cr_assert_eq(sim_replicate_auto(two_noise_rep, NULL, 7, 2, 2, &all, &x, &n, &met), 0);
    cr_assert_not(met);
    cr_assert_eq(n, 1000);
    free(x);
}

/* Output 0 normal(10, 2); output 1 undefined (NaN) before replication
 * `from` and 3 from then on; from = UINT64_MAX: defined only in
 * replication 0. */
static int late_output_rep(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    uint64_t from = *(const uint64_t *)ctx;
    normal_rep(NULL, seed, rep, out, nout);
    out[1] = from == UINT64_MAX ? (rep == 0 ? 3 : NAN) : (rep >= from ? 3 : NAN);
    return 0;
}

Test(replicate, automatic_count_not_met_while_a_watched_output_has_no_interval)
{
    /* Output 0 meets a 50% target after the first 5 replications (about
     * 2.78 * 2 / (10 sqrt 5) = 25%). Output 1 has no interval until two
     * replications define it: the target is not met until then, and the
     * count doubles while it has none. */
    const size_t both[] = {0, 1};
    sim_auto_opts o = {0.95, 0.5, 5, 40, both, 2};
    double *x;
    size_t n;
    int met;
    uint64_t from = 7; /* defined in 7, 8, 9: constant, so a zero-width interval */
    cr_assert_eq(sim_replicate_auto(late_output_rep, &from, 7, 2, 1, &o, &x, &n, &met), 0);
    cr_assert(met);
    cr_assert_eq(n, 10, "5 replications, none defining output 1, then doubled: stopped after %zu", n);
    free(x);
    from = UINT64_MAX; /* one defined value, ever */
    cr_assert_eq(sim_replicate_auto(late_output_rep, &from, 7, 2, 2, &o, &x, &n, &met), 0);
    cr_assert_not(met, "an output with one defined value has no interval");
    cr_assert_eq(n, 40);
    free(x);
}

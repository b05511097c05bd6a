/*
 * tests/test_rng.c: random streams and samplers.
 *
 * Known values come from an independent implementation (the published
 * xoshiro256** test vector for state {1,2,3,4}, and a Python transcription of
 * splitmix64 and the key mix for seeded streams).
 *
 * Tolerances for sampled statistics: with n draws, a sample mean has standard
 * error sd/sqrt(n) and a sample variance sqrt((m4 - sd^4)/n) (m4 the fourth
 * central moment, estimated from the sample); both are close to normal at
 * these n. Every check allows 4.5 standard errors, so a correct sampler
 * fails a given check with probability below 7e-6 (the seeds are fixed, so
 * the outcome is in any case reproducible). Correlations of independent
 * streams have standard error 1/sqrt(n); the same 4.5 applies.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "sim/dist.h"
#include "sim/rng.h"

#define Z 4.5

Test(rng, generator_matches_published_test_vector)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_xoshiro256ss);
    uint64_t st[4] = {1, 2, 3, 4};
    memcpy(gsl_rng_state(r), st, sizeof st);
    /* Reference outputs 4..8 are 1215971899390074240, 1216172134540287360,
     * 607988272756665600, 16172922978634559625, 8476171486693032832;
     * gsl_rng_get returns their upper 32 bits. */
    const unsigned long want[] = {0, 0, 0, 283115520, 283162140, 141558300, 3765552066, 1973512462};
    for (int i = 0; i < 8; i++)
        cr_assert_eq(gsl_rng_get(r), want[i], "output %d", i);
    cr_assert_eq(gsl_rng_max(r), 0xffffffffUL);
    cr_assert_str_eq(gsl_rng_name(r), "xoshiro256**");
    gsl_rng_free(r);
}

Test(rng, seeded_streams_give_known_values)
{
    cr_assert_eq(sim_rng_key(42, 0, 1), UINT64_C(0xb682ee25ce24109e));
    gsl_rng *r = sim_rng_create(42, 0, 1);
    const unsigned long want[] = {1525846269, 3592392645, 404544681, 229273560, 3262851184};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(gsl_rng_get(r), want[i]);
    gsl_rng_free(r);
    r = sim_rng_create(42, 3, 7);
    cr_assert_eq(gsl_rng_uniform(r), 0.2590131443154894);
    gsl_rng_free(r);
}

Test(rng, same_key_same_stream_and_reseed)
{
    gsl_rng *a = sim_rng_create(7, 2, 3), *b = sim_rng_create(7, 2, 3);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
    sim_rng_seed(a, 7, 2, 3);
    gsl_rng *c = sim_rng_create(7, 2, 3);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(c));
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

Test(rng, stream_ids_from_names)
{
    /* FNV-1a 64 reference values. */
    cr_assert_eq(sim_rng_stream_id(""), UINT64_C(0xcbf29ce484222325));
    cr_assert_eq(sim_rng_stream_id("a"), UINT64_C(0xaf63dc4c8601ec8c));
    cr_assert_neq(sim_rng_stream_id("arrivals/core/gp"), sim_rng_stream_id("arrivals/core/self"));
}

static double correlation(gsl_rng *a, gsl_rng *b, int n)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < n; i++) {
        double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);
        sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y;
    }
    double cov = sab / n - (sa / n) * (sb / n);
    return cov / sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
}

Test(rng, neighbouring_streams_are_uncorrelated)
{
    const int n = 200000;
    /* neighbouring stream ids, replications and master seeds */
    const uint64_t keys[][6] = {{1, 0, 1, 1, 0, 2}, {1, 0, 1, 1, 1, 1}, {1, 0, 1, 2, 0, 1}, {0, 0, 0, 0, 0, 1}};
    for (int k = 0; k < 4; k++) {
        gsl_rng *a = sim_rng_create(keys[k][0], keys[k][1], keys[k][2]);
        gsl_rng *b = sim_rng_create(keys[k][3], keys[k][4], keys[k][5]);
        double r = correlation(a, b, n);
        cr_assert_lt(fabs(r), Z / sqrt(n), "pair %d: correlation %g", k, r);
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}

Test(rng, uniform_passes_chi_square)
{
    enum { BINS = 100 };
    const int n = 1000000;
    long count[BINS] = {0};
    gsl_rng *r = sim_rng_create(99, 0, 5);
    for (int i = 0; i < n; i++)
        count[(int)(gsl_rng_uniform(r) * BINS)]++;
    double chi2 = 0, e = (double)n / BINS;
    for (int i = 0; i < BINS; i++)
        chi2 += ((double)count[i] - e) * ((double)count[i] - e) / e;
    /* p-value of the statistic under uniformity: reject only below 1e-6. */
    cr_assert_gt(gsl_cdf_chisq_Q(chi2, BINS - 1), 1e-6, "chi2 = %g", chi2);
    gsl_rng_free(r);
}

/* The ziggurat exponential against the exponential CDF: 1000 bins of equal
 * probability (edges -log(1 - k/1000)), so the base box, every layer's
 * wedge and the tail beyond 7.697 all fall in tested bins; the tail's own
 * frequency, exp(-7.697) = 4.5e-4, as a binomial count; and the tail's shape:
 * beyond 7.697 the excess is again exponential with mean 1 (about 9,000
 * tail draws, standard error 0.011). Each allows 4.5 standard errors. */
Test(rng, ziggurat_exponential_matches_the_cdf)
{
    enum { BINS = 1000 };
    const int n = 20000000;
    static long count[BINS];
    long tail = 0;
    double excess = 0;
    gsl_rng *r = sim_rng_create(77, 0, 9);
    for (int i = 0; i < n; i++) {
        double x = sim_rng_exponential(r, 2.0) / 2.0;
        cr_assert(x >= 0 && isfinite(x));
        int b = (int)(-expm1(-x) * BINS);
        count[b < BINS ? b : BINS - 1]++;
        if (x > 7.69711747013104972) {
            tail++;
            excess += x - 7.69711747013104972;
        }
    }
    double chi2 = 0, e = (double)n / BINS;
    for (int i = 0; i < BINS; i++)
        chi2 += ((double)count[i] - e) * ((double)count[i] - e) / e;
    cr_assert_gt(gsl_cdf_chisq_Q(chi2, BINS - 1), 1e-6, "chi2 = %g", chi2);
    double p = exp(-7.69711747013104972), se = sqrt(n * p * (1 - p));
    cr_assert_leq(fabs((double)tail - n * p), Z * se, "tail count %ld, expected %g", tail, n * p);
    double mean_excess = excess / (double)tail;
    cr_assert_leq(fabs(mean_excess - 1), Z / sqrt((double)tail), "tail excess mean %g, expected 1", mean_excess);
    gsl_rng_free(r);
}

/* The ziggurat on GSL's own generators, whose gsl_rng_get gives fewer
 * than 64 bits: mt19937 and ranlxd2 (32 bits), ranlux (24 bits: the layer
 * index comes from the low bits, so bits must be shifted in, not scaled)
 * and ran0 (values 1..2147483646, not a power of two: 30 bits kept, values
 * above drawn again). For each, every one of sim_rng_u64's 64 bits is set
 * in half of n draws (binomial standard error sqrt(n) / 2), and exponentials
 * of mean 2 have mean 2 and variance 4: standard errors 2 / sqrt(n) and
 * sqrt((m4 - sigma^4) / n) = 4 sqrt(8 / n), since an exponential's fourth
 * central moment is 9 sigma^4. Each check allows 4.5 standard errors, as
 * above; the engine's own generator is covered by the CDF test. */
Test(rng, ziggurat_exponential_on_gsl_generators)
{
    const gsl_rng_type *types[] = {gsl_rng_mt19937, gsl_rng_ranlxd2, gsl_rng_ranlux, gsl_rng_ran0};
    const int n = 400000;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        gsl_rng *r = gsl_rng_alloc(types[t]);
        gsl_rng_set(r, 2024 + t); /* GSL's generators take 32-bit seeds (ran0 misbehaves with more) */
        const char *name = gsl_rng_name(r);
        long ones[64] = {0};
        for (int i = 0; i < n; i++) {
            uint64_t b = sim_rng_u64(r);
            for (int k = 0; k < 64; k++)
                ones[k] += (long)(b >> k & 1);
        }
        for (int k = 0; k < 64; k++)
            cr_assert_leq(fabs((double)ones[k] - n / 2.0), Z * sqrt((double)n) / 2, "%s: bit %d set %ld times of %d",
                          name, k, ones[k], n);
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; i++) {
            double x = sim_rng_exponential(r, 2.0);
            sum += x;
            sum2 += x * x;
        }
        double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
        double se_mean = 2 / sqrt((double)n), se_var = 4 * sqrt(8.0 / n);
        cr_assert_leq(fabs(mean - 2), Z * se_mean, "%s: mean %g, expected 2 (se %g)", name, mean, se_mean);
        cr_assert_leq(fabs(var - 4), Z * se_var, "%s: variance %g, expected 4 (se %g)", name, var, se_var);
        gsl_rng_free(r);
    }
}

/* Checks a sampler's mean and variance against theory, as described at the
 * top of the file. */
static void check_moments(sim_dist d, const char *label)
{
    cr_assert_eq(sim_dist_prepare(&d), 0, "%s: prepare", label);
    const int n = 400000;
    gsl_rng *r = sim_rng_create(2024, 0, sim_rng_stream_id(label));
    double *x = malloc((size_t)n * sizeof *x);
    double mean = 0;
    for (int i = 0; i < n; i++) {
        x[i] = sim_dist_sample(&d, r);
        cr_assert(x[i] >= sim_dist_min(&d) && x[i] <= sim_dist_max(&d), "%s: %g outside support", label, x[i]);
        mean += x[i];
    }
    mean /= n;
    double m2 = 0, m4 = 0;
    for (int i = 0; i < n; i++) {
        double c = x[i] - mean;
        m2 += c * c;
        m4 += c * c * c * c;
    }
    double var = m2 / (n - 1);
    m4 /= n;
    double mu = sim_dist_mean(&d), sigma2 = sim_dist_var(&d);
    double se_mean = sqrt(sigma2 / n);
    double se_var = sqrt(fmax(m4 - var * var, 0) / n);
    cr_assert_leq(fabs(mean - mu), Z * se_mean + 1e-12, "%s: mean %g vs %g (se %g)", label, mean, mu, se_mean);
    cr_assert_leq(fabs(var - sigma2), Z * se_var + 1e-12, "%s: variance %g vs %g (se %g)", label, var, sigma2,
                  se_var);
    free(x);
    gsl_rng_free(r);
    sim_dist_free(&d);
}

Test(dist, samplers_match_theory)
{
    check_moments(sim_dist_constant(3.5), "constant");
    check_moments(sim_dist_exponential(6), "exponential");
    check_moments(sim_dist_make(SIM_DIST_GAMMA, 6, 2, 0), "gamma");
    check_moments(sim_dist_make(SIM_DIST_GAMMA, 2, 3, 0), "gamma-shape<1");
    check_moments(sim_dist_make(SIM_DIST_LOGNORMAL, 6, 2, 0), "lognormal");
    check_moments(sim_dist_make(SIM_DIST_WEIBULL, 1.5, 10, 0), "weibull");
    check_moments(sim_dist_make(SIM_DIST_TRIANGULAR, 2, 3, 10), "triangular");
    check_moments(sim_dist_make(SIM_DIST_UNIFORM, 4, 9, 0), "uniform");
    check_moments(sim_dist_make(SIM_DIST_BERNOULLI, 0.12, 0, 0), "bernoulli");
    check_moments(sim_dist_make(SIM_DIST_POISSON, 7.5, 0, 0), "poisson");
    check_moments(sim_dist_make(SIM_DIST_GEOMETRIC, 4, 0, 0), "geometric");
}

Test(dist, empirical_frequencies_and_moments)
{
    double values[] = {2, 4, 6, 8, 12};
    double weights[] = {1, 2, 4, 2, 1};
    sim_dist d = sim_dist_make(SIM_DIST_EMPIRICAL, 0, 0, 0);
    d.n = 5;
    d.values = malloc(sizeof values);
    d.weights = malloc(sizeof weights);
    memcpy(d.values, values, sizeof values);
    memcpy(d.weights, weights, sizeof weights);
    cr_assert_float_eq(sim_dist_mean(&d), 6.2, 1e-12);
    sim_dist copy;
    cr_assert_eq(sim_dist_copy(&copy, &d), 0);
    check_moments(copy, "empirical");
    cr_assert_eq(sim_dist_prepare(&d), 0);
    const int n = 500000;
    long count[5] = {0};
    gsl_rng *r = sim_rng_create(5, 0, 0);
    for (int i = 0; i < n; i++) {
        double v = sim_dist_sample(&d, r);
        for (int k = 0; k < 5; k++)
            count[k] += v == values[k];
    }
    double chi2 = 0;
    for (int k = 0; k < 5; k++) {
        double e = n * weights[k] / 10;
        chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
    }
    cr_assert_gt(gsl_cdf_chisq_Q(chi2, 4), 1e-6, "chi2 = %g", chi2);
    gsl_rng_free(r);
    sim_dist_free(&d);
}

Test(dist, lognormal_and_gamma_take_mean_and_sd_of_the_value)
{
    sim_dist d = sim_dist_make(SIM_DIST_LOGNORMAL, 6, 2, 0);
    cr_assert_eq(sim_dist_prepare(&d), 0);
    /* sigma^2 = ln(1 + 4/36), mu = ln 6 - sigma^2/2 */
    cr_assert_float_eq(d.d[1], sqrt(log(1 + 4.0 / 36)), 1e-15);
    cr_assert_float_eq(d.d[0], log(6) - 0.5 * log(1 + 4.0 / 36), 1e-15);
    sim_dist g = sim_dist_make(SIM_DIST_GAMMA, 6, 2, 0);
    cr_assert_eq(sim_dist_prepare(&g), 0);
    cr_assert_float_eq(g.d[0], 9.0, 1e-15);
    cr_assert_float_eq(g.d[1], 2.0 / 3, 1e-15);
}

Test(dist, bounded_draws_stay_in_range)
{
    /* An exponential with mean 1 cut at 0.5: P(X > 0.5) = e^-0.5, so about
     * 61% of 10,000 draws sit at the bound; none is above it. */
    sim_dist d = sim_dist_exponential(1);
    cr_assert_eq(sim_dist_prepare(&d), 0);
    sim_dist_bound(&d, 0, 0.5);
    cr_assert_eq(sim_dist_max(&d), 0.5);
    cr_assert_eq(sim_dist_min(&d), 0);
    gsl_rng *r = sim_rng_create(1, 0, 1);
    int at = 0;
    for (int i = 0; i < 10000; i++) {
        double x = sim_dist_sample(&d, r);
        cr_assert(x >= 0 && x <= 0.5, "draw %g", x);
        at += x == 0.5;
    }
    /* binomial(10000, 0.6065): sd 49, so 5 sd either side */
    cr_assert(at > 6065 - 245 && at < 6065 + 245, "%d at the bound", at);
    gsl_rng_free(r);
}

Test(dist, invalid_parameters_are_named)
{
    struct {
        sim_dist d;
        const char *msg;
    } cases[] = {
        {sim_dist_make(SIM_DIST_EXPONENTIAL, 0, 0, 0), "mean must be > 0"},
        {sim_dist_make(SIM_DIST_LOGNORMAL, 6, 0, 0), "sd must be > 0"},
        {sim_dist_make(SIM_DIST_GAMMA, -1, 1, 0), "mean must be > 0"},
        {sim_dist_make(SIM_DIST_WEIBULL, 0, 1, 0), "shape must be > 0"},
        {sim_dist_make(SIM_DIST_TRIANGULAR, 3, 2, 5), "need min <= mode <= max"},
        {sim_dist_make(SIM_DIST_UNIFORM, 2, 2, 0), "need min < max"},
        {sim_dist_make(SIM_DIST_BERNOULLI, 1.5, 0, 0), "p must be within [0, 1]"},
        {sim_dist_make(SIM_DIST_GEOMETRIC, 0.5, 0, 0), "mean must be >= 1"},
        {sim_dist_make(SIM_DIST_GAMMA, 1e-300, 1e300, 0), "need sd between mean / 1e6 and 1000 x mean"},
        {sim_dist_make(SIM_DIST_LOGNORMAL, 1, 1e-7, 0), "need sd between mean / 1e6 and 1000 x mean"},
        {sim_dist_make(SIM_DIST_EXPONENTIAL, NAN, 0, 0), "parameters must be finite numbers"},
        {sim_dist_make(SIM_DIST_EMPIRICAL, 0, 0, 0), "values and weights must be non-empty lists of the same length"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = sim_dist_check(&cases[i].d);
        cr_assert(got, "case %zu accepted", i);
        cr_assert_str_eq(got, cases[i].msg);
        cr_assert_eq(sim_dist_prepare(&cases[i].d), -1);
    }
}

Test(rng, gsl_errors_are_caught_not_fatal)
{
    sim_rng_install_error_handler();
    sim_gsl_errors_reset();
    double w[] = {1, -1};
    gsl_ran_discrete_t *t = gsl_ran_discrete_preproc(2, w); /* negative probability: GSL_EDOM */
    cr_assert_null(t);
    cr_assert_eq(sim_gsl_errors(), 1);
    cr_assert(strstr(sim_gsl_first_error(), "GSL error"), "%s", sim_gsl_first_error());
    sim_gsl_errors_reset();
    cr_assert_eq(sim_gsl_errors(), 0);
}

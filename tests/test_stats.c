/*
 * tests/test_stats.c: tallies, time-weighted levels, quantile estimators.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/rng.h"
#include "sim/stats.h"

Test(stats, tally_matches_two_pass_and_merges_exactly)
{
    enum { N = 10000 };
    static double x[N];
    gsl_rng *r = sim_rng_create(1, 0, 0);
    sim_tally all, a, b;
    sim_tally_init(&all);
    sim_tally_init(&a);
    sim_tally_init(&b);
    for (int i = 0; i < N; i++) {
        x[i] = 1e6 + gsl_ran_gaussian(r, 3); /* large offset: naive sums would lose digits */
        sim_tally_add(&all, x[i]);
        sim_tally_add(i < 3000 ? &a : &b, x[i]);
    }
    /* Two correct double-precision algorithms differ by at most the rounding
     * of n updates: n * eps relative for the mean; for the variance each
     * deviation x - mean carries an absolute error of eps * |mean|, i.e. a
     * relative one of eps * |mean| / sd, so n * eps * |mean| / sd. */
    double mean = gsl_stats_mean(x, 1, N), var = gsl_stats_variance(x, 1, N);
    const double tol = N * DBL_EPSILON, tol_var = tol * fabs(mean) / sqrt(var);
    cr_assert_float_eq(sim_tally_mean(&all), mean, tol * mean);
    cr_assert_float_eq(sim_tally_var(&all), var, tol_var * var);
    sim_tally_merge(&a, &b);
    cr_assert_eq(a.n, (uint64_t)N);
    cr_assert_float_eq(a.mean, all.mean, tol * mean);
    cr_assert_float_eq(sim_tally_var(&a), var, tol_var * var);
    cr_assert_eq(a.min, gsl_stats_min(x, 1, N));
    cr_assert_eq(a.max, gsl_stats_max(x, 1, N));
    sim_tally e;
    sim_tally_init(&e);
    cr_assert(isnan(sim_tally_mean(&e)));
    sim_tally_add(&e, 2);
    cr_assert(isnan(sim_tally_var(&e)));
    gsl_rng_free(r);
}

Test(stats, time_weighted_level)
{
    sim_twstat w;
    sim_tw_init(&w, 0, 2);  /* 2 on [0,3) */
    sim_tw_set(&w, 3, 5);   /* 5 on [3,4) */
    sim_tw_add(&w, 4, -5);  /* 0 on [4,10) */
    cr_assert_float_eq(sim_tw_area(&w, 10), 11, 1e-12);
    cr_assert_float_eq(sim_tw_mean(&w, 10), 1.1, 1e-12);
    cr_assert_eq(w.max, 5);
    sim_tw_restart(&w, 10);
    sim_tw_set(&w, 12, 1);
    cr_assert_float_eq(sim_tw_mean(&w, 14), 0.5, 1e-12);
}

Test(stats, sample_quantiles_are_exact)
{
    sim_sample s;
    sim_sample_init(&s);
    cr_assert(isnan(sim_sample_quantile(&s, 0.5)));
    const double v[] = {9, 1, 5, 3, 7};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(sim_sample_add(&s, v[i]), 0);
    cr_assert_eq(sim_sample_quantile(&s, 0.5), 5);
    cr_assert_eq(sim_sample_quantile(&s, 0), 1);
    cr_assert_eq(sim_sample_quantile(&s, 1), 9);
    cr_assert_float_eq(sim_sample_quantile(&s, 0.9), 8.2, 1e-12); /* 1 + 0.9*4 = 4.6th: 7 + 0.6*2 */
    sim_sample_add(&s, 0);
    cr_assert_eq(sim_sample_quantile(&s, 0), 0, "adding after a sort re-sorts");
    sim_sample_free(&s);
}

Test(stats, p2_tracks_exact_quantiles)
{
    /* Tolerance: three standard errors of the exact sample quantile,
     * sqrt(p(1-p)/n) / f(x_p), which is the noise P2 cannot be expected to
     * beat; the estimator's own error on smooth data is far smaller. */
    const int n = 100000;
    const double ps[] = {0.5, 0.9, 0.1};
    gsl_rng *r = sim_rng_create(3, 0, 0);
    for (int k = 0; k < 3; k++) {
        sim_p2 e;
        sim_sample s;
        sim_p2_init(&e, ps[k]);
        sim_sample_init(&s);
        for (int i = 0; i < n; i++) {
            double x = gsl_ran_gaussian(r, 1);
            sim_p2_add(&e, x);
            sim_sample_add(&s, x);
        }
        double exact = sim_sample_quantile(&s, ps[k]);
        double se = sqrt(ps[k] * (1 - ps[k]) / n) / gsl_ran_ugaussian_pdf(exact);
        cr_assert_leq(fabs(sim_p2_value(&e) - exact), 3 * se, "p=%g: P2 %g exact %g", ps[k], sim_p2_value(&e),
                      exact);
        sim_sample_free(&s);
    }
    sim_p2 small;
    sim_p2_init(&small, 0.5);
    cr_assert(isnan(sim_p2_value(&small)));
    sim_p2_add(&small, 4);
    sim_p2_add(&small, 1);
    sim_p2_add(&small, 3);
    cr_assert_eq(sim_p2_value(&small), 3, "exact below five observations");
    gsl_rng_free(r);
}

Test(stats, p2_is_exact_up_to_five_observations)
{
    /* Up to five observations P2 keeps them all, so its value must be the
     * exact quantile (GSL's definition, as sim_sample_quantile): at n = 5
     * with 1..5 that is 1.4 for p = 0.1 and 4.6 for p = 0.9, not the middle
     * marker 3. */
    const double in[] = {4, 1, 5, 2, 3};
    const double ps[] = {0.1, 0.5, 0.9};
    for (int k = 0; k < 3; k++) {
        sim_p2 e;
        sim_p2_init(&e, ps[k]);
        for (size_t n = 1; n <= 5; n++) {
            sim_p2_add(&e, in[n - 1]);
            double sorted[5];
            memcpy(sorted, in, n * sizeof *sorted);
            gsl_sort(sorted, 1, n);
            double exact = gsl_stats_quantile_from_sorted_data(sorted, 1, n, ps[k]);
            cr_assert_float_eq(sim_p2_value(&e), exact, 1e-12, "p=%g n=%zu: P2 %g exact %g", ps[k], n,
                               sim_p2_value(&e), exact);
        }
    }
    sim_p2 e;
    sim_p2_init(&e, 0.9);
    for (int i = 0; i < 5; i++)
        sim_p2_add(&e, in[i]);
    cr_assert_float_eq(sim_p2_value(&e), 4.6, 1e-12);
    sim_p2_init(&e, 0.1);
    for (int i = 0; i < 5; i++)
        sim_p2_add(&e, in[i]);
    cr_assert_float_eq(sim_p2_value(&e), 1.4, 1e-12);
}

Test(stats, histogram_quantiles_within_one_bin)
{
    sim_hist h;
    cr_assert_eq(sim_hist_init(&h, 0, 1, 100), 0);
    sim_sample s;
    sim_sample_init(&s);
    gsl_rng *r = sim_rng_create(4, 0, 0);
    for (int i = 0; i < 50000; i++) {
        double x = gsl_ran_exponential(r, 20);
        sim_hist_add(&h, x);
        sim_sample_add(&s, x);
    }
    for (double p = 0.05; p < 0.96; p += 0.05)
        cr_assert_leq(fabs(sim_hist_quantile(&h, p) - sim_sample_quantile(&s, p)), 1.0, "p=%g", p);
    /* share below a bin edge is exact */
    size_t below = 0;
    for (size_t i = 0; i < s.n; i++)
        below += s.x[i] < 42;
    cr_assert_float_eq(sim_hist_share_below(&h, 42), (double)below / (double)s.n, 1e-12);
    sim_hist g;
    sim_hist_init(&g, 0, 1, 100);
    sim_hist_add(&g, -1);
    sim_hist_add(&g, 1e9);
    sim_hist_merge(&h, &g);
    cr_assert_eq(h.n, 50002);
    cr_assert_eq(h.under, 1);
    cr_assert_eq(sim_hist_quantile(&g, 0.25), 0, "underflow counts as the low edge");
    cr_assert_eq(sim_hist_quantile(&g, 0.9), 100, "overflow counts as the top edge");
    sim_hist_free(&g);
    cr_assert_eq(sim_hist_init(&g, 0, 0, 10), -1, "zero width is refused");
    sim_hist_free(&h);
    sim_sample_free(&s);
    gsl_rng_free(r);
}

Test(stats, integer_counts_give_the_same_quantiles_as_sorting)
{
    sim_icount k;
    sim_sample s;
    sim_icount_init(&k);
    sim_sample_init(&s);
    gsl_rng *r = sim_rng_create(8, 0, 0);
    for (int i = 0; i < 20000; i++) {
        long v = (long)gsl_ran_poisson(r, 25) + (i % 97 == 0 ? 400 : 0); /* with a long tail */
        cr_assert_eq(sim_icount_add(&k, v), 0);
        sim_sample_add(&s, (double)v);
    }
    const double ps[] = {0, 0.1, 0.25, 0.5, 0.5001, 0.9, 0.99, 1};
    for (int i = 0; i < 8; i++)
        cr_assert_eq(sim_icount_quantile(&k, ps[i]), sim_sample_quantile(&s, ps[i]), "p=%g", ps[i]);
    double le = 0;
    for (size_t i = 0; i < s.n; i++)
        le += s.x[i] <= 42;
    cr_assert_float_eq(sim_icount_share_le(&k, 42), le / (double)s.n, 1e-15);
    double mean = 0;
    for (size_t i = 0; i < s.n; i++)
        mean += s.x[i];
    cr_assert_float_eq(sim_icount_mean(&k), mean / (double)s.n, 1e-12);
    sim_icount_clear(&k);
    cr_assert(isnan(sim_icount_quantile(&k, 0.5)));
    sim_icount_add(&k, 3);
    cr_assert_eq(sim_icount_quantile(&k, 0.5), 3);
    sim_icount_free(&k);
    sim_sample_free(&s);
    gsl_rng_free(r);
}

Test(stats, integer_counts_refuse_values_too_large_for_memory, .timeout = 10)
{
    /* Doubling the counter array towards LONG_MAX would overflow (and loop
     * for ever); the add must fail cleanly and leave the counts alone. */
    sim_icount k;
    sim_icount_init(&k);
    cr_assert_eq(sim_icount_add(&k, 2), 0);
    cr_assert_eq(sim_icount_add(&k, LONG_MAX), -1);
    cr_assert_eq(k.n, 1);
    cr_assert_eq(sim_icount_quantile(&k, 1), 2);
    sim_icount_free(&k);
}

/* Broken input contracts are asserts: these tests need asserts compiled in
 * (every test build: RelWithDebInfo has no NDEBUG). */
#ifndef NDEBUG
Test(stats, negative_integer_count_is_a_broken_contract, .signal = SIGABRT, .timeout = 10)
{
    sim_icount k;
    sim_icount_init(&k);
    sim_icount_add(&k, -1);
}

Test(stats, nan_into_a_histogram_is_a_broken_contract, .signal = SIGABRT)
{
    sim_hist h;
    cr_assert_eq(sim_hist_init(&h, 0, 1, 10), 0);
    sim_hist_add(&h, NAN);
}
#endif

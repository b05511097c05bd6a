/*
 * sim/stats.h: output statistics collected during a run.
 *
 *   sim_tally   streaming count, mean, variance, min, max (Welford; O(1)
 *               memory, numerically stable; tallies merge exactly, Chan et al.)
 *   sim_twstat  time-weighted average of a piecewise-constant level (queue
 *               length, busy servers) between set points
 *   sim_sample  every observation kept, for exact quantiles of modest samples
 *               (O(n) memory, O(n log n) once to sort)
 *   sim_p2      P-squared estimate of one quantile in O(1) memory (Jain and
 *               Chlamtac 1985), for huge samples
 *   sim_hist    fixed-width histogram with under/overflow counts; quantiles
 *               by interpolation inside a bin, bounded memory, exact to the
 *               bin width
 *   sim_icount  counts of non-negative whole numbers (waits in days): exact
 *               quantiles (the same definition as sim_sample) in O(range),
 *               no sorting; memory grows with the largest value seen
 * None of them allocates per observation except sim_sample (amortised
 * doubling).
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_tally {
    uint64_t n;
    double mean, m2, min, max;
} sim_tally;

/* Empties a tally (no observations; nothing to free). */
void sim_tally_init(sim_tally *t);
/* Adds one observation; O(1). A NaN makes the mean and variance NaN. */
void sim_tally_add(sim_tally *t, double x);
/* Merges b into a, as if a had seen all of b's observations. */
void sim_tally_merge(sim_tally *a, const sim_tally *b);
/* Mean (NaN if empty), sample variance with n-1 (NaN if n < 2), sd. */
double sim_tally_mean(const sim_tally *t);
double sim_tally_var(const sim_tally *t);
double sim_tally_sd(const sim_tally *t);

typedef struct sim_twstat {
    double t0;     /* start of observation */
    double t;      /* time of last change */
    double level;  /* current level */
    double area;   /* integral of the level from t0 to t */
    double max;
} sim_twstat;

/* Starts observing at time t0 with the level at `level` (nothing to free). */
void sim_tw_init(sim_twstat *w, double t0, double level);
/* The level changes to `level` at time t (>= the last change). */
void sim_tw_set(sim_twstat *w, double t, double level);
/* Adds delta to the level at time t. */
void sim_tw_add(sim_twstat *w, double t, double delta);
/* Time average over [t0, now] (the current level if now == t0). */
double sim_tw_mean(const sim_twstat *w, double now);
/* Integral of the level over [t0, now]. */
double sim_tw_area(const sim_twstat *w, double now);
/* Restarts observation at t, keeping the current level (warm-up deletion). */
void sim_tw_restart(sim_twstat *w, double t);

typedef struct sim_sample {
    double *x;
    size_t n, cap;
    int sorted;
} sim_sample;

/* An empty sample owning no memory; free it with sim_sample_free. */
void sim_sample_init(sim_sample *s);
/* Adds an observation. 0, or -1 if memory runs out (observation dropped). */
int sim_sample_add(sim_sample *s, double x);
/* Quantile p in [0, 1] with linear interpolation between order statistics
 * (GSL's gsl_stats_quantile_from_sorted_data); NaN if empty. Sorts in place
 * on first call after an add. */
double sim_sample_quantile(sim_sample *s, double p);
/* Drops every observation, keeping the array for reuse. */
void sim_sample_clear(sim_sample *s);
/* Frees the array and leaves an empty sample (safe to call twice). */
void sim_sample_free(sim_sample *s);

typedef struct sim_p2 {
    double p;
    uint64_t n;
    double q[5];     /* marker heights */
    double pos[5];   /* actual marker positions (1-based) */
    double want[5];  /* desired positions */
    double dwant[5]; /* increments of desired positions */
} sim_p2;

/* Estimator for quantile p, 0 < p < 1 (nothing to free). */
void sim_p2_init(sim_p2 *e, double p);
/* Adds an observation (not NaN); O(1), no allocation. */
void sim_p2_add(sim_p2 *e, double x);
/* Current estimate: NaN if none; up to 5 observations, the exact quantile
 * as sim_sample_quantile gives it; from the sixth, the P2 middle marker. */
double sim_p2_value(const sim_p2 *e);

typedef struct sim_hist {
    double lo, width;
    size_t nbins;
    uint64_t *count;
    uint64_t under, over, n;
} sim_hist;

/* Bins [lo + i*width, lo + (i+1)*width) for i < nbins. Returns 0, or -1 if
 * memory runs out or the arguments are invalid. Free with sim_hist_free. */
int sim_hist_init(sim_hist *h, double lo, double width, size_t nbins);
/* Counts x in its bin, or as under/overflow. x must not be NaN (asserted; a
 * NaN counts as overflow if asserts are compiled out). O(1). */
void sim_hist_add(sim_hist *h, double x);
/* Adds b's counts to a (same binning, asserted). */
void sim_hist_merge(sim_hist *a, const sim_hist *b);
/* Quantile p by linear interpolation within the bin where the cumulative
 * count crosses p*n. Observations below lo count as lo and above the top
 * edge as the top edge. NaN if empty. */
double sim_hist_quantile(const sim_hist *h, double p);
/* Share of observations < x, interpolating within x's bin (x on a bin edge is
 * exact). */
double sim_hist_share_below(const sim_hist *h, double x);
/* Zeroes every count, keeping the binning. */
void sim_hist_clear(sim_hist *h);
/* Frees the counts; h must be initialised again before use. */
void sim_hist_free(sim_hist *h);

typedef struct sim_icount {
    uint64_t *c;     /* c[v]: observations equal to v */
    size_t cap;      /* values 0 .. cap-1 have counters */
    size_t top;      /* 1 + largest value seen since the last clear */
    uint64_t n;
    double sum;
} sim_icount;

/* Empty counts owning no memory; free them with sim_icount_free. */
void sim_icount_init(sim_icount *k);
/* Adds a whole number v >= 0 (asserted). Returns 0, or -1 (nothing added)
 * if memory runs out or v is too large for an array of counters. Memory is
 * O(largest v), grown by doubling. */
int sim_icount_add(sim_icount *k, long v);
/* Quantile p in [0, 1], interpolating between order statistics exactly as
 * sim_sample_quantile does; NaN if empty. */
double sim_icount_quantile(const sim_icount *k, double p);
/* Mean of the observations; NaN if empty. */
double sim_icount_mean(const sim_icount *k);
/* Share (0..1) of observations <= v; NaN if empty. */
double sim_icount_share_le(const sim_icount *k, long v);
/* Drops every observation, keeping the counters for reuse. */
void sim_icount_clear(sim_icount *k);
/* Frees the counters and leaves empty counts (safe to call twice). */
void sim_icount_free(sim_icount *k);

#endif

/*
 * sim/replicate.h: independent replications on a thread pool, and their
 * summary as means with Student-t confidence intervals.
 *
 * A replication is a function of (context, master seed, replication index)
 * that writes a fixed-length vector of outputs. Each replication writes only
 * its own row of the result matrix, and its random streams depend only on
 * the seed and its index, so the matrix (and every summary of it, computed in
 * replication order) is identical bit for bit whatever the number of threads.
 * Outputs that are undefined in a replication are NaN and are left out of
 * that output's summary.
 */
#ifndef SIM_REPLICATE_H
#define SIM_REPLICATE_H

#include <stddef.h>
#include <stdint.h>

/* Runs replication `rep` under `seed`, writing nout values to out. Returns 0,
 * or a nonzero error code (the run stops at the lowest failing index). The
 * context is shared by all threads and must only be read. */
typedef int (*sim_rep_fn)(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout);

/* The error of a replication that raised a GSL error. */
#define SIM_REP_GSL_ERROR (-2)

/* Number of threads to use by default: the online processors. */
unsigned sim_threads_default(void);

/* Runs replications rep0 .. rep0+nrep-1 on `threads` threads (0 = default),
 * row r of out (nrep x nout, caller-owned) holding replication rep0+r.
 * A replication that raised a GSL error (counted by the handler in
 * sim/rng.h, reset before each replication) fails with SIM_REP_GSL_ERROR
 * even if fn returned 0. Returns 0, the error of the lowest-indexed failing
 * replication (and sets *failed_rep to its index if failed_rep is not NULL),
 * or -1 if memory runs out before any runs. */
int sim_replicate(sim_rep_fn fn, const void *ctx, uint64_t seed, uint64_t rep0, size_t nrep, size_t nout,
                  unsigned threads, double *out, uint64_t *failed_rep);

typedef struct sim_ci {
    size_t n;           /* replications with a defined value */
    double mean, sd;    /* sd across replications (NaN if n < 2) */
    double half;        /* half-width: t(1-alpha/2, n-1) * sd / sqrt(n) */
    double lo, hi;      /* mean -/+ half (both = mean if n == 1; NaN if n == 0) */
} sim_ci;

/* Summary of column `col` of an nrep x nout matrix at confidence `level`
 * (e.g. 0.95), skipping NaNs. */
sim_ci sim_ci_column(const double *x, size_t nrep, size_t nout, size_t col, double level);

typedef struct sim_auto_opts {
    double level;         /* confidence level, e.g. 0.95 */
    double rel_half;      /* target half-width / |mean|, e.g. 0.05 */
    size_t min_reps;      /* first batch (>= 2) */
    size_t max_reps;      /* never more than this */
    const size_t *watch;  /* outputs that must meet the target; NULL = all */
    size_t nwatch;
} sim_auto_opts;

/* Runs replications until every watched output has a confidence interval
 * (two or more defined values) and, unless its mean is 0, a relative
 * half-width <= rel_half; or until max_reps are done. After each batch the
 * number needed is projected from the widest output, n * (rel/target)^2, or
 * doubled while a watched output has no interval, so the decision depends
 * only on the results, never on threads. On success
 * *out is a malloc'd nrep x nout matrix the caller frees, *nrep_out its rows,
 * and *met is 1 if the target was met. Returns 0, an error from fn, or -1 on
 * OOM. */
int sim_replicate_auto(sim_rep_fn fn, const void *ctx, uint64_t seed, size_t nout, unsigned threads,
                       const sim_auto_opts *opts, double **out, size_t *nrep_out, int *met);

#endif

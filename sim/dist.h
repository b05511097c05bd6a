/*
 * sim/dist.h: probability distributions, parameterised the way a planner
 * states them (a mean and a standard deviation in the quantity's own unit,
 * never a rate), with samplers on a gsl_rng stream and exact moments.
 *
 * A sim_dist is a plain value: fill in kind and parameters, call
 * sim_dist_prepare once (which validates and precomputes the sampler's own
 * parameters), then sample from any number of threads at once, each with its
 * own stream: sampling never writes to the sim_dist. Sampling is O(1) for
 * every kind (the empirical kind uses GSL's Walker alias table).
 */
#ifndef SIM_DIST_H
#define SIM_DIST_H

#include <stddef.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

typedef enum sim_dist_kind {
    SIM_DIST_CONSTANT,    /* value                     */
    SIM_DIST_EXPONENTIAL, /* mean                      */
    SIM_DIST_GAMMA,       /* mean, sd                  */
    SIM_DIST_LOGNORMAL,   /* mean, sd (of the value, not of its log) */
    SIM_DIST_WEIBULL,     /* shape, scale              */
    SIM_DIST_TRIANGULAR,  /* min, mode, max            */
    SIM_DIST_UNIFORM,     /* min, max                  */
    SIM_DIST_EMPIRICAL,   /* values[], weights[]       */
    SIM_DIST_BERNOULLI,   /* p: 1 with probability p, else 0 */
    SIM_DIST_POISSON,     /* mean                      */
    SIM_DIST_GEOMETRIC,   /* mean >= 1: trials up to and including the first success, 1, 2, ... */
    SIM_DIST_NKINDS
} sim_dist_kind;

typedef struct sim_dist {
    sim_dist_kind kind;
    /* Stated parameters, by kind:
     *   constant: p[0] = value
     *   exponential, poisson, geometric: p[0] = mean
     *   gamma, lognormal: p[0] = mean, p[1] = sd
     *   weibull: p[0] = shape, p[1] = scale
     *   triangular: p[0] = min, p[1] = mode, p[2] = max
     *   uniform: p[0] = min, p[1] = max
     *   bernoulli: p[0] = probability */
    double p[3];
    size_t n;           /* empirical: number of values */
    double *values;     /* empirical: owned */
    double *weights;    /* empirical: owned, >= 0, not all 0 */
    gsl_ran_discrete_t *table; /* empirical: owned, built by prepare */
    double d[2];        /* derived sampler parameters, set by prepare */
    int bounded;        /* draws are clamped into [lo, hi] (sim_dist_bound); 0 in a zeroed value */
    double lo, hi;
} sim_dist;

/* Name of a kind as written in scenarios ("lognormal"), and the reverse
 * (returns 0 and sets *out, or -1 for an unknown name). */
const char *sim_dist_kind_name(sim_dist_kind kind);
int sim_dist_kind_parse(const char *name, sim_dist_kind *out);
/* Names of the stated parameters of a kind, in p[] order (NULL-terminated;
 * empty for empirical, whose parameters are the arrays). */
const char *const *sim_dist_param_names(sim_dist_kind kind);

/* Convenience constructors for the common kinds (no arrays to free). */
sim_dist sim_dist_constant(double value);
sim_dist sim_dist_exponential(double mean);
sim_dist sim_dist_make(sim_dist_kind kind, double p0, double p1, double p2);

/* NULL if the parameters are valid for the kind, else a static message such
 * as "sd must be > 0". Gamma and lognormal need sd between mean / 1e6 and
 * 1000 x mean (outside it the sampler's own parameters overflow or vanish,
 * and the stated mean would be carried by vanishingly rare draws). */
const char *sim_dist_check(const sim_dist *d);
/* Validates and precomputes. Returns 0, or -1 if invalid or out of memory. */
int sim_dist_prepare(sim_dist *d);
/* Clamps every later draw of d into [lo, hi] (lo <= hi; either may be
 * infinite): for a quantity with a range, an unbounded tail is cut at the
 * range's end. sim_dist_min/max then give the clamped support; the moments
 * stay those of the distribution as stated. */
void sim_dist_bound(sim_dist *d, double lo, double hi);
/* Draws one value. d must have been prepared. */
double sim_dist_sample(const sim_dist *d, gsl_rng *r);
/* Exact mean and variance. */
double sim_dist_mean(const sim_dist *d);
double sim_dist_var(const sim_dist *d);
/* Smallest and largest possible values (may be +INFINITY). */
double sim_dist_min(const sim_dist *d);
double sim_dist_max(const sim_dist *d);

/* Deep copy into *dst (prepared if src was). 0, or -1 on OOM (then *dst owns
 * nothing). */
int sim_dist_copy(sim_dist *dst, const sim_dist *src);
/* Frees owned arrays and table; leaves a constant 0. */
void sim_dist_free(sim_dist *d);

#endif

/*
 * sim/dist.c: samplers and moments. Planner parameters are converted once in
 * sim_dist_prepare: gamma (mean m, sd s) -> shape m^2/s^2, scale s^2/m;
 * lognormal (m, s) -> sigma^2 = ln(1 + s^2/m^2), mu = ln m - sigma^2/2.
 * Triangular uses the inverse CDF; the rest call GSL directly. A bounded
 * distribution clamps each draw into its range (two comparisons).
 */
#include "sim/dist.h"
#include "sim/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sf_gamma.h>

static const char *const kind_names[SIM_DIST_NKINDS] = {
    "constant", "exponential", "gamma", "lognormal", "weibull", "triangular",
    "uniform", "empirical", "bernoulli", "poisson", "geometric",
};

const char *sim_dist_kind_name(sim_dist_kind kind)
{
    return (unsigned)kind < SIM_DIST_NKINDS ? kind_names[kind] : "?";
}

int sim_dist_kind_parse(const char *name, sim_dist_kind *out)
{
    for (int k = 0; k < SIM_DIST_NKINDS; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (sim_dist_kind)k;
            return 0;
        }
    }
    return -1;
}

const char *const *sim_dist_param_names(sim_dist_kind kind)
{
    static const char *const value[] = {"value", NULL};
    static const char *const mean[] = {"mean", NULL};
    static const char *const mean_sd[] = {"mean", "sd", NULL};
    static const char *const shape_scale[] = {"shape", "scale", NULL};
    static const char *const tri[] = {"min", "mode", "max", NULL};
    static const char *const uni[] = {"min", "max", NULL};
    static const char *const prob[] = {"p", NULL};
    static const char *const none[] = {NULL};
    switch (kind) {
    case SIM_DIST_CONSTANT: return value;
    case SIM_DIST_EXPONENTIAL: return mean;
    case SIM_DIST_GAMMA: return mean_sd;
    case SIM_DIST_LOGNORMAL: return mean_sd;
    case SIM_DIST_WEIBULL: return shape_scale;
    case SIM_DIST_TRIANGULAR: return tri;
    case SIM_DIST_UNIFORM: return uni;
    case SIM_DIST_EMPIRICAL: return none;
    case SIM_DIST_BERNOULLI: return prob;
    case SIM_DIST_POISSON: return mean;
    case SIM_DIST_GEOMETRIC: return mean;
    case SIM_DIST_NKINDS: break;
    }
    return none;
}

sim_dist sim_dist_make(sim_dist_kind kind, double p0, double p1, double p2)
{
    sim_dist d;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    d.p[0] = p0;
    d.p[1] = p1;
    d.p[2] = p2;
    return d;
}

sim_dist sim_dist_constant(double value) { return sim_dist_make(SIM_DIST_CONSTANT, value, 0, 0); }

sim_dist sim_dist_exponential(double mean) { return sim_dist_make(SIM_DIST_EXPONENTIAL, mean, 0, 0); }

/* Whether all three stated parameters are finite. */
static int finite3(const double *p) { return isfinite(p[0]) && isfinite(p[1]) && isfinite(p[2]); }

/* sim_dist_check for the empirical kind: NULL, or why its arrays are bad. */
static const char *check_empirical(const sim_dist *d)
{
    if (d->n == 0 || !d->values || !d->weights)
        return "values and weights must be non-empty lists of the same length";
    double total = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->values[i]))
            return "values must be finite numbers";
        if (!(d->weights[i] >= 0) || !isfinite(d->weights[i]))
            return "weights must be >= 0";
        total += d->weights[i];
    }
    return total > 0 ? NULL : "weights must not all be 0";
}

const char *sim_dist_check(const sim_dist *d)
{
    const double *p = d->p;
    if (!finite3(p))
        return "parameters must be finite numbers";
    switch (d->kind) {
    case SIM_DIST_CONSTANT: return NULL;
    case SIM_DIST_EXPONENTIAL: return p[0] > 0 ? NULL : "mean must be > 0";
    case SIM_DIST_GAMMA:
    case SIM_DIST_LOGNORMAL:
        if (!(p[0] > 0))
            return "mean must be > 0";
        if (!(p[1] > 0))
            return "sd must be > 0";
        return p[1] >= p[0] / 1e6 && p[1] <= 1000 * p[0] ? NULL : "need sd between mean / 1e6 and 1000 x mean";
    case SIM_DIST_WEIBULL:
        if (!(p[0] > 0))
            return "shape must be > 0";
        return p[1] > 0 ? NULL : "scale must be > 0";
    case SIM_DIST_TRIANGULAR:
        if (!(p[0] <= p[1] && p[1] <= p[2]))
            return "need min <= mode <= max";
        return p[0] < p[2] ? NULL : "need min < max";
    case SIM_DIST_UNIFORM: return p[0] < p[1] ? NULL : "need min < max";
    case SIM_DIST_EMPIRICAL: return check_empirical(d);
    case SIM_DIST_BERNOULLI: return p[0] >= 0 && p[0] <= 1 ? NULL : "p must be within [0, 1]";
    case SIM_DIST_POISSON: return p[0] >= 0 ? NULL : "mean must be >= 0";
    case SIM_DIST_GEOMETRIC: return p[0] >= 1 ? NULL : "mean must be >= 1";
    case SIM_DIST_NKINDS: break;
    }
    return "unknown distribution";
}

int sim_dist_prepare(sim_dist *d)
{
    if (sim_dist_check(d))
        return -1;
    const double m = d->p[0], s = d->p[1];
    switch (d->kind) {
    case SIM_DIST_GAMMA:
        d->d[0] = (m / s) * (m / s); /* shape */
        d->d[1] = s * (s / m);       /* scale */
        break;
    case SIM_DIST_LOGNORMAL: {
        double s2 = log1p(s * s / (m * m));
        d->d[1] = sqrt(s2);          /* sigma */
        d->d[0] = log(m) - 0.5 * s2; /* mu */
        break;
    }
    case SIM_DIST_EMPIRICAL:
        if (d->table)
            gsl_ran_discrete_free(d->table);
        d->table = gsl_ran_discrete_preproc(d->n, d->weights);
        if (!d->table)
            return -1;
        break;
    default:
        break;
    }
    return 0;
}

/* A triangular draw (min p[0], mode p[1], max p[2]) by the inverse CDF. */
static double sample_triangular(const double *p, gsl_rng *r)
{
    const double a = p[0], c = p[1], b = p[2];
    const double u = gsl_rng_uniform(r);
    const double f = (c - a) / (b - a);
    if (u < f)
        return a + sqrt(u * (b - a) * (c - a));
    return b - sqrt((1 - u) * (b - a) * (b - c));
}

/* One draw from a prepared d, before any bound; NaN for an unknown kind. */
static double draw(const sim_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case SIM_DIST_CONSTANT: return d->p[0];
    case SIM_DIST_EXPONENTIAL: return sim_rng_exponential(r, d->p[0]);
    case SIM_DIST_GAMMA: return gsl_ran_gamma(r, d->d[0], d->d[1]);
    case SIM_DIST_LOGNORMAL: return gsl_ran_lognormal(r, d->d[0], d->d[1]);
    case SIM_DIST_WEIBULL: return gsl_ran_weibull(r, d->p[1], d->p[0]);
    case SIM_DIST_TRIANGULAR: return sample_triangular(d->p, r);
    case SIM_DIST_UNIFORM: return gsl_ran_flat(r, d->p[0], d->p[1]);
    case SIM_DIST_EMPIRICAL: return d->values[gsl_ran_discrete(r, d->table)];
    case SIM_DIST_BERNOULLI: return (double)gsl_ran_bernoulli(r, d->p[0]);
    case SIM_DIST_POISSON: return (double)gsl_ran_poisson(r, d->p[0]);
    case SIM_DIST_GEOMETRIC: return (double)gsl_ran_geometric(r, 1.0 / d->p[0]);
    case SIM_DIST_NKINDS: break;
    }
    return NAN;
}

void sim_dist_bound(sim_dist *d, double lo, double hi)
{
    d->bounded = 1;
    d->lo = lo;
    d->hi = hi;
}

double sim_dist_sample(const sim_dist *d, gsl_rng *r)
{
    double x = draw(d, r);
    return d->bounded ? fmin(fmax(x, d->lo), d->hi) : x;
}

/* Weighted mean of (value - centre)^power over the values (power 1 or 2). */
static double empirical_moment(const sim_dist *d, double centre, int power)
{
    double sw = 0, s = 0;
    for (size_t i = 0; i < d->n; i++) {
        double x = d->values[i] - centre;
        sw += d->weights[i];
        s += d->weights[i] * (power == 1 ? x : x * x);
    }
    return s / sw;
}

double sim_dist_mean(const sim_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case SIM_DIST_CONSTANT:
    case SIM_DIST_EXPONENTIAL:
    case SIM_DIST_GAMMA:
    case SIM_DIST_LOGNORMAL:
    case SIM_DIST_BERNOULLI:
    case SIM_DIST_POISSON:
    case SIM_DIST_GEOMETRIC: return p[0];
    case SIM_DIST_WEIBULL: return p[1] * gsl_sf_gamma(1 + 1 / p[0]);
    case SIM_DIST_TRIANGULAR: return (p[0] + p[1] + p[2]) / 3;
    case SIM_DIST_UNIFORM: return 0.5 * (p[0] + p[1]);
    case SIM_DIST_EMPIRICAL: return empirical_moment(d, 0, 1);
    case SIM_DIST_NKINDS: break;
    }
    return NAN;
}

double sim_dist_var(const sim_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case SIM_DIST_CONSTANT: return 0;
    case SIM_DIST_EXPONENTIAL: return p[0] * p[0];
    case SIM_DIST_GAMMA:
    case SIM_DIST_LOGNORMAL: return p[1] * p[1];
    case SIM_DIST_WEIBULL: {
        double g1 = gsl_sf_gamma(1 + 1 / p[0]);
        return p[1] * p[1] * (gsl_sf_gamma(1 + 2 / p[0]) - g1 * g1);
    }
    case SIM_DIST_TRIANGULAR:
        return (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] - p[0] * p[1] - p[0] * p[2] - p[1] * p[2]) / 18;
    case SIM_DIST_UNIFORM: return (p[1] - p[0]) * (p[1] - p[0]) / 12;
    case SIM_DIST_EMPIRICAL: return empirical_moment(d, sim_dist_mean(d), 2);
    case SIM_DIST_BERNOULLI: return p[0] * (1 - p[0]);
    case SIM_DIST_POISSON: return p[0];
    case SIM_DIST_GEOMETRIC: return p[0] * (p[0] - 1); /* (1-q)/q^2 with q = 1/mean */
    case SIM_DIST_NKINDS: break;
    }
    return NAN;
}

/* Smallest value d can draw, ignoring sim_dist_bound. */
static double raw_min(const sim_dist *d)
{
    switch (d->kind) {
    case SIM_DIST_CONSTANT: return d->p[0];
    case SIM_DIST_TRIANGULAR:
    case SIM_DIST_UNIFORM: return d->p[0];
    case SIM_DIST_GEOMETRIC: return 1;
    case SIM_DIST_EMPIRICAL: {
        double m = INFINITY;
        for (size_t i = 0; i < d->n; i++)
            if (d->weights[i] > 0)
                m = fmin(m, d->values[i]);
        return m;
    }
    default: return 0;
    }
}

/* Largest value d can draw (maybe +INFINITY), ignoring sim_dist_bound. */
static double raw_max(const sim_dist *d)
{
    switch (d->kind) {
    case SIM_DIST_CONSTANT: return d->p[0];
    case SIM_DIST_TRIANGULAR: return d->p[2];
    case SIM_DIST_UNIFORM: return d->p[1];
    case SIM_DIST_BERNOULLI: return 1;
    case SIM_DIST_EMPIRICAL: {
        double m = -INFINITY;
        for (size_t i = 0; i < d->n; i++)
            if (d->weights[i] > 0)
                m = fmax(m, d->values[i]);
        return m;
    }
    default: return INFINITY;
    }
}

double sim_dist_min(const sim_dist *d) { return d->bounded ? fmin(fmax(raw_min(d), d->lo), d->hi) : raw_min(d); }

double sim_dist_max(const sim_dist *d) { return d->bounded ? fmax(fmin(raw_max(d), d->hi), d->lo) : raw_max(d); }

int sim_dist_copy(sim_dist *dst, const sim_dist *src)
{
    *dst = *src;
    dst->values = dst->weights = NULL;
    dst->table = NULL;
    if (src->kind != SIM_DIST_EMPIRICAL || !src->n)
        return 0;
    dst->values = malloc(src->n * sizeof(double));
    dst->weights = malloc(src->n * sizeof(double));
    if (!dst->values || !dst->weights)
        goto fail;
    memcpy(dst->values, src->values, src->n * sizeof(double));
    memcpy(dst->weights, src->weights, src->n * sizeof(double));
    if (src->table && sim_dist_prepare(dst))
        goto fail;
    return 0;
fail:
    sim_dist_free(dst);
    return -1;
}

void sim_dist_free(sim_dist *d)
{
    free(d->values);
    free(d->weights);
    if (d->table)
        gsl_ran_discrete_free(d->table);
    *d = sim_dist_constant(0);
}

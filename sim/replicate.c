/*
 * sim/replicate.c: the thread pool (workers take the next replication index
 * from an atomic counter) and the summaries.
 */
#include "sim/replicate.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "sim/rng.h"

unsigned sim_threads_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

typedef struct pool {
    sim_rep_fn fn;
    const void *ctx;
    uint64_t seed, rep0;
    size_t nrep, nout;
    double *out;
    int *err;
    atomic_size_t next;
} pool;

/* A pool thread (the caller is one too): runs unclaimed replications until
 * none are left, storing each one's error in p->err (SIM_REP_GSL_ERROR if
 * it raised a GSL error and returned 0). */
static void *worker(void *arg)
{
    pool *p = arg;
    sim_rng_install_error_handler();
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->nrep)
            break;
        sim_gsl_errors_reset();
        int e = p->fn(p->ctx, p->seed, p->rep0 + i, p->out + i * p->nout, p->nout);
        if (!e && sim_gsl_errors())
            e = SIM_REP_GSL_ERROR;
        p->err[i] = e;
    }
    return NULL;
}

int sim_replicate(sim_rep_fn fn, const void *ctx, uint64_t seed, uint64_t rep0, size_t nrep, size_t nout,
                  unsigned threads, double *out, uint64_t *failed_rep)
{
    if (!nrep)
        return 0;
    if (!threads)
        threads = sim_threads_default();
    if (threads > nrep)
        threads = (unsigned)nrep;
    pool p = {fn, ctx, seed, rep0, nrep, nout, out, calloc(nrep, sizeof(int)), 0};
    pthread_t *tid = malloc(threads * sizeof *tid);
    if (!p.err || !tid) {
        free(p.err);
        free(tid);
        return -1;
    }
    atomic_init(&p.next, 0);
    /* The calling thread is one of the workers; if a thread cannot be
     * started the others simply take more replications. */
    unsigned started = 0;
    for (unsigned t = 1; t < threads; t++)
        if (pthread_create(&tid[started], NULL, worker, &p) == 0)
            started++;
    worker(&p);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    int rc = 0;
    for (size_t i = 0; i < nrep && !rc; i++) {
        if (p.err[i]) {
            rc = p.err[i];
            if (failed_rep)
                *failed_rep = rep0 + i;
        }
    }
    free(p.err);
    free(tid);
    return rc;
}

sim_ci sim_ci_column(const double *x, size_t nrep, size_t nout, size_t col, double level)
{
    sim_ci c = {0, NAN, NAN, NAN, NAN, NAN};
    double mean = 0, m2 = 0;
    for (size_t r = 0; r < nrep; r++) {
        double v = x[r * nout + col];
        if (isnan(v))
            continue;
        c.n++;
        double d = v - mean;
        mean += d / (double)c.n;
        m2 += d * (v - mean);
    }
    if (!c.n)
        return c;
    c.mean = mean;
    if (c.n < 2) {
        c.lo = c.hi = mean;
        return c;
    }
    c.sd = sqrt(m2 / (double)(c.n - 1));
    double t = gsl_cdf_tdist_Pinv(0.5 + 0.5 * level, (double)(c.n - 1));
    c.half = t * c.sd / sqrt((double)c.n);
    c.lo = mean - c.half;
    c.hi = mean + c.half;
    return c;
}

/* Largest ratio (relative half-width / target) over the watched outputs,
 * <= 1 when all meet the target; 0 when every one averages exactly 0 (no
 * relative width to meet). +INFINITY when a watched output has fewer than two
 * defined values: it has no interval yet, so the target is not met. */
static double worst_ratio(const double *x, size_t nrep, size_t nout, const sim_auto_opts *o)
{
    double worst = 0;
    size_t n = o->watch ? o->nwatch : nout;
    for (size_t k = 0; k < n; k++) {
        size_t col = o->watch ? o->watch[k] : k;
        sim_ci c = sim_ci_column(x, nrep, nout, col, o->level);
        if (c.n < 2)
            return INFINITY;
        if (c.mean == 0)
            continue;
        double rel = c.half / fabs(c.mean) / o->rel_half;
        if (rel > worst)
            worst = rel;
    }
    return worst;
}

int sim_replicate_auto(sim_rep_fn fn, const void *ctx, uint64_t seed, size_t nout, unsigned threads,
                       const sim_auto_opts *opts, double **out, size_t *nrep_out, int *met)
{
    size_t done = 0, want = opts->min_reps < 2 ? 2 : opts->min_reps;
    size_t maxr = opts->max_reps < want ? want : opts->max_reps;
    double *x = malloc(maxr * nout * sizeof *x);
    if (!x)
        return -1;
    *met = 0;
    for (;;) {
        int rc = sim_replicate(fn, ctx, seed, done, want - done, nout, threads, x + done * nout, NULL);
        if (rc) {
            free(x);
            return rc;
        }
        done = want;
        double w = worst_ratio(x, done, nout, opts);
        if (w <= 1) {
            *met = 1;
            break;
        }
        if (done >= maxr)
            break;
        /* Projected from the widest output; with no interval to project
         * from, twice as many. */
        size_t need = isfinite(w) ? (size_t)ceil((double)done * w * w) : 2 * done;
        want = need > maxr ? maxr : (need <= done ? done + 1 : need);
    }
    *out = x;
    *nrep_out = done;
    return 0;
}

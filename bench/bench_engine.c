/*
 * bench/bench_engine.c: engine throughput, printed as figures (not a test).
 *
 *   hold model  the classic pending-event-set benchmark: keep n events
 *               pending; repeatedly take the earliest and schedule a new one
 *               an exponential(1) time later (drawn by the engine's own
 *               ziggurat sampler, sim_rng_exponential, as a model would).
 *               Reported for the bare queue and through the run loop (pop,
 *               dispatch to a handler, reschedule), at n = 10^3, 10^5 and
 *               10^6.
 *   M/M/1       the reference bank queue (bench/queue_model.h) at
 *               utilisation 0.9 with 1,000,000 customers: one replication,
 *               then 100 replications on all cores.
 *
 * Usage: bench_engine [--quick]   (--quick runs a tenth of the work)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "queue_model.h"
#include "sim/evq.h"
#include "sim/replicate.h"
#include "sim/rng.h"
#include "sim/sim.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double hold_evq(size_t n, uint64_t ops)
{
    sim_evq *q = sim_evq_create(n);
    gsl_rng *r = sim_rng_create(1, 0, 1);
    for (size_t i = 0; i < n; i++)
        sim_evq_push(q, sim_rng_exponential(r, 1.0), 0, 0, i);
    double t0 = seconds();
    sim_ev ev;
    for (uint64_t i = 0; i < ops; i++) {
        sim_evq_pop(q, &ev);
        sim_evq_push(q, ev.time + sim_rng_exponential(r, 1.0), 0, 0, ev.data);
    }
    double dt = seconds() - t0;
    gsl_rng_free(r);
    sim_evq_destroy(q);
    return (double)ops / dt;
}

typedef struct hold_ctx {
    gsl_rng *r;
    uint64_t left;
} hold_ctx;

static void hold_handler(sim *s, const sim_ev *ev, void *vctx)
{
    hold_ctx *c = vctx;
    if (c->left-- == 0) {
        sim_stop(s);
        return;
    }
    sim_after(s, sim_rng_exponential(c->r, 1.0), 0, SIM_KIND_USER, ev->data);
}

static double hold_sim(size_t n, uint64_t ops)
{
    sim *s = sim_create(n);
    hold_ctx c = {sim_rng_create(1, 0, 1), ops};
    sim_on(s, SIM_KIND_USER, hold_handler, &c);
    for (size_t i = 0; i < n; i++)
        sim_at(s, sim_rng_exponential(c.r, 1.0), 0, SIM_KIND_USER, i);
    double t0 = seconds();
    uint64_t done = sim_run(s, 1e300);
    double dt = seconds() - t0;
    gsl_rng_free(c.r);
    sim_destroy(s);
    return (double)done / dt;
}

static int mm1_rep(const void *ctx, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    (void)nout;
    qm_result r;
    if (qm_run(ctx, seed, rep, &r))
        return -1;
    out[0] = r.mean_wait;
    out[1] = (double)r.events;
    return 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    uint64_t ops = quick ? 2000000 : 20000000;
    printf("# iaptsim engine benchmark%s\n", quick ? " (quick)" : "");
    printf("%-34s %14s %14s\n", "hold model (pending events)", "queue ev/s", "run loop ev/s");
    const size_t sizes[] = {1000, 100000, 1000000};
    for (int i = 0; i < 3; i++)
        printf("%-34zu %14.3e %14.3e\n", sizes[i], hold_evq(sizes[i], ops), hold_sim(sizes[i], ops));

    uint64_t customers = quick ? 100000 : 1000000;
    qm_params p = {1.0 / 0.9, sim_dist_exponential(1.0), 1, customers, 0};
    sim_dist_prepare(&p.service);
    qm_result res;
    double t0 = seconds();
    if (qm_run(&p, 1, 0, &res))
        return 1;
    double one = seconds() - t0;
    printf("\nM/M/1 rho=0.9, %llu customers, 1 replication: %.3f s (%.3e events/s, mean wait %.3f, theory 9)\n",
           (unsigned long long)customers, one, (double)res.events / one, res.mean_wait);

    size_t reps = quick ? 10 : 100;
    unsigned threads = sim_threads_default();
    double *x = malloc(reps * 2 * sizeof *x);
    t0 = seconds();
    if (!x || sim_replicate(mm1_rep, &p, 1, 0, reps, 2, threads, x, NULL))
        return 1;
    double all = seconds() - t0;
    sim_ci c = sim_ci_column(x, reps, 2, 0, 0.95);
    printf("M/M/1 rho=0.9, %llu customers, %zu replications on %u threads: %.3f s (%.3f s per replication per "
           "thread), mean wait %.3f +- %.3f\n",
           (unsigned long long)customers, reps, threads, all, all * threads / (double)reps, c.mean, c.half);
    free(x);
    return 0;
}

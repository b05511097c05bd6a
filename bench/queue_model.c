/*
 * bench/queue_model.c: the reference queue on the engine (see the header).
 *
 * Bookkeeping for Little's law: after warm-up time t0 the model keeps the sum
 * over customers inside of max(arrival, t0), so at the end the total time
 * spent inside the window [t0, T] by everyone is known exactly; divided by
 * T - t0 it must equal the time-weighted mean number in system.
 */
#include "queue_model.h"

#include <math.h>
#include <string.h>

#include "sim/resource.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "sim/stats.h"

enum { EV_ARRIVAL = SIM_KIND_USER, EV_DEPARTURE, EV_WARM };
enum { STREAM_ARRIVALS = 1, STREAM_SERVICE = 2 };

typedef struct qm {
    const qm_params *p;
    sim *s;
    sim_resource *tellers;
    gsl_rng *arrivals, *service;
    uint64_t arrived, counted;
    int warm;                 /* past the warm-up time */
    sim_twstat in_system;
    sim_tally sojourn;
    double inside_sum;        /* sum of max(arrival, t0) over customers inside (after warm-up) */
    double overlap_done;      /* time inside the window of customers who left */
} qm;

static uint64_t pack(double t)
{
    uint64_t u;
    memcpy(&u, &t, sizeof u);
    return u;
}

static double unpack(uint64_t u)
{
    double t;
    memcpy(&t, &u, sizeof t);
    return t;
}

static void start_service(qm *m, uint64_t token)
{
    sim_after(m->s, sim_dist_sample(&m->p->service, m->service), 0, EV_DEPARTURE, token);
}

static void on_grant(sim *s, void *ctx, uint64_t token)
{
    (void)s;
    start_service(ctx, token);
}

static void on_arrival(sim *s, const sim_ev *ev, void *ctx)
{
    qm *m = ctx;
    sim_tw_add(&m->in_system, ev->time, 1);
    if (m->warm) {
        m->counted++;
        m->inside_sum += ev->time;
    }
    if (++m->arrived == m->p->customers)
        sim_stop(s);
    else
        sim_after(s, sim_rng_exponential(m->arrivals, m->p->arrival_mean), 0, EV_ARRIVAL, 0);
    uint64_t token = pack(ev->time);
    if (sim_resource_seize(m->tellers, token, 0) == 1)
        start_service(m, token);
}

static void on_departure(sim *s, const sim_ev *ev, void *ctx)
{
    qm *m = ctx;
    (void)s;
    double arrived = unpack(ev->data);
    sim_tw_add(&m->in_system, ev->time, -1);
    if (m->warm) {
        double from = fmax(arrived, m->p->warmup);
        m->overlap_done += ev->time - from;
        m->inside_sum -= from;
        if (arrived >= m->p->warmup)
            sim_tally_add(&m->sojourn, ev->time - arrived);
    }
    sim_resource_release(m->tellers);
}

static void on_warm(sim *s, const sim_ev *ev, void *ctx)
{
    qm *m = ctx;
    (void)s;
    m->warm = 1;
    sim_resource_reset_stats(m->tellers);
    sim_tw_restart(&m->in_system, ev->time);
    m->inside_sum = m->in_system.level * ev->time;
}

static void finish(const qm *m, qm_result *out)
{
    double end = sim_now(m->s), span = end - m->p->warmup;
    double overlap = m->overlap_done + m->in_system.level * end - m->inside_sum;
    out->served = m->sojourn.n;
    out->mean_wait = sim_tally_mean(sim_resource_waits(m->tellers));
    out->mean_sojourn = sim_tally_mean(&m->sojourn);
    out->mean_queue = sim_resource_mean_queue(m->tellers);
    out->mean_system = sim_tw_mean(&m->in_system, end);
    out->arrival_rate = (double)m->counted / span;
    out->overlap_mean = overlap / span;
    out->utilisation = sim_resource_utilisation(m->tellers);
    out->end_time = end;
    out->events = sim_events(m->s);
}

int qm_run(const qm_params *p, uint64_t seed, uint64_t rep, qm_result *out)
{
    qm m;
    memset(&m, 0, sizeof m);
    m.p = p;
    int rc = -1;
    sim_sched cap = sim_sched_const((double)p->servers);
    m.s = sim_create(0);
    m.arrivals = sim_rng_create(seed, rep, STREAM_ARRIVALS);
    m.service = sim_rng_create(seed, rep, STREAM_SERVICE);
    if (!m.s || !m.arrivals || !m.service)
        goto out;
    m.tellers = sim_resource_create(m.s, &cap, on_grant, &m);
    if (!m.tellers)
        goto out;
    sim_on(m.s, EV_ARRIVAL, on_arrival, &m);
    sim_on(m.s, EV_DEPARTURE, on_departure, &m);
    sim_on(m.s, EV_WARM, on_warm, &m);
    sim_tw_init(&m.in_system, 0, 0);
    sim_tally_init(&m.sojourn);
    /* Warm-up runs before any arrival at the same instant: it is scheduled
     * first, so it wins a tie on insertion order whatever the priority (later
     * arrivals are scheduled with priority 0, like it), and the first arrival
     * has priority 1 besides. */
    sim_at(m.s, p->warmup, 0, EV_WARM, 0);
    sim_at(m.s, sim_rng_exponential(m.arrivals, p->arrival_mean), 1, EV_ARRIVAL, 0);
    sim_run(m.s, INFINITY);
    if (sim_failed(m.s) || !m.warm)
        goto out;
    finish(&m, out);
    rc = 0;
out:
    sim_resource_destroy(m.tellers);
    gsl_rng_free(m.arrivals);
    gsl_rng_free(m.service);
    sim_destroy(m.s);
    return rc;
}

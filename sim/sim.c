/*
 * sim/sim.c: the event loop. One pop, one indirect call per event; the
 * handler table is a fixed array indexed by kind, so dispatch allocates
 * nothing and costs one load.
 */
#include "sim/sim.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

typedef struct handler_slot {
    sim_handler fn;
    void *ctx;
} handler_slot;

struct sim {
    sim_evq *q;
    double now;
    uint64_t nevents;
    int stop;
    int failed;
    handler_slot handlers[SIM_KIND_MAX];
};

sim *sim_create(size_t capacity)
{
    sim *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->q = sim_evq_create(capacity);
    if (!s->q) {
        free(s);
        return NULL;
    }
    return s;
}

void sim_destroy(sim *s)
{
    if (!s)
        return;
    sim_evq_destroy(s->q);
    free(s);
}

void sim_on(sim *s, uint32_t kind, sim_handler fn, void *ctx)
{
    assert(kind < SIM_KIND_MAX);
    s->handlers[kind].fn = fn;
    s->handlers[kind].ctx = ctx;
}

double sim_now(const sim *s) { return s->now; }

sim_handle sim_at(sim *s, double t, unsigned prio, uint32_t kind, uint64_t data)
{
    assert(t >= s->now);
    assert(kind < SIM_KIND_MAX);
    sim_handle h = sim_evq_push(s->q, t, prio, kind, data);
    if (!h)
        sim_fail(s, -1);
    return h;
}

sim_handle sim_after(sim *s, double dt, unsigned prio, uint32_t kind, uint64_t data)
{
    return sim_at(s, s->now + dt, prio, kind, data);
}

int sim_cancel(sim *s, sim_handle h) { return sim_evq_cancel(s->q, h); }

sim_handle sim_reschedule(sim *s, sim_handle h, double t)
{
    assert(t >= s->now);
    return sim_evq_reschedule(s->q, h, t);
}

uint64_t sim_run(sim *s, double until)
{
    uint64_t n0 = s->nevents;
    sim_ev ev;
    s->stop = 0;
    while (!s->stop && sim_evq_pop_until(s->q, until, &ev)) {
        s->now = ev.time;
        s->nevents++;
        const handler_slot *h = &s->handlers[ev.kind];
        assert(h->fn && "event kind without a handler");
        h->fn(s, &ev, h->ctx);
    }
    if (!s->stop && until > s->now && isfinite(until))
        s->now = until;
    return s->nevents - n0;
}

void sim_stop(sim *s) { s->stop = 1; }

void sim_fail(sim *s, int code)
{
    if (!s->failed)
        s->failed = code ? code : -1;
    s->stop = 1;
}

int sim_failed(const sim *s) { return s->failed; }

uint64_t sim_events(const sim *s) { return s->nevents; }

size_t sim_pending(const sim *s) { return sim_evq_size(s->q); }

/*
 * sim/resource.c: resource pools. The line is a binary heap of requests
 * keyed by (priority, sequence); capacity changes arrive as engine events of
 * kind SIM_KIND_RESOURCE_CAPACITY whose payload is the resource pointer.
 */
#include "sim/resource.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#ifdef SIM_SMALL_CAPACITY
#define LINE_INITIAL 1
#else
#define LINE_INITIAL 64
#endif

#define SEQ_BITS 48 /* FIFO among equal priorities holds for a resource's first 2^48 queued requests */

typedef struct request {
    uint64_t key; /* priority << SEQ_BITS | sequence, so priority <= 65535 */
    uint64_t token;
    double since;
} request;

struct sim_resource {
    sim *s;
    sim_sched cap_sched;
    long cap, busy;
    long pending_cap; /* capacity from the next scheduled change */
    request *line;
    size_t nline, line_cap;
    uint64_t seq;
    sim_grant_fn grant;
    void *ctx;
    int granting;
    sim_handle next_change;
    sim_twstat tw_busy, tw_queue, tw_cap;
    sim_tally waits;
};

/* Whole units for a schedule value: round half up, never below 0. (Not
 * floor(v + 0.5), which rounds 0.49999999999999994 up: v - floor(v) is
 * exact.) */
static long units(double v)
{
    double u = floor(v);
    if (v - u >= 0.5)
        u += 1;
    return u > 0 ? (long)u : 0;
}

/* Whole units the capacity schedule gives at time t. */
static long cap_at(const sim_resource *r, double t) { return units(sim_sched_at(&r->cap_sched, t)); }

/* Whether the capacity at time x has reached `want` from the side `dir`
 * (+1: a ramp up, >= want; -1: a ramp down, <= want). Monotone in x along a
 * ramp, because rounding preserves order. */
static int reached(const sim_resource *r, double x, long want, int dir)
{
    long c = cap_at(r, x);
    return dir > 0 ? c >= want : c <= want;
}

/* The first double x in (t, brk) at which the capacity reaches `want`, or
 * brk if none. tc, the ramp's half-unit crossing worked out from its slope,
 * is usually exact; rounding can put it a few ulps off, and a ramp down
 * reaches k - 0.5 with k units still (round half up), so when it is not the
 * first such time, bisect (about 60 steps; capacity changes are rare). */
static double exact_crossing(const sim_resource *r, double t, double tc, double brk, long want, int dir)
{
    if (tc > t && tc < brk && reached(r, tc, want, dir) && !reached(r, nextafter(tc, -INFINITY), want, dir))
        return tc;
    double lo = t, hi = brk; /* not reached at lo; reached at hi, or hi is the break */
    while (nextafter(lo, INFINITY) < hi) {
        double mid = lo + 0.5 * (hi - lo);
        if (!(mid > lo && mid < hi))
            mid = nextafter(lo, INFINITY);
        if (reached(r, mid, want, dir))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* The next time after t the whole-unit capacity changes, and the capacity
 * from then on: either a schedule break, or during a ramp the moment the
 * value passes the next half unit (reaches k + 0.5 upwards; goes below
 * k - 0.5 downwards, never below 0 units). At every event time the capacity
 * is cap_at of that time. */
static double next_change(const sim_resource *r, double t, long *newcap)
{
    double brk = sim_sched_next_break(&r->cap_sched, t);
    *newcap = cap_at(r, brk);
    for (size_t i = 0; i < r->cap_sched.n; i++) {
        const sim_sched_seg *g = &r->cap_sched.seg[i];
        if (!(g->t0 <= t && t < g->t1))
            continue;
        double v0 = sim_sched_at(&r->cap_sched, g->t0), slope = (g->v - v0) / (g->t1 - g->t0);
        long k = r->cap;
        if (slope == 0 || (slope < 0 && k == 0))
            break;
        int dir = slope > 0 ? 1 : -1;
        long want = k + dir;
        double tc = exact_crossing(r, t, g->t0 + ((double)k + 0.5 * dir - v0) / slope, brk, want, dir);
        if (tc > t && tc < brk) {
            *newcap = want;
            return tc;
        }
        break;
    }
    return brk;
}

/* Schedules the next capacity change on the run, keeping the capacity it
 * brings in pending_cap; no event if there is none. On OOM sim_at marks the
 * run failed. */
static void schedule_change(sim_resource *r)
{
    double t = next_change(r, sim_now(r->s), &r->pending_cap);
    r->next_change = isfinite(t) ? sim_at(r->s, t, 0, SIM_KIND_RESOURCE_CAPACITY, (uint64_t)(uintptr_t)r) : 0;
}

/* Line order: lower priority number first, then first come. */
static int line_less(const request *a, const request *b) { return a->key < b->key; }

/* Moves h[i] up the line heap to its place. */
static void line_sift_up(request *h, size_t i)
{
    request x = h[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!line_less(&x, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

/* Moves h[i] down the n-request line heap to its place. */
static void line_sift_down(request *h, size_t n, size_t i)
{
    request x = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && line_less(&h[c + 1], &h[c]))
            c++;
        if (!line_less(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

/* Removes the request at heap index i; O(log n). */
static void line_remove_at(sim_resource *r, size_t i)
{
    r->line[i] = r->line[--r->nline];
    if (i < r->nline) {
        line_sift_down(r->line, r->nline, i);
        line_sift_up(r->line, i);
    }
}

/* Grants the head of the line while units are free, calling the grant
 * callback for each. A call from inside a callback returns at once: the
 * outer loop carries on. */
static void grant_waiting(sim_resource *r)
{
    if (r->granting)
        return; /* the outer loop will continue */
    r->granting = 1;
    double now = sim_now(r->s);
    while (r->nline && r->busy < r->cap) {
        request q = r->line[0];
        line_remove_at(r, 0);
        sim_tw_set(&r->tw_queue, now, (double)r->nline);
        r->busy++;
        sim_tw_set(&r->tw_busy, now, (double)r->busy);
        sim_tally_add(&r->waits, now - q.since);
        r->grant(r->s, r->ctx, q.token);
    }
    r->granting = 0;
}

/* Handler of SIM_KIND_RESOURCE_CAPACITY (data: the resource): applies the
 * pending capacity, schedules the next change, grants waiting requests. */
static void on_capacity(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    (void)ctx;
    sim_resource *r = (sim_resource *)(uintptr_t)ev->data;
    r->cap = r->pending_cap;
    sim_tw_set(&r->tw_cap, ev->time, (double)r->cap);
    schedule_change(r);
    grant_waiting(r);
}

sim_resource *sim_resource_create(sim *s, const sim_sched *capacity, sim_grant_fn grant, void *ctx)
{
    sim_resource *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->s = s;
    r->grant = grant;
    r->ctx = ctx;
    r->line_cap = LINE_INITIAL;
    r->line = malloc(r->line_cap * sizeof *r->line);
    if (!r->line || sim_sched_copy(&r->cap_sched, capacity)) {
        free(r->line);
        free(r);
        return NULL;
    }
    double now = sim_now(s);
    r->cap = cap_at(r, now);
    sim_tw_init(&r->tw_busy, now, 0);
    sim_tw_init(&r->tw_queue, now, 0);
    sim_tw_init(&r->tw_cap, now, (double)r->cap);
    sim_tally_init(&r->waits);
    sim_on(s, SIM_KIND_RESOURCE_CAPACITY, on_capacity, NULL);
    schedule_change(r);
    return r;
}

void sim_resource_destroy(sim_resource *r)
{
    if (!r)
        return;
    sim_cancel(r->s, r->next_change);
    sim_sched_free(&r->cap_sched);
    free(r->line);
    free(r);
}

int sim_resource_seize(sim_resource *r, uint64_t token, unsigned priority)
{
    double now = sim_now(r->s);
    if (r->busy < r->cap && r->nline == 0) {
        r->busy++;
        sim_tw_set(&r->tw_busy, now, (double)r->busy);
        sim_tally_add(&r->waits, 0);
        return 1;
    }
    if (r->nline == r->line_cap) {
        request *nl = realloc(r->line, 2 * r->line_cap * sizeof *nl);
        if (!nl)
            return -1;
        r->line = nl;
        r->line_cap *= 2;
    }
    assert(priority <= SIM_RESOURCE_PRIO_MAX);
    request q = {((uint64_t)priority << SEQ_BITS) | (r->seq++ & ((UINT64_C(1) << SEQ_BITS) - 1)), token, now};
    r->line[r->nline++] = q;
    line_sift_up(r->line, r->nline - 1);
    sim_tw_set(&r->tw_queue, now, (double)r->nline);
    return 0;
}

void sim_resource_release(sim_resource *r)
{
    assert(r->busy > 0);
    r->busy--;
    sim_tw_set(&r->tw_busy, sim_now(r->s), (double)r->busy);
    grant_waiting(r);
}

int sim_resource_renege(sim_resource *r, uint64_t token)
{
    for (size_t i = 0; i < r->nline; i++) {
        if (r->line[i].token == token) {
            line_remove_at(r, i);
            sim_tw_set(&r->tw_queue, sim_now(r->s), (double)r->nline);
            return 1;
        }
    }
    return 0;
}

long sim_resource_capacity(const sim_resource *r) { return r->cap; }

long sim_resource_busy(const sim_resource *r) { return r->busy; }

size_t sim_resource_queued(const sim_resource *r) { return r->nline; }

double sim_resource_mean_busy(const sim_resource *r) { return sim_tw_mean(&r->tw_busy, sim_now(r->s)); }

double sim_resource_mean_queue(const sim_resource *r) { return sim_tw_mean(&r->tw_queue, sim_now(r->s)); }

double sim_resource_utilisation(const sim_resource *r)
{
    double c = sim_tw_mean(&r->tw_cap, sim_now(r->s));
    return c > 0 ? sim_resource_mean_busy(r) / c : NAN;
}

const sim_tally *sim_resource_waits(const sim_resource *r) { return &r->waits; }

void sim_resource_reset_stats(sim_resource *r)
{
    double now = sim_now(r->s);
    sim_tw_restart(&r->tw_busy, now);
    sim_tw_restart(&r->tw_queue, now);
    sim_tw_restart(&r->tw_cap, now);
    sim_tally_init(&r->waits);
}

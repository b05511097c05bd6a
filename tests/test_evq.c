/*
 * tests/test_evq.c: the event order rule (time, priority, insertion), lazy
 * cancellation and rescheduling, growth from a tiny capacity, a long random
 * sequence of operations checked against a sorted reference (also across
 * the renumbering when insertion sequences wrap), and the pending limit.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "sim/evq.h"
#include "sim/rng.h"
#include "sim/sim.h"

Test(evq, order_is_time_then_priority_then_insertion)
{
    sim_evq *q = sim_evq_create(1);
    /* (time, prio) pushed in a scrambled order; data = push index. */
    const double t[] = {2, 1, 1, 1, 2, 1, 0.5, 1};
    const unsigned pr[] = {0, 5, 1, 5, 0, 1, 9, 0};
    for (uint64_t i = 0; i < 8; i++)
        cr_assert(sim_evq_push(q, t[i], pr[i], 7, i));
    /* Expected: 0.5 first; at t=1: prio 0 (7), prio 1 in push order (2, 5),
     * prio 5 in push order (1, 3); at t=2: prio 0 in push order (0, 4). */
    const uint64_t want[] = {6, 7, 2, 5, 1, 3, 0, 4};
    sim_ev ev;
    for (int i = 0; i < 8; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.data, want[i], "pop %d: got event %llu, want %llu", i, (unsigned long long)ev.data,
                     (unsigned long long)want[i]);
        cr_assert_eq(ev.kind, 7);
        cr_assert_eq(ev.prio, pr[want[i]]);
    }
    cr_assert_not(sim_evq_pop(q, &ev));
    sim_evq_destroy(q);
}

Test(evq, negative_zero_and_infinite_times_order_numerically)
{
    sim_evq *q = sim_evq_create(1);
    /* -0.0 and 0.0 are the same time: priority, then insertion, decides. */
    const double t[] = {INFINITY, 0.0, -1e-300, -0.0, 1e-300, -3.5, -INFINITY, 0.0};
    const unsigned pr[] = {0, 2, 0, 1, 0, 0, 0, 1};
    for (uint64_t i = 0; i < 8; i++)
        cr_assert(sim_evq_push(q, t[i], pr[i], 0, i));
    const uint64_t want[] = {6, 5, 2, 3, 7, 1, 4, 0};
    sim_ev ev;
    for (int i = 0; i < 8; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.data, want[i], "pop %d: got event %llu, want %llu", i, (unsigned long long)ev.data,
                     (unsigned long long)want[i]);
        cr_assert(ev.time == t[want[i]], "pop %d: time %g, pushed as %g", i, ev.time, t[want[i]]);
    }
    sim_evq_destroy(q);
}

Test(evq, equal_keys_are_fifo_over_many_events)
{
    sim_evq *q = sim_evq_create(2);
    for (uint64_t i = 0; i < 5000; i++)
        sim_evq_push(q, 3.0, 2, 0, i);
    sim_ev ev;
    for (uint64_t i = 0; i < 5000; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.data, i);
    }
    sim_evq_destroy(q);
}

Test(evq, cancel_and_stale_handles)
{
    sim_evq *q = sim_evq_create(1);
    sim_handle a = sim_evq_push(q, 1, 0, 0, 1);
    sim_handle b = sim_evq_push(q, 2, 0, 0, 2);
    sim_handle c = sim_evq_push(q, 3, 0, 0, 3);
    cr_assert_eq(sim_evq_size(q), 3);
    cr_assert_eq(sim_evq_cancel(q, b), 1);
    cr_assert_eq(sim_evq_cancel(q, b), 0, "cancelling twice must report a stale handle");
    cr_assert_eq(sim_evq_cancel(q, 0), 0);
    cr_assert_eq(sim_evq_size(q), 2);
    cr_assert_not(sim_evq_pending(q, b));
    sim_ev ev;
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.data, 1);
    cr_assert_eq(sim_evq_cancel(q, a), 0, "a fired event's handle is stale");
    /* The slot of a fired event is reused; the old handle must stay stale. */
    sim_handle d = sim_evq_push(q, 4, 0, 0, 4);
    cr_assert_eq(sim_evq_cancel(q, a), 0);
    cr_assert(sim_evq_pending(q, d));
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.data, 3);
    cr_assert(sim_evq_pending(q, d));
    cr_assert_not(sim_evq_pending(q, c));
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.data, 4);
    cr_assert_not(sim_evq_pop(q, &ev));
    cr_assert(isinf(sim_evq_next_time(q)));
    sim_evq_destroy(q);
}

Test(evq, reschedule_keeps_payload_and_moves_time)
{
    sim_evq *q = sim_evq_create(1);
    sim_handle a = sim_evq_push(q, 5, 3, 11, 100);
    sim_evq_push(q, 2, 0, 12, 200);
    sim_handle a2 = sim_evq_reschedule(q, a, 1);
    cr_assert(a2);
    cr_assert_not(sim_evq_pending(q, a));
    cr_assert_eq(sim_evq_reschedule(q, a, 7), 0, "stale handle cannot be rescheduled");
    cr_assert_eq(sim_evq_size(q), 2);
    sim_ev ev;
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.time, 1);
    cr_assert_eq(ev.kind, 11);
    cr_assert_eq(ev.data, 100);
    cr_assert_eq(ev.prio, 3);
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.data, 200);
    sim_evq_destroy(q);
}

Test(evq, grows_from_capacity_one)
{
    sim_evq *q = sim_evq_create(1);
    cr_assert_eq(sim_evq_capacity(q), 1);
    gsl_rng *r = sim_rng_create(1, 0, 0);
    for (uint64_t i = 0; i < 100000; i++)
        cr_assert(sim_evq_push(q, gsl_rng_uniform(r), 0, 0, i));
    cr_assert_geq(sim_evq_capacity(q), 100000);
    sim_ev ev;
    double last = -1;
    for (int i = 0; i < 100000; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_geq(ev.time, last);
        last = ev.time;
    }
    gsl_rng_free(r);
    sim_evq_destroy(q);
}

/* Reference model: every pushed event with its key; pops must come out in
 * exactly the order of a stable sort on (time, prio, push index). */
typedef struct ref_ev {
    double time;
    unsigned prio;
    uint64_t seq;
    sim_handle h;
    int live;
    uint64_t data; /* payload: the push index of the event's first push */
} ref_ev;

static int ref_next(const ref_ev *r, size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!r[i].live)
            continue;
        if (best < 0 || r[i].time < r[best].time ||
            (r[i].time == r[best].time &&
             (r[i].prio < r[best].prio || (r[i].prio == r[best].prio && r[i].seq < r[best].seq))))
            best = (int)i;
    }
    return best;
}

/* A long random sequence of pushes, reschedules, cancels and pops, checked
 * against the reference at every step. The queue's insertion sequence
 * starts at seq0. Priorities include SIM_PRIO_MAX: a sequence number that
 * overflowed its 32 bits would carry into the priority bits, and only there
 * does the carry change the order. */
static void random_operations(uint64_t seq0)
{
    enum { N = 3000 };
    static ref_ev ref[N];
    static const unsigned prios[] = {0, 1, SIM_PRIO_MAX};
    size_t nref = 0;
    sim_evq *q = sim_evq_create(1);
    if (seq0)
        sim_evq_test_set_seq(q, seq0);
    gsl_rng *r = sim_rng_create(42, 0, 0);
    double now = 0;
    for (int step = 0; step < 20000 && nref < N; step++) {
        double u = gsl_rng_uniform(r);
        if (u < 0.45) {
            /* Coarse times make ties common. */
            double t = now + (double)gsl_rng_uniform_int(r, 20);
            unsigned pr = prios[gsl_rng_uniform_int(r, 3)];
            sim_handle h = sim_evq_push(q, t, pr, 0, nref);
            ref[nref] = (ref_ev){t, pr, nref, h, 1, nref};
            nref++;
        } else if (u < 0.52 && nref && nref < N) {
            /* Reschedule: the event takes a new insertion sequence. */
            size_t i = gsl_rng_uniform_int(r, nref);
            double t = now + (double)gsl_rng_uniform_int(r, 20);
            sim_handle h = sim_evq_reschedule(q, ref[i].h, t);
            cr_assert_eq(h != 0, ref[i].live, "reschedule of event %zu", i);
            if (h) {
                ref[i].live = 0;
                ref[nref] = (ref_ev){t, ref[i].prio, nref, h, 1, ref[i].data};
                nref++;
            }
        } else if (u < 0.6 && nref) {
            size_t i = gsl_rng_uniform_int(r, nref);
            int got = sim_evq_cancel(q, ref[i].h);
            cr_assert_eq(got, ref[i].live, "cancel of event %zu", i);
            ref[i].live = 0;
        } else {
            int want = ref_next(ref, nref);
            sim_ev ev;
            int got = sim_evq_pop(q, &ev);
            cr_assert_eq(got, want >= 0);
            if (want >= 0) {
                cr_assert_eq(ev.data, ref[want].data, "step %d: popped %llu, reference says %llu", step,
                             (unsigned long long)ev.data, (unsigned long long)ref[want].data);
                cr_assert_eq(ev.time, ref[want].time);
                ref[want].live = 0;
                now = ev.time;
            }
        }
        size_t live = 0;
        for (size_t i = 0; i < nref; i++)
            live += (size_t)ref[i].live;
        cr_assert_eq(sim_evq_size(q), live);
    }
    gsl_rng_free(r);
    sim_evq_destroy(q);
}

Test(evq, random_operations_match_reference) { random_operations(0); }

Test(evq, order_survives_sequence_renumbering)
{
    /* The sequence wraps after 1000 of the about 3000 pushes, with hundreds
     * of events pending in a scrambled heap (ties common): renumbering must
     * keep their order, handles must stay valid, and later pushes must sort
     * after them. */
    random_operations((UINT64_C(1) << 32) - 1000);
}

Test(evq, renumbering_keeps_fifo_of_equal_keys)
{
    /* 64 events at one time and priority straddle the wrap, pushed while
     * others pop so the heap array is not in insertion order. */
    sim_evq *q = sim_evq_create(1);
    sim_evq_test_set_seq(q, (UINT64_C(1) << 32) - 32);
    sim_ev ev;
    uint64_t next = 0;
    for (uint64_t i = 0; i < 64; i++) {
        cr_assert(sim_evq_push(q, 5.0, SIM_PRIO_MAX, 0, i));
        cr_assert(sim_evq_push(q, (double)(i % 4), 0, 1, i)); /* earlier events, popped as we go */
        if (i % 2) {
            cr_assert(sim_evq_pop(q, &ev));
            cr_assert_eq(ev.kind, 1);
        }
    }
    while (sim_evq_pop(q, &ev)) {
        if (ev.kind == 0) {
            cr_assert_eq(ev.data, next, "got event %llu, want %llu", (unsigned long long)ev.data,
                         (unsigned long long)next);
            next++;
        }
    }
    cr_assert_eq(next, 64);
    sim_evq_destroy(q);
}

Test(evq, push_fails_at_the_pending_limit)
{
    /* The limit is 2^24 - 1 pending events (600 MB to reach); the test hook
     * lowers it to 100 so the failure path runs. */
    sim_evq *q = sim_evq_create(1);
    sim_evq_test_set_limit(q, 100);
    for (uint64_t i = 0; i < 100; i++)
        cr_assert(sim_evq_push(q, (double)i, 0, 0, i), "push %llu", (unsigned long long)i);
    cr_assert_eq(sim_evq_push(q, 0.5, 0, 0, 999), 0, "the 101st pending event is refused");
    cr_assert_eq(sim_evq_size(q), 100, "and the queue is unchanged");
    sim_ev ev;
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.data, 0);
    cr_assert(sim_evq_push(q, 200, 0, 0, 200), "a pop frees a place");
    cr_assert_eq(sim_evq_push(q, 201, 0, 0, 201), 0);
    for (uint64_t i = 1; i < 100; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.data, i);
    }
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.data, 200);
    cr_assert_not(sim_evq_pop(q, &ev));
    sim_evq_destroy(q);
}

Test(evq, mass_cancellation_compacts)
{
    sim_evq *q = sim_evq_create(1);
    sim_handle h[10000];
    for (int i = 0; i < 10000; i++)
        h[i] = sim_evq_push(q, (double)i, 0, 0, (uint64_t)i);
    for (int i = 0; i < 10000; i++)
        if (i % 10)
            cr_assert(sim_evq_cancel(q, h[i]));
    cr_assert_eq(sim_evq_size(q), 1000);
    sim_ev ev;
    for (int i = 0; i < 1000; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.data, (uint64_t)i * 10);
    }
    cr_assert_not(sim_evq_pop(q, &ev));
    sim_evq_destroy(q);
}

/* The run loop: handlers see events in order, the clock advances, and
 * sim_run stops at `until` with the clock there. */
typedef struct trace {
    double t[16];
    uint64_t d[16];
    int n;
} trace;

static void record(sim *s, const sim_ev *ev, void *ctx)
{
    trace *tr = ctx;
    cr_assert_eq(sim_now(s), ev->time);
    tr->t[tr->n] = ev->time;
    tr->d[tr->n++] = ev->data;
    if (ev->data == 1)
        sim_after(s, 0, 0, SIM_KIND_USER, 3); /* same instant: runs after already-queued equals */
}

Test(sim, run_loop_dispatches_in_order_and_stops_at_until)
{
    sim *s = sim_create(1);
    trace tr = {.n = 0};
    sim_on(s, SIM_KIND_USER, record, &tr);
    sim_at(s, 1, 0, SIM_KIND_USER, 1);
    sim_at(s, 1, 0, SIM_KIND_USER, 2);
    sim_at(s, 5, 0, SIM_KIND_USER, 4);
    cr_assert_eq(sim_run(s, 4), 3);
    cr_assert_eq(sim_now(s), 4);
    cr_assert_eq(tr.n, 3);
    cr_assert_eq(tr.d[0], 1);
    cr_assert_eq(tr.d[1], 2);
    cr_assert_eq(tr.d[2], 3);
    cr_assert_eq(sim_pending(s), 1);
    cr_assert_eq(sim_run(s, 10), 1);
    cr_assert_eq(tr.d[3], 4);
    cr_assert_eq(sim_events(s), 4);
    sim_destroy(s);
}

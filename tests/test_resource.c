/*
 * tests/test_resource.c: seize/release, line disciplines, capacity
 * schedules (steps and ramps), reneging and time-weighted statistics, all
 * with deterministic event sequences and exact expected grants.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>

#include "sim/resource.h"

typedef struct grants {
    uint64_t token[32];
    double at[32];
    int n;
} grants;

static void on_grant(sim *s, void *ctx, uint64_t token)
{
    grants *g = ctx;
    g->token[g->n] = token;
    g->at[g->n++] = sim_now(s);
}

enum { EV_RELEASE = SIM_KIND_USER };

static void on_release(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    (void)ev;
    sim_resource_release(ctx);
}

Test(resource, fifo_and_priority_order)
{
    sim *s = sim_create(1);
    grants g = {.n = 0};
    sim_sched one = sim_sched_const(1);
    sim_resource *r = sim_resource_create(s, &one, on_grant, &g);
    cr_assert_eq(sim_resource_seize(r, 100, 0), 1, "free unit: granted at once");
    cr_assert_eq(sim_resource_seize(r, 1, 5), 0);
    cr_assert_eq(sim_resource_seize(r, 2, 1), 0);
    cr_assert_eq(sim_resource_seize(r, 3, 5), 0);
    cr_assert_eq(sim_resource_seize(r, 4, 1), 0);
    cr_assert_eq(sim_resource_queued(r), 4);
    for (int i = 0; i < 4; i++)
        sim_resource_release(r);
    const uint64_t want[] = {2, 4, 1, 3}; /* priority 1 first, FIFO within equals */
    cr_assert_eq(g.n, 4);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(g.token[i], want[i], "grant %d", i);
    cr_assert_eq(sim_resource_busy(r), 1);
    sim_resource_destroy(r);
    sim_destroy(s);
}

Test(resource, renege_removes_a_waiting_request)
{
    sim *s = sim_create(1);
    grants g = {.n = 0};
    sim_sched one = sim_sched_const(1);
    sim_resource *r = sim_resource_create(s, &one, on_grant, &g);
    sim_resource_seize(r, 1, 0);
    sim_resource_seize(r, 2, 0);
    sim_resource_seize(r, 3, 0);
    cr_assert_eq(sim_resource_renege(r, 2), 1);
    cr_assert_eq(sim_resource_renege(r, 2), 0);
    sim_resource_release(r);
    cr_assert_eq(g.n, 1);
    cr_assert_eq(g.token[0], 3);
    sim_resource_destroy(r);
    sim_destroy(s);
}

Test(resource, capacity_steps_up_and_down)
{
    sim *s = sim_create(1);
    grants g = {.n = 0};
    sim_sched cap = sim_sched_const(1);
    sim_sched_add(&cap, 10, 10, 3); /* 3 units from t=10 */
    sim_sched_add(&cap, 20, 20, 1); /* back to 1 from t=20 */
    sim_resource *r = sim_resource_create(s, &cap, on_grant, &g);
    sim_on(s, EV_RELEASE, on_release, r);
    for (uint64_t k = 1; k <= 4; k++)
        sim_resource_seize(r, k, 0); /* 1 granted now, 3 wait */
    sim_run(s, 15);
    cr_assert_eq(sim_resource_capacity(r), 3);
    cr_assert_eq(g.n, 2, "two more granted when capacity rose at t=10");
    cr_assert_eq(g.at[0], 10);
    cr_assert_eq(g.token[1], 3);
    sim_run(s, 25);
    cr_assert_eq(sim_resource_capacity(r), 1);
    cr_assert_eq(sim_resource_busy(r), 3, "nobody is preempted");
    /* Releases at 30, 31, 32: busy goes 3 -> 2 -> 1 -> 0; only the third
     * release (busy 0 < 1) grants the waiting request 4. */
    sim_at(s, 30, 0, EV_RELEASE, 0);
    sim_at(s, 31, 0, EV_RELEASE, 0);
    sim_run(s, 31.5);
    cr_assert_eq(g.n, 2);
    sim_at(s, 32, 0, EV_RELEASE, 0);
    sim_run(s, 40);
    cr_assert_eq(g.n, 3);
    cr_assert_eq(g.token[2], 4);
    cr_assert_eq(g.at[2], 32);
    sim_sched_free(&cap);
    sim_resource_destroy(r);
    sim_destroy(s);
}

Test(resource, capacity_ramp_adds_units_at_half_unit_crossings)
{
    sim *s = sim_create(1);
    grants g = {.n = 0};
    sim_sched cap = sim_sched_const(0);
    sim_sched_add(&cap, 0, 8, 4); /* 0 -> 4 over [0, 8]: rounds up at t = 1, 3, 5, 7 */
    sim_resource *r = sim_resource_create(s, &cap, on_grant, &g);
    for (uint64_t k = 1; k <= 5; k++)
        cr_assert_eq(sim_resource_seize(r, k, 0), 0);
    sim_run(s, 100);
    cr_assert_eq(g.n, 4);
    const double want[] = {1, 3, 5, 7};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(g.at[i], want[i], "grant %d at %g", i, g.at[i]); /* t/2 is exact: no rounding */
    cr_assert_eq(sim_resource_capacity(r), 4);
    sim_sched_free(&cap);
    sim_resource_destroy(r);
    sim_destroy(s);
}

/* Runs to time t and returns the capacity then. */
static long capacity_at(sim *s, sim_resource *r, double t)
{
    sim_run(s, t);
    return sim_resource_capacity(r);
}

Test(resource, capacity_ramp_down_drops_units_just_after_half_unit_crossings)
{
    /* 3 -> 0 over [0, 6]: the value is 3 - t/2, exactly 2.5, 1.5, 0.5 at
     * t = 1, 3, 5. Round half up keeps 3, 2, 1 units at those instants; the
     * unit goes at the first time the schedule's value (as sim_sched_at
     * rounds it) is below the half unit, a few ulps later. */
    sim *s = sim_create(1);
    sim_sched cap = sim_sched_const(3);
    sim_sched_add(&cap, 0, 6, 0);
    sim_resource *r = sim_resource_create(s, &cap, on_grant, &(grants){.n = 0});
    const double at[] = {1, 3, 5};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(sim_sched_at(&cap, at[i]), 2.5 - i);
        cr_assert_eq(capacity_at(s, r, at[i]), 3 - i, "at t=%g", at[i]);
        double t = at[i];
        for (int ulps = 0; ulps < 64 && capacity_at(s, r, t) == 3 - i; ulps++)
            t = nextafter(t, INFINITY);
        cr_assert_eq(sim_resource_capacity(r), 2 - i, "a unit gone within 64 ulps after t=%g", at[i]);
        cr_assert_lt(sim_sched_at(&cap, t), 2.5 - i, "the value has passed the half unit at t=%.17g", t);
        cr_assert_eq(sim_sched_at(&cap, nextafter(t, -INFINITY)), 2.5 - i, "and not before");
        cr_assert_eq(capacity_at(s, r, at[i] + 1e-9), 2 - i);
    }
    cr_assert_eq(capacity_at(s, r, 100), 0);
    sim_sched_free(&cap);
    sim_resource_destroy(r);
    sim_destroy(s);
}

Test(resource, capacity_ramp_below_zero_stops_at_zero)
{
    /* 1 -> -2 over [0, 6]: the value is 1 - t/2, below 0.5 after t = 1. The
     * capacity is 1 on [0, 1] and 0 after, never negative, so the mean
     * capacity over [0, 10] is 0.1 and the utilisation of an idle pool 0. */
    sim *s = sim_create(1);
    sim_sched cap = sim_sched_const(1);
    sim_sched_add(&cap, 0, 6, -2);
    sim_resource *r = sim_resource_create(s, &cap, on_grant, &(grants){.n = 0});
    cr_assert_eq(capacity_at(s, r, 1), 1);
    cr_assert_eq(capacity_at(s, r, 1 + 1e-9), 0);
    const double later[] = {3.5, 5.5, 6, 10};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(capacity_at(s, r, later[i]), 0, "at t=%g", later[i]);
    cr_assert_eq(sim_resource_utilisation(r), 0);
    cr_assert_eq(sim_pending(s), 0, "no capacity change is left pending");
    sim_sched_free(&cap);
    sim_resource_destroy(r);
    sim_destroy(s);
}

Test(resource, priorities_use_their_whole_range)
{
    sim *s = sim_create(1);
    grants g = {.n = 0};
    sim_sched one = sim_sched_const(1);
    sim_resource *r = sim_resource_create(s, &one, on_grant, &g);
    sim_resource_seize(r, 100, 0);
    cr_assert_eq(sim_resource_seize(r, 1, SIM_RESOURCE_PRIO_MAX), 0);
    cr_assert_eq(sim_resource_seize(r, 2, 5), 0);
    cr_assert_eq(sim_resource_seize(r, 3, SIM_RESOURCE_PRIO_MAX - 1), 0);
    for (int i = 0; i < 3; i++)
        sim_resource_release(r);
    const uint64_t want[] = {2, 3, 1};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(g.token[i], want[i], "grant %d", i);
    sim_resource_destroy(r);
    sim_destroy(s);
}

#ifndef NDEBUG /* asserts are compiled into every test build */
Test(resource, priority_above_the_maximum_is_a_broken_contract, .signal = SIGABRT)
{
    /* It used to keep the low 16 bits: 65536 was served before 5. */
    sim *s = sim_create(1);
    sim_sched one = sim_sched_const(1);
    sim_resource *r = sim_resource_create(s, &one, on_grant, &(grants){.n = 0});
    sim_resource_seize(r, 100, 0);
    sim_resource_seize(r, 1, 5);
    sim_resource_seize(r, 2, SIM_RESOURCE_PRIO_MAX + 1);
}
#endif

Test(resource, time_weighted_statistics)
{
    sim *s = sim_create(1);
    grants g = {.n = 0};
    sim_sched two = sim_sched_const(2);
    sim_resource *r = sim_resource_create(s, &two, on_grant, &g);
    sim_on(s, EV_RELEASE, on_release, r);
    /* t=0: three seize: busy 2, line 1. t=4: release -> third granted (wait 4),
     * busy 2, line 0. t=6 and t=8: releases, busy 1 then 0. Observe to t=10. */
    sim_resource_seize(r, 1, 0);
    sim_resource_seize(r, 2, 0);
    sim_resource_seize(r, 3, 0);
    sim_at(s, 4, 0, EV_RELEASE, 0);
    sim_at(s, 6, 0, EV_RELEASE, 0);
    sim_at(s, 8, 0, EV_RELEASE, 0);
    sim_run(s, 10);
    cr_assert_float_eq(sim_resource_mean_busy(r), (2 * 6 + 1 * 2) / 10.0, 1e-12);
    cr_assert_float_eq(sim_resource_mean_queue(r), 4 / 10.0, 1e-12);
    cr_assert_float_eq(sim_resource_utilisation(r), 1.4 / 2, 1e-12);
    const sim_tally *w = sim_resource_waits(r);
    cr_assert_eq(w->n, 3);
    cr_assert_float_eq(sim_tally_mean(w), 4 / 3.0, 1e-12);
    sim_resource_destroy(r);
    sim_destroy(s);
}

/*
 * sim/resource.h: a pool of identical units (tellers, servers, rooms) that
 * requests seize and release, with a waiting line.
 *
 * A request is granted at once if a unit is free and nobody is waiting;
 * otherwise it joins the line, ordered by (priority, arrival): lower priority
 * numbers first, first come first served among equals (the FIFO discipline is
 * the priority one with every priority equal). When a unit frees, the head of
 * the line is granted synchronously: the grant callback runs inside the
 * release (or capacity change) that freed it, after the pool's counts are
 * updated, so the callback may itself seize or release.
 *
 * Capacity follows a schedule (steps and ramps; see sim/sched.h): at every
 * instant it is the schedule's value then rounded half up to whole units,
 * never below 0. So a ramp up adds a unit at the instant it reaches k + 0.5,
 * and a ramp down removes one just after it passes k - 0.5 (at k - 0.5 it
 * still rounds to k). The resource schedules its own changes on the run's
 * event queue. A drop below the number busy preempts nobody: surplus units
 * retire as they are released.
 *
 * Time-weighted statistics of units busy and line length, and a tally of
 * waiting times of granted requests, are kept from creation (or the last
 * sim_resource_reset_stats). Seize and release are O(log line length);
 * reneging is O(line length).
 */
#ifndef SIM_RESOURCE_H
#define SIM_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sched.h"
#include "sim/sim.h"
#include "sim/stats.h"

typedef struct sim_resource sim_resource;

/* Called when a queued request is granted; token is the caller's. */
typedef void (*sim_grant_fn)(sim *s, void *ctx, uint64_t token);

/* Creates a resource on run s whose capacity follows `capacity` (copied;
 * times in simulation days; values rounded to the nearest whole unit, < 0
 * treated as 0; see above). Returns NULL on OOM. The caller owns it and must
 * destroy it before destroying s. */
sim_resource *sim_resource_create(sim *s, const sim_sched *capacity, sim_grant_fn grant, void *ctx);
/* Cancels its pending capacity change and frees it; waiting requests are
 * dropped without a callback. NULL is a no-op. */
void sim_resource_destroy(sim_resource *r);

/* Largest priority of a request; lower numbers are served first. */
#define SIM_RESOURCE_PRIO_MAX 65535u

/* Asks for one unit for `token`, with priority <= SIM_RESOURCE_PRIO_MAX
 * (asserted). Returns 1 if granted now (no callback will follow), 0 if
 * queued (the grant callback will run later), -1 on OOM (nothing queued). */
int sim_resource_seize(sim_resource *r, uint64_t token, unsigned priority);
/* Returns one unit (asserts one is busy) and grants waiting requests. */
void sim_resource_release(sim_resource *r);
/* Withdraws a queued request (the customer leaves the line). Returns 1 if
 * it was waiting, 0 if not found. */
int sim_resource_renege(sim_resource *r, uint64_t token);

/* Units now: in the pool (>= 0), seized (may exceed the capacity after a
 * drop), and requests waiting in the line. */
long sim_resource_capacity(const sim_resource *r);
long sim_resource_busy(const sim_resource *r);
size_t sim_resource_queued(const sim_resource *r);

/* Time averages up to the run's current time. */
double sim_resource_mean_busy(const sim_resource *r);
double sim_resource_mean_queue(const sim_resource *r);
/* Mean busy / mean capacity over the observation period. */
double sim_resource_utilisation(const sim_resource *r);
/* Waits (time from seize to grant; 0 for immediate grants) of requests
 * granted in the observation period. */
const sim_tally *sim_resource_waits(const sim_resource *r);
/* Starts a new observation period now (warm-up deletion). */
void sim_resource_reset_stats(sim_resource *r);

#endif

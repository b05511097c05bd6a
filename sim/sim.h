/*
 * sim/sim.h: a simulation run: the clock, the pending events and the handlers
 * that give events their meaning.
 *
 * The loop pops the next event (sim/evq.h order: time, priority, insertion
 * sequence), advances the clock to its time and calls the handler registered
 * for its kind. Handlers schedule further events relative to sim_now. Time
 * never goes backwards: scheduling before now is a broken invariant (assert).
 * Event kinds below SIM_KIND_USER are reserved for the engine's own modules
 * (resources); callers use SIM_KIND_USER .. SIM_KIND_MAX-1.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "sim/evq.h"

#define SIM_KIND_USER 16u
#define SIM_KIND_MAX 256u

/* Engine-reserved kinds. */
enum { SIM_KIND_RESOURCE_CAPACITY = 1 };

typedef struct sim sim;
typedef void (*sim_handler)(sim *s, const sim_ev *ev, void *ctx);

/* Creates a run with its clock at 0 and room for `capacity` pending events
 * (0 for the default). Returns NULL if memory runs out; free with sim_destroy. */
sim *sim_create(size_t capacity);
/* Frees the run and its pending events (their data words are the caller's
 * to free). Resources on it must be destroyed first. NULL is a no-op. */
void sim_destroy(sim *s);

/* Registers the handler for an event kind (< SIM_KIND_MAX), replacing any. */
void sim_on(sim *s, uint32_t kind, sim_handler fn, void *ctx);

/* Current simulation time. */
double sim_now(const sim *s);

/* Schedules an event at absolute time t >= now (asserted). Returns the
 * handle, or 0 if memory ran out, in which case the run is marked failed
 * (sim_failed) and stops at the end of the current event. */
sim_handle sim_at(sim *s, double t, unsigned prio, uint32_t kind, uint64_t data);
/* As sim_at, at now + dt (dt >= 0). */
sim_handle sim_after(sim *s, double dt, unsigned prio, uint32_t kind, uint64_t data);
/* Cancels a pending event: 1 if cancelled, 0 if the handle was stale. */
int sim_cancel(sim *s, sim_handle h);
/* Moves a pending event to time t >= now; returns the new handle or 0. */
sim_handle sim_reschedule(sim *s, sim_handle h, double t);

/* Runs events with time <= until, then sets the clock to until (unless
 * stopped or failed earlier, when the clock stays at the last event).
 * Returns the number of events handled by this call. */
uint64_t sim_run(sim *s, double until);
/* Asks the loop to return after the current event. */
void sim_stop(sim *s);
/* Marks the run failed with a caller-chosen nonzero code and stops it; the
 * first code set is kept. */
void sim_fail(sim *s, int code);
/* The failure code, 0 if the run has not failed. */
int sim_failed(const sim *s);

/* Events handled since creation, and events pending now. */
uint64_t sim_events(const sim *s);
size_t sim_pending(const sim *s);

#endif

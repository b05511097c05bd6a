/*
 * sim/evq.h: the pending-event set, a 4-ary min-heap.
 *
 * Events are ordered by (time, priority, insertion sequence): the earliest time
 * first; at equal times the lower priority number first; at equal time and
 * priority, first scheduled first (FIFO). The order is therefore total and
 * deterministic: it never depends on heap layout, memory addresses or threads.
 *
 * Heap entries are 16 bytes (time and a packed key), so four siblings share
 * one cache line; the payload (a kind and one 64-bit word) sits in a slot
 * record read once per pop. Cancellation is lazy: a cancelled entry is marked
 * through its slot and skipped when it reaches the top; when cancelled entries
 * outnumber live ones the heap is rebuilt in O(n), so memory stays within
 * twice the live size and cancel is amortised O(1). Push and pop are
 * O(log n); the arrays grow by doubling and are reused, so the steady state
 * allocates nothing per event. At most 2^24 - 1 (16.7 million) events can be
 * pending at once; push reports failure beyond that.
 */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

/* Handle of a scheduled event, for cancel and reschedule. 0 is "no event".
 * A handle goes stale once its event has fired or been cancelled; using a
 * stale handle is harmless (the call reports it). Slot generations are 31-bit:
 * a stale handle kept while its slot is reused 2^31 times could alias a newer
 * event, so callers clear handles of events that have fired. */
typedef uint64_t sim_handle;

/* Largest priority; lower numbers run first at equal times. */
#define SIM_PRIO_MAX 255u

typedef struct sim_ev {
    double time;
    uint64_t data;   /* caller's payload word */
    uint32_t kind;   /* caller's event kind */
    unsigned prio;
} sim_ev;

typedef struct sim_evq sim_evq;

/* Creates an empty queue with room for `capacity` events before it grows
 * (0 picks a default). Returns NULL if memory runs out. Caller owns the queue
 * and frees it with sim_evq_destroy. */
sim_evq *sim_evq_create(size_t capacity);
/* Frees the queue and drops its pending events. NULL is a no-op. */
void sim_evq_destroy(sim_evq *q);

/* Schedules an event. time must not be NaN; prio <= SIM_PRIO_MAX (asserted).
 * Returns its handle, or 0 if memory runs out or 2^24 - 1 events are already
 * pending (the queue is unchanged). */
sim_handle sim_evq_push(sim_evq *q, double time, unsigned prio, uint32_t kind, uint64_t data);

/* Removes the next event into *out. Returns 1, or 0 if the queue is empty. */
int sim_evq_pop(sim_evq *q, sim_ev *out);

/* Removes the next event into *out if its time is <= until. Returns 1, or 0
 * if the queue is empty or the next event is later than until. */
int sim_evq_pop_until(sim_evq *q, double until, sim_ev *out);

/* Time of the next event, or +INFINITY if none. May discard cancelled
 * entries at the top, hence not const. */
double sim_evq_next_time(sim_evq *q);

/* Cancels a pending event. Returns 1 if it was pending and is now cancelled,
 * 0 if the handle is 0 or stale (already fired or cancelled). */
int sim_evq_cancel(sim_evq *q, sim_handle h);

/* Moves a pending event to a new time, keeping its priority, kind and data.
 * The event takes a new insertion sequence (it is ordered as if scheduled
 * now). Returns the new handle, or 0 if h was stale or memory ran out (then
 * the old event, if it was pending, is left pending). */
sim_handle sim_evq_reschedule(sim_evq *q, sim_handle h, double time);

/* Whether the event behind h is still pending. */
int sim_evq_pending(const sim_evq *q, sim_handle h);

/* Number of live (not cancelled) pending events. */
size_t sim_evq_size(const sim_evq *q);

/* Number of entries the heap array can hold before it grows (for tests). */
size_t sim_evq_capacity(const sim_evq *q);

/* Test hooks, so tests reach rare paths cheaply; models never call them.
 * sim_evq_test_set_seq sets the next insertion sequence number (< 2^32) of a
 * queue with nothing pending (asserted): starting near 2^32 makes the
 * renumbering at the wrap run after a few pushes. sim_evq_test_set_limit
 * lowers the pending-event limit from 2^24 - 1 to max_pending (>= 1 and >=
 * the slots ever used, asserted), so push failing at the limit can be
 * reached without 600 MB of events. */
void sim_evq_test_set_seq(sim_evq *q, uint64_t seq);
void sim_evq_test_set_limit(sim_evq *q, size_t max_pending);

#endif

/*
 * sim/sched.h: a value that changes over time by steps and linear ramps.
 *
 * The value starts at `base`. Each segment [t0, t1] moves it to `v`: a step
 * when t1 == t0 (the new value holds from t0 on), a straight-line ramp from
 * the value at t0 to v at t1 otherwise. Segments are sorted and do not
 * overlap (t1 of one <= t0 of the next; sim_sched_check says why not).
 * Times are in whatever unit the caller uses consistently (the scenario
 * language stores calendar day numbers). Evaluation is O(number of segments),
 * which is a handful in practice.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stddef.h>

typedef struct sim_sched_seg {
    double t0, t1, v;
} sim_sched_seg;

typedef struct sim_sched {
    double base;
    size_t n;
    sim_sched_seg *seg; /* owned; NULL when n == 0 */
} sim_sched;

/* A constant schedule (no segments, nothing to free). */
sim_sched sim_sched_const(double v);
/* Appends a segment (kept in the order given). Returns 0, or -1 if memory
 * runs out (the schedule is unchanged). */
int sim_sched_add(sim_sched *s, double t0, double t1, double v);
/* NULL if the segments are well formed, else a static message saying why. */
const char *sim_sched_check(const sim_sched *s);
/* Frees the segments and leaves a constant schedule at base. */
void sim_sched_free(sim_sched *s);
/* Deep copy into *dst (which must not own segments). 0, or -1 on OOM. */
int sim_sched_copy(sim_sched *dst, const sim_sched *src);

/* Value at time t. */
double sim_sched_at(const sim_sched *s, double t);
/* Exact integral of the value over [a, b] (a <= b). */
double sim_sched_integral(const sim_sched *s, double a, double b);
/* The first time > t at which the value starts or stops changing (a segment
 * boundary), or +INFINITY if none. */
double sim_sched_next_break(const sim_sched *s, double t);
/* Smallest and largest value the schedule ever takes. */
double sim_sched_min(const sim_sched *s);
double sim_sched_max(const sim_sched *s);

#endif

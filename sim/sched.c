/*
 * sim/sched.c: piecewise-linear schedules. The value between breakpoints is
 * either constant or linear, so integrals are sums of trapezoids.
 */
#include "sim/sched.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

sim_sched sim_sched_const(double v)
{
    sim_sched s = {v, 0, NULL};
    return s;
}

int sim_sched_add(sim_sched *s, double t0, double t1, double v)
{
    sim_sched_seg *seg = realloc(s->seg, (s->n + 1) * sizeof *seg);
    if (!seg)
        return -1;
    seg[s->n].t0 = t0;
    seg[s->n].t1 = t1;
    seg[s->n].v = v;
    s->seg = seg;
    s->n++;
    return 0;
}

const char *sim_sched_check(const sim_sched *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->seg[i].t1 >= s->seg[i].t0))
            return "a ramp must end after it starts";
        if (i && s->seg[i].t0 < s->seg[i - 1].t1)
            return "changes must be in date order and must not overlap";
    }
    return NULL;
}

void sim_sched_free(sim_sched *s)
{
    free(s->seg);
    s->seg = NULL;
    s->n = 0;
}

int sim_sched_copy(sim_sched *dst, const sim_sched *src)
{
    *dst = *src;
    if (!src->n)
        return 0;
    dst->seg = malloc(src->n * sizeof *dst->seg);
    if (!dst->seg) {
        dst->n = 0;
        return -1;
    }
    memcpy(dst->seg, src->seg, src->n * sizeof *dst->seg);
    return 0;
}

double sim_sched_at(const sim_sched *s, double t)
{
    double v = s->base;
    for (size_t i = 0; i < s->n; i++) {
        const sim_sched_seg *g = &s->seg[i];
        if (t >= g->t1) {
            v = g->v;
        } else {
            if (t > g->t0)
                v += (g->v - v) * (t - g->t0) / (g->t1 - g->t0);
            break;
        }
    }
    return v;
}

double sim_sched_integral(const sim_sched *s, double a, double b)
{
    /* Between consecutive breakpoints the value is linear, so the midpoint
     * rule is exact on each piece. Breakpoints are already in order. */
    double total = 0, x = a;
    for (size_t i = 0; i < s->n; i++) {
        const double bp[2] = {s->seg[i].t0, s->seg[i].t1};
        for (int k = 0; k < 2; k++) {
            if (bp[k] > x && bp[k] < b) {
                total += (bp[k] - x) * sim_sched_at(s, 0.5 * (x + bp[k]));
                x = bp[k];
            }
        }
    }
    return total + (b - x) * sim_sched_at(s, 0.5 * (x + b));
}

double sim_sched_next_break(const sim_sched *s, double t)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->seg[i].t0 > t)
            return s->seg[i].t0;
        if (s->seg[i].t1 > t)
            return s->seg[i].t1;
    }
    return INFINITY;
}

double sim_sched_min(const sim_sched *s)
{
    double m = s->base;
    for (size_t i = 0; i < s->n; i++)
        m = fmin(m, s->seg[i].v);
    return m;
}

double sim_sched_max(const sim_sched *s)
{
    double m = s->base;
    for (size_t i = 0; i < s->n; i++)
        m = fmax(m, s->seg[i].v);
    return m;
}

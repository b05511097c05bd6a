/*
 * sim/stats.c: tallies, time-weighted levels, quantiles (exact, P-squared,
 * histogram).
 */
#include "sim/stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#ifdef SIM_SMALL_CAPACITY
#define SAMPLE_INITIAL 1
#else
#define SAMPLE_INITIAL 256
#endif

void sim_tally_init(sim_tally *t)
{
    t->n = 0;
    t->mean = t->m2 = 0;
    t->min = INFINITY;
    t->max = -INFINITY;
}

void sim_tally_add(sim_tally *t, double x)
{
    t->n++;
    double d = x - t->mean;
    t->mean += d / (double)t->n;
    t->m2 += d * (x - t->mean);
    if (x < t->min)
        t->min = x;
    if (x > t->max)
        t->max = x;
}

void sim_tally_merge(sim_tally *a, const sim_tally *b)
{
    if (!b->n)
        return;
    if (!a->n) {
        *a = *b;
        return;
    }
    double na = (double)a->n, nb = (double)b->n, n = na + nb;
    double d = b->mean - a->mean;
    a->mean += d * nb / n;
    a->m2 += b->m2 + d * d * na * nb / n;
    a->n += b->n;
    a->min = fmin(a->min, b->min);
    a->max = fmax(a->max, b->max);
}

double sim_tally_mean(const sim_tally *t) { return t->n ? t->mean : NAN; }

double sim_tally_var(const sim_tally *t) { return t->n > 1 ? t->m2 / (double)(t->n - 1) : NAN; }

double sim_tally_sd(const sim_tally *t) { return sqrt(sim_tally_var(t)); }

void sim_tw_init(sim_twstat *w, double t0, double level)
{
    w->t0 = w->t = t0;
    w->level = w->max = level;
    w->area = 0;
}

void sim_tw_set(sim_twstat *w, double t, double level)
{
    assert(t >= w->t);
    w->area += w->level * (t - w->t);
    w->t = t;
    w->level = level;
    if (level > w->max)
        w->max = level;
}

void sim_tw_add(sim_twstat *w, double t, double delta) { sim_tw_set(w, t, w->level + delta); }

double sim_tw_area(const sim_twstat *w, double now) { return w->area + w->level * (now - w->t); }

double sim_tw_mean(const sim_twstat *w, double now)
{
    return now > w->t0 ? sim_tw_area(w, now) / (now - w->t0) : w->level;
}

void sim_tw_restart(sim_twstat *w, double t)
{
    w->t0 = w->t = t;
    w->area = 0;
    w->max = w->level;
}

void sim_sample_init(sim_sample *s)
{
    s->x = NULL;
    s->n = s->cap = 0;
    s->sorted = 1;
}

int sim_sample_add(sim_sample *s, double x)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : SAMPLE_INITIAL;
        double *nx = realloc(s->x, ncap * sizeof *nx);
        if (!nx)
            return -1;
        s->x = nx;
        s->cap = ncap;
    }
    s->x[s->n++] = x;
    s->sorted = 0;
    return 0;
}

/* Ascending qsort order of doubles (a NaN would compare equal to all). */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double sim_sample_quantile(sim_sample *s, double p)
{
    if (!s->n)
        return NAN;
    if (!s->sorted) {
        qsort(s->x, s->n, sizeof *s->x, cmp_double); /* glibc: merge sort, faster than GSL's heapsort */
        s->sorted = 1;
    }
    return gsl_stats_quantile_from_sorted_data(s->x, 1, s->n, p);
}

void sim_sample_clear(sim_sample *s)
{
    s->n = 0;
    s->sorted = 1;
}

void sim_sample_free(sim_sample *s)
{
    free(s->x);
    sim_sample_init(s);
}

void sim_p2_init(sim_p2 *e, double p)
{
    memset(e, 0, sizeof *e);
    e->p = p;
    for (int i = 0; i < 5; i++)
        e->pos[i] = i + 1;
    e->want[0] = 1;
    e->want[1] = 1 + 2 * p;
    e->want[2] = 1 + 4 * p;
    e->want[3] = 3 + 2 * p;
    e->want[4] = 5;
    e->dwant[0] = 0;
    e->dwant[1] = p / 2;
    e->dwant[2] = p;
    e->dwant[3] = (1 + p) / 2;
    e->dwant[4] = 1;
}

/* P2's piecewise-parabolic height for middle marker i moved d (+1 or -1)
 * positions. */
static double p2_parabolic(const sim_p2 *e, int i, double d)
{
    const double *q = e->q, *n = e->pos;
    return q[i] + d / (n[i + 1] - n[i - 1]) *
                      ((n[i] - n[i - 1] + d) * (q[i + 1] - q[i]) / (n[i + 1] - n[i]) +
                       (n[i + 1] - n[i] - d) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]));
}

/* Moves each middle marker that is a position or more from where it should
 * be one step that way, if its neighbour leaves room; its height follows the
 * parabola, or the line to the neighbour if the parabola would break the
 * markers' order. */
static void p2_adjust(sim_p2 *e)
{
    for (int i = 1; i <= 3; i++) {
        double d = e->want[i] - e->pos[i];
        if ((d >= 1 && e->pos[i + 1] - e->pos[i] > 1) || (d <= -1 && e->pos[i - 1] - e->pos[i] < -1)) {
            double s = d >= 0 ? 1 : -1;
            double qn = p2_parabolic(e, i, s);
            if (!(e->q[i - 1] < qn && qn < e->q[i + 1])) {
                int j = i + (int)s;
                qn = e->q[i] + s * (e->q[j] - e->q[i]) / (e->pos[j] - e->pos[i]);
            }
            e->q[i] = qn;
            e->pos[i] += s;
        }
    }
}

void sim_p2_add(sim_p2 *e, double x)
{
    if (e->n < 5) {
        e->q[e->n++] = x;
        if (e->n == 5)
            gsl_sort(e->q, 1, 5);
        return;
    }
    e->n++;
    int k;
    if (x < e->q[0]) {
        e->q[0] = x;
        k = 0;
    } else if (x >= e->q[4]) {
        e->q[4] = x;
        k = 3;
    } else {
        k = 0;
        while (k < 3 && x >= e->q[k + 1])
            k++;
    }
    for (int i = k + 1; i < 5; i++)
        e->pos[i] += 1;
    for (int i = 0; i < 5; i++)
        e->want[i] += e->dwant[i];
    p2_adjust(e);
}

double sim_p2_value(const sim_p2 *e)
{
    if (e->n == 0)
        return NAN;
    if (e->n <= 5) { /* the markers are the observations themselves until the sixth */
        double tmp[5];
        memcpy(tmp, e->q, e->n * sizeof(double));
        gsl_sort(tmp, 1, e->n);
        return gsl_stats_quantile_from_sorted_data(tmp, 1, e->n, e->p);
    }
    return e->q[2];
}

int sim_hist_init(sim_hist *h, double lo, double width, size_t nbins)
{
    memset(h, 0, sizeof *h);
    if (!(width > 0) || nbins == 0)
        return -1;
    h->count = calloc(nbins, sizeof *h->count);
    if (!h->count)
        return -1;
    h->lo = lo;
    h->width = width;
    h->nbins = nbins;
    return 0;
}

void sim_hist_add(sim_hist *h, double x)
{
    assert(!isnan(x));
    h->n++;
    if (x < h->lo) {
        h->under++;
        return;
    }
    double b = (x - h->lo) / h->width;
    if (!(b < (double)h->nbins)) { /* also a NaN when asserts are off: never an index */
        h->over++;
        return;
    }
    h->count[(size_t)b]++;
}

void sim_hist_merge(sim_hist *a, const sim_hist *b)
{
    assert(a->nbins == b->nbins && a->lo == b->lo && a->width == b->width);
    for (size_t i = 0; i < a->nbins; i++)
        a->count[i] += b->count[i];
    a->under += b->under;
    a->over += b->over;
    a->n += b->n;
}

double sim_hist_quantile(const sim_hist *h, double p)
{
    if (!h->n)
        return NAN;
    double target = p * (double)h->n;
    double cum = (double)h->under;
    if (target <= cum)
        return h->lo;
    for (size_t i = 0; i < h->nbins; i++) {
        double c = (double)h->count[i];
        if (c > 0 && cum + c >= target)
            return h->lo + ((double)i + (target - cum) / c) * h->width;
        cum += c;
    }
    return h->lo + (double)h->nbins * h->width;
}

double sim_hist_share_below(const sim_hist *h, double x)
{
    if (!h->n)
        return NAN;
    if (x <= h->lo)
        return 0;
    double b = (x - h->lo) / h->width;
    if (b >= (double)h->nbins)
        return (double)(h->n - h->over) / (double)h->n;
    size_t k = (size_t)b;
    double cum = (double)h->under;
    for (size_t i = 0; i < k; i++)
        cum += (double)h->count[i];
    cum += (b - (double)k) * (double)h->count[k];
    return cum / (double)h->n;
}

void sim_hist_clear(sim_hist *h)
{
    if (h->count)
        memset(h->count, 0, h->nbins * sizeof *h->count);
    h->under = h->over = h->n = 0;
}

void sim_hist_free(sim_hist *h)
{
    free(h->count);
    h->count = NULL;
    h->nbins = 0;
}

void sim_icount_init(sim_icount *k) { memset(k, 0, sizeof *k); }

int sim_icount_add(sim_icount *k, long v)
{
    assert(v >= 0);
    size_t i = (size_t)v;
    if (i >= SIZE_MAX / (2 * sizeof *k->c))
        return -1; /* no array that large (and doubling ncap would overflow) */
    if (i >= k->cap) {
        size_t ncap = k->cap ? k->cap : 64;
        while (ncap <= i)
            ncap *= 2;
        uint64_t *nc = realloc(k->c, ncap * sizeof *nc);
        if (!nc)
            return -1;
        memset(nc + k->cap, 0, (ncap - k->cap) * sizeof *nc);
        k->c = nc;
        k->cap = ncap;
    }
    k->c[i]++;
    k->n++;
    k->sum += (double)v;
    if (i + 1 > k->top)
        k->top = i + 1;
    return 0;
}

/* The r-th smallest observation (0-based), r < n. */
static double icount_order(const sim_icount *k, uint64_t r)
{
    uint64_t cum = 0;
    for (size_t v = 0; v < k->top; v++) {
        cum += k->c[v];
        if (cum > r)
            return (double)v;
    }
    return (double)(k->top - 1);
}

double sim_icount_quantile(const sim_icount *k, double p)
{
    if (!k->n)
        return NAN;
    double h = (double)(k->n - 1) * p, lo = floor(h), delta = h - lo;
    double a = icount_order(k, (uint64_t)lo);
    if (delta == 0 || (uint64_t)lo + 1 >= k->n)
        return a;
    return (1 - delta) * a + delta * icount_order(k, (uint64_t)lo + 1);
}

double sim_icount_mean(const sim_icount *k) { return k->n ? k->sum / (double)k->n : NAN; }

double sim_icount_share_le(const sim_icount *k, long v)
{
    if (!k->n)
        return NAN;
    uint64_t cum = 0;
    for (size_t i = 0; i < k->top && (long)i <= v; i++)
        cum += k->c[i];
    return (double)cum / (double)k->n;
}

void sim_icount_clear(sim_icount *k)
{
    if (k->c)
        memset(k->c, 0, k->top * sizeof *k->c);
    k->top = 0;
    k->n = 0;
    k->sum = 0;
}

void sim_icount_free(sim_icount *k)
{
    free(k->c);
    sim_icount_init(k);
}

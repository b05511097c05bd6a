/*
 * conf/bind_dist.c: binding distributions and schedules.
 *
 * A distribution is a plain quantity (a constant) or a mapping {dist: kind,
 * param: quantity, ...} with the kinds and parameter names of sim/dist.h;
 * parameters are in the field's unit except weibull `shape` (a number),
 * bernoulli `p` (a share), and empirical `weights` (numbers >= 0). Location
 * parameters (value, mean, min, mode, max, scale, empirical values) are
 * checked against the field's bounds and an sd against their distance;
 * sim_dist_check has the last word on the parameters. Then the values the
 * distribution can draw must lie within the field's bounds, except a tail
 * unbounded above (exponential, gamma, ...), which is cut at the upper
 * bound: every draw lies within the key's range. A bernoulli distribution
 * (0 or 1) is only for plain numbers.
 *
 * A schedule is a plain quantity, or a list: the starting value (q or
 * {value: q}), then changes {at: date, value: q} (a step) or {from: date,
 * to: date, value: q} (a linear ramp), in date order without overlaps and
 * with at most one step on a date.
 * Both are O(number of items).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conf/bind.h"

static int is_scalar(const conf__node *n) { return n->kind == CONF__SCALAR && !conf__is_null(n); }

/* ---- distributions ---- */

static const char *const dist_kinds[] = {"constant", "exponential", "gamma",     "lognormal", "weibull",  "triangular",
                                         "uniform",  "empirical",   "bernoulli", "poisson",   "geometric", NULL};

/* "a" or "an" before a kind's name. */
static const char *article(sim_dist_kind kind) { return strchr("aeio", sim_dist_kind_name(kind)[0]) ? "an" : "a"; }

static int is_location(const char *param)
{
    return strcmp(param, "sd") != 0 && strcmp(param, "shape") != 0 && strcmp(param, "p") != 0;
}

/* The unit a parameter of kind is written in. */
static conf_unit param_unit(const conf_field *f, sim_dist_kind kind, const char *param)
{
    if (kind == SIM_DIST_WEIBULL && strcmp(param, "shape") == 0)
        return CONF_U_NONE;
    if (kind == SIM_DIST_BERNOULLI)
        return CONF_U_FRACTION;
    return f->unit;
}

/* 1 if the key has a range (both ends may not be infinite). */
static int has_range(const conf_field *f) { return f->min <= f->max; }

/* Parses one parameter of kind into *out: a location within the key's
 * range, an sd at most the range's width. */
static int dist_param(conf__binder *b, const conf_field *f, sim_dist_kind kind, const char *param,
                      const conf__node *n, double *out)
{
    conf_unit u = param_unit(f, kind, param);
    double min = f->min, max = f->max;
    if (!is_location(param) || kind == SIM_DIST_BERNOULLI)
        min = 1, max = 0;
    if (strcmp(param, "sd") == 0 && has_range(f))
        min = 0, max = f->max - f->min;
    int whole = (f->flags & CONF_F_INTEGER) && kind == SIM_DIST_CONSTANT;
    size_t mark = conf__push_key(b, param);
    conf__record(b, out, n);
    int r = conf__quantity(b, n, u, min, max, whole, out);
    conf__pop(b, mark);
    return r;
}

/* Binds a list of numbers for an empirical distribution into *arr (n items,
 * already allocated). */
static int dist_array(conf__binder *b, const conf_field *f, const conf__node *n, const char *key, double *arr,
                      int weights)
{
    int bad = 0;
    size_t mark = conf__push_key(b, key);
    for (size_t i = 0; i < n->n; i++) {
        size_t m2 = conf__push_index(b, i);
        conf__record(b, &arr[i], n->items[i]);
        if (weights)
            bad |= conf__quantity(b, n->items[i], CONF_U_NONE, 0, INFINITY, 0, &arr[i]);
        else
            bad |= conf__quantity(b, n->items[i], f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, &arr[i]);
        conf__pop(b, m2);
    }
    conf__pop(b, mark);
    return bad;
}

static int dist_empirical(conf__binder *b, const conf_field *f, const conf__node *n, sim_dist *d)
{
    const conf__node *v = conf__map_get(n, "values"), *w = conf__map_get(n, "weights");
    if (!v || !w) {
        conf__fail(b, n, "missing parameter \"%s\" of an empirical distribution", v ? "weights" : "values");
        return -1;
    }
    const conf__node *bad_node = v->kind != CONF__SEQ || !v->n ? v : w->kind != CONF__SEQ || !w->n ? w : NULL;
    if (bad_node) {
        size_t mark = conf__push_key(b, bad_node == v ? "values" : "weights");
        conf__fail_got(b, bad_node, "a non-empty list");
        conf__pop(b, mark);
        return -1;
    }
    if (w->n != v->n) {
        size_t mark = conf__push_key(b, "weights");
        conf__fail(b, w, "expected as many weights as values (%zu), got %zu", v->n, w->n);
        conf__pop(b, mark);
        return -1;
    }
    d->values = calloc(v->n, sizeof *d->values);
    d->weights = calloc(v->n, sizeof *d->weights);
    d->n = v->n;
    if (!d->values || !d->weights) {
        conf__fail(b, n, "out of memory");
        return -1;
    }
    int bad = dist_array(b, f, v, "values", d->values, 0) | dist_array(b, f, w, "weights", d->weights, 1);
    double total = 0;
    for (size_t i = 0; i < d->n && !bad; i++)
        total += d->weights[i];
    if (!bad && !isfinite(total)) {
        size_t mark = conf__push_key(b, "weights");
        conf__fail(b, w, "the weights are too large to add up");
        conf__pop(b, mark);
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* "a lognormal distribution" parameter names, for unknown-key messages. */
static int dist_keys(conf__binder *b, const conf__node *n, sim_dist_kind kind)
{
    const char *allowed[8] = {"dist"};
    size_t k = 1;
    if (kind == SIM_DIST_EMPIRICAL) {
        allowed[k++] = "values";
        allowed[k++] = "weights";
    }
    for (const char *const *p = sim_dist_param_names(kind); *p && k < 7; p++)
        allowed[k++] = *p;
    allowed[k] = NULL;
    char where[64];
    snprintf(where, sizeof where, " of %s %s distribution", article(kind), sim_dist_kind_name(kind));
    return conf__unknown_keys(b, n, allowed, "parameter", where, NULL);
}

static int dist_kind(conf__binder *b, const conf__node *n, sim_dist_kind *kind)
{
    const conf__node *k = conf__map_get(n, "dist");
    if (!k) {
        conf__fail(b, n, "missing key \"dist\" (the kind of distribution: one of constant, exponential, gamma, "
                         "lognormal, weibull, triangular, uniform, empirical, bernoulli, poisson, geometric)");
        return -1;
    }
    if (is_scalar(k) && sim_dist_kind_parse(k->text, kind) == 0)
        return 0;
    conf__buf m;
    conf__buf_init(&m);
    conf__buf_puts(&m, "one of ");
    for (size_t i = 0; dist_kinds[i]; i++)
        conf__buf_printf(&m, "%s%s", i ? ", " : "", dist_kinds[i]);
    conf__buf_puts(&m, ", got ");
    conf__describe(&m, k);
    const char *best = is_scalar(k) ? conf__suggest(k->text, dist_kinds, SIM_DIST_NKINDS) : NULL;
    if (best)
        conf__buf_printf(&m, " (did you mean %s?)", best);
    size_t mark = conf__push_key(b, "dist");
    conf__fail(b, k, "expected %s", conf__buf_str(&m));
    conf__pop(b, mark);
    conf__buf_free(&m);
    return -1;
}

/* A bernoulli distribution draws 0 or 1: a count, never a quantity with a
 * unit. 0 if kind suits the key, else -1 (reported). */
static int kind_allowed(conf__binder *b, const conf_field *f, const conf__node *n, sim_dist_kind kind)
{
    if (kind != SIM_DIST_BERNOULLI || f->unit == CONF_U_NONE)
        return 0;
    size_t mark = conf__push_key(b, "dist");
    conf__fail(b, conf__map_get(n, "dist"),
               "expected a kind of distribution for %s (a bernoulli distribution draws only 0 or 1, a plain "
               "number), got \"bernoulli\"",
               conf__unit_noun(f->unit));
    conf__pop(b, mark);
    return -1;
}

static int dist_from_map(conf__binder *b, const conf_field *f, const conf__node *n, sim_dist *d)
{
    sim_dist_kind kind;
    if (dist_kind(b, n, &kind) || kind_allowed(b, f, n, kind))
        return -1;
    d->kind = kind;
    int bad = dist_keys(b, n, kind);
    const char *const *names = sim_dist_param_names(kind);
    for (size_t i = 0; names[i] && i < 3; i++) {
        const conf__node *v = conf__map_get(n, names[i]);
        if (!v) {
            conf__fail(b, n, "missing parameter \"%s\" of %s %s distribution", names[i], article(kind),
                       sim_dist_kind_name(kind));
            bad = 1;
            continue;
        }
        bad |= dist_param(b, f, kind, names[i], v, &d->p[i]) != 0;
    }
    if (kind == SIM_DIST_EMPIRICAL)
        bad |= dist_empirical(b, f, n, d) != 0;
    return bad ? -1 : 0;
}

/* Reports sim_dist_check's complaint as "expected ..., got ...": "sd must
 * be > 0" becomes "expected sd > 0, got sd 0 min"; "need min < max" becomes
 * "expected min < max, got min ..., max ...". Other texts are kept. */
static void dist_check_error(conf__binder *b, const conf_field *f, const conf__node *n, const sim_dist *d,
                             const char *msg)
{
    conf__buf m;
    conf__buf_init(&m);
    const char *must = strstr(msg, " must be ");
    const char *const *names = sim_dist_param_names(d->kind);
    size_t only = 3;
    if (strncmp(msg, "need ", 5) == 0) {
        conf__buf_printf(&m, "expected %s", msg + 5);
    } else if (must && !strstr(msg, "must not")) {
        conf__buf_puts(&m, "expected ");
        conf__buf_add(&m, msg, (size_t)(must - msg));
        conf__buf_printf(&m, " %s", must + 9);
        for (size_t i = 0; names[i] && i < 3; i++)
            if (strlen(names[i]) == (size_t)(must - msg) && strncmp(msg, names[i], (size_t)(must - msg)) == 0)
                only = i;
    } else {
        conf__buf_puts(&m, msg);
        names = NULL;
    }
    for (size_t i = 0; names && names[i] && i < 3; i++) {
        if (only < 3 && i != only)
            continue;
        char v[96];
        conf_unit_format(param_unit(f, d->kind, names[i]), d->p[i], v, sizeof v);
        conf__buf_printf(&m, "%s%s %s", i == 0 || only < 3 ? ", got " : ", ", names[i], v);
    }
    conf__fail(b, n, "%s", m.oom ? msg : conf__buf_str(&m));
    conf__buf_free(&m);
}

/* The values a distribution can draw must lie in its key's range, except
 * that a tail unbounded above is cut at the range's end (sim_dist_bound).
 * 1 if they do not (reported): "expected a distribution of values between
 * 1 and 200, got a poisson distribution, which can draw 0". */
static int support_outside(conf__binder *b, const conf_field *f, const conf__node *n, const sim_dist *d)
{
    double lo = sim_dist_min(d), hi = sim_dist_max(d), bad;
    if (!has_range(f))
        return 0;
    if (lo < f->min)
        bad = lo;
    else if (isfinite(hi) && hi > f->max)
        bad = hi;
    else
        return 0;
    char a[64], z[64], v[64], range[160];
    conf_unit_format(f->unit, f->min, a, sizeof a);
    conf_unit_format(f->unit, f->max, z, sizeof z);
    conf_unit_format(f->unit, bad, v, sizeof v);
    if (isinf(f->max))
        snprintf(range, sizeof range, ">= %s", a);
    else
        snprintf(range, sizeof range, "between %s and %s", a, z);
    conf__fail(b, n, "expected a distribution of values %s, got %s %s distribution, which can draw %s", range,
               article(d->kind), sim_dist_kind_name(d->kind), v);
    return 1;
}

int conf__bind_dist(conf__binder *b, const conf_field *f, const conf__node *n, sim_dist *d)
{
    *d = sim_dist_constant(0);
    int r;
    if (n->kind == CONF__MAP) {
        r = dist_from_map(b, f, n, d);
    } else if (is_scalar(n)) {
        conf__record(b, &d->p[0], n);
        r = conf__quantity(b, n, f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, &d->p[0]);
    } else {
        char what[160];
        snprintf(what, sizeof what, "%s, or a distribution such as {dist: exponential, mean: ...}",
                 conf__unit_expect(f->unit));
        conf__fail_got(b, n, what);
        return -1;
    }
    if (r)
        return -1;
    const char *msg = sim_dist_check(d);
    if (msg) {
        dist_check_error(b, f, n, d, msg);
        return -1;
    }
    if (support_outside(b, f, n, d))
        return -1;
    if (sim_dist_prepare(d)) {
        conf__fail(b, n, "out of memory");
        return -1;
    }
    if (has_range(f))
        sim_dist_bound(d, f->min, f->max);
    return 0;
}

/* ---- schedules ---- */

typedef struct change {
    const conf__node *item, *t0, *t1, *v;
    sim_sched_seg seg;
} change;

static void date_text(double t, char buf[11]) { sim_date_format((sim_date)t, buf); }

static int change_date(conf__binder *b, const conf__node *n, const char *key, double *out)
{
    sim_date d;
    size_t mark = conf__push_key(b, key);
    int r = conf__date(b, n, &d);
    conf__pop(b, mark);
    *out = d;
    return r;
}

/* Reads the keys of one change; 0 or -1. */
static int change_parse(conf__binder *b, const conf_field *f, const conf__node *it, change *c)
{
    static const char *const keys[] = {"at", "from", "to", "value", NULL};
    if (it->kind != CONF__MAP) {
        conf__fail_got(b, it, "a change such as {at: 2026-09-01, value: ...} or {from: ..., to: ..., value: ...}");
        return -1;
    }
    if (conf__unknown_keys(b, it, keys, "key", " in a change", NULL))
        return -1;
    const conf__node *at = conf__map_get(it, "at"), *from = conf__map_get(it, "from"), *to = conf__map_get(it, "to");
    c->item = it;
    c->v = conf__map_get(it, "value");
    if (at && (from || to)) {
        conf__fail(b, it, "a change has either at (a step) or from and to (a ramp), not both");
        return -1;
    }
    const char *missing = !at && !from ? (to ? "from" : "at") : !at && !to ? "to" : !c->v ? "value" : NULL;
    if (missing) {
        conf__fail(b, it, "missing key \"%s\"", missing);
        return -1;
    }
    c->t0 = at ? at : from;
    c->t1 = at ? at : to;
    int bad = change_date(b, c->t0, at ? "at" : "from", &c->seg.t0);
    if (at)
        c->seg.t1 = c->seg.t0;
    else
        bad |= change_date(b, c->t1, "to", &c->seg.t1);
    size_t mark = conf__push_key(b, "value");
    bad |= conf__quantity(b, c->v, f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, &c->seg.v);
    conf__pop(b, mark);
    if (!bad && c->seg.t1 < c->seg.t0) {
        char d0[11], d1[11];
        date_text(c->seg.t0, d0);
        date_text(c->seg.t1, d1);
        mark = conf__push_key(b, "to");
        conf__fail(b, c->t1, "expected a date on or after from (%s), got %s", d0, d1);
        conf__pop(b, mark);
        bad = 1;
    }
    return bad ? -1 : 0;
}

static int sched_start(conf__binder *b, const conf_field *f, const conf__node *n, sim_sched *s)
{
    static const char *const keys[] = {"value", NULL};
    const conf__node *v = n;
    if (n->kind == CONF__MAP) {
        if (conf__unknown_keys(b, n, keys, "key", " in the starting value", NULL))
            return -1;
        if (!(v = conf__map_get(n, "value"))) {
            conf__fail(b, n, "missing key \"value\" (the starting value)");
            return -1;
        }
    }
    conf__record(b, &s->base, v);
    return conf__quantity(b, v, f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, &s->base);
}

/* Records every change's position once the segment array is final. */
static void sched_record(conf__binder *b, const conf__node *n, const change *c, const sim_sched *s)
{
    for (size_t i = 0; i < s->n; i++) {
        size_t mark = conf__push_index(b, i + 1);
        size_t m2 = conf__push_key(b, c[i].t0 == c[i].t1 ? "at" : "from");
        conf__record(b, &s->seg[i].t0, c[i].t0);
        conf__pop(b, m2);
        conf__push_key(b, c[i].t0 == c[i].t1 ? "at" : "to");
        conf__record(b, &s->seg[i].t1, c[i].t1);
        conf__pop(b, m2);
        conf__push_key(b, "value");
        conf__record(b, &s->seg[i].v, c[i].v);
        conf__pop(b, mark);
    }
    (void)n;
}

static int sched_changes(conf__binder *b, const conf_field *f, const conf__node *n, sim_sched *s)
{
    change *c = calloc(n->n, sizeof *c);
    if (!c) {
        conf__fail(b, n, "out of memory");
        return -1;
    }
    int bad = 0;
    for (size_t i = 1; i < n->n && !conf__ctx_full(b->ctx); i++) {
        size_t mark = conf__push_index(b, i);
        change *ci = &c[i - 1];
        if (change_parse(b, f, n->items[i], ci)) {
            bad = 1;
        } else if (i > 1 && !bad && ci->seg.t0 == ci->seg.t1 && c[i - 2].seg.t0 == c[i - 2].seg.t1 &&
                   ci->seg.t0 == c[i - 2].seg.t0) {
            char d0[11];
            date_text(ci->seg.t0, d0);
            conf__fail(b, ci->item, "expected one step per date, got a second step on %s", d0);
            bad = 1;
        } else if (i > 1 && !bad && ci->seg.t0 < c[i - 2].seg.t1) {
            char d0[11], d1[11];
            date_text(ci->seg.t0, d0);
            date_text(c[i - 2].seg.t1, d1);
            conf__fail(b, ci->item,
                       "changes must be in date order and must not overlap: this one starts on %s, before the "
                       "previous one ends on %s",
                       d0, d1);
            bad = 1;
        } else if (!bad && sim_sched_add(s, ci->seg.t0, ci->seg.t1, ci->seg.v)) {
            conf__fail(b, ci->item, "out of memory");
            bad = 1;
        }
        conf__pop(b, mark);
    }
    if (!bad)
        sched_record(b, n, c, s);
    free(c);
    return bad ? -1 : 0;
}

int conf__bind_sched(conf__binder *b, const conf_field *f, const conf__node *n, sim_sched *s)
{
    if (is_scalar(n))
        return conf__quantity(b, n, f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, &s->base);
    if (n->kind != CONF__SEQ || n->n == 0) {
        char what[160];
        snprintf(what, sizeof what, "%s, or a list: the starting value, then changes", conf__unit_expect(f->unit));
        conf__fail_got(b, n, what);
        return -1;
    }
    size_t mark = conf__push_index(b, 0);
    int bad = sched_start(b, f, n->items[0], s) != 0;
    conf__pop(b, mark);
    if (n->n > 1)
        bad |= sched_changes(b, f, n, s) != 0;
    const char *msg = bad ? NULL : sim_sched_check(s);
    if (msg) {
        conf__fail(b, n, "%s", msg);
        bad = 1;
    }
    return bad ? -1 : 0;
}

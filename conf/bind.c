/*
 * conf/bind.c: binding a merged YAML tree into a C struct through its
 * schema: each field takes its YAML value or its default (parsed exactly
 * like user text), unknown keys are reported with the closest known key,
 * list items and nested structs are bound recursively, sums to 100% are
 * checked, and names referring to list items are resolved at the end.
 *
 * Invariants: the object is always in a state conf_free can release (every
 * array is stored, with its length, before its elements are filled); every
 * bound value's address is recorded with its position and key path. Cost:
 * O(fields x keys) per mapping plus O(1) hash lookups for names.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conf/bind.h"

#ifdef SIM_SMALL_CAPACITY
#define REFS_MIN_CAPACITY 1
#else
#define REFS_MIN_CAPACITY 16
#endif
/* Unknown names list at most this many known names. */
#define MAX_LISTED_NAMES 20
/* A misplaced key lists at most this many places it belongs. */
#define MAX_ELSEWHERE 4
/* Lists longer than this get no "did you mean" for unknown names (it would
 * cost an edit distance per item per unknown name). */
#define MAX_SUGGEST_NAMES 1000

/* What an identifier (CONF_F_IDENT) is, for "expected ...". */
#define IDENT_EXPECT "a name of letters, digits, _, - and . (at most 64 characters, not digits only)"
_Static_assert(CONF_IDENT_MAX == 64, "IDENT_EXPECT says 64");

static const char *const weekday_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

/* ---- helpers shared with bind_dist.c ---- */

static const conf__pos *where_of(const conf__binder *b, const conf__node *n)
{
    return b->in_default || !n ? &b->defpos : &n->pos;
}

void conf__fail(conf__binder *b, const conf__node *n, const char *fmt, ...)
{
    assert(!b->in_default && "a schema default does not parse");
    va_list ap;
    va_start(ap, fmt);
    conf__verror_pos(b->ctx, where_of(b, n), conf__buf_str(&b->path), fmt, ap);
    va_end(ap);
}

void conf__fail_got(conf__binder *b, const conf__node *n, const char *what)
{
    conf__buf d;
    conf__buf_init(&d);
    conf__describe(&d, n);
    conf__fail(b, n, "expected %s, got %s", what, conf__buf_str(&d));
    conf__buf_free(&d);
}

int conf__record(conf__binder *b, const void *addr, const conf__node *n)
{
    return conf__ctx_record(b->ctx, addr, where_of(b, n), conf__buf_str(&b->path), b->in_default || !n);
}

size_t conf__push_key(conf__binder *b, const char *key)
{
    size_t mark = b->path.len;
    if (b->path.len)
        conf__buf_puts(&b->path, ".");
    if (*key)
        conf__buf_escape(&b->path, key, strlen(key), 80);
    else
        conf__buf_puts(&b->path, "\"\"");
    return mark;
}

size_t conf__push_index(conf__binder *b, size_t i)
{
    size_t mark = b->path.len;
    conf__buf_printf(&b->path, "[%zu]", i);
    return mark;
}

void conf__pop(conf__binder *b, size_t mark) { conf__buf_trunc(&b->path, mark); }

static int is_scalar(const conf__node *n) { return n->kind == CONF__SCALAR && !conf__is_null(n); }

/* Appends ">= min", "<= max" or "between min and max" in unit u. */
static void bound_phrase(conf__buf *o, conf_unit u, double min, double max, int whole)
{
    char a[64], z[64];
    if (whole) {
        snprintf(a, sizeof a, "%.0f", min);
        snprintf(z, sizeof z, "%.0f", max);
    } else {
        conf_unit_format(u, min, a, sizeof a);
        conf_unit_format(u, max, z, sizeof z);
    }
    if (isinf(max))
        conf__buf_printf(o, " >= %s", a);
    else if (isinf(min))
        conf__buf_printf(o, " <= %s", z);
    else
        conf__buf_printf(o, " between %s and %s", a, z);
}

static void fail_bound(conf__binder *b, const conf__node *n, const char *noun, conf_unit u, double min, double max,
                       int whole)
{
    conf__buf m;
    conf__buf_init(&m);
    conf__buf_puts(&m, noun);
    if (min <= max)
        bound_phrase(&m, u, min, max, whole);
    conf__fail_got(b, n, conf__buf_str(&m));
    conf__buf_free(&m);
}

/* A number too large for a double, for a bounded key: "expected a number
 * between 1 and 1000000000, got \"1e309\" (the number is too large)". */
static void too_large(conf__binder *b, const conf__node *n, conf_unit u, double min, double max)
{
    conf__buf m, d;
    conf__buf_init(&m);
    conf__buf_init(&d);
    conf__buf_puts(&m, conf__unit_noun(u));
    bound_phrase(&m, u, min, max, 0);
    conf__describe(&d, n);
    conf__fail(b, n, "expected %s, got %s (the number is too large)", conf__buf_str(&m), conf__buf_str(&d));
    conf__buf_free(&m);
    conf__buf_free(&d);
}

int conf__quantity(conf__binder *b, const conf__node *n, conf_unit u, double min, double max, int integer,
                   double *out)
{
    if (!is_scalar(n)) {
        conf__fail_got(b, n, conf__unit_expect(u));
        return -1;
    }
    char err[256];
    double v;
    int r = conf_unit_parse(u, n->text, &v, err, sizeof err);
    if (r == -2 && min <= max) {
        too_large(b, n, u, min, max);
        return -1;
    }
    if (r) {
        conf__fail(b, n, "%s%s", err, n->comma_cut ? CONF__COMMA_HINT : "");
        return -1;
    }
    if (integer && v != floor(v)) {
        fail_bound(b, n, u == CONF_U_NONE ? "a whole number" : "a whole number of", u, 1, 0, 0);
        return -1;
    }
    if (min <= max && !(v >= min && v <= max)) {
        fail_bound(b, n, conf__unit_noun(u), u, min, max, 0);
        return -1;
    }
    *out = v;
    return 0;
}

/* Why text shaped like YYYY-MM-DD is not a date ("February 2027 has 28
 * days"), or "" if it is not of that shape. */
static void date_problem(const char *t, char *why, size_t len)
{
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    why[0] = '\0';
    for (int i = 0; i < 10; i++)
        if (!(i == 4 || i == 7 ? t[i] == '-' : t[i] >= '0' && t[i] <= '9'))
            return;
    if (t[10])
        return;
    char *end_y, *end_m, *end_d;
    int y = (int)strtol(t, &end_y, 10), m = (int)strtol(t + 5, &end_m, 10), d = (int)strtol(t + 8, &end_d, 10);
    int days = 28;
    if (end_y != t + 4 || end_m != t + 7 || end_d != t + 10)
        return; /* not reached: the shape was checked above */
    if (y < 1) {
        snprintf(why, len, " (years run from 0001 to 9999)");
        return;
    }
    if (m < 1 || m > 12) {
        snprintf(why, len, " (there is no month %d)", m);
        return;
    }
    while (days < 31 && sim_date_valid(y, m, days + 1))
        days++;
    if (d < 1 || d > days)
        snprintf(why, len, " (%s %d has %d days)", months[m - 1], y, days);
}

/* Reports a value that is not a date: "expected <what>, got ..." with the
 * reason when it looks like one. */
static void fail_date(conf__binder *b, const conf__node *n, const char *what)
{
    char why[64] = "";
    if (is_scalar(n))
        date_problem(n->text, why, sizeof why);
    conf__buf d;
    conf__buf_init(&d);
    conf__describe(&d, n);
    conf__fail(b, n, "expected %s, got %s%s", what, conf__buf_str(&d), why);
    conf__buf_free(&d);
}

int conf__date(conf__binder *b, const conf__node *n, sim_date *out)
{
    if (is_scalar(n) && sim_date_parse(n->text, out) == 0)
        return 0;
    fail_date(b, n, "a date YYYY-MM-DD");
    return -1;
}

/* Appends to out the paths of the structs under s (at path `at`) other
 * than `here` that have a field named key ("service", "pathways[].assessment"),
 * ", "-separated, counting them in *n (at most MAX_ELSEWHERE listed). */
static void find_elsewhere(const conf_schema *s, const conf_schema *here, const char *key, size_t len,
                           conf__buf *at, conf__buf *out, size_t *n)
{
    for (size_t i = 0; s != here && i < s->nfields; i++)
        if (strlen(s->fields[i].key) == len && memcmp(s->fields[i].key, key, len) == 0) {
            if ((*n)++ < MAX_ELSEWHERE)
                conf__buf_printf(out, "%s%s", *n > 1 ? ", " : "", at->len ? conf__buf_str(at) : "the top level");
            break;
        }
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i];
        if (f->type != CONF_STRUCT && f->type != CONF_LIST)
            continue;
        size_t mark = at->len;
        conf__buf_printf(at, "%s%s%s", at->len ? "." : "", f->key, f->type == CONF_LIST ? "[]" : "");
        find_elsewhere(f->sub, here, key, len, at, out, n);
        conf__buf_trunc(at, mark);
    }
}

/* " (it belongs under service)" when key is a key of other structs of the
 * root schema than `here`; "" otherwise. In *out. */
static void belongs(const conf__binder *b, const conf_schema *here, const conf__node *k, conf__buf *out)
{
    conf__buf at, list;
    conf__buf_init(&at);
    conf__buf_init(&list);
    size_t n = 0;
    if (here)
        find_elsewhere(b->root_schema, here, k->text, k->len, &at, &list, &n);
    if (n)
        conf__buf_printf(out, " (it belongs under %s%s%s)", n > 1 ? "one of: " : "", conf__buf_str(&list),
                         n > MAX_ELSEWHERE ? ", ..." : "");
    conf__buf_free(&at);
    conf__buf_free(&list);
}

int conf__unknown_keys(conf__binder *b, const conf__node *m, const char *const *allowed, const char *what,
                       const char *where, const conf_schema *here)
{
    size_t nallowed = 0;
    while (allowed[nallowed])
        nallowed++;
    int bad = 0;
    for (size_t i = 0; i < m->n && !conf__ctx_full(b->ctx); i++) {
        const conf__node *k = m->keys[i];
        size_t j = 0;
        while (j < nallowed && strcmp(allowed[j], k->text) != 0)
            j++;
        if (j < nallowed)
            continue;
        bad = 1;
        conf__buf msg;
        conf__buf_init(&msg);
        conf__buf_printf(&msg, "unknown %s \"", what);
        conf__buf_escape(&msg, k->text, k->len, 80);
        const char *best = conf__suggest(k->text, allowed, nallowed);
        conf__buf_printf(&msg, "\"%s", where);
        size_t before = msg.len;
        if (k->comma_cut)
            conf__buf_puts(&msg, CONF__COMMA_HINT);
        else
            belongs(b, here, k, &msg);
        if (msg.len > before) {
            /* said why */
        } else if (best) {
            conf__buf_printf(&msg, " (did you mean \"%s\"?)", best);
        } else {
            conf__buf_puts(&msg, " (expected one of: ");
            for (j = 0; j < nallowed; j++)
                conf__buf_printf(&msg, "%s%s", j ? ", " : "", allowed[j]);
            conf__buf_puts(&msg, ")");
        }
        size_t mark = b->path.len;
        if (b->path.len)
            conf__buf_puts(&b->path, ".");
        conf__buf_escape(&b->path, k->text, k->len, 80);
        conf__fail(b, k, "%s", conf__buf_str(&msg));
        conf__pop(b, mark);
        conf__buf_free(&msg);
    }
    return bad;
}

/* ---- scalars ---- */

static void expect_enum(conf__buf *o, const char *const *names)
{
    conf__buf_puts(o, "one of ");
    for (size_t i = 0; names[i]; i++)
        conf__buf_printf(o, "%s%s", i ? ", " : "", names[i]);
}

static int bind_int(conf__binder *b, const conf_field *f, const conf__node *n, long *out)
{
    if (is_scalar(n)) {
        char *end;
        errno = 0;
        long v = strtol(n->text, &end, 10);
        double dv = (double)v;
        if (end != n->text && !*end && errno == 0 && !(f->min <= f->max && !(dv >= f->min && dv <= f->max))) {
            *out = v;
            return 0;
        }
    }
    fail_bound(b, n, "a whole number", CONF_U_NONE, f->min, f->max, 1);
    return -1;
}

static int bind_bool(conf__binder *b, const conf__node *n, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"}, *const no[] = {"false", "False", "FALSE"};
    for (int i = 0; is_scalar(n) && i < 3; i++) {
        if (strcmp(n->text, yes[i]) == 0 || strcmp(n->text, no[i]) == 0) {
            *out = strcmp(n->text, yes[i]) == 0;
            return 0;
        }
    }
    conf__fail_got(b, n, "true or false");
    return -1;
}

static int bind_str(conf__binder *b, const conf_field *f, const conf__node *n, char **out)
{
    if (n->kind != CONF__SCALAR || conf__is_null(n)) {
        conf__fail_got(b, n, (f->flags & CONF_F_NAME) || f->type != CONF_STR ? "a name" : "text");
        return -1;
    }
    if ((f->flags & CONF_F_NAME) && n->len == 0) {
        conf__fail_got(b, n, "a non-empty name");
        return -1;
    }
    if ((f->flags & CONF_F_IDENT) && !conf__ident(n->text, n->len, CONF_IDENT_MAX)) {
        conf__fail_got(b, n, IDENT_EXPECT);
        return -1;
    }
    char *s = malloc(n->len + 1);
    if (!s) {
        conf__fail(b, n, "out of memory");
        return -1;
    }
    memcpy(s, n->text, n->len + 1);
    *out = s;
    return 0;
}

static int bind_enum(conf__binder *b, const conf_field *f, const conf__node *n, int *out)
{
    for (int i = 0; is_scalar(n) && f->enum_names[i]; i++) {
        if (strcmp(n->text, f->enum_names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    conf__buf m;
    conf__buf_init(&m);
    expect_enum(&m, f->enum_names);
    conf__fail_got(b, n, conf__buf_str(&m));
    conf__buf_free(&m);
    return -1;
}

/* A number; one whose default is "none" may also be "none" (NAN: not set). */
static int bind_num(conf__binder *b, const conf_field *f, const conf__node *n, double *out)
{
    if (f->def && strcmp(f->def, "none") == 0 && is_scalar(n) && strcmp(n->text, "none") == 0) {
        *out = NAN;
        return 0;
    }
    return conf__quantity(b, n, f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, out);
}

static int bind_date(conf__binder *b, const conf_field *f, const conf__node *n, sim_date *out)
{
    int optional = f->def ? strcmp(f->def, "none") == 0 : !(f->flags & CONF_F_REQUIRED);
    if (optional && is_scalar(n) && strcmp(n->text, "none") == 0) {
        *out = CONF_DATE_NONE;
        return 0;
    }
    if (is_scalar(n) && sim_date_parse(n->text, out) == 0)
        return 0;
    fail_date(b, n, optional ? "a date YYYY-MM-DD or none" : "a date YYYY-MM-DD");
    return -1;
}

/* The weekday a word that is not one probably means: a close spelling
 * ("tues" -> "tue"), or a name written in full ("monday" -> "mon",
 * "Thursday" -> "thu"); else NULL. */
static const char *weekday_like(const char *word)
{
    const char *best = conf__suggest(word, weekday_names, 7);
    for (int k = 0; !best && weekday_names[k] && strlen(word) > 3; k++) {
        int same = 1;
        for (int i = 0; i < 3; i++)
            same &= (word[i] | 0x20) == weekday_names[k][i];
        if (same)
            best = weekday_names[k];
    }
    return best;
}

static int bind_weekdays(conf__binder *b, const conf__node *n, unsigned *out)
{
    if (n->kind != CONF__SEQ) {
        conf__fail_got(b, n, "a list of weekdays such as [mon, tue]");
        return -1;
    }
    unsigned mask = 0;
    int bad = 0;
    for (size_t i = 0; i < n->n; i++) {
        const conf__node *d = n->items[i];
        size_t mark = conf__push_index(b, i);
        int k = 0;
        while (weekday_names[k] && !(is_scalar(d) && strcmp(d->text, weekday_names[k]) == 0))
            k++;
        if (!weekday_names[k]) {
            const char *best = is_scalar(d) ? weekday_like(d->text) : NULL;
            conf__buf what;
            conf__buf_init(&what);
            conf__describe(&what, d);
            if (best)
                conf__buf_printf(&what, " (did you mean \"%s\"?)", best);
            conf__fail(b, d, "expected one of mon, tue, wed, thu, fri, sat, sun, got %s", conf__buf_str(&what));
            conf__buf_free(&what);
            bad = 1;
        } else if (mask & (1u << k)) {
            conf__fail(b, d, "duplicate day \"%s\"", weekday_names[k]);
            bad = 1;
        }
        if (weekday_names[k])
            mask |= 1u << k;
        conf__pop(b, mark);
    }
    *out = mask;
    return bad ? -1 : 0;
}

/* ---- references ---- */

static int add_ref(conf__binder *b, const conf_field *f, const conf__node *n, const void *owner, char *const *name,
                   int *index)
{
    *index = -1;
    if (b->nrefs == b->rcap) {
        size_t cap = b->rcap ? b->rcap * 2 : REFS_MIN_CAPACITY;
        conf__pref *r = realloc(b->refs, cap * sizeof *r);
        if (!r)
            goto oom;
        b->refs = r;
        b->rcap = cap;
    }
    conf__pref *r = &b->refs[b->nrefs];
    r->f = f;
    r->owner = owner;
    r->name = name;
    r->index = index;
    r->pos = *where_of(b, n);
    r->is_default = b->in_default;
    r->path = malloc(b->path.len + 1);
    if (!r->path)
        goto oom;
    memcpy(r->path, conf__buf_str(&b->path), b->path.len + 1);
    b->nrefs++;
    return 0;
oom:
    conf__fail(b, n, "out of memory");
    return -1;
}

static int bind_ref(conf__binder *b, const conf_field *f, const conf__node *n, conf_ref *r)
{
    r->index = -1;
    if (bind_str(b, f, n, &r->name))
        return -1;
    return add_ref(b, f, n, r, &r->name, &r->index);
}

static int bind_reflist(conf__binder *b, const conf_field *f, const conf__node *n, conf_reflist *l)
{
    if (n->kind != CONF__SEQ) {
        conf__fail_got(b, n, "a list of names");
        return -1;
    }
    if (!n->n)
        return 0;
    l->names = calloc(n->n, sizeof *l->names);
    l->index = calloc(n->n, sizeof *l->index);
    if (!l->names || !l->index) {
        conf__fail(b, n, "out of memory");
        return -1;
    }
    l->n = n->n;
    conf__strmap seen;
    conf__strmap_init(&seen);
    int bad = 0;
    for (size_t i = 0; i < n->n && !conf__ctx_full(b->ctx); i++) {
        const conf__node *it = n->items[i];
        size_t mark = conf__push_index(b, i), first;
        conf__record(b, &l->names[i], it);
        if (bind_str(b, f, it, &l->names[i])) {
            bad = 1;
        } else if (conf__strmap_put(&seen, it->text, it->len, i, &first) > 0) {
            conf__buf e;
            conf__buf_init(&e);
            conf__buf_escape(&e, it->text, it->len, 80);
            conf__fail(b, it, "duplicate name \"%s\" (first listed at line %d)", conf__buf_str(&e),
                       where_of(b, n->items[first])->line);
            conf__buf_free(&e);
            bad = 1;
        } else {
            bad |= add_ref(b, f, it, l, &l->names[i], &l->index[i]);
        }
        conf__pop(b, mark);
    }
    conf__strmap_free(&seen);
    return bad ? -1 : 0;
}

/* ---- numbers in lists and maps ---- */

int conf_sum_ok(double sum, size_t n) { return fabs(sum - 1) <= CONF_SUM_SLACK * (double)(n ? n : 1); }

/* Reports n shares that do not sum to 100%; 1 if so. */
static int check_sum(conf__binder *b, const conf__node *at, const char *what, double sum, size_t n)
{
    if (conf_sum_ok(sum, n))
        return 0;
    char pct[40];
    snprintf(pct, sizeof pct, "%.10g", sum * 100);
    conf__fail(b, at, "%s must sum to 100%%, got %s%%", what, pct);
    return 1;
}

static int bind_numlist(conf__binder *b, const conf_field *f, const conf__node *n, conf_numlist *l)
{
    if (n->kind != CONF__SEQ) {
        conf__fail_got(b, n, f->unit == CONF_U_NONE ? "a list of numbers" : "a list of quantities");
        return -1;
    }
    if (!n->n)
        return (f->flags & CONF_F_SUM_100) && !(f->flags & CONF_F_EMPTY_OK) && check_sum(b, n, "shares", 0, 0) ? -1 : 0;
    if (!(l->v = calloc(n->n, sizeof *l->v))) {
        conf__fail(b, n, "out of memory");
        return -1;
    }
    l->n = n->n;
    int bad = 0;
    double sum = 0;
    for (size_t i = 0; i < n->n && !conf__ctx_full(b->ctx); i++) {
        size_t mark = conf__push_index(b, i);
        conf__record(b, &l->v[i], n->items[i]);
        bad |= conf__quantity(b, n->items[i], f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, &l->v[i]);
        sum += l->v[i];
        conf__pop(b, mark);
    }
    if (!bad && (f->flags & CONF_F_SUM_100))
        bad = check_sum(b, n, "shares", sum, n->n);
    return bad ? -1 : 0;
}

static int nummap_alloc(conf__binder *b, const conf_field *f, const conf__node *n, conf_nummap *m)
{
    m->names = calloc(n->n, sizeof *m->names);
    m->v = calloc(n->n, sizeof *m->v);
    m->ref = (f->flags & CONF_F_REF_KEYS) ? calloc(n->n, sizeof *m->ref) : NULL;
    if (!m->names || !m->v || ((f->flags & CONF_F_REF_KEYS) && !m->ref)) {
        conf__fail(b, n, "out of memory");
        return -1;
    }
    m->n = n->n;
    return 0;
}

static int bind_nummap(conf__binder *b, const conf_field *f, const conf__node *n, conf_nummap *m)
{
    if (n->kind != CONF__MAP) {
        conf__fail_got(b, n, "a mapping of names to quantities");
        return -1;
    }
    if (!n->n)
        return (f->flags & CONF_F_SUM_100) && !(f->flags & CONF_F_EMPTY_OK) && check_sum(b, n, "shares", 0, 0) ? -1 : 0;
    if (nummap_alloc(b, f, n, m))
        return -1;
    int bad = 0;
    double sum = 0;
    for (size_t i = 0; i < n->n && !conf__ctx_full(b->ctx); i++) {
        const conf__node *k = n->keys[i], *v = n->items[i];
        size_t mark = conf__push_key(b, k->text);
        conf__record(b, &m->names[i], k);
        conf__record(b, &m->v[i], v);
        if (!k->len || ((f->flags & CONF_F_IDENT) && !conf__ident(k->text, k->len, CONF_IDENT_MAX))) {
            conf__fail_got(b, k, k->len ? IDENT_EXPECT : "a non-empty name");
            bad = 1;
        } else if (!(m->names[i] = malloc(k->len + 1))) {
            conf__fail(b, k, "out of memory");
            bad = 1;
        } else {
            memcpy(m->names[i], k->text, k->len + 1);
            if (m->ref)
                bad |= add_ref(b, f, k, m, &m->names[i], &m->ref[i]);
        }
        bad |= conf__quantity(b, v, f->unit, f->min, f->max, f->flags & CONF_F_INTEGER, &m->v[i]);
        sum += m->v[i];
        conf__pop(b, mark);
    }
    if (!bad && (f->flags & CONF_F_SUM_100))
        bad = check_sum(b, n, "shares", sum, n->n);
    return bad ? -1 : 0;
}

/* ---- structs and lists of structs ---- */

static int bind_value(conf__binder *b, const conf_field *f, const conf__node *n, unsigned char *addr);
static int bind_struct(conf__binder *b, const conf_schema *s, unsigned char *obj, const conf__node *map,
                       const conf__pos *mappos);
static void mark_unbound(conf__binder *b, const conf_schema *s, unsigned char *obj, const conf__pos *pos);

static int unique_names(conf__binder *b, const conf_field *f, const conf__node *n, const conf_list *l)
{
    const conf_field *nf = conf__name_field(f->sub);
    if (!nf)
        return 0;
    conf__strmap seen;
    conf__strmap_init(&seen);
    int bad = 0;
    for (size_t i = 0; i < l->n; i++) {
        const char *name = *(char *const *)((const unsigned char *)l->items + i * f->sub->size + nf->offset);
        size_t first;
        if (!name || conf__strmap_put(&seen, name, strlen(name), i, &first) <= 0)
            continue;
        const conf__node *at = conf__map_get(n->items[i], nf->key);
        const conf__node *was = conf__map_get(n->items[first], nf->key);
        size_t mark = b->path.len;
        conf__path_item(&b->path, n->items[i], i);
        conf__push_key(b, nf->key);
        conf__buf e;
        conf__buf_init(&e);
        conf__buf_escape(&e, name, strlen(name), 80);
        conf__fail(b, at, "duplicate name \"%s\" (first used at line %d)", conf__buf_str(&e),
                   where_of(b, was)->line);
        conf__buf_free(&e);
        conf__pop(b, mark);
        bad = 1;
    }
    conf__strmap_free(&seen);
    return bad;
}

/* Items of a list keyed by CONF_F_KEY fields (a post's grade): no two may
 * share a key. 1 if two do (reported). */
static int unique_keys(conf__binder *b, const conf_field *f, const conf__node *n)
{
    if (conf__name_field(f->sub) || !conf__keyed(f->sub))
        return 0;
    conf__strmap seen;
    conf__buf *keys = calloc(n->n + 1, sizeof *keys);
    if (!keys) {
        conf__fail(b, n, "out of memory");
        return 1;
    }
    conf__strmap_init(&seen);
    int bad = 0;
    for (size_t i = 0; i < n->n; i++) {
        size_t first;
        conf__buf_init(&keys[i]);
        if (conf__item_key(n->items[i], f->sub, &keys[i]) <= 0 || keys[i].oom ||
            conf__strmap_put(&seen, keys[i].s, keys[i].len, i, &first) <= 0)
            continue;
        size_t mark = b->path.len;
        conf__path_item(&b->path, n->items[i], i);
        conf__dup_key_error(b->ctx, &n->items[i]->pos, conf__buf_str(&b->path), f->sub, keys[i].s, keys[i].len,
                            n->items[first]->pos.line);
        conf__pop(b, mark);
        bad = 1;
    }
    for (size_t i = 0; i < n->n; i++)
        conf__buf_free(&keys[i]);
    free(keys);
    conf__strmap_free(&seen);
    return bad;
}

/* CONF_F_SUM_100 on NUM fields of the item schema: summed over the items.
 * 1 if a sum is wrong. */
static int list_sums(conf__binder *b, const conf_field *f, const conf__node *n, const conf_list *l)
{
    int bad = 0;
    for (size_t k = 0; k < f->sub->nfields && l->n; k++) {
        const conf_field *g = &f->sub->fields[k];
        if (g->type != CONF_NUM || !(g->flags & CONF_F_SUM_100))
            continue;
        double sum = 0;
        for (size_t i = 0; i < l->n; i++)
            sum += *(const double *)((const unsigned char *)l->items + i * f->sub->size + g->offset);
        char what[128];
        snprintf(what, sizeof what, "the %s of all items", g->key);
        bad |= check_sum(b, n, what, sum, l->n);
    }
    return bad;
}

/* After a list item that a child file added under a new name failed to
 * load: says which base item it may have meant to change (the caller puts
 * this before the item's own errors, which it explains). */
static void near_miss(conf__binder *b, const conf__node *item)
{
    const conf__node *name = conf__item_name(item);
    conf__buf e, m;
    conf__buf_init(&e);
    conf__buf_init(&m);
    conf__buf_escape(&e, name->text, name->len, 80);
    conf__buf_escape(&m, item->near, strlen(item->near), 80);
    size_t mark = conf__push_key(b, "name");
    conf__fail(b, name, "no item named \"%s\" in the base scenario, so this is a new item (did you mean \"%s\"?)",
               conf__buf_str(&e), conf__buf_str(&m));
    conf__pop(b, mark);
    conf__buf_free(&e);
    conf__buf_free(&m);
}

static int bind_list(conf__binder *b, const conf_field *f, const conf__node *n, conf_list *l)
{
    if (n->kind != CONF__SEQ) {
        conf__fail_got(b, n, "a list");
        conf__ctx_mark(b->ctx, l, CONF__BAD);
        return -1;
    }
    if (!n->n) {
        if (!(f->flags & CONF_F_NONEMPTY))
            return 0;
        conf__fail(b, n, "expected at least one %s, got an empty list", f->sub->name);
        conf__ctx_mark(b->ctx, l, CONF__BAD);
        return -1;
    }
    if (!(l->items = calloc(n->n, f->sub->size))) {
        conf__fail(b, n, "out of memory");
        conf__ctx_mark(b->ctx, l, CONF__BAD);
        return -1;
    }
    l->n = n->n;
    int bad = 0;
    for (size_t i = 0; i < n->n && !conf__ctx_full(b->ctx); i++) {
        const conf__node *it = n->items[i];
        unsigned char *item = (unsigned char *)l->items + i * f->sub->size;
        size_t mark = b->path.len;
        conf__path_item(&b->path, it, i);
        conf__record(b, item, it);
        if (it->kind != CONF__MAP) {
            conf__fail_got(b, it, "a mapping of keys");
            mark_unbound(b, f->sub, item, &it->pos);
            bad = 1;
        } else {
            size_t before = conf__ctx_count(b->ctx);
            if (bind_struct(b, f->sub, item, it, &it->pos)) {
                if (it->near && conf__ctx_count(b->ctx) > before) {
                    near_miss(b, it);
                    conf__ctx_move_last(b->ctx, before);
                }
                bad = 1;
            }
        }
        conf__pop(b, mark);
    }
    if (unique_names(b, f, n, l) | unique_keys(b, f, n) || (!bad && list_sums(b, f, n, l))) {
        conf__ctx_mark(b->ctx, l, CONF__BAD);
        bad = 1;
    }
    return bad ? -1 : 0;
}

static int is_scalar_type(conf_type t)
{
    return t == CONF_NUM || t == CONF_INT || t == CONF_BOOL || t == CONF_STR || t == CONF_ENUM || t == CONF_DATE ||
           t == CONF_REF;
}

/* Binds field f from its default text, located at the parent mapping. */
static int bind_default(conf__binder *b, const conf_field *f, unsigned char *addr, const conf__pos *mappos)
{
    assert(f->type != CONF_STRUCT && f->type != CONF_LIST && "STRUCT and LIST fields take no default");
    int saved = b->in_default;
    conf__pos saved_pos = b->defpos;
    if (!b->in_default) {
        b->in_default = 1;
        b->defpos = *mappos;
    }
    conf__node tmp;
    const conf__node *n = &tmp;
    if (is_scalar_type(f->type)) {
        memset(&tmp, 0, sizeof tmp);
        tmp.kind = CONF__SCALAR;
        tmp.quoted = 1;
        tmp.height = 1;
        tmp.pos = b->defpos;
        tmp.text = f->def;
        tmp.len = strlen(f->def);
    } else {
        b->ld->unbudgeted++;
        n = conf__parse(b->ld, "<default>", f->def, strlen(f->def), 0);
        b->ld->unbudgeted--;
        assert(n && "a schema default is not valid YAML");
    }
    int r = n ? bind_value(b, f, n, addr) : -1;
    b->in_default = saved;
    b->defpos = saved_pos;
    return r;
}

/* A field with neither value nor default: its empty value. */
static int bind_absent(conf__binder *b, const conf_field *f, unsigned char *addr, const conf__pos *mappos)
{
    const conf__pos *pos = b->in_default ? &b->defpos : mappos;
    if (conf__ctx_record(b->ctx, addr, pos, conf__buf_str(&b->path), 1))
        return -1;
    switch (f->type) {
    case CONF_STRUCT: return bind_struct(b, f->sub, addr, NULL, mappos);
    case CONF_DATE: *(sim_date *)addr = CONF_DATE_NONE; break;
    case CONF_REF: ((conf_ref *)addr)->index = -1; break;
    case CONF_DIST: *(sim_dist *)addr = sim_dist_constant(0); break;
    default: break;
    }
    return 0;
}

static int bind_field(conf__binder *b, const conf_field *f, unsigned char *obj, const conf__node *map,
                      const conf__pos *mappos)
{
    const conf__node *v = map ? conf__map_get(map, f->key) : NULL;
    if (!v && !f->def && (f->flags & CONF_F_REQUIRED)) {
        assert(!b->in_default);
        conf__error_pos(b->ctx, mappos, conf__buf_str(&b->path), "missing required key \"%s\"", f->key);
        size_t mark = conf__push_key(b, f->key);
        if (conf__ctx_record(b->ctx, obj + f->offset, mappos, conf__buf_str(&b->path), 1) == 0)
            conf__ctx_mark(b->ctx, obj + f->offset, CONF__BAD);
        conf__pop(b, mark);
        return -1;
    }
    size_t mark = conf__push_key(b, f->key);
    int r = v ? bind_value(b, f, v, obj + f->offset)
              : f->def ? bind_default(b, f, obj + f->offset, mappos) : bind_absent(b, f, obj + f->offset, mappos);
    conf__pop(b, mark);
    return r;
}

static int bind_struct(conf__binder *b, const conf_schema *s, unsigned char *obj, const conf__node *map,
                       const conf__pos *mappos)
{
    int bad = 0;
    for (size_t i = 0; i < s->nfields && !conf__ctx_full(b->ctx); i++)
        bad |= bind_field(b, &s->fields[i], obj, map, mappos) != 0;
    if (!map || !map->n)
        return bad ? -1 : 0;
    const char **keys = calloc(s->nfields + 1, sizeof *keys);
    if (!keys) {
        conf__fail(b, map, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < s->nfields; i++)
        keys[i] = s->fields[i].key;
    bad |= conf__unknown_keys(b, map, keys, "key", "", s);
    free(keys);
    return bad ? -1 : 0;
}

/* A struct that could not be bound at all: every value in it is marked
 * failed (located at pos), so no reference resolves into its lists with a
 * misleading "unknown name" and no check reads it. */
static void mark_unbound(conf__binder *b, const conf_schema *s, unsigned char *obj, const conf__pos *pos)
{
    for (size_t i = 0; i < s->nfields; i++) {
        unsigned char *p = obj + s->fields[i].offset;
        if (conf__ctx_record(b->ctx, p, pos, conf__buf_str(&b->path), 1))
            return;
        conf__ctx_mark(b->ctx, p, CONF__BAD);
        if (s->fields[i].type == CONF_STRUCT)
            mark_unbound(b, s->fields[i].sub, p, pos);
    }
}

static int bind_typed(conf__binder *b, const conf_field *f, const conf__node *n, unsigned char *addr)
{
    switch (f->type) {
    case CONF_NUM:
        return bind_num(b, f, n, (double *)addr);
    case CONF_INT: return bind_int(b, f, n, (long *)addr);
    case CONF_BOOL: return bind_bool(b, n, (int *)addr);
    case CONF_STR: return bind_str(b, f, n, (char **)addr);
    case CONF_ENUM: return bind_enum(b, f, n, (int *)addr);
    case CONF_DATE: return bind_date(b, f, n, (sim_date *)addr);
    case CONF_WEEKDAYS: return bind_weekdays(b, n, (unsigned *)addr);
    case CONF_DIST: return conf__bind_dist(b, f, n, (sim_dist *)addr);
    case CONF_SCHED: return conf__bind_sched(b, f, n, (sim_sched *)addr);
    case CONF_STRUCT:
        if (n->kind == CONF__MAP)
            return bind_struct(b, f->sub, addr, n, &n->pos);
        conf__fail_got(b, n, "a mapping of keys");
        mark_unbound(b, f->sub, addr, &n->pos);
        return -1;
    case CONF_LIST: return bind_list(b, f, n, (conf_list *)addr);
    case CONF_NUMLIST: return bind_numlist(b, f, n, (conf_numlist *)addr);
    case CONF_NUMMAP: return bind_nummap(b, f, n, (conf_nummap *)addr);
    case CONF_REF: return bind_ref(b, f, n, (conf_ref *)addr);
    case CONF_REFLIST: return bind_reflist(b, f, n, (conf_reflist *)addr);
    }
    return -1;
}

/* Binds one value; a value that fails is marked in the context (a struct
 * or list only when it failed as a whole: what failed inside it is marked
 * where it failed). */
static int bind_value(conf__binder *b, const conf_field *f, const conf__node *n, unsigned char *addr)
{
    if (conf__record(b, addr, n))
        return -1;
    if (f->type == CONF_REF && !(f->flags & CONF_F_REQUIRED) && conf__is_null(n)) {
        ((conf_ref *)addr)->index = -1; /* an optional reference left empty: none */
        return 0;
    }
    int r = bind_typed(b, f, n, addr);
    if (r && f->type != CONF_STRUCT && f->type != CONF_LIST)
        conf__ctx_mark(b->ctx, addr, CONF__BAD);
    return r;
}

/* ---- resolving names ---- */

typedef struct target {
    const char *ref;
    const conf_schema *sub;
    const conf_list *list;
    int broken; /* the list did not load: references to it are not resolved */
    conf__strmap names;
    const char **cands; /* the names in list order (NULL where unbound) */
    char *clean;        /* per item: 1 if it loaded cleanly */
} target;

static void find_target(const conf_schema *s, unsigned char *obj, const char *ref, target *t)
{
    const char *p = ref;
    for (;;) {
        size_t len = strcspn(p, ".");
        const conf_field *f = NULL;
        for (size_t i = 0; i < s->nfields && !f; i++)
            if (strlen(s->fields[i].key) == len && memcmp(s->fields[i].key, p, len) == 0)
                f = &s->fields[i];
        assert(f && "a ref path names no field");
        if (p[len] == '.') {
            assert(f->type == CONF_STRUCT && "a ref path goes through a non-struct");
            s = f->sub;
            obj += f->offset;
            p += len + 1;
            continue;
        }
        assert(f->type == CONF_LIST && conf__name_field(f->sub) && "a ref path must end at a list of named items");
        t->ref = ref;
        t->sub = f->sub;
        t->list = (const conf_list *)(obj + f->offset);
        return;
    }
}

/* Indexes a target's names. 0, or -1 on OOM. A list that failed to load,
 * or has an item whose name did not load, is left unusable (t->broken):
 * names are not looked up in it, so no error is blamed on a reference. */
static int index_target(conf__binder *b, target *t)
{
    const conf_field *nf = conf__name_field(t->sub);
    conf__strmap_init(&t->names);
    t->broken = conf__ctx_marked(b->ctx, t->list, CONF__BAD);
    t->cands = calloc(t->list->n + 1, sizeof *t->cands);
    t->clean = calloc(t->list->n + 1, 1);
    if (!t->cands || !t->clean)
        return -1;
    for (size_t i = 0; i < t->list->n; i++) {
        const char *name = *(char *const *)((const unsigned char *)t->list->items + i * t->sub->size + nf->offset);
        t->cands[i] = name;
        t->broken |= !name;
        if (name && conf__strmap_put(&t->names, name, strlen(name), i, NULL) < 0)
            return -1;
    }
    return 0;
}

/* "unknown site \"x\"", then where a file removed it if one did, then
 * the closest name or the names there are. */
static void unknown_name(conf__binder *b, const conf__pref *r, const target *t)
{
    conf__buf m;
    conf__buf_init(&m);
    conf__buf_printf(&m, "unknown %s \"", t->sub->name);
    conf__buf_escape(&m, *r->name, strlen(*r->name), 80);
    conf__buf_puts(&m, "\"");
    const conf__pos *gone = conf__removed_at(b->ld, t->sub, *r->name);
    if (gone) {
        conf__buf_puts(&m, ": removed at ");
        conf__buf_escape_controls(&m, gone->file);
        conf__buf_printf(&m, ":%d:%d", gone->line, gone->col);
    }
    const char *best = t->list->n <= MAX_SUGGEST_NAMES ? conf__suggest(*r->name, t->cands, t->list->n) : NULL;
    if (best) {
        conf__buf_puts(&m, " (did you mean \"");
        conf__buf_escape(&m, best, strlen(best), 80);
        conf__buf_puts(&m, "\"?)");
    } else if (!t->list->n) {
        conf__buf_printf(&m, " (there are no %s items in %s)", t->sub->name, t->ref);
    } else {
        conf__buf_puts(&m, " (expected one of: ");
        size_t shown = 0;
        for (size_t i = 0; i < t->list->n && shown < MAX_LISTED_NAMES; i++) {
            if (!t->cands[i])
                continue;
            conf__buf_puts(&m, shown++ ? ", " : "");
            conf__buf_escape(&m, t->cands[i], strlen(t->cands[i]), 80);
        }
        conf__buf_puts(&m, t->list->n > MAX_LISTED_NAMES ? ", ...)" : ")");
    }
    if (r->is_default)
        conf__buf_puts(&m, " (default)");
    conf__error_pos(b->ctx, &r->pos, r->path, "%s", m.oom ? "out of memory" : conf__buf_str(&m));
    conf__buf_free(&m);
}

/* 1 if nothing in the struct at obj failed to load. */
static int subtree_clean(const conf_ctx *ctx, const conf_schema *s, const unsigned char *obj)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i];
        const unsigned char *p = obj + f->offset;
        if (f->type == CONF_STRUCT) {
            if (!subtree_clean(ctx, f->sub, p))
                return 0;
        } else if (conf__ctx_marked(ctx, p, CONF__BAD)) {
            return 0;
        } else if (f->type == CONF_LIST) {
            const conf_list *l = (const conf_list *)p;
            for (size_t k = 0; k < l->n; k++)
                if (!subtree_clean(ctx, f->sub, (const unsigned char *)l->items + k * f->sub->size))
                    return 0;
        }
    }
    return 1;
}

/* A reference to an item that did not load cleanly is marked failed too
 * (silently: the item has its own message), so a check never reads a
 * half-loaded item through a reference. Repeats until nothing changes, as
 * items refer to items (a transfer to a cohort to a programme). */
static void spread_failures(conf__binder *b, target *t, size_t nt, const size_t *target_of)
{
    for (int changed = 1; changed && !conf__ctx_full(b->ctx);) {
        changed = 0;
        for (size_t k = 0; k < nt; k++)
            for (size_t i = 0; i < t[k].list->n; i++)
                t[k].clean[i] = (char)subtree_clean(b->ctx, t[k].sub,
                                                     (const unsigned char *)t[k].list->items + i * t[k].sub->size);
        for (size_t i = 0; i < b->nrefs; i++) {
            const conf__pref *r = &b->refs[i];
            if (*r->index < 0 || conf__ctx_marked(b->ctx, r->owner, CONF__BAD) || t[target_of[i]].clean[*r->index])
                continue;
            conf__ctx_mark(b->ctx, r->owner, CONF__BAD);
            changed = 1;
        }
    }
}

static void resolve_refs(conf__binder *b)
{
    target *t = calloc(b->nrefs + 1, sizeof *t);
    size_t *target_of = calloc(b->nrefs + 1, sizeof *target_of);
    size_t nt = 0;
    int ok = t && target_of;
    if (!ok)
        conf__error_pos(b->ctx, NULL, "", "out of memory");
    for (size_t i = 0; ok && i < b->nrefs && !conf__ctx_full(b->ctx); i++) {
        const conf__pref *r = &b->refs[i];
        size_t k = 0;
        while (k < nt && strcmp(t[k].ref, r->f->ref) != 0)
            k++;
        if (k == nt) {
            find_target(b->root_schema, b->root, r->f->ref, &t[nt]);
            if (index_target(b, &t[nt++])) {
                conf__error_pos(b->ctx, &r->pos, r->path, "out of memory");
                ok = 0;
                break;
            }
        }
        target_of[i] = k;
        size_t idx;
        if (!*r->name || t[k].broken) {
            conf__ctx_mark(b->ctx, r->owner, CONF__BAD);
        } else if (conf__strmap_get(&t[k].names, *r->name, strlen(*r->name), &idx)) {
            *r->index = (int)idx;
        } else {
            unknown_name(b, r, &t[k]);
            conf__ctx_mark(b->ctx, r->owner, CONF__BAD);
        }
    }
    if (ok && !conf__ctx_full(b->ctx))
        spread_failures(b, t, nt, target_of);
    for (size_t k = 0; t && k < nt; k++) {
        conf__strmap_free(&t[k].names);
        free(t[k].cands);
        free(t[k].clean);
    }
    free(t);
    free(target_of);
}

int conf__bind(conf__loader *ld, const conf_schema *schema, const conf__node *root, void *obj)
{
    conf__binder b;
    memset(&b, 0, sizeof b);
    b.ld = ld;
    b.ctx = ld->ctx;
    b.root_schema = schema;
    b.root = obj;
    size_t before = conf__ctx_load_errors(ld->ctx);
    bind_struct(&b, schema, obj, root, &root->pos);
    resolve_refs(&b);
    if (b.path.oom)
        conf__error_pos(b.ctx, &root->pos, "", "out of memory");
    for (size_t i = 0; i < b.nrefs; i++)
        free(b.refs[i].path);
    free(b.refs);
    conf__buf_free(&b.path);
    return conf__ctx_load_errors(ld->ctx) > before ? -1 : 0;
}

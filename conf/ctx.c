/*
 * conf/ctx.c: the loading context: collected error messages, the map from
 * the address of every bound value to where it was written, and the run
 * window for CONF_F_IN_RUN dates.
 *
 * Invariants: at most CONF_MAX_ERRORS messages per load, then one "too many
 * errors; stopping" line; when a load ends its messages are sorted by the
 * place they point at (the scenario file first, then each file it
 * extends; line, column), stably, those with no place last; the position map is an open-addressing hash table
 * on the pointer (O(1) expected per record or lookup) whose entries each own
 * one string "file:line:col\0key.path" and says whether the value came
 * from a default, the depth of its file in the extends chain, and whether
 * it failed to load. The map describes the object of the
 * most recent load only and is emptied when a load starts or fails. A
 * context is not shared between threads; separate contexts are independent.
 */
#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/internal.h"

#ifdef SIM_SMALL_CAPACITY
#define WHERE_MIN_CAPACITY 2
#define ERRS_MIN_CAPACITY 1
#else
#define WHERE_MIN_CAPACITY 256
#define ERRS_MIN_CAPACITY 16
#endif

typedef struct where {
    const void *addr; /* NULL: empty slot */
    char *text;       /* "file:line:col" NUL "key.path" NUL (owned) */
    size_t pos_len;
    int is_default;
    int depth;        /* of the file in the extends chain */
    int line, col;
    unsigned marks;   /* conf__mark bits: failed to load, failed its check */
} where;

/* Where a message points, to sort a load's messages in file order: the
 * file's depth in the extends chain (the scenario itself first), then line
 * and column; messages with no place go last. */
typedef struct msg_key {
    int depth, line, col;
} msg_key;

static const msg_key NOWHERE = {INT_MAX, INT_MAX, INT_MAX};

struct conf_ctx {
    char **errs;
    msg_key *keys; /* per message */
    size_t nerr, cap;
    size_t load_base; /* nerr when the current load started */
    size_t added;     /* errors reported in this load, stored or not */
    int stopped;
    where *slots;
    size_t wcap, wn;
    int has_window, window_checked;
    int in_load, window_in_load; /* a window set during a load lasts for that load */
    sim_date first, last;
    const void *first_addr, *last_addr; /* the values it was set from in this load, or NULL */
};

conf_ctx *conf_ctx_create(void) { return calloc(1, sizeof(conf_ctx)); }

void conf_ctx_destroy(conf_ctx *ctx)
{
    if (!ctx)
        return;
    conf__ctx_forget(ctx);
    for (size_t i = 0; i < ctx->nerr; i++)
        free(ctx->errs[i]);
    free(ctx->errs);
    free(ctx->keys);
    free(ctx);
}

void conf_ctx_set_window(conf_ctx *ctx, sim_date first, sim_date last)
{
    ctx->has_window = 1;
    ctx->window_in_load = ctx->in_load;
    ctx->first = first;
    ctx->last = last;
}

int conf_ctx_window(const conf_ctx *ctx, sim_date *first, sim_date *last)
{
    *first = ctx->first;
    *last = ctx->last;
    return ctx->has_window;
}

void conf__ctx_window_source(conf_ctx *ctx, const void *first_addr, const void *last_addr)
{
    ctx->first_addr = first_addr;
    ctx->last_addr = last_addr;
}

static int key_before(const msg_key *a, const msg_key *b)
{
    if (a->depth != b->depth)
        return a->depth < b->depth;
    if (a->line != b->line)
        return a->line < b->line;
    return a->col < b->col;
}

/* Sorts this load's messages by place, stably (insertion sort: at most
 * CONF_MAX_ERRORS + 1 of them), so they read in file order whatever
 * order the loader's passes found them in. */
static void sort_messages(conf_ctx *ctx)
{
    for (size_t i = ctx->load_base + 1; i < ctx->nerr; i++) {
        char *m = ctx->errs[i];
        msg_key k = ctx->keys[i];
        size_t j = i;
        for (; j > ctx->load_base && key_before(&k, &ctx->keys[j - 1]); j--) {
            ctx->errs[j] = ctx->errs[j - 1];
            ctx->keys[j] = ctx->keys[j - 1];
        }
        ctx->errs[j] = m;
        ctx->keys[j] = k;
    }
}

void conf__ctx_end(conf_ctx *ctx)
{
    sort_messages(ctx);
    if (ctx->window_in_load)
        ctx->has_window = ctx->window_in_load = 0;
    ctx->in_load = 0;
    ctx->first_addr = ctx->last_addr = NULL;
}

int conf__ctx_window_checked(const conf_ctx *ctx) { return ctx->window_checked; }

void conf__ctx_begin(conf_ctx *ctx)
{
    conf__ctx_forget(ctx);
    ctx->load_base = ctx->nerr;
    ctx->added = 0;
    ctx->stopped = 0;
    ctx->window_checked = 0;
    ctx->in_load = 1;
}

size_t conf__ctx_load_errors(const conf_ctx *ctx) { return ctx->added; }

int conf__ctx_full(const conf_ctx *ctx) { return ctx->stopped; }

size_t conf__ctx_count(const conf_ctx *ctx) { return ctx->nerr; }

void conf__ctx_move_last(conf_ctx *ctx, size_t k)
{
    if (ctx->stopped || k >= ctx->nerr || k < ctx->load_base)
        return;
    char *last = ctx->errs[ctx->nerr - 1];
    memmove(ctx->errs + k + 1, ctx->errs + k, (ctx->nerr - 1 - k) * sizeof *ctx->errs);
    memmove(ctx->keys + k + 1, ctx->keys + k, (ctx->nerr - 1 - k) * sizeof *ctx->keys);
    ctx->errs[k] = last;
    if (k + 1 < ctx->nerr)
        ctx->keys[k] = ctx->keys[k + 1]; /* sorts with the message it explains, just before it */
}

void conf__ctx_forget(conf_ctx *ctx)
{
    for (size_t i = 0; i < ctx->wcap; i++)
        free(ctx->slots[i].text);
    free(ctx->slots);
    ctx->slots = NULL;
    ctx->wcap = ctx->wn = 0;
}

/* Appends a message (taking ownership) pointing at key. */
static void push_error(conf_ctx *ctx, char *msg, msg_key key)
{
    if (ctx->nerr == ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap * 2 : ERRS_MIN_CAPACITY;
        char **e = realloc(ctx->errs, cap * sizeof *e);
        if (e)
            ctx->errs = e;
        msg_key *k = e ? realloc(ctx->keys, cap * sizeof *k) : NULL;
        if (k)
            ctx->keys = k;
        if (!e || !k) {
            free(msg);
            ctx->stopped = 1; /* nothing more can be recorded */
            return;
        }
        ctx->cap = cap;
    }
    ctx->keys[ctx->nerr] = key;
    ctx->errs[ctx->nerr++] = msg;
}

/* Adds the text of b as one message pointing at key, honouring the cap. */
static void add_message(conf_ctx *ctx, conf__buf *b, msg_key key)
{
    ctx->added++;
    if (ctx->stopped) {
        conf__buf_free(b);
        return;
    }
    if (ctx->nerr - ctx->load_base >= CONF_MAX_ERRORS) {
        conf__buf_free(b);
        char *m = malloc(sizeof "too many errors; stopping");
        if (m) {
            memcpy(m, "too many errors; stopping", sizeof "too many errors; stopping");
            push_error(ctx, m, NOWHERE); /* pushed last, it stays last: the sort is stable */
        }
        ctx->stopped = 1;
        return;
    }
    char *msg = b->s;
    if (b->oom) {
        free(b->s);
        msg = malloc(sizeof "out of memory");
        if (msg)
            memcpy(msg, "out of memory", sizeof "out of memory");
    } else if (!msg) {
        msg = calloc(1, 1);
    }
    if (msg)
        push_error(ctx, msg, key);
    else
        ctx->stopped = 1;
    memset(b, 0, sizeof *b);
}

void conf__verror_pos(conf_ctx *ctx, const conf__pos *pos, const char *path, const char *fmt, va_list ap)
{
    conf__buf b;
    conf__buf_init(&b);
    if (pos && pos->file) {
        conf__buf_escape_controls(&b, pos->file);
        if (pos->line > 0)
            conf__buf_printf(&b, ":%d:%d", pos->line, pos->col);
        conf__buf_puts(&b, ": ");
    }
    if (path && *path)
        conf__buf_printf(&b, "%s: ", path);
    conf__buf_vprintf(&b, fmt, ap);
    add_message(ctx, &b, pos && pos->file ? (msg_key){pos->depth, pos->line, pos->col} : NOWHERE);
}

void conf__error_pos(conf_ctx *ctx, const conf__pos *pos, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    conf__verror_pos(ctx, pos, path, fmt, ap);
    va_end(ap);
}

void conf_error(conf_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    conf__verror_pos(ctx, NULL, NULL, fmt, ap);
    va_end(ap);
}

size_t conf_error_count(const conf_ctx *ctx) { return ctx->nerr; }

const char *conf_error_text(const conf_ctx *ctx, size_t i) { return i < ctx->nerr ? ctx->errs[i] : NULL; }

void conf_print_errors(const conf_ctx *ctx, FILE *out)
{
    for (size_t i = 0; i < ctx->nerr; i++)
        fprintf(out, "%s\n", ctx->errs[i]);
}

/* ---- positions by address ---- */

static size_t hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    return (size_t)x;
}

static where *find(where *slots, size_t cap, const void *addr)
{
    size_t i = hash_ptr(addr) & (cap - 1);
    while (slots[i].addr && slots[i].addr != addr)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int where_grow(conf_ctx *ctx)
{
    size_t cap = ctx->wcap ? ctx->wcap * 2 : WHERE_MIN_CAPACITY;
    where *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < ctx->wcap; i++)
        if (ctx->slots[i].addr)
            *find(slots, cap, ctx->slots[i].addr) = ctx->slots[i];
    free(ctx->slots);
    ctx->slots = slots;
    ctx->wcap = cap;
    return 0;
}

int conf__ctx_record(conf_ctx *ctx, const void *addr, const conf__pos *pos, const char *path, int is_default)
{
    assert(addr && pos);
    conf__buf b;
    conf__buf_init(&b);
    conf__buf_escape_controls(&b, pos->file);
    if (pos->line > 0)
        conf__buf_printf(&b, ":%d:%d", pos->line, pos->col);
    size_t pos_len = b.len;
    conf__buf_add(&b, "", 1);
    conf__buf_puts(&b, path);
    if (b.oom || ((ctx->wn + 1) * 4 > ctx->wcap * 3 && where_grow(ctx))) {
        conf__buf_free(&b);
        conf__error_pos(ctx, pos, path, "out of memory");
        return -1;
    }
    where *w = find(ctx->slots, ctx->wcap, addr);
    if (w->addr) {
        free(w->text);
    } else {
        ctx->wn++;
        w->marks = 0;
    }
    w->addr = addr;
    w->text = b.s;
    w->pos_len = pos_len;
    w->is_default = is_default;
    w->depth = pos->depth;
    w->line = pos->line;
    w->col = pos->col;
    return 0;
}

static const where *lookup(const conf_ctx *ctx, const void *addr)
{
    if (!ctx->wcap || !addr)
        return NULL;
    const where *w = find(ctx->slots, ctx->wcap, addr);
    return w->addr ? w : NULL;
}

void conf__ctx_mark(conf_ctx *ctx, const void *addr, conf__mark mark)
{
    if (!ctx->wcap || !addr)
        return;
    where *w = find(ctx->slots, ctx->wcap, addr);
    if (w->addr)
        w->marks |= (unsigned)mark;
}

int conf__ctx_marked(const conf_ctx *ctx, const void *addr, conf__mark mark)
{
    const where *w = lookup(ctx, addr);
    return w && (w->marks & (unsigned)mark);
}

int conf_item_failed(const conf_ctx *ctx, const void *item_addr)
{
    return conf__ctx_marked(ctx, item_addr, CONF__CHECK_FAILED);
}

int conf_from_default(const conf_ctx *ctx, const void *field_addr)
{
    const where *w = lookup(ctx, field_addr);
    return w ? w->is_default : -1;
}

const char *conf_where(const conf_ctx *ctx, const void *field_addr, const char **key_path)
{
    const where *w = lookup(ctx, field_addr);
    if (key_path)
        *key_path = w ? w->text + w->pos_len + 1 : NULL;
    return w ? w->text : NULL;
}

static void verror_where(conf_ctx *ctx, const where *w, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void verror_where(conf_ctx *ctx, const where *w, const char *fmt, va_list ap)
{
    assert(w && "a check reported on a value the loader did not record (every message has a location)");
    conf__buf b;
    conf__buf_init(&b);
    if (w) {
        const char *path = w->text + w->pos_len + 1;
        conf__buf_printf(&b, "%s: ", w->text);
        if (*path)
            conf__buf_printf(&b, "%s: ", path);
    }
    conf__buf_vprintf(&b, fmt, ap);
    if (w && w->is_default)
        conf__buf_puts(&b, " (default)");
    add_message(ctx, &b, w ? (msg_key){w->depth, w->line, w->col} : NOWHERE);
}

void conf_error_at(conf_ctx *ctx, const void *field_addr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror_where(ctx, lookup(ctx, field_addr), fmt, ap);
    va_end(ap);
}

/* 1 if value a was written after value b: in a more derived file, or in a
 * file rather than by a default. */
static int later(const where *a, const where *b)
{
    if (!b)
        return 1;
    if (a->is_default != b->is_default)
        return !a->is_default;
    return a->depth < b->depth;
}

void conf_error_among(conf_ctx *ctx, const void *const *addrs, size_t n, const char *fmt, ...)
{
    const where *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const where *w = lookup(ctx, addrs[i]);
        if (w && later(w, best))
            best = w;
    }
    va_list ap;
    va_start(ap, fmt);
    verror_where(ctx, best, fmt, ap);
    va_end(ap);
}

/* ---- the run window ---- */

typedef struct window {
    sim_date first, last;
    char range[40]; /* "2026-04-01 to 2029-03-31" */
} window;

/* " (the end of the run is set at file:line:col)" into note when the
 * bound a date at addr breaks (its window's first day if `early`, else
 * its last) was set in a file that extends the date's: a variant that
 * moved the run. Else "". */
static void bound_note(const conf_ctx *ctx, const void *addr, int early, char *note, size_t len)
{
    const where *date = lookup(ctx, addr), *bound = lookup(ctx, early ? ctx->first_addr : ctx->last_addr);
    note[0] = '\0';
    if (date && bound && !bound->is_default && bound->depth < date->depth)
        snprintf(note, len, " (the %s of the run is set at %.*s)", early ? "start" : "end", (int)bound->pos_len,
                 bound->text);
}

/* Reports date d (stored at addr) if it breaks the flags; 1 if it did. */
static int check_date(conf_ctx *ctx, const window *win, const void *addr, double d, unsigned flags)
{
    const char *rule = NULL;
    if ((flags & CONF_F_IN_RUN) == CONF_F_IN_RUN && (d < win->first || d > win->last))
        rule = "within the run";
    else if ((flags & CONF_F_RUN_START) && d < win->first)
        rule = "on or after the start of the run";
    else if ((flags & CONF_F_RUN_END) && d > win->last)
        rule = "on or before the end of the run";
    if (!rule)
        return 0;
    char got[16], note[4200];
    sim_date_format((sim_date)d, got);
    bound_note(ctx, addr, d < win->first, note, sizeof note);
    conf_error_at(ctx, addr, "expected a date %s (%s), got %s%s", rule, win->range, got, note);
    return 1;
}

/* A schedule's changes: with RUN_END none may start after the window, with
 * RUN_START none may end before it; changes before the start are history. */
static int check_sched_window(conf_ctx *ctx, const window *win, const sim_sched *s, unsigned flags)
{
    int n = 0;
    for (size_t i = 0; i < s->n; i++) {
        n += check_date(ctx, win, &s->seg[i].t0, s->seg[i].t0, flags & CONF_F_RUN_END);
        n += check_date(ctx, win, &s->seg[i].t1, s->seg[i].t1, flags & CONF_F_RUN_START);
    }
    return n;
}

static int check_window(conf_ctx *ctx, const window *win, const conf_schema *schema, const unsigned char *obj)
{
    int n = 0;
    for (size_t i = 0; i < schema->nfields && !ctx->stopped; i++) {
        const conf_field *f = &schema->fields[i];
        const unsigned char *p = obj + f->offset;
        if (f->type == CONF_STRUCT) {
            n += check_window(ctx, win, f->sub, p);
        } else if (f->type == CONF_LIST) {
            const conf_list *l = (const conf_list *)p;
            for (size_t k = 0; k < l->n; k++)
                n += check_window(ctx, win, f->sub, (const unsigned char *)l->items + k * f->sub->size);
        } else if (!(f->flags & CONF_F_IN_RUN) || conf__ctx_marked(ctx, p, CONF__BAD)) {
            continue;
        } else if (f->type == CONF_DATE && *(const sim_date *)p != CONF_DATE_NONE) {
            n += check_date(ctx, win, p, *(const sim_date *)p, f->flags);
        } else if (f->type == CONF_SCHED) {
            n += check_sched_window(ctx, win, (const sim_sched *)p, f->flags);
        }
    }
    return n;
}

int conf_check_window(conf_ctx *ctx, const conf_schema *schema, const void *obj)
{
    ctx->window_checked = 1;
    if (!ctx->has_window)
        return 0;
    window win = {ctx->first, ctx->last, ""};
    char a[16], b[16];
    sim_date_format(ctx->first, a);
    sim_date_format(ctx->last, b);
    snprintf(win.range, sizeof win.range, "%s to %s", a, b);
    return check_window(ctx, &win, schema, obj);
}

/*
 * conf/load.c: the public loading entry points (conf/schema.h): read and
 * merge the files (conf/extends.c), bind (conf/bind.c), run the schemas'
 * check callbacks bottom-up on every struct that loaded cleanly (marking
 * those whose check failed, for conf_item_failed), and the
 * run-window check on every dated value that loaded, so independent
 * problems are all reported in one pass, and free the object again if
 * anything failed; plus conf_free.
 *
 * Invariant: a load either returns 0 with a fully bound object and its
 * positions recorded in the context, or -1 with the object zeroed (every
 * owned pointer freed) and the positions forgotten. The YAML tree lives only
 * during the load. Cost: linear in the input and the object.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "conf/internal.h"

/* Runs check callbacks, children (structs, list items) before their parent,
 * each only if every value inside its struct loaded; a struct whose check
 * reports is marked (conf_item_failed), so checks that run later and read
 * it through a name can leave it alone. Returns 1 if obj was clean
 * (nothing in it failed to load), whether or not its checks passed. */
static int run_checks(conf_ctx *ctx, const conf_schema *s, unsigned char *obj, const void *root)
{
    int clean = 1;
    for (size_t i = 0; i < s->nfields && !conf__ctx_full(ctx); i++) {
        const conf_field *f = &s->fields[i];
        unsigned char *p = obj + f->offset;
        if (f->type == CONF_STRUCT) {
            clean &= run_checks(ctx, f->sub, p, root);
        } else if (f->type == CONF_LIST) {
            conf_list *l = (conf_list *)p;
            clean &= !conf__ctx_marked(ctx, p, CONF__BAD);
            for (size_t k = 0; k < l->n && !conf__ctx_full(ctx); k++)
                clean &= run_checks(ctx, f->sub, (unsigned char *)l->items + k * f->sub->size, root);
        } else {
            clean &= !conf__ctx_marked(ctx, p, CONF__BAD);
        }
    }
    if (clean && s->check && !conf__ctx_full(ctx)) {
        size_t before = conf__ctx_load_errors(ctx);
        s->check(ctx, obj, root);
        if (conf__ctx_load_errors(ctx) > before)
            conf__ctx_mark(ctx, obj, CONF__CHECK_FAILED);
    }
    return clean;
}

/* The DATE field of s or its nested structs (not lists) flagged `flag`, and
 * its address in obj; NULL if none. */
static const conf_field *window_field(const conf_schema *s, unsigned char *obj, unsigned flag, void **addr)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i], *g;
        if (f->type == CONF_DATE && (f->flags & flag)) {
            *addr = obj + f->offset;
            return f;
        }
        if (f->type == CONF_STRUCT && (g = window_field(f->sub, obj + f->offset, flag, addr)))
            return g;
    }
    return NULL;
}

/* Sets the load's window from the CONF_F_WINDOW_FIRST and _LAST dates if
 * both loaded and are in order. */
static void window_from_fields(conf_ctx *ctx, const conf_schema *schema, void *obj)
{
    void *a = NULL, *b = NULL;
    if (!window_field(schema, obj, CONF_F_WINDOW_FIRST, &a) || !window_field(schema, obj, CONF_F_WINDOW_LAST, &b) ||
        conf__ctx_marked(ctx, a, CONF__BAD) || conf__ctx_marked(ctx, b, CONF__BAD))
        return;
    sim_date first = *(sim_date *)a, last = *(sim_date *)b;
    if (first == CONF_DATE_NONE || last == CONF_DATE_NONE || first > last)
        return;
    conf_ctx_set_window(ctx, first, last);
    conf__ctx_window_source(ctx, a, b);
}

/* Binds and checks a merged tree; frees obj and forgets positions on error. */
static int finish(conf__loader *ld, const conf_schema *schema, const conf__node *root, void *obj)
{
    conf_ctx *ctx = ld->ctx;
    if (root) {
        conf__bind(ld, schema, root, obj);
        window_from_fields(ctx, schema, obj);
        run_checks(ctx, schema, obj, obj);
        if (!conf__ctx_window_checked(ctx) && !conf__ctx_full(ctx))
            conf_check_window(ctx, schema, obj);
    }
    conf__loader_free(ld);
    conf__ctx_end(ctx);
    if (conf__ctx_load_errors(ctx) == 0)
        return 0;
    conf_free(schema, obj);
    conf__ctx_forget(ctx);
    return -1;
}

static int start(conf_ctx *ctx, const conf_schema *schema, void *obj, conf__loader *ld)
{
    assert(ctx && schema && obj);
    conf__ctx_begin(ctx);
    memset(obj, 0, schema->size);
    if (conf__loader_init(ld, ctx)) {
        conf_error(ctx, "out of memory");
        conf__ctx_end(ctx);
        return -1;
    }
    ld->schema = schema;
    return 0;
}

int conf_load_file(conf_ctx *ctx, const conf_schema *schema, const char *path, void *obj)
{
    conf__loader ld;
    if (start(ctx, schema, obj, &ld))
        return -1;
    return finish(&ld, schema, conf__load_tree_file(&ld, path), obj);
}

int conf_load_buffer(conf_ctx *ctx, const conf_schema *schema, const char *name, const char *buf, size_t len,
                     const char *base_dir, void *obj)
{
    conf__loader ld;
    if (start(ctx, schema, obj, &ld))
        return -1;
    return finish(&ld, schema, conf__load_tree_buffer(&ld, name, buf, len, base_dir), obj);
}

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

static void free_field(const conf_field *f, unsigned char *p)
{
    switch (f->type) {
    case CONF_STR: free(*(char **)p); break;
    case CONF_DIST: sim_dist_free((sim_dist *)p); break;
    case CONF_SCHED: sim_sched_free((sim_sched *)p); break;
    case CONF_STRUCT: conf_free(f->sub, p); break;
    case CONF_LIST: {
        conf_list *l = (conf_list *)p;
        for (size_t k = 0; l->items && k < l->n; k++)
            conf_free(f->sub, (unsigned char *)l->items + k * f->sub->size);
        free(l->items);
        break;
    }
    case CONF_NUMLIST: free(((conf_numlist *)p)->v); break;
    case CONF_NUMMAP: {
        conf_nummap *m = (conf_nummap *)p;
        free_strings(m->names, m->n);
        free(m->v);
        free(m->ref);
        break;
    }
    case CONF_REF: free(((conf_ref *)p)->name); break;
    case CONF_REFLIST: {
        conf_reflist *r = (conf_reflist *)p;
        free_strings(r->names, r->n);
        free(r->index);
        break;
    }
    default: break;
    }
}

void conf_free(const conf_schema *schema, void *obj)
{
    if (!obj)
        return;
    unsigned char *p = obj;
    for (size_t i = 0; i < schema->nfields; i++)
        free_field(&schema->fields[i], p + schema->fields[i].offset);
    memset(obj, 0, schema->size);
}

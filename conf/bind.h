/*
 * conf/bind.h (internal to conf/): the binder's state and the helpers its
 * two halves share (conf/bind.c: structs, lists, maps, scalars, references;
 * conf/bind_dist.c: distributions and schedules).
 *
 * Invariants: b->path is the key path of the value being bound; while a
 * schema default is being bound (in_default), errors are programming errors
 * (asserted) and positions are the parent mapping's (defpos). Every value is
 * recorded in the context's position map before its children, so the
 * deepest value wins for a shared address.
 */
#ifndef CONF_BIND_H
#define CONF_BIND_H

#include "conf/internal.h"

/* A name waiting to be resolved against a list once everything is bound. */
typedef struct conf__pref {
    const conf_field *f;
    const void *owner; /* the REF, REFLIST or NUMMAP value holding the name */
    char *const *name;
    int *index;
    conf__pos pos;
    char *path; /* owned */
    int is_default;
} conf__pref;

typedef struct conf__binder {
    conf__loader *ld;
    conf_ctx *ctx;
    const conf_schema *root_schema;
    void *root;
    conf__buf path;
    conf__pref *refs;
    size_t nrefs, rcap;
    int in_default;
    conf__pos defpos;
} conf__binder;

/* Adds an error at node n (or at the default's parent mapping), prefixed
 * with the current key path. */
void conf__fail(conf__binder *b, const conf__node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* As conf__fail with "expected <what>, got <description of n>". */
void conf__fail_got(conf__binder *b, const conf__node *n, const char *what);
/* Records where the value at addr came from (node n). -1 on OOM. */
int conf__record(conf__binder *b, const void *addr, const conf__node *n);
/* Path helpers: append ".key" or "[i]"; return the length to cut back to. */
size_t conf__push_key(conf__binder *b, const char *key);
size_t conf__push_index(conf__binder *b, size_t i);
void conf__pop(conf__binder *b, size_t mark);
/* Parses scalar n as a quantity in unit u within [min, max] (unbounded if
 * min > max), a whole number if integer. 0 and *out, or -1 (reported). */
int conf__quantity(conf__binder *b, const conf__node *n, conf_unit u, double min, double max, int integer,
                   double *out);
/* Parses scalar n as a date YYYY-MM-DD. 0 and *out, or -1 (reported). */
int conf__date(conf__binder *b, const conf__node *n, sim_date *out);
/* Reports keys of mapping m not in allowed (NULL-terminated) as
 * `unknown <what> "k"<where> (did you mean ...)`, e.g. what "parameter",
 * where " of a lognormal distribution". With `here`, the schema of the
 * struct m is bound to, a key that another struct of the root schema has
 * says where it belongs instead ("(it belongs under service)"). 1 if any. */
int conf__unknown_keys(conf__binder *b, const conf__node *m, const char *const *allowed, const char *what,
                       const char *where, const conf_schema *here);

int conf__bind_dist(conf__binder *b, const conf_field *f, const conf__node *n, sim_dist *d);
int conf__bind_sched(conf__binder *b, const conf_field *f, const conf__node *n, sim_sched *s);

#endif

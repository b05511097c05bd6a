/*
 * conf/schema.h: the scenario language's type system, and loading a YAML
 * file into a C struct through it.
 *
 * A schema is a static table of fields, each naming a YAML key, its type, its
 * unit, where it lives in the C struct (offsetof), its bounds, its default
 * written as scenario text, an example non-default value and one line of
 * documentation. One table drives everything: binding and validation (with
 * errors that point at file:line:col and the key path), defaults, the printed
 * effective scenario (conf/emit.h), and the generated key reference.
 *
 * Loading is all-or-nothing: conf_load_file either fills the object
 * completely or reports every error it found (up to CONF_MAX_ERRORS) and
 * leaves the object empty (conf_free-able). Nothing is printed by the loader;
 * the caller prints the collected messages.
 *
 * Error message form (one line each):
 *   scenarios/x.yaml:14:9: staff[2].wte: expected a number >= 0, got "full"
 */
#ifndef CONF_SCHEMA_H
#define CONF_SCHEMA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/units.h"
#include "sim/calendar.h"
#include "sim/dist.h"
#include "sim/sched.h"

/* Files larger than this are refused (a scenario is a few kilobytes). */
#define CONF_MAX_FILE_BYTES (1024 * 1024)
/* extends chains deeper than this are refused. */
#define CONF_MAX_EXTENDS_DEPTH 16
/* Loading stops collecting errors after this many. */
#define CONF_MAX_ERRORS 50
/* An optional date that was not given. */
#define CONF_DATE_NONE INT32_MIN

typedef enum conf_type {
    CONF_NUM,      /* double, in `unit` (conf/units.h); default "none" gives NAN (not set) */
    CONF_INT,      /* long; plain integer text */
    CONF_BOOL,     /* int 0/1; true or false */
    CONF_STR,      /* char * (owned) */
    CONF_ENUM,     /* int: index into enum_names */
    CONF_DATE,     /* sim_date; default "none" gives CONF_DATE_NONE */
    CONF_WEEKDAYS, /* unsigned: bit i set for weekday i (0 = mon); list [mon, tue, ...] */
    CONF_DIST,     /* sim_dist, prepared; parameters in `unit` */
    CONF_SCHED,    /* sim_sched in `unit`; times are sim_date day numbers */
    CONF_STRUCT,   /* nested struct described by `sub`, stored inline */
    CONF_LIST,     /* conf_list of structs described by `sub` */
    CONF_NUMLIST,  /* conf_numlist of numbers in `unit` */
    CONF_NUMMAP,   /* conf_nummap: names -> numbers in `unit` */
    CONF_REF,      /* conf_ref: the name of an item of the list at path `ref` */
    CONF_REFLIST,  /* conf_reflist: names of items of the list at path `ref` */
} conf_type;

/* Field flags. */
enum {
    CONF_F_REQUIRED = 1u << 0,  /* must be given (no default) */
    CONF_F_SUM_100 = 1u << 1,   /* NUMMAP/NUMLIST values, or this NUM field across a LIST's items,
                                   must sum to 100% (conf_sum_ok) */
    CONF_F_RUN_START = 1u << 2, /* DATE: not before the run window's first day (conf_ctx_set_window);
                                   SCHED: no change ends before it */
    CONF_F_RUN_END = 1u << 6,   /* DATE: not after the window's last day; SCHED: no change starts after
                                   it (a later date has no effect, so it is taken for a mistake) */
    CONF_F_IN_RUN = CONF_F_RUN_START | CONF_F_RUN_END, /* within the window */
    CONF_F_NONEMPTY = 1u << 7,  /* LIST: at least one item */
    CONF_F_NAME = 1u << 3,      /* this STR field names its LIST item: unique, used by
                                   extends merging and by CONF_REF */
    CONF_F_REF_KEYS = 1u << 4,  /* NUMMAP keys are names of items of the list at `ref` */
    CONF_F_INTEGER = 1u << 5,   /* NUM or DIST values must be whole numbers */
    CONF_F_EMPTY_OK = 1u << 8,  /* NUMMAP/NUMLIST with CONF_F_SUM_100: an empty map or list means "none"
                                   and is not summed */
    CONF_F_KEY = 1u << 9,       /* in a LIST item without a CONF_F_NAME field: this field is part of the
                                   item's key (with the other CONF_F_KEY fields; a plain value, REF, ENUM or
                                   INT). No two items of a list share a key, and extends merges items on it
                                   as on names. A list of items with no key is replaced whole by a variant,
                                   which must say so (conf/merge.c). */
    CONF_F_WINDOW_FIRST = 1u << 11, /* DATE in a struct reached from the root through structs only: the
                                   run window's first day. With a CONF_F_WINDOW_LAST field, once both
                                   are bound (and first <= last) they set the window for the load
                                   before any check runs, so that a problem next to them (a bad seed)
                                   hides no date check; a date outside it in an extended file then
                                   says where the bound it breaks was set */
    CONF_F_WINDOW_LAST = 1u << 12,  /* DATE: the run window's last day (as above) */
    CONF_F_IDENT = 1u << 10,    /* STR: the text, NUMMAP: every key, is an identifier (CONF_IDENT_MAX
                                   characters at most of letters A-Z a-z, digits, '_', '-' and '.',
                                   not digits only): safe unquoted in file names, CSV cells and
                                   "kind:name/kind:name" labels */
};

/* Shares that must sum to 100% may miss it by this much per share (0.01
 * percentage points), so that three shares of 33.333% pass; they are used
 * as written. */
#define CONF_SUM_SLACK 1e-4
/* 1 if n shares summing to `sum` (as fractions) make 100%. */
int conf_sum_ok(double sum, size_t n);

/* Longest identifier (CONF_F_IDENT), in characters. */
#define CONF_IDENT_MAX 64

typedef struct conf_list {
    void *items;  /* n items of sub->size bytes each (owned) */
    size_t n;
} conf_list;

typedef struct conf_numlist {
    double *v;    /* owned */
    size_t n;
} conf_numlist;

typedef struct conf_nummap {
    char **names; /* owned */
    double *v;    /* owned */
    int *ref;     /* with CONF_F_REF_KEYS: index of each name in the referenced list (owned) */
    size_t n;
} conf_nummap;

typedef struct conf_ref {
    char *name;   /* owned; NULL if not given and not required */
    int index;    /* index into the referenced list, -1 if name is NULL */
} conf_ref;

typedef struct conf_reflist {
    char **names; /* owned */
    int *index;
    size_t n;
} conf_reflist;

typedef struct conf_schema conf_schema;
typedef struct conf_ctx conf_ctx;

typedef struct conf_field {
    const char *key;
    conf_type type;
    conf_unit unit;
    size_t offset;                /* offsetof(struct, member) */
    const conf_schema *sub;       /* STRUCT, LIST */
    const char *const *enum_names;/* ENUM: NULL-terminated */
    const char *ref;              /* REF, REFLIST, REF_KEYS: dotted path of the list from the root, e.g. "teams" */
    double min, max;              /* bounds in the stored unit (NUM, INT, DIST params, SCHED values,
                                     NUMLIST, NUMMAP values); min > max means unbounded */
    unsigned flags;
    const char *def;              /* default, as scenario text; NULL with CONF_F_REQUIRED or for
                                     STRUCT/LIST (empty list) */
    const char *example;          /* a valid non-default value as scenario text (YAML flow),
                                     used by the key-coverage tests and the docs */
    const char *doc;              /* one line: meaning, unit, source or "assumption" */
} conf_field;

/* Cross-field validation of one struct, run after its fields (and their
 * children) are bound and checked, and only if every value in it loaded
 * (and every name in it resolved), so a check may trust what it reads while
 * problems elsewhere are still reported in the same pass. Checks run in
 * field order, depth first; a check that reads values of another item
 * through a name asks conf_item_failed first and leaves a failed item
 * alone (its own message says what is wrong; more would be noise). Report
 * with conf_error_at or conf_error_among; return 0 if fine. */
typedef int (*conf_check_fn)(conf_ctx *ctx, void *obj, const void *root);

struct conf_schema {
    const char *name;             /* type name for docs, e.g. "team" */
    size_t size;                  /* sizeof the struct */
    const conf_field *fields;
    size_t nfields;
    conf_check_fn check;          /* may be NULL */
    const char *doc;              /* a paragraph for the reference */
};

/* A loading context: collects errors and remembers where each value came
 * from. Returns NULL on OOM. Destroying it does not free loaded objects. */
conf_ctx *conf_ctx_create(void);
void conf_ctx_destroy(conf_ctx *ctx);

/* Sets the run window [first, last] that CONF_F_RUN_START / CONF_F_RUN_END
 * dates are checked against: before loading if it is known (it then holds
 * for every later load), or from a check callback during a load (it then
 * holds for that load only; check callbacks run in field order, so a
 * struct bound earlier can set it for the checks of later ones). Once the
 * checks have run the loader checks every dated value against it, unless
 * conf_check_window already did. */
void conf_ctx_set_window(conf_ctx *ctx, sim_date first, sim_date last);
/* The window, if one is set: 1 and *first, *last; else 0. */
int conf_ctx_window(const conf_ctx *ctx, sim_date *first, sim_date *last);
/* Reports every flagged date of obj (and its children) outside the window,
 * skipping values that failed to load. Returns the number of errors added. */
int conf_check_window(conf_ctx *ctx, const conf_schema *schema, const void *obj);

/* Loads the scenario at path (following `extends`) into obj, which the
 * loader zero-fills first. Returns 0, or -1 with errors collected in ctx and
 * obj left empty. */
int conf_load_file(conf_ctx *ctx, const conf_schema *schema, const char *path, void *obj);
/* As conf_load_file from a buffer; `name` is used in messages, and a
 * relative `extends` is resolved against base_dir (NULL: extends refused). */
int conf_load_buffer(conf_ctx *ctx, const conf_schema *schema, const char *name, const char *buf,
                     size_t len, const char *base_dir, void *obj);

/* Frees everything obj owns (strings, lists, dists, schedules) and zeroes it. */
void conf_free(const conf_schema *schema, void *obj);

/* Adds an error located at the value stored at field_addr (an address inside
 * the object being loaded, e.g. &team->wte), prefixed "file:line:col:
 * key.path: ". A value that came from a default is located at its parent
 * mapping and says "(default)". printf-style. Every message has a
 * location: field_addr must be a value the loader recorded (asserted), as
 * every bound value is, and checks only run on structs that loaded. */
void conf_error_at(conf_ctx *ctx, const void *field_addr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As conf_error_at, located at whichever of the n values at addrs was
 * written last: in the scenario file itself rather than in a file it
 * extends, and in a file rather than by a default (the first on ties).
 * For checks between values, so the error points where the planner
 * changed one of them. At least one address must be recorded (asserted). */
void conf_error_among(conf_ctx *ctx, const void *const *addrs, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds an error with no location (e.g. a file that cannot be opened). */
void conf_error(conf_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 1 if the struct at item_addr (a list item, or a nested struct) failed
 * its check callback, which has run if its list comes earlier in field
 * order than the caller's (or it is the caller's child): for checks that
 * read another item's values. */
int conf_item_failed(const conf_ctx *ctx, const void *item_addr);

/* The messages of a load are in file order: the scenario's own file
 * first, then each file it extends, by line and column (those with no
 * place, such as a file that cannot be opened, last). */
size_t conf_error_count(const conf_ctx *ctx);
/* The i-th message (owned by ctx). */
const char *conf_error_text(const conf_ctx *ctx, size_t i);
/* Prints every message, one per line. */
void conf_print_errors(const conf_ctx *ctx, FILE *out);

/* Where a loaded value came from: "file:line:col" and its key path, or NULL
 * if the address is unknown. Strings owned by ctx. */
const char *conf_where(const conf_ctx *ctx, const void *field_addr, const char **key_path);
/* 1 if the value at field_addr came from its schema default (or was left
 * out), 0 if a file gave it, -1 if the address is unknown. */
int conf_from_default(const conf_ctx *ctx, const void *field_addr);

#endif

/*
 * conf/internal.h (internal to conf/): what the loader's modules share: the
 * context's error and position bookkeeping (conf/ctx.c), the binder
 * (conf/bind.c) and unit wording (conf/units.c).
 *
 * Invariant: during one load, every error goes through conf__error_pos or
 * conf_error_at, so the per-load error count decides success, and the cap
 * of CONF_MAX_ERRORS holds for each load.
 */
#ifndef CONF_INTERNAL_H
#define CONF_INTERNAL_H

#include <stdarg.h>

#include "conf/schema.h"
#include "conf/text.h"
#include "conf/tree.h"

/* Wording for messages: "a duration" and "a duration such as 6 weeks or
 * 45 min" (what conf_unit_parse says it expected). */
const char *conf__unit_noun(conf_unit u);
const char *conf__unit_expect(conf_unit u);

/* Starts a load: forgets the positions of the previous one and starts
 * counting this load's errors. */
void conf__ctx_begin(conf_ctx *ctx);
/* Errors added since conf__ctx_begin. */
size_t conf__ctx_load_errors(const conf_ctx *ctx);
/* Messages held (for conf__ctx_move_last). */
size_t conf__ctx_count(const conf_ctx *ctx);
/* Moves the last message to position k (k <= count), e.g. to put a
 * message that explains several others before them; it then sorts with
 * the message it was put before (the messages of a load are sorted by
 * place when it ends), just before it. */
void conf__ctx_move_last(conf_ctx *ctx, size_t k);
/* 1 once the error cap was reached (further errors are dropped). */
int conf__ctx_full(const conf_ctx *ctx);
/* Forgets every recorded position (the object they point into is gone). */
void conf__ctx_forget(conf_ctx *ctx);
/* Adds "file:line:col: path: message" (parts left out when pos is NULL,
 * pos->line is 0 or path is empty). */
void conf__error_pos(conf_ctx *ctx, const conf__pos *pos, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void conf__verror_pos(conf_ctx *ctx, const conf__pos *pos, const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* Remembers that the value at addr came from pos with key path `path`
 * (is_default: it came from the schema default, pos is its parent mapping).
 * A later record for the same address replaces the earlier one, so the
 * deepest value wins when a struct and its first field share an address.
 * 0, or -1 on OOM (error reported). */
int conf__ctx_record(conf_ctx *ctx, const void *addr, const conf__pos *pos, const char *path, int is_default);
/* What can be marked on a recorded value in this load. */
typedef enum conf__mark {
    CONF__BAD = 1,          /* the value did not load, so checks of what contains it are skipped */
    CONF__CHECK_FAILED = 2, /* the struct failed its check callback (conf_item_failed) */
} conf__mark;
/* Marks the value at addr (recorded before; nothing happens otherwise), and
 * asks whether it was marked so. */
void conf__ctx_mark(conf_ctx *ctx, const void *addr, conf__mark mark);
int conf__ctx_marked(const conf_ctx *ctx, const void *addr, conf__mark mark);
/* The values the window of this load was set from (conf/load.c), for
 * messages about dates outside it. */
void conf__ctx_window_source(conf_ctx *ctx, const void *first_addr, const void *last_addr);
/* Ends a load (after the checks): a window set during it is forgotten. */
void conf__ctx_end(conf_ctx *ctx);
/* 1 if conf_check_window ran since conf__ctx_begin. */
int conf__ctx_window_checked(const conf_ctx *ctx);

/* Binds the merged tree `root` (a mapping) into obj (zero-filled) through
 * schema: fields, defaults, unknown keys, sums and references. Errors go to
 * ld->ctx. Returns 0 if this step added no error. */
int conf__bind(conf__loader *ld, const conf_schema *schema, const conf__node *root, void *obj);

#endif

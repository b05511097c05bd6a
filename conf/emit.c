/*
 * conf/emit.c: printing a loaded object as YAML (conf/emit.h), the Markdown
 * key reference, and the walk over leaf keys.
 *
 * The YAML is block style with two-space indents: structs as mappings, lists
 * of structs as "- " sequences, schedules as block lists of flow items,
 * distributions and short lists in flow style. Every value is printed in the
 * input syntax with canonical units (conf_unit_format), so loading the
 * output gives an object that prints byte-identically. Strings are printed
 * plain only when YAML cannot misread them, else double-quoted with escapes.
 * Output is built in memory and written once. Cost: O(size of the object).
 */
#include "conf/emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conf/internal.h"

static const char *const weekday_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ---- strings ---- */

static int reserved_word(const char *s)
{
    static const char *const words[] = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "none", NULL};
    for (size_t i = 0; words[i]; i++) {
        size_t k = 0;
        while (words[i][k] && (s[k] | 0x20) == words[i][k])
            k++;
        if (!words[i][k] && !s[k])
            return 1;
    }
    return 0;
}

/* 1 if s can be written as a plain scalar in block and flow context. */
static int plain_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return 0;
    if (s[n - 1] == ' ' || reserved_word(s))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                 c == '.' || c == ' ' || c == '/' || c == '(' || c == ')';
        if (!ok)
            return 0;
    }
    return 1;
}

/* Decodes one UTF-8 character (input is valid UTF-8); returns its length. */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    unsigned long v = s[0] & (0x3Fu >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD; /* not reached for loaded text */
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

static void put_quoted(conf__buf *o, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    conf__buf_puts(o, "\"");
    while (*u) {
        unsigned long cp;
        size_t len = utf8_decode(u, &cp);
        if (cp == '"' || cp == '\\')
            conf__buf_printf(o, "\\%c", (char)cp);
        else if (cp == '\n')
            conf__buf_puts(o, "\\n");
        else if (cp == '\t')
            conf__buf_puts(o, "\\t");
        else if (cp < 0x20 || cp == 0x7F)
            conf__buf_printf(o, "\\x%02lx", cp);
        else if (conf__invisible(cp))
            conf__buf_printf(o, cp > 0xFFFF ? "\\U%08lx" : "\\u%04lx", cp);
        else
            conf__buf_add(o, (const char *)u, len);
        u += len;
    }
    conf__buf_puts(o, "\"");
}

static void put_str(conf__buf *o, const char *s)
{
    if (!s)
        conf__buf_puts(o, "null");
    else if (plain_ok(s))
        conf__buf_puts(o, s);
    else
        put_quoted(o, s);
}

/* ---- values ---- */

static void put_num(conf__buf *o, conf_unit u, double v)
{
    char t[96];
    conf__buf_puts(o, conf_unit_format(u, v, t, sizeof t));
}

static void put_date(conf__buf *o, double t)
{
    char d[11];
    sim_date_format((sim_date)t, d);
    conf__buf_puts(o, d);
}

static void put_dist(conf__buf *o, conf_unit u, const sim_dist *d)
{
    if (d->kind == SIM_DIST_CONSTANT) {
        put_num(o, u, d->p[0]);
        return;
    }
    conf__buf_printf(o, "{dist: %s", sim_dist_kind_name(d->kind));
    const char *const *names = sim_dist_param_names(d->kind);
    for (size_t i = 0; names[i] && i < 3; i++) {
        conf_unit pu = u;
        if (d->kind == SIM_DIST_WEIBULL && strcmp(names[i], "shape") == 0)
            pu = CONF_U_NONE;
        if (d->kind == SIM_DIST_BERNOULLI)
            pu = CONF_U_FRACTION;
        conf__buf_printf(o, ", %s: ", names[i]);
        put_num(o, pu, d->p[i]);
    }
    if (d->kind == SIM_DIST_EMPIRICAL) {
        conf__buf_puts(o, ", values: [");
        for (size_t i = 0; i < d->n; i++) {
            conf__buf_puts(o, i ? ", " : "");
            put_num(o, u, d->values[i]);
        }
        conf__buf_puts(o, "], weights: [");
        for (size_t i = 0; i < d->n; i++) {
            conf__buf_puts(o, i ? ", " : "");
            put_num(o, CONF_U_NONE, d->weights[i]);
        }
        conf__buf_puts(o, "]");
    }
    conf__buf_puts(o, "}");
}

static void indent(conf__buf *o, int n)
{
    for (int i = 0; i < n; i++)
        conf__buf_add(o, " ", 1);
}

static void put_sched(conf__buf *o, conf_unit u, const sim_sched *s, int ind)
{
    if (!s->n) {
        conf__buf_puts(o, " ");
        put_num(o, u, s->base);
        conf__buf_puts(o, "\n");
        return;
    }
    conf__buf_puts(o, "\n");
    indent(o, ind);
    conf__buf_puts(o, "- ");
    put_num(o, u, s->base);
    conf__buf_puts(o, "\n");
    for (size_t i = 0; i < s->n; i++) {
        indent(o, ind);
        if (s->seg[i].t0 == s->seg[i].t1) {
            conf__buf_puts(o, "- {at: ");
        } else {
            conf__buf_puts(o, "- {from: ");
            put_date(o, s->seg[i].t0);
            conf__buf_puts(o, ", to: ");
        }
        put_date(o, s->seg[i].t1);
        conf__buf_puts(o, ", value: ");
        put_num(o, u, s->seg[i].v);
        conf__buf_puts(o, "}\n");
    }
}

static void put_weekdays(conf__buf *o, unsigned mask)
{
    conf__buf_puts(o, "[");
    int first = 1;
    for (int i = 0; i < 7; i++) {
        if (mask & (1u << i)) {
            conf__buf_printf(o, "%s%s", first ? "" : ", ", weekday_names[i]);
            first = 0;
        }
    }
    conf__buf_puts(o, "]");
}

static void emit_struct(conf__buf *o, const conf_schema *s, const unsigned char *obj, int ind, int dash);

/* A value that fits on the key's line, written after "key: ". */
static void put_inline(conf__buf *o, const conf_field *f, const unsigned char *p)
{
    switch (f->type) {
    case CONF_NUM:
        if (isnan(*(const double *)p))
            conf__buf_puts(o, "none");
        else
            put_num(o, f->unit, *(const double *)p);
        break;
    case CONF_INT: conf__buf_printf(o, "%ld", *(const long *)p); break;
    case CONF_BOOL: conf__buf_puts(o, *(const int *)p ? "true" : "false"); break;
    case CONF_STR: put_str(o, *(char *const *)p); break;
    case CONF_ENUM: {
        int v = *(const int *)p;
        conf__buf_puts(o, v >= 0 ? f->enum_names[v] : "?");
        break;
    }
    case CONF_DATE:
        if (*(const sim_date *)p == CONF_DATE_NONE)
            conf__buf_puts(o, "none");
        else
            put_date(o, *(const sim_date *)p);
        break;
    case CONF_WEEKDAYS: put_weekdays(o, *(const unsigned *)p); break;
    case CONF_DIST: put_dist(o, f->unit, (const sim_dist *)p); break;
    case CONF_NUMLIST: {
        const conf_numlist *l = (const conf_numlist *)p;
        conf__buf_puts(o, "[");
        for (size_t i = 0; i < l->n; i++) {
            conf__buf_puts(o, i ? ", " : "");
            put_num(o, f->unit, l->v[i]);
        }
        conf__buf_puts(o, "]");
        break;
    }
    case CONF_REF: put_str(o, ((const conf_ref *)p)->name); break;
    case CONF_REFLIST: {
        const conf_reflist *r = (const conf_reflist *)p;
        conf__buf_puts(o, "[");
        for (size_t i = 0; i < r->n; i++) {
            conf__buf_puts(o, i ? ", " : "");
            put_str(o, r->names[i]);
        }
        conf__buf_puts(o, "]");
        break;
    }
    default: break;
    }
}

static void emit_field(conf__buf *o, const conf_field *f, const unsigned char *p, int ind)
{
    conf__buf_printf(o, "%s:", f->key);
    if (f->type == CONF_STRUCT) {
        if (!f->sub->nfields) {
            conf__buf_puts(o, " {}\n");
            return;
        }
        conf__buf_puts(o, "\n");
        emit_struct(o, f->sub, p, ind + 2, 0);
    } else if (f->type == CONF_LIST) {
        const conf_list *l = (const conf_list *)p;
        conf__buf_puts(o, l->n ? "\n" : " []\n");
        for (size_t i = 0; i < l->n; i++) {
            const unsigned char *item = (const unsigned char *)l->items + i * f->sub->size;
            if (f->sub->nfields) {
                emit_struct(o, f->sub, item, ind + 4, 1);
            } else {
                indent(o, ind + 2);
                conf__buf_puts(o, "- {}\n");
            }
        }
    } else if (f->type == CONF_SCHED) {
        put_sched(o, f->unit, (const sim_sched *)p, ind + 2);
    } else if (f->type == CONF_NUMMAP) {
        const conf_nummap *m = (const conf_nummap *)p;
        conf__buf_puts(o, m->n ? "\n" : " {}\n");
        for (size_t i = 0; i < m->n; i++) {
            indent(o, ind + 2);
            put_str(o, m->names[i]);
            conf__buf_puts(o, ": ");
            put_num(o, f->unit, m->v[i]);
            conf__buf_puts(o, "\n");
        }
    } else {
        conf__buf_puts(o, " ");
        put_inline(o, f, p);
        conf__buf_puts(o, "\n");
    }
}

/* Writes the fields of a struct at indent ind; with dash, the first line
 * starts a list item ("- " two columns to the left). */
static void emit_struct(conf__buf *o, const conf_schema *s, const unsigned char *obj, int ind, int dash)
{
    for (size_t i = 0; i < s->nfields; i++) {
        if (dash && i == 0) {
            indent(o, ind - 2);
            conf__buf_puts(o, "- ");
        } else {
            indent(o, ind);
        }
        emit_field(o, &s->fields[i], obj + s->fields[i].offset, ind);
    }
}

static int write_buf(FILE *out, conf__buf *b)
{
    int bad = b->oom || (b->len && fwrite(b->s, 1, b->len, out) != b->len) || fflush(out) != 0 || ferror(out);
    conf__buf_free(b);
    return bad ? -1 : 0;
}

int conf_emit(FILE *out, const conf_schema *schema, const void *obj)
{
    conf__buf o;
    conf__buf_init(&o);
    emit_struct(&o, schema, obj, 0, 0);
    return write_buf(out, &o);
}

/* ---- the key reference ---- */

static const char *unit_label(conf_unit u)
{
    switch (u) {
    case CONF_U_FRACTION: return "share (%)";
    case CONF_U_DAYS: return "duration (days)";
    case CONF_U_WEEKS: return "duration (weeks)";
    case CONF_U_MINUTES: return "duration (min)";
    case CONF_U_PER_MONTH: return "rate (per month)";
    case CONF_U_FRACTION_PER_YEAR: return "rate (% per year)";
    case CONF_U_HOURS_PER_WEEK: return "hours per week";
    case CONF_U_WTE: return "whole-time equivalents (wte)";
    case CONF_U_GBP: return "amount (£)";
    case CONF_U_GBP_PER_YEAR: return "amount (£ per year)";
    case CONF_U_GBP_PER_HOUR: return "amount (£ per hour)";
    default: return "number";
    }
}

/* The item schema of the list at dotted path ref from the root. */
static const conf_schema *ref_target(const conf_schema *s, const char *ref)
{
    const char *p = ref;
    while (s) {
        size_t len = strcspn(p, ".");
        const conf_field *f = NULL;
        for (size_t i = 0; i < s->nfields && !f; i++)
            if (strlen(s->fields[i].key) == len && memcmp(s->fields[i].key, p, len) == 0)
                f = &s->fields[i];
        if (!f)
            return NULL;
        if (!p[len])
            return f->type == CONF_LIST ? f->sub : NULL;
        s = f->type == CONF_STRUCT ? f->sub : NULL;
        p += len + 1;
    }
    return NULL;
}

static void put_bounds(conf__buf *o, const conf_field *f)
{
    if (f->min > f->max)
        return;
    char a[64], z[64];
    conf_unit u = f->type == CONF_INT ? CONF_U_NONE : f->unit;
    conf_unit_format(u, f->min, a, sizeof a);
    conf_unit_format(u, f->max, z, sizeof z);
    if (isinf(f->max))
        conf__buf_printf(o, ", >= %s", a);
    else if (isinf(f->min))
        conf__buf_printf(o, ", <= %s", z);
    else
        conf__buf_printf(o, ", %s to %s", a, z);
}

static void put_type(conf__buf *o, const conf_schema *root, const conf_field *f)
{
    const conf_schema *t = f->ref ? ref_target(root, f->ref) : NULL;
    const char *tname = t ? t->name : "item";
    switch (f->type) {
    case CONF_NUM: conf__buf_puts(o, unit_label(f->unit)); break;
    case CONF_INT: conf__buf_puts(o, "whole number"); break;
    case CONF_BOOL: conf__buf_puts(o, "true or false"); break;
    case CONF_STR:
        conf__buf_puts(o, (f->flags & CONF_F_IDENT) ? "name (letters, digits, `_`, `-`, `.`)" : "text");
        conf__buf_puts(o, (f->flags & CONF_F_NAME) ? ", the item's unique name" : "");
        break;
    case CONF_ENUM:
        conf__buf_puts(o, "one of");
        for (size_t i = 0; f->enum_names[i]; i++)
            conf__buf_printf(o, "%s `%s`", i ? "," : "", f->enum_names[i]);
        break;
    case CONF_DATE: conf__buf_puts(o, "date"); break;
    case CONF_WEEKDAYS: conf__buf_puts(o, "list of weekdays"); break;
    case CONF_DIST: conf__buf_printf(o, "distribution of %s", unit_label(f->unit)); break;
    case CONF_SCHED: conf__buf_printf(o, "schedule of %s", unit_label(f->unit)); break;
    case CONF_STRUCT: conf__buf_printf(o, "[%s](#%s)", f->sub->name, f->sub->name); break;
    case CONF_LIST:
        conf__buf_printf(o, "list of [%s](#%s)", f->sub->name, f->sub->name);
        if (conf__keyed(f->sub)) {
            conf__buf_puts(o, ", one per ");
            conf__key_fields(o, f->sub);
        } else {
            conf__buf_puts(o, ", no key: a variant replaces the list whole, starting it with `replace: true`");
        }
        break;
    case CONF_NUMLIST: conf__buf_printf(o, "list of %s", unit_label(f->unit)); break;
    case CONF_NUMMAP:
        conf__buf_printf(o, "%s%s to %s", (f->flags & CONF_F_REF_KEYS) ? tname : (f->flags & CONF_F_IDENT) ? "" : "free",
                         (f->flags & (CONF_F_REF_KEYS | CONF_F_IDENT)) == CONF_F_IDENT ? "names (letters, digits, `_`, `-`, `.`)"
                                                                                       : " names",
                         unit_label(f->unit));
        break;
    case CONF_REF: conf__buf_printf(o, "name of a %s", tname); break;
    case CONF_REFLIST: conf__buf_printf(o, "list of %s names", tname); break;
    }
    if (f->flags & CONF_F_INTEGER)
        conf__buf_puts(o, ", whole");
    if (f->type == CONF_NUM || f->type == CONF_INT || f->type == CONF_DIST || f->type == CONF_SCHED ||
        f->type == CONF_NUMLIST || f->type == CONF_NUMMAP)
        put_bounds(o, f);
    if (f->flags & CONF_F_NONEMPTY)
        conf__buf_puts(o, ", at least one");
    if (f->flags & CONF_F_SUM_100)
        conf__buf_puts(o, f->type == CONF_NUM                 ? ", sums to 100% over the list"
                          : (f->flags & CONF_F_EMPTY_OK) ? ", sums to 100% (or empty)"
                                                          : ", sums to 100%");
    if ((f->flags & CONF_F_IN_RUN) == CONF_F_IN_RUN)
        conf__buf_puts(o, ", within the run");
    else if (f->flags & CONF_F_RUN_END)
        conf__buf_puts(o, f->type == CONF_SCHED ? ", changes not after the run's end" : ", not after the run's end");
    else if (f->flags & CONF_F_RUN_START)
        conf__buf_puts(o, f->type == CONF_SCHED ? ", changes not before the run's start" : ", not before the run's start");
}

/* Table cell text: '|' escaped, newlines as spaces. */
static void put_cell(conf__buf *o, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            conf__buf_puts(o, "\\|");
        else if (*s == '\n')
            conf__buf_puts(o, " ");
        else
            conf__buf_add(o, s, 1);
    }
}

static void put_default(conf__buf *o, const conf_field *f)
{
    if (f->flags & CONF_F_REQUIRED)
        conf__buf_puts(o, "required");
    else if (f->type == CONF_STRUCT)
        conf__buf_puts(o, "(its own defaults)");
    else if (f->type == CONF_LIST)
        conf__buf_puts(o, "`[]`");
    else if (!f->def)
        conf__buf_puts(o, "not set");
    else {
        conf__buf_puts(o, "`");
        put_cell(o, f->def);
        conf__buf_puts(o, "`");
    }
}

enum { USE_QTY = 1, USE_DIST = 2, USE_SCHED = 4, USE_LIST = 8, USE_REF = 16, USE_DATE = 32, USE_DAYS = 64, USE_IDENT = 128 };

static void doc_table(conf__buf *o, const conf_schema *root, const conf_schema *s)
{
    conf__buf_printf(o, "## %s\n\n", s->name);
    if (s->doc)
        conf__buf_printf(o, "%s\n\n", s->doc);
    conf__buf_puts(o, "| key | type and unit | default | description |\n|---|---|---|---|\n");
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i];
        conf__buf_printf(o, "| `%s` | ", f->key);
        put_type(o, root, f);
        conf__buf_puts(o, " | ");
        put_default(o, f);
        conf__buf_puts(o, " | ");
        put_cell(o, f->doc);
        if (f->example) {
            conf__buf_puts(o, " Example: `");
            put_cell(o, f->example);
            conf__buf_puts(o, "`.");
        }
        conf__buf_puts(o, " |\n");
    }
    conf__buf_puts(o, "\n");
}

/* Depth-first over struct types, each once; collects what syntax is used. */
static void doc_walk(conf__buf *o, const conf_schema *root, const conf_schema *s, const conf_schema **seen,
                     size_t *nseen, size_t cap, unsigned *use, unsigned *units)
{
    for (size_t i = 0; i < *nseen; i++)
        if (seen[i] == s)
            return;
    if (*nseen == cap)
        return;
    seen[(*nseen)++] = s;
    doc_table(o, root, s);
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i];
        static const unsigned by_type[] = {
            [CONF_NUM] = USE_QTY,       [CONF_DIST] = USE_DIST | USE_QTY, [CONF_SCHED] = USE_SCHED | USE_QTY,
            [CONF_LIST] = USE_LIST,     [CONF_NUMLIST] = USE_LIST | USE_QTY, [CONF_NUMMAP] = USE_QTY,
            [CONF_REF] = USE_REF,       [CONF_REFLIST] = USE_REF | USE_LIST, [CONF_DATE] = USE_DATE,
            [CONF_WEEKDAYS] = USE_DAYS, [CONF_REFLIST + 1] = 0};
        *use |= by_type[f->type] | ((f->flags & CONF_F_REF_KEYS) ? USE_REF : 0) |
                ((f->flags & CONF_F_IDENT) ? USE_IDENT : 0);
        if (by_type[f->type] & USE_QTY)
            *units |= 1u << f->unit;
        if (f->type == CONF_STRUCT || f->type == CONF_LIST)
            doc_walk(o, root, f->sub, seen, nseen, cap, use, units);
    }
}

_Static_assert(CONF_MAX_EXTENDS_DEPTH == 16, "the reference below says 16 bases deep");

static void doc_syntax(conf__buf *o, unsigned use, unsigned units)
{
    conf__buf_puts(o, "## Value syntax\n\n");
    if (use & USE_QTY) {
        conf__buf_puts(o, "**Quantities** are a number with a unit, written as a planner would: thousands may be "
                          "grouped with commas (`1,200`; inside `[...]` or `{...}` quote such a value, as YAML "
                          "splits on commas there), and values are printed back in the unit shown. The unit words, "
                          "in any case: `%`; `min`, `mins`, `minute`, `minutes`; `h`, `hour`, `hours`; `day`, "
                          "`days`; `week`, `weeks`; `month`, `months`; `year`, `years`; `wte`; `gbp` (or a leading "
                          "`£`). A rate is a number, then `per` or `/`, then a time: `1200 per month`, "
                          "`1200/month`, `£25 / h`. Time is calendar time: a day is a calendar day, a week 7 days, "
                          "a month 30.4375 days and a year 365.25 days, so `40 per day` is 1217.5 per month and "
                          "`£2,900 per month` is £34,800 per year. Shares always carry a % sign (`75%`; a plain "
                          "`1` could mean 100% or 1%, so it is refused); durations and rates always carry their "
                          "unit; whole-time equivalents and amounts in pounds may be a plain number (`0.8` is "
                          "0.8 wte, `650` is £650). Shares that must sum to 100% may miss it by 0.01 percentage "
                          "points per share (three shares of `33.333%` pass) and are used as written. Units used "
                          "here:\n\n");
        for (unsigned u = 0; u < CONF_U_NUNITS; u++)
            if (units & (1u << u))
                conf__buf_printf(o, "- %s: %s\n", unit_label((conf_unit)u), conf_unit_describe((conf_unit)u));
        conf__buf_puts(o, "\n");
    }
    if (use & USE_DATE)
        conf__buf_puts(o, "**Dates** are written `YYYY-MM-DD`, years 0001 to 9999; an optional date may be "
                          "`none`.\n\n");
    if (use & USE_DAYS)
        conf__buf_puts(o, "**Weekdays** are a list such as `[mon, tue, wed, thu, fri]` (mon to sun).\n\n");
    if (use & USE_DIST)
        conf__buf_puts(o, "**Distributions** are a plain quantity (a constant) or a mapping such as "
                          "`{dist: lognormal, mean: 42 days, sd: 14 days}`. Kinds and parameters: constant "
                          "(value), exponential (mean), gamma and lognormal (mean, sd), weibull (shape, a number; "
                          "scale), triangular (min, mode, max), uniform (min, max), empirical (values: [...], "
                          "weights: [...]), bernoulli (p, a share; for plain numbers only, as it draws 0 or 1), "
                          "poisson (mean), geometric (mean >= 1). Parameters are in the key's unit. Every value a "
                          "distribution can draw must lie within the key's range (so `{dist: poisson, mean: 6}`, "
                          "which can draw 0, is refused for a key of at least 1), except that a tail unbounded "
                          "above (exponential, gamma, lognormal, weibull, poisson, geometric) is cut at the "
                          "range's top: a rare longer draw is taken as the top. An sd may be at most the range's "
                          "width, and for gamma and lognormal between mean / 1e6 and 1000 x mean.\n\n");
    if (use & USE_SCHED)
        conf__buf_puts(o, "**Schedules** (values that change over time) are a plain quantity, or a list: the "
                          "starting value, then changes `{at: 2026-09-01, value: ...}` (a step on that date) or "
                          "`{from: 2026-09-01, to: 2026-12-01, value: ...}` (a straight-line ramp), in date "
                          "order.\n\n");
    if (use & USE_LIST)
        conf__buf_puts(o, "**Lists** are YAML sequences. In a list of items, each item's key (its `name`, or the "
                          "keys the table names after \"one per\") must be unique within the list.\n\n");
    if (use & USE_IDENT)
        conf__buf_puts(o, "**Names** (the type says `name`) label the results, so they are kept to what is safe "
                          "there: 1 to 64 characters of letters `A-Z` `a-z`, digits, `_`, `-` and `.`, not digits "
                          "only (`riverside_surgery`, `pwp_2027`, `copd-rehab`); no spaces, commas, quotes, `:` or "
                          "`/` (results.csv writes groups as `team:core/grade:pwp`).\n\n");
    if (use & USE_REF)
        conf__buf_puts(o, "**References** name an item of another list by its `name`; an optional one left out "
                          "(or null, `~`) names none. Text is never null: `name: ~` is refused.\n\n");
    conf__buf_puts(o, "**extends**: a scenario may start with `extends: base.yaml`, a path relative to the folder of "
                      "the scenario file (for a symbolic link, of the file it points to, so a linked scenario "
                      "finds the base beside it). The base is "
                      "loaded first and this file is merged over it. A base may itself extend another, at most 16 "
                      "bases deep (the scenario and 16 files it builds on). What the file gives is merged as "
                      "follows:\n\n"
                      "- sections (the keys that hold other keys) merge key by key;\n"
                      "- lists of items with a key (a `name`, or the keys the table names after \"one per\") "
                      "merge item by item on it: an item with the key of a base item changes that item, key by key "
                      "(the keys it gives; the base item keeps its others); an item with a new key is added; "
                      "`{<key>, remove: true}` (e.g. `{name: x, remove: true}`) removes the base item. A new name "
                      "one slip of the keyboard from a base name (a letter changed, added or dropped, or two "
                      "swapped) is refused as a likely misspelling unless the item says `new: true`; names that "
                      "differ only in digits (a series such as `x_2028`, `x_2029`) are new;\n"
                      "- lists of items with no key (the table says so) cannot be merged item by item: a file whose "
                      "list would replace a base's non-empty one must say so with `{replace: true}` as the first "
                      "item (`- replace: true`), and is otherwise refused. Any list may start with it to replace "
                      "the base's whole; an empty list `[]` means none;\n"
                      "- any other value replaces the base's whole: a distribution (so it may change its kind), a "
                      "map of shares, a schedule, a list of numbers or names.\n");
}

int conf_doc_markdown(FILE *out, const conf_schema *schema, const char *title, const char *preamble)
{
    conf__buf o;
    conf__buf_init(&o);
    conf__buf_printf(&o, "# %s\n\n", title ? title : "Scenario keys");
    if (preamble)
        conf__buf_printf(&o, "%s\n\n", preamble);
    const conf_schema *seen[256];
    size_t nseen = 0;
    unsigned use = 0, units = 0;
    doc_walk(&o, schema, schema, seen, &nseen, sizeof seen / sizeof seen[0], &use, &units);
    doc_syntax(&o, use, units);
    return write_buf(out, &o);
}

/* ---- leaf keys ---- */

static void walk(const conf_schema *s, conf__buf *path, void (*fn)(const char *, const conf_field *, void *),
                 void *arg)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i];
        size_t mark = path->len;
        conf__buf_printf(path, "%s%s", path->len ? "." : "", f->key);
        if (f->type == CONF_STRUCT) {
            walk(f->sub, path, fn, arg);
        } else if (f->type == CONF_LIST) {
            conf__buf_puts(path, "[]");
            walk(f->sub, path, fn, arg);
        } else if (!path->oom) {
            fn(conf__buf_str(path), f, arg);
        }
        conf__buf_trunc(path, mark);
    }
}

void conf_walk_keys(const conf_schema *schema, void (*fn)(const char *path, const conf_field *f, void *arg),
                    void *arg)
{
    conf__buf path;
    conf__buf_init(&path);
    walk(schema, &path, fn, arg);
    conf__buf_free(&path);
}

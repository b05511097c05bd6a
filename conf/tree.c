/*
 * conf/tree.c: the YAML node tree (conf/tree.h): an arena, node building,
 * and the libyaml event loop that builds a tree with 1-based positions.
 *
 * The event loop keeps an explicit stack of open lists and mappings (no
 * recursion), so nesting is limited by CONF__MAX_DEPTH rather than by the C
 * stack. Anchors and aliases are supported: an alias is a deep copy of the
 * anchored node, located at the alias itself while the values inside it keep
 * the anchor's positions (where their text was written); every copy counts
 * against CONF__MAX_NODES, which stops alias bombs. YAML tags are refused
 * except the standard scalar ones (!!str makes a value text, never null). After parsing, a validation pass rejects non-scalar and duplicate
 * mapping keys and NUL characters. Cost: O(input + nodes created).
 */
#include "conf/tree.h"

#include <assert.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "conf/internal.h"

#ifdef SIM_SMALL_CAPACITY
#define ARENA_CHUNK 64
#define NODE_MIN_CAPACITY 1
#else
#define ARENA_CHUNK 65536
#define NODE_MIN_CAPACITY 4
#endif
#define ALIGN _Alignof(max_align_t)

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
} chunk;

#define CHUNK_HDR ((sizeof(chunk) + ALIGN - 1) / ALIGN * ALIGN)

struct conf__arena {
    chunk *head;
};

int conf__loader_init(conf__loader *ld, conf_ctx *ctx)
{
    memset(ld, 0, sizeof *ld);
    ld->ctx = ctx;
    ld->arena = calloc(1, sizeof *ld->arena);
    return ld->arena ? 0 : -1;
}

void conf__loader_free(conf__loader *ld)
{
    if (ld->arena) {
        chunk *c = ld->arena->head;
        while (c) {
            chunk *next = c->next;
            free(c);
            c = next;
        }
        free(ld->arena);
    }
    memset(ld, 0, sizeof *ld);
}

void *conf__alloc(conf__loader *ld, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + ALIGN - 1) / ALIGN * ALIGN;
    chunk *c = ld->arena->head;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
        c = malloc(CHUNK_HDR + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = ld->arena->head;
        ld->arena->head = c;
    }
    void *p = (unsigned char *)c + CHUNK_HDR + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *conf__strndup(conf__loader *ld, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *d = conf__alloc(ld, len + 1);
    if (d) {
        if (len)
            memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static void oom(conf__loader *ld, const conf__pos *pos) { conf__error_pos(ld->ctx, pos, "", "out of memory"); }

conf__node *conf__node_new(conf__loader *ld, conf__kind kind, const conf__pos *pos)
{
    if (ld->nodes >= CONF__MAX_NODES && !ld->unbudgeted) {
        if (!ld->over_budget)
            conf__error_pos(ld->ctx, pos, "",
                            "too many values: a scenario may hold at most %d (an alias counts each time it is used)",
                            CONF__MAX_NODES);
        ld->over_budget = 1;
        return NULL;
    }
    conf__node *n = conf__alloc(ld, sizeof *n);
    if (!n) {
        oom(ld, pos);
        return NULL;
    }
    ld->nodes++;
    n->kind = kind;
    n->pos = *pos;
    n->height = 1;
    n->text = "";
    return n;
}

static conf__node **grow(conf__loader *ld, conf__node **old, size_t n, size_t cap)
{
    conf__node **a = conf__alloc(ld, cap * sizeof *a);
    if (a && n)
        memcpy(a, old, n * sizeof *a);
    return a;
}

int conf__node_push(conf__loader *ld, conf__node *parent, conf__node *key, conf__node *value)
{
    assert(parent->kind != CONF__SCALAR && (key != NULL) == (parent->kind == CONF__MAP));
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : NODE_MIN_CAPACITY;
        conf__node **items = grow(ld, parent->items, parent->n, cap);
        conf__node **keys = key ? grow(ld, parent->keys, parent->n, cap) : NULL;
        if (!items || (key && !keys)) {
            oom(ld, &parent->pos);
            return -1;
        }
        parent->items = items;
        parent->keys = keys;
        parent->cap = cap;
    }
    if (key) {
        parent->keys[parent->n] = key;
        if (key->height + 1 > parent->height)
            parent->height = key->height + 1;
    }
    parent->items[parent->n++] = value;
    if (value->height + 1 > parent->height)
        parent->height = value->height + 1;
    return 0;
}

conf__node *conf__map_get(const conf__node *m, const char *key)
{
    if (!m || m->kind != CONF__MAP)
        return NULL;
    size_t len = strlen(key);
    for (size_t i = 0; i < m->n; i++) {
        const conf__node *k = m->keys[i];
        if (k->kind == CONF__SCALAR && k->len == len && memcmp(k->text, key, len) == 0)
            return m->items[i];
    }
    return NULL;
}

int conf__is_null(const conf__node *n)
{
    if (n->kind != CONF__SCALAR || n->quoted)
        return 0;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

void conf__describe(conf__buf *b, const conf__node *n)
{
    if (n->kind == CONF__MAP) {
        conf__buf_puts(b, n->n ? "a mapping" : "an empty mapping");
    } else if (n->kind == CONF__SEQ) {
        conf__buf_puts(b, n->n ? "a list" : "an empty list");
    } else if (conf__is_null(n)) {
        conf__buf_puts(b, "nothing");
    } else {
        conf__buf_puts(b, "\"");
        conf__buf_escape(b, n->text, n->len, 80);
        conf__buf_puts(b, "\"");
    }
}

const conf__node *conf__item_name(const conf__node *item)
{
    const conf__node *n = conf__map_get(item, "name");
    return n && n->kind == CONF__SCALAR && !conf__is_null(n) ? n : NULL;
}

const conf_field *conf__name_field(const conf_schema *s)
{
    for (size_t i = 0; s && i < s->nfields; i++)
        if (s->fields[i].flags & CONF_F_NAME)
            return &s->fields[i];
    return NULL;
}

int conf__keyed(const conf_schema *s)
{
    for (size_t i = 0; s && i < s->nfields; i++)
        if (s->fields[i].flags & (CONF_F_NAME | CONF_F_KEY))
            return 1;
    return 0;
}

/* 1 if f is part of the key of s's items: the name when there is one,
 * else the CONF_F_KEY fields. */
static int key_part(const conf_schema *s, const conf_field *f)
{
    const conf_field *nf = conf__name_field(s);
    return nf ? f == nf : (f->flags & CONF_F_KEY) != 0;
}

int conf__item_key(const conf__node *item, const conf_schema *s, conf__buf *key)
{
    if (!conf__keyed(s))
        return 0;
    if (item->kind != CONF__MAP)
        return -1;
    for (size_t i = 0; i < s->nfields; i++) {
        const conf_field *f = &s->fields[i];
        if (!key_part(s, f))
            continue;
        const conf__node *v = conf__map_get(item, f->key);
        if (v && (v->kind != CONF__SCALAR || conf__is_null(v)))
            return -1;
        if (!v && !f->def)
            return -1;
        conf__buf_add(key, v ? v->text : f->def, v ? v->len : strlen(f->def));
        conf__buf_add(key, "", 1);
    }
    return 1;
}

void conf__key_fields(conf__buf *b, const conf_schema *s)
{
    size_t n = 0, total = 0;
    for (size_t i = 0; i < s->nfields; i++)
        total += key_part(s, &s->fields[i]) ? 1u : 0u;
    for (size_t i = 0; i < s->nfields; i++) {
        if (!key_part(s, &s->fields[i]))
            continue;
        n++;
        conf__buf_puts(b, n == 1 ? "" : n == total ? " and " : ", ");
        conf__buf_puts(b, s->fields[i].key);
    }
}

void conf__key_text(conf__buf *b, const char *key, size_t len)
{
    const char *p = key, *end = key + len;
    for (size_t n = 0; p < end; n++) {
        size_t part = strlen(p);
        const char *next = p + part + 1;
        conf__buf_puts(b, n == 0 ? "\"" : next >= end ? " and \"" : ", \"");
        conf__buf_escape(b, p, part, 80);
        conf__buf_puts(b, "\"");
        p = next;
    }
}

void conf__dup_key_error(conf_ctx *ctx, const conf__pos *pos, const char *path, const conf_schema *s,
                         const char *key, size_t len, int first)
{
    conf__buf fields, values;
    conf__buf_init(&fields);
    conf__buf_init(&values);
    conf__key_fields(&fields, s);
    conf__key_text(&values, key, len);
    conf__error_pos(ctx, pos, path, "expected one item per %s, got a second for %s (the first is at line %d)",
                    conf__buf_str(&fields), conf__buf_str(&values), first);
    conf__buf_free(&fields);
    conf__buf_free(&values);
}

/* 1 if a name can stand unquoted in a key path: letters, digits, _ - . and
 * not only digits (which would read as a position). */
static int plain_name(const char *s, size_t n) { return conf__ident(s, n, 80); }

void conf__path_item(conf__buf *path, const conf__node *item, size_t i)
{
    const conf__node *name = item && item->kind == CONF__MAP ? conf__item_name(item) : NULL;
    if (!name) {
        conf__buf_printf(path, "[%zu]", i);
    } else if (plain_name(name->text, name->len)) {
        conf__buf_puts(path, "[");
        conf__buf_add(path, name->text, name->len);
        conf__buf_puts(path, "]");
    } else {
        conf__buf_puts(path, "[\"");
        conf__buf_escape(path, name->text, name->len, 80);
        conf__buf_puts(path, "\"]");
    }
}

/* ---- building a tree from events ---- */

typedef struct frame {
    conf__node *node;
    conf__node *key; /* mapping: key waiting for its value */
    size_t anchor;   /* 1 + index into anchors, or 0 */
} frame;

typedef struct anchor {
    conf__node *node;
    int complete;
} anchor;

typedef struct parser {
    conf__loader *ld;
    const char *file;
    int fdepth; /* the file's depth in the extends chain */
    const char *buf;
    size_t len;
    frame stack[CONF__MAX_DEPTH + 1];
    size_t depth;
    conf__node *root;
    int docs;
    conf__strmap anchor_names;
    anchor *anchors;
    size_t nanchors, acap;
    size_t at_char, at_byte; /* a character index of libyaml's and its byte offset (byte_at) */
} parser;

static int clamp_int(size_t v) { return v >= INT_MAX ? INT_MAX : (int)v; }

static conf__pos mark_pos(const parser *p, yaml_mark_t m)
{
    conf__pos pos = {p->file, clamp_int(m.line + 1), clamp_int(m.column + 1), p->fdepth};
    return pos;
}

/* Position of byte offset off in buf, counting characters for the column
 * (exact when the text before off is valid UTF-8; otherwise every byte that
 * is not a continuation byte counts one). */
static conf__pos text_pos(const char *file, int fdepth, const char *buf, size_t len, size_t off)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (buf[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    conf__pos pos = {file, clamp_int(line), clamp_int(col), fdepth};
    return pos;
}

/* The byte offset of libyaml's character index i (marks count characters,
 * after any byte-order mark). Amortised O(1) as events come in order. */
static size_t byte_at(parser *p, size_t i)
{
    if (i < p->at_char) {
        p->at_char = 0;
        p->at_byte = p->len >= 3 && memcmp(p->buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    }
    while (p->at_char < i && p->at_byte < p->len) {
        p->at_byte++;
        while (p->at_byte < p->len && ((unsigned char)p->buf[p->at_byte] & 0xC0) == 0x80)
            p->at_byte++;
        p->at_char++;
    }
    return p->at_byte;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* comma_cut of a plain scalar from start to end (conf/tree.h). */
static int comma_cut(parser *p, yaml_mark_t start, yaml_mark_t end)
{
    size_t a = byte_at(p, start.index), z = byte_at(p, end.index);
    if (z + 1 < p->len && z > 0 && p->buf[z] == ',' && is_digit(p->buf[z + 1]) && is_digit(p->buf[z - 1]))
        return 1;
    if (a >= 2 && a < p->len && p->buf[a - 1] == ',' && is_digit(p->buf[a - 2]) && is_digit(p->buf[a]))
        return 2;
    return 0;
}

/* For libyaml reader errors, which only report an offset. */
static conf__pos offset_pos(const parser *p, size_t off) { return text_pos(p->file, p->fdepth, p->buf, p->len, off); }

/* 1 if the error is about a quoted value, a [...] or {...} or a key that
 * was opened on an earlier line than the one the problem was found on. */
static int opened_earlier(const yaml_parser_t *yp)
{
    const char *c = yp->context;
    return (strstr(c, "quoted scalar") || strstr(c, "flow") || strstr(c, "simple key")) &&
           yp->context_mark.line < yp->problem_mark.line;
}

static void syntax_error(parser *p, const yaml_parser_t *yp)
{
    conf__pos pos = yp->error == YAML_READER_ERROR ? offset_pos(p, yp->problem_offset) : mark_pos(p, yp->problem_mark);
    if (yp->error == YAML_MEMORY_ERROR) {
        oom(p->ld, &pos);
        return;
    }
    size_t at = byte_at(p, yp->problem_mark.index);
    if (yp->error == YAML_SCANNER_ERROR && at < p->len && p->buf[at] == '\t') {
        conf__error_pos(p->ld->ctx, &pos, "", "tabs cannot indent YAML; use spaces");
        return;
    }
    const char *problem = yp->problem ? yp->problem : "unknown problem";
    if (yp->context && opened_earlier(yp)) {
        /* An unclosed quote, bracket or brace: libyaml notices it where the
         * text goes on (often the end of the file), but the mistake is
         * where it was opened. */
        conf__pos opened = mark_pos(p, yp->context_mark);
        conf__error_pos(p->ld->ctx, &opened, "", "YAML syntax error: %s (%s, which starts here; found at line %d, column %d)",
                        problem, yp->context, pos.line, pos.col);
    } else if (yp->context) {
        conf__error_pos(p->ld->ctx, &pos, "", "YAML syntax error: %s (%s)", problem, yp->context);
    } else {
        conf__error_pos(p->ld->ctx, &pos, "", "YAML syntax error: %s", problem);
    }
}

/* Hangs a finished node under the open collection (or makes it the root). */
static int attach(parser *p, conf__node *n)
{
    if (p->depth == 0) {
        p->root = n;
        return 0;
    }
    frame *f = &p->stack[p->depth - 1];
    if (f->node->kind == CONF__SEQ)
        return conf__node_push(p->ld, f->node, NULL, n);
    if (!f->key) {
        f->key = n;
        return 0;
    }
    conf__node *key = f->key;
    f->key = NULL;
    return conf__node_push(p->ld, f->node, key, n);
}

/* Registers an anchor name for node; returns 1 + its index, 0 on OOM. */
static size_t add_anchor(parser *p, const yaml_char_t *name, conf__node *node, int complete)
{
    size_t len = strlen((const char *)name), idx;
    if (p->nanchors == p->acap) {
        size_t cap = p->acap ? p->acap * 2 : NODE_MIN_CAPACITY;
        anchor *a = realloc(p->anchors, cap * sizeof *a);
        if (!a)
            return 0;
        p->anchors = a;
        p->acap = cap;
    }
    char *key = conf__strndup(p->ld, (const char *)name, len);
    if (!key)
        return 0;
    int r = conf__strmap_put(&p->anchor_names, key, len, p->nanchors, &idx);
    if (r < 0)
        return 0;
    if (r == 0)
        idx = p->nanchors++;
    p->anchors[idx].node = node;
    p->anchors[idx].complete = complete;
    return idx + 1;
}

static conf__node *copy_node(conf__loader *ld, const conf__node *src)
{
    conf__node *n = conf__node_new(ld, src->kind, &src->pos);
    if (!n)
        return NULL;
    n->quoted = src->quoted;
    n->text = src->text;
    n->len = src->len;
    for (size_t i = 0; i < src->n; i++) {
        conf__node *k = src->kind == CONF__MAP ? copy_node(ld, src->keys[i]) : NULL;
        conf__node *v = copy_node(ld, src->items[i]);
        if (!v || (src->kind == CONF__MAP && !k) || conf__node_push(ld, n, k, v))
            return NULL;
    }
    return n;
}

static int on_alias(parser *p, const yaml_event_t *ev)
{
    conf__pos pos = mark_pos(p, ev->start_mark);
    const char *name = (const char *)ev->data.alias.anchor;
    size_t idx;
    int found = conf__strmap_get(&p->anchor_names, name, strlen(name), &idx);
    if (!found || !p->anchors[idx].complete) {
        conf__buf b;
        conf__buf_init(&b);
        conf__buf_escape(&b, name, strlen(name), 80);
        if (!found)
            conf__error_pos(p->ld->ctx, &pos, "", "alias *%s names no anchor (write &%s before it is used)",
                            conf__buf_str(&b), conf__buf_str(&b));
        else
            conf__error_pos(p->ld->ctx, &pos, "", "alias *%s is used inside the value it names", conf__buf_str(&b));
        conf__buf_free(&b);
        return -1;
    }
    const anchor *a = &p->anchors[idx];
    if (p->depth + (size_t)a->node->height > CONF__MAX_DEPTH) {
        conf__error_pos(p->ld->ctx, &pos, "", "nesting is too deep (more than %d levels)", CONF__MAX_DEPTH);
        return -1;
    }
    conf__node *n = copy_node(p->ld, a->node);
    if (!n)
        return -1;
    n->pos = pos; /* the copy is used here; what it contains was written at the anchor */
    return attach(p, n);
}

/* Tags are not part of the scenario language (a key says how its value is
 * read), except the standard scalar ones, which say nothing more: "!!seq"
 * on a mapping, "!include" or "!replace" would otherwise be silently
 * ignored. 0 if the tag is absent or allowed, else -1 (reported). */
static int check_tag(parser *p, const yaml_char_t *tag, const yaml_event_t *ev, int scalar)
{
    static const char *const ok[] = {"str", "int", "float", "bool", "null"};
    static const char std[] = "tag:yaml.org,2002:";
    if (!tag)
        return 0;
    const char *t = (const char *)tag;
    int is_std = strncmp(t, std, sizeof std - 1) == 0;
    for (size_t i = 0; scalar && is_std && i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(t + sizeof std - 1, ok[i]) == 0)
            return 0;
    conf__buf b;
    conf__buf_init(&b);
    conf__buf_puts(&b, is_std ? "!!" : "");
    conf__buf_escape(&b, is_std ? t + sizeof std - 1 : t, strlen(is_std ? t + sizeof std - 1 : t), 80);
    conf__pos pos = mark_pos(p, ev->start_mark);
    conf__error_pos(p->ld->ctx, &pos, "",
                    "expected no YAML tag (a key says how its value is read; only !!str, !!int, !!float, !!bool and "
                    "!!null are allowed, on plain values), got \"%s\"",
                    conf__buf_str(&b));
    conf__buf_free(&b);
    return -1;
}

static int on_scalar(parser *p, const yaml_event_t *ev)
{
    if (check_tag(p, ev->data.scalar.tag, ev, 1))
        return -1;
    conf__pos pos = mark_pos(p, ev->start_mark);
    conf__node *n = conf__node_new(p->ld, CONF__SCALAR, &pos);
    if (!n)
        return -1;
    n->text = conf__strndup(p->ld, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    n->len = ev->data.scalar.length;
    n->comma_cut = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? comma_cut(p, ev->start_mark, ev->end_mark) : 0;
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                (ev->data.scalar.tag && strcmp((const char *)ev->data.scalar.tag, "tag:yaml.org,2002:str") == 0);
    if (!n->text || (ev->data.scalar.anchor && !add_anchor(p, ev->data.scalar.anchor, n, 1))) {
        oom(p->ld, &pos);
        return -1;
    }
    return attach(p, n);
}

static int on_start(parser *p, const yaml_event_t *ev, conf__kind kind, const yaml_char_t *anchor_name)
{
    conf__pos pos = mark_pos(p, ev->start_mark);
    if (p->depth >= CONF__MAX_DEPTH) {
        conf__error_pos(p->ld->ctx, &pos, "", "nesting is too deep (more than %d levels)", CONF__MAX_DEPTH);
        return -1;
    }
    conf__node *n = conf__node_new(p->ld, kind, &pos);
    if (!n)
        return -1;
    frame *f = &p->stack[p->depth++];
    f->node = n;
    f->key = NULL;
    f->anchor = 0;
    if (anchor_name && !(f->anchor = add_anchor(p, anchor_name, n, 0))) {
        oom(p->ld, &pos);
        return -1;
    }
    return 0;
}

static int on_end(parser *p)
{
    assert(p->depth > 0);
    frame *f = &p->stack[--p->depth];
    if (f->anchor && p->anchors[f->anchor - 1].node == f->node)
        p->anchors[f->anchor - 1].complete = 1;
    return attach(p, f->node);
}

/* Handles one event: 0 to go on, 1 at the end of the stream, -1 on error. */
static int on_event(parser *p, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (p->docs++) {
            conf__pos pos = mark_pos(p, ev->start_mark);
            conf__error_pos(p->ld->ctx, &pos, "", "a scenario file holds one YAML document, found a second");
            return -1;
        }
        return 0;
    case YAML_ALIAS_EVENT: return on_alias(p, ev);
    case YAML_SCALAR_EVENT: return on_scalar(p, ev);
    case YAML_SEQUENCE_START_EVENT:
        return check_tag(p, ev->data.sequence_start.tag, ev, 0) ? -1
                                                                : on_start(p, ev, CONF__SEQ, ev->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
        return check_tag(p, ev->data.mapping_start.tag, ev, 0) ? -1
                                                               : on_start(p, ev, CONF__MAP, ev->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return on_end(p);
    case YAML_STREAM_END_EVENT: return 1;
    default: return 0;
    }
}

/* Runs libyaml over the text; 0 with p->root (NULL if there is no
 * document), or -1 with an error reported. */
static int run_parser(parser *p)
{
    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp)) {
        conf__pos pos = {p->file, 0, 0, p->fdepth};
        oom(p->ld, &pos);
        return -1;
    }
    yaml_parser_set_input_string(&yp, (const unsigned char *)p->buf, p->len);
    int r = 0;
    while (r == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&yp, &ev)) {
            syntax_error(p, &yp);
            r = -1;
            break;
        }
        r = on_event(p, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&yp);
    conf__strmap_free(&p->anchor_names);
    free(p->anchors);
    return r < 0 ? -1 : 0;
}

/* ---- validation ---- */

static void path_key(conf__buf *path, const conf__node *key)
{
    if (path->len)
        conf__buf_puts(path, ".");
    conf__buf_escape(path, key->text, key->len, 80);
}

static int validate(conf__loader *ld, const conf__node *n, conf__buf *path);

static int validate_map(conf__loader *ld, const conf__node *n, conf__buf *path)
{
    int bad = 0;
    conf__strmap seen;
    conf__strmap_init(&seen);
    for (size_t i = 0; i < n->n; i++) {
        const conf__node *k = n->keys[i];
        size_t mark = path->len, first;
        if (k->kind != CONF__SCALAR) {
            conf__buf b;
            conf__buf_init(&b);
            conf__describe(&b, k);
            conf__error_pos(ld->ctx, &k->pos, conf__buf_str(path), "mapping keys must be plain text, got %s",
                            conf__buf_str(&b));
            conf__buf_free(&b);
            bad = 1;
            continue;
        }
        path_key(path, k);
        int r = conf__strmap_put(&seen, k->text, k->len, i, &first);
        if (r < 0) {
            oom(ld, &k->pos);
            bad = 1;
        } else if (r > 0) {
            conf__buf b;
            conf__buf_init(&b);
            conf__buf_escape(&b, k->text, k->len, 80);
            conf__error_pos(ld->ctx, &k->pos, conf__buf_str(path), "duplicate key \"%s\" (first given at line %d)",
                            conf__buf_str(&b), n->keys[first]->pos.line);
            conf__buf_free(&b);
            bad = 1;
        } else if (memchr(k->text, '\0', k->len)) {
            conf__error_pos(ld->ctx, &k->pos, conf__buf_str(path), "a key must not contain a NUL character");
            bad = 1;
        }
        bad |= validate(ld, n->items[i], path);
        conf__buf_trunc(path, mark);
    }
    conf__strmap_free(&seen);
    return bad;
}

/* Reports non-scalar or duplicate keys and NUL characters; 1 if any. */
static int validate(conf__loader *ld, const conf__node *n, conf__buf *path)
{
    if (conf__ctx_full(ld->ctx))
        return 1;
    if (n->kind == CONF__SCALAR) {
        if (!memchr(n->text, '\0', n->len))
            return 0;
        conf__error_pos(ld->ctx, &n->pos, conf__buf_str(path), "text must not contain a NUL character");
        return 1;
    }
    if (n->kind == CONF__MAP)
        return validate_map(ld, n, path);
    int bad = 0;
    for (size_t i = 0; i < n->n; i++) {
        size_t mark = path->len;
        conf__path_item(path, n->items[i], i);
        bad |= validate(ld, n->items[i], path);
        conf__buf_trunc(path, mark);
    }
    return bad;
}

/* Offset of the first NUL byte or byte that is not valid UTF-8, or n. */
static size_t first_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = s[i] ? conf__utf8_len(s + i, n - i) : 0;
        if (!len)
            return i;
        i += len;
    }
    return n;
}

/* 1 if the text looks like UTF-16: a byte-order mark, or a NUL next to an
 * ASCII character in the first two bytes. */
static int looks_utf16(const unsigned char *s, size_t n)
{
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return 1;
    return n >= 2 && (s[0] == 0) != (s[1] == 0) && (s[0] | s[1]) < 0x80;
}

/* What byte b (0x80..0xFF) is in Windows-1252, as UTF-8 in out; NULL where
 * that code page leaves it undefined or it does not show. Latin-1 agrees
 * from 0xA0 up. */
static const char *cp1252(unsigned char b, char out[4])
{
    static const char *const low[32] = {
        "\u20ac", NULL, "\u201a", "\u0192", "\u201e", "\u2026", "\u2020", "\u2021", "\u02c6", "\u2030", "\u0160",
        "\u2039", "\u0152", NULL, "\u017d", NULL, NULL, "\u2018", "\u2019", "\u201c", "\u201d", "\u2022",
        "\u2013", "\u2014", "\u02dc", "\u2122", "\u0161", "\u203a", "\u0153", NULL, "\u017e", "\u0178"};
    if (b < 0xA0)
        return low[b - 0x80];
    if (b == 0xA0 || b == 0xAD) /* no-break space and soft hyphen */
        return NULL;
    out[0] = (char)(0xC0 | (b >> 6));
    out[1] = (char)(0x80 | (b & 0x3F));
    out[2] = '\0';
    return out;
}

/* Reports text that is not UTF-8 at the first offending byte. */
static void encoding_error(conf__loader *ld, const char *file, const char *buf, size_t len, size_t at)
{
    const unsigned char *u = (const unsigned char *)buf;
    char ch[4];
    int fdepth = ld->nfiles ? (int)ld->nfiles - 1 : 0;
    conf__pos pos = text_pos(file, fdepth, buf, len, at);
    if (looks_utf16(u, len)) {
        pos.line = pos.col = 1;
        conf__error_pos(ld->ctx, &pos, "", "expected UTF-8 text, got UTF-16 (save the file as UTF-8)");
    } else if (u[at] == 0) {
        conf__error_pos(ld->ctx, &pos, "", "binary file, not YAML text (a NUL byte)");
    } else if (u[at] < 0x80 || !cp1252(u[at], ch)) {
        conf__error_pos(ld->ctx, &pos, "", "expected UTF-8 text, got the byte 0x%02x (save the file as UTF-8)", u[at]);
    } else {
        conf__error_pos(ld->ctx, &pos, "",
                        "expected UTF-8 text, got the byte 0x%02x (\"%s\" in Windows-1252 or Latin-1: save the file "
                        "as UTF-8)",
                        u[at], cp1252(u[at], ch));
    }
}

/* Binary files are told by a NUL byte in their first BINARY_SNIFF bytes or
 * by the signature of a common binary format, before any advice about text
 * encodings. */
#define BINARY_SNIFF 8192

/* What the file is if it starts with a known binary signature, else NULL. */
static const char *binary_signature(const unsigned char *s, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } sigs[] = {
        {"\x1f\x8b", 2, "a gzip-compressed file: decompress it first"},
        {"PK\x03\x04", 4, "a ZIP archive, such as a Word or Excel file: save the scenario as plain text"},
        {"PK\x05\x06", 4, "an empty ZIP archive"},
        {"\x89PNG\r\n\x1a\n", 8, "a PNG image"},
        {"\xff\xd8\xff", 3, "a JPEG image"},
        {"%PDF-", 5, "a PDF document"},
        {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Word or Excel file: save the scenario as plain text"},
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (n >= sigs[i].len && memcmp(s, sigs[i].magic, sigs[i].len) == 0)
            return sigs[i].what;
    return NULL;
}

/* Reports a binary file; 1 if it is one. */
static int binary_file(conf__loader *ld, const char *file, const char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)buf;
    int fdepth = ld->nfiles ? (int)ld->nfiles - 1 : 0;
    conf__pos pos = {file, 0, 0, fdepth};
    const char *what = binary_signature(u, len);
    if (what) {
        conf__error_pos(ld->ctx, &pos, "", "binary file, not YAML text (%s)", what);
        return 1;
    }
    const unsigned char *nul = memchr(u, 0, len < BINARY_SNIFF ? len : BINARY_SNIFF);
    if (!nul)
        return 0;
    pos = text_pos(file, fdepth, buf, len, (size_t)(nul - u));
    conf__error_pos(ld->ctx, &pos, "", "binary file, not YAML text (a NUL byte)");
    return 1;
}

static int check_file_text(conf__loader *ld, const char *file, const char *buf, size_t len)
{
    conf__pos pos = {file, 0, 0, 0};
    if (len > CONF_MAX_FILE_BYTES) {
        conf__error_pos(ld->ctx, &pos, "", "file is too large: %zu bytes (the limit is 1 MiB)", len);
        return -1;
    }
    if (!looks_utf16((const unsigned char *)buf, len) && binary_file(ld, file, buf, len))
        return -1;
    size_t at = first_invalid((const unsigned char *)buf, len);
    if (at < len) {
        encoding_error(ld, file, buf, len, at);
        return -1;
    }
    return 0;
}

static conf__node *check_top(conf__loader *ld, const char *file, conf__node *root)
{
    conf__pos pos = {file, 0, 0, 0};
    if (!root || conf__is_null(root) || (root->kind == CONF__MAP && root->n == 0)) {
        conf__error_pos(ld->ctx, &pos, "", "empty scenario: the file has no keys");
        return NULL;
    }
    if (root->kind != CONF__MAP) {
        conf__buf b;
        conf__buf_init(&b);
        conf__describe(&b, root);
        conf__error_pos(ld->ctx, &root->pos, "", "expected a mapping of keys at the top level, got %s",
                        conf__buf_str(&b));
        conf__buf_free(&b);
        return NULL;
    }
    return root;
}

conf__node *conf__parse(conf__loader *ld, const char *file, const char *buf, size_t len, int whole_file)
{
    if (whole_file && check_file_text(ld, file, buf, len))
        return NULL;
    parser *p = calloc(1, sizeof *p);
    if (!p) {
        conf__pos pos = {file, 0, 0, 0};
        oom(ld, &pos);
        return NULL;
    }
    p->ld = ld;
    p->file = file;
    p->fdepth = whole_file && ld->nfiles ? (int)ld->nfiles - 1 : 0;
    p->buf = buf;
    p->len = len;
    byte_at(p, 1);
    byte_at(p, 0); /* positions the cursor after any byte-order mark */
    int r = run_parser(p);
    conf__node *root = p->root;
    free(p);
    if (r < 0)
        return NULL;
    if (whole_file && !(root = check_top(ld, file, root)))
        return NULL;
    if (!root) {
        conf__pos pos = {file, 1, 1, 0};
        root = conf__node_new(ld, CONF__SCALAR, &pos);
        return root;
    }
    conf__buf path;
    conf__buf_init(&path);
    int bad = validate(ld, root, &path);
    if (path.oom) {
        oom(ld, &root->pos);
        bad = 1;
    }
    conf__buf_free(&path);
    return bad ? NULL : root;
}

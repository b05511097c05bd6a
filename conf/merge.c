/*
 * conf/merge.c: merging a scenario file's tree over the tree of the file it
 * extends, guided by the schema, and the instructions a file may give the
 * merge inside its lists.
 *
 * Sections (structs) merge key by key. Lists of items with a key (a `name`,
 * or CONF_F_KEY fields such as a post's grade) merge item by item on it: an
 * item with a base item's key changes that item, key by key; another is
 * appended; {<key>, remove: true} deletes the base item. A new name within
 * a slip of the keyboard of a base name (conf__typo) is refused unless the
 * item says `new: true`. A list of items without a key cannot be merged, so
 * a file that gives one over a base's non-empty list must say that it
 * replaces it whole with {replace: true} as its first item (any list may say
 * so). An empty list `[]` always means none. Any other value (a
 * distribution, a map of shares, a schedule, a quantity) replaces the
 * base's whole.
 *
 * Invariants: nodes keep their own positions, so later errors point into
 * the file where each value was written; the trees are rewritten in place
 * (nodes are never shared); once a file's tree has been merged and
 * stripped (conf__strip), no instruction (remove, replace, new) is left in
 * it. Cost: O(size of both trees) with hash lookups on keys.
 */
#include <stdio.h>
#include <string.h>

#include "conf/internal.h"
#include "conf/tree.h"

static conf__node *merge(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                         const conf_schema *s);

static void path_key(conf__buf *path, const conf__node *key)
{
    if (path->len)
        conf__buf_puts(path, ".");
    conf__buf_escape(path, key->text, key->len, 80);
}

/* The field of s whose key is the scalar k, or NULL. */
static const conf_field *field_of(const conf_schema *s, const conf__node *k)
{
    for (size_t i = 0; s && i < s->nfields; i++)
        if (strlen(s->fields[i].key) == k->len && memcmp(s->fields[i].key, k->text, k->len) == 0)
            return &s->fields[i];
    return NULL;
}

static void map_delete(conf__node *m, size_t k)
{
    memmove(m->keys + k, m->keys + k + 1, (m->n - k - 1) * sizeof *m->keys);
    memmove(m->items + k, m->items + k + 1, (m->n - k - 1) * sizeof *m->items);
    m->n--;
}

static void seq_delete(conf__node *seq, size_t i)
{
    memmove(seq->items + i, seq->items + i + 1, (seq->n - i - 1) * sizeof *seq->items);
    seq->n--;
}

/* Reports "<before>"<text>"<after>" at pos. */
static void quoted_error(conf__loader *ld, const conf__pos *pos, const conf__buf *path, const char *before,
                         const char *text, size_t len, const char *after)
{
    conf__buf b;
    conf__buf_init(&b);
    conf__buf_escape(&b, text, len, 80);
    conf__error_pos(ld->ctx, pos, conf__buf_str(path), "%s\"%s\"%s", before, conf__buf_str(&b), after);
    conf__buf_free(&b);
}

/* ---- instructions inside lists ---- */

/* Checks the instruction `key: true` in item (remove, replace or new). It
 * must be true; with `alone`, the item holds nothing else but the keys of
 * s's items (s NULL: nothing else at all). 1 if given and well formed, 0
 * if not given, -1 if malformed (reported). */
static int instruction(conf__loader *ld, const conf__node *item, const char *key, const char *means, int alone,
                       const conf_schema *s, conf__buf *path)
{
    const conf__node *v = conf__map_get(item, key);
    if (!v)
        return 0;
    if (v->kind != CONF__SCALAR || strcmp(v->text, "true") != 0) {
        conf__buf d;
        conf__buf_init(&d);
        conf__describe(&d, v);
        size_t mark = path->len;
        conf__buf_printf(path, ".%s", key);
        conf__error_pos(ld->ctx, &v->pos, conf__buf_str(path), "expected true (%s), got %s", means,
                        conf__buf_str(&d));
        conf__buf_trunc(path, mark);
        conf__buf_free(&d);
        return -1;
    }
    for (size_t k = 0; alone && k < item->n; k++) {
        const conf__node *kn = item->keys[k];
        const conf_field *f = field_of(s, kn);
        if (strcmp(kn->text, key) == 0 || (f && (f->flags & (CONF_F_NAME | CONF_F_KEY))))
            continue;
        char before[64];
        snprintf(before, sizeof before, "an item with %s: true takes no other keys, got ", key);
        quoted_error(ld, &kn->pos, path, before, kn->text, kn->len, "");
        return -1;
    }
    return 1;
}

/* Takes the {replace: true} item off a file's list: 1 if the list starts
 * with one, 0 if it has none, -1 if one is malformed or not first
 * (reported). Such items are removed whatever they hold. */
static int take_replace(conf__loader *ld, conf__node *seq, conf__buf *path)
{
    int r = 0;
    for (size_t i = 0, written = 0; i < seq->n; written++) {
        const conf__node *item = seq->items[i];
        if (item->kind != CONF__MAP || !conf__map_get(item, "replace")) {
            i++;
            continue;
        }
        size_t mark = path->len;
        conf__buf_printf(path, "[%zu]", written);
        int d = instruction(ld, item, "replace", "the list replaces the base scenario's whole", 1, NULL, path);
        if (d > 0 && written > 0) {
            conf__error_pos(ld->ctx, &item->pos, conf__buf_str(path),
                            "expected {replace: true} as the first item of the list, got it as item %zu",
                            written + 1);
            d = -1;
        }
        conf__buf_trunc(path, mark);
        r = r < 0 || d < 0 ? -1 : 1;
        seq_delete(seq, i);
    }
    return r;
}

/* Takes `new: true` off a named item: 1 if given (*at: its value), 0 if
 * not, -1 if malformed (reported). */
static int take_new(conf__loader *ld, conf__node *item, conf__buf *path, const conf__node **at)
{
    int d = instruction(ld, item, "new", "the item is new, not a change to an item of the base scenario", 0, NULL,
                        path);
    for (size_t k = 0; d != 0 && k < item->n; k++) {
        if (strcmp(item->keys[k]->text, "new") == 0) {
            *at = item->items[k];
            map_delete(item, k);
            break;
        }
    }
    return d;
}

/* ---- lists of items with a key ---- */

typedef struct keyed {
    conf__loader *ld;
    const conf_schema *s;
    const conf__node *base;
    conf__node *out;    /* the merged list; removed items are NULL until the end */
    conf__strmap where; /* key -> index in out */
    conf__buf *path;
} keyed;

/* The item's key copied into the arena (*len set); NULL if it has none or
 * memory ran out (reported). */
static const char *key_of(conf__loader *ld, const conf__node *item, const conf_schema *s, size_t *len)
{
    conf__buf k;
    conf__buf_init(&k);
    const char *out = NULL;
    if (conf__item_key(item, s, &k) > 0 && !k.oom && !(out = conf__strndup(ld, k.s, k.len)))
        conf__error_pos(ld->ctx, &item->pos, "", "out of memory");
    if (k.oom)
        conf__error_pos(ld->ctx, &item->pos, "", "out of memory");
    *len = k.len;
    conf__buf_free(&k);
    return out;
}

static int all_keyed(const conf__node *seq, const conf_schema *s)
{
    conf__buf k;
    conf__buf_init(&k);
    int ok = 1;
    for (size_t i = 0; ok && i < seq->n; i++) {
        ok = conf__item_key(seq->items[i], s, &k) > 0;
        conf__buf_trunc(&k, 0);
    }
    conf__buf_free(&k);
    return ok;
}

/* The name of the base's item closest to `name` by `pick` (conf__suggest
 * or conf__typo), or NULL. */
static const char *base_name(keyed *m, const conf__node *name,
                             const char *(*pick)(const char *, const char *const *, size_t))
{
    const char **cands = m->base && m->base->n ? conf__alloc(m->ld, m->base->n * sizeof *cands) : NULL;
    if (!cands)
        return NULL;
    for (size_t i = 0; i < m->base->n; i++) {
        const conf__node *nm = conf__item_name(m->base->items[i]);
        cands[i] = nm ? nm->text : NULL;
    }
    return pick(name->text, cands, m->base->n);
}

/* Appends " (did you mean "x"?)" if x. */
static void did_you_mean(conf__buf *b, const char *x)
{
    if (!x)
        return;
    conf__buf_puts(b, " (did you mean \"");
    conf__buf_escape(b, x, strlen(x), 80);
    conf__buf_puts(b, "\"?)");
}

/* Reports an item to remove that nothing matches: the base has no such
 * item, or (has_base 0) the file extends no base at all. */
static void cannot_remove(keyed *m, const conf__node *item, const char *key, size_t klen, int has_base)
{
    const conf__node *name = conf__item_name(item);
    conf__buf text, after;
    conf__buf_init(&text);
    conf__buf_init(&after);
    conf__key_text(&text, key, klen);
    conf__buf_puts(&after, has_base ? ": the base scenario has no such item"
                                    : ": this file extends no base scenario (remove: true takes an item out of the "
                                      "base's list)");
    did_you_mean(&after, has_base && conf__name_field(m->s) && name ? base_name(m, name, conf__suggest) : NULL);
    conf__error_pos(m->ld->ctx, name ? &name->pos : &item->pos, conf__buf_str(m->path), "cannot remove %s%s",
                    conf__buf_str(&text), conf__buf_str(&after));
    conf__buf_free(&text);
    conf__buf_free(&after);
}

/* Remembers that the file removed the item with this key (for messages
 * about names that referred to it). Out of memory, it is not remembered. */
static void note_removed(keyed *m, const conf__node *item, const char *key, size_t klen)
{
    conf__removed *r = conf__alloc(m->ld, sizeof *r);
    if (!r)
        return;
    const conf__node *name = conf__item_name(item);
    *r = (conf__removed){m->s, key, klen, name ? name->pos : item->pos, m->ld->removed};
    m->ld->removed = r;
}

const conf__pos *conf__removed_at(const conf__loader *ld, const conf_schema *s, const char *name)
{
    size_t len = strlen(name) + 1;
    for (const conf__removed *r = ld->removed; r; r = r->next)
        if (r->s == s && r->len == len && memcmp(r->key, name, len) == 0)
            return &r->pos;
    return NULL;
}

/* A new name that is a slip of the keyboard for a base name (reported):
 * 1 if so. */
static int misspelt(keyed *m, const conf__node *name)
{
    const char *typo = base_name(m, name, conf__typo);
    if (!typo)
        return 0;
    conf__buf e, after;
    conf__buf_init(&e);
    conf__buf_init(&after);
    conf__buf_escape(&e, name->text, name->len, 80);
    did_you_mean(&after, typo);
    size_t mark = m->path->len;
    conf__buf_puts(m->path, ".name");
    conf__error_pos(m->ld->ctx, &name->pos, conf__buf_str(m->path),
                    "expected the name of a %s in the base scenario (or new: true for a new %s), got \"%s\"%s",
                    m->s->name, m->s->name, conf__buf_str(&e), conf__buf_str(&after));
    conf__buf_trunc(m->path, mark);
    conf__buf_free(&e);
    conf__buf_free(&after);
    return 1;
}

/* An item the base has, marked new: true (reported). */
static void not_new(keyed *m, const conf__node *name, const conf__node *at)
{
    size_t mark = m->path->len;
    conf__buf_puts(m->path, ".new");
    char before[128];
    snprintf(before, sizeof before, "the base scenario already has a %s named ", m->s->name);
    quoted_error(m->ld, &at->pos, m->path, before, name->text, name->len, ": leave out new: true to change it");
    conf__buf_trunc(m->path, mark);
}

/* Applies one item of the file to the merged list. 0, or -1 if the merge
 * cannot go on (reported). An item refused here is left out, reported. */
static int merge_item(keyed *m, conf__node *item, const char *key, size_t klen)
{
    size_t idx;
    int found = conf__strmap_get(&m->where, key, klen, &idx) && m->out->items[idx];
    int rm = instruction(m->ld, item, "remove", "to remove the item", 1, m->s, m->path);
    if (rm < 0)
        return -1;
    if (rm) {
        if (!found) {
            cannot_remove(m, item, key, klen, 1);
            return -1;
        }
        m->out->items[idx] = NULL;
        note_removed(m, item, key, klen);
        return 0;
    }
    const conf__node *name = conf__name_field(m->s) ? conf__item_name(item) : NULL, *at = NULL;
    int fresh = name ? take_new(m->ld, item, m->path, &at) : 0;
    if (fresh < 0)
        return 0;
    if (found && fresh) {
        not_new(m, name, at);
        return 0;
    }
    if (found) {
        m->out->items[idx] = merge(m->ld, m->out->items[idx], item, m->path, m->s);
        return m->out->items[idx] ? 0 : -1;
    }
    if (name && !fresh && misspelt(m, name))
        return 0;
    if (name && !fresh)
        item->near = base_name(m, name, conf__suggest);
    if (conf__strmap_put(&m->where, key, klen, m->out->n, NULL) < 0 || conf__node_push(m->ld, m->out, NULL, item))
        return -1;
    return 0;
}

/* Reports a second item of the file with the same key (the first at
 * line `first`). */
static void duplicate(keyed *m, const conf__node *item, const char *key, size_t klen, int first)
{
    const conf__node *name = conf__name_field(m->s) ? conf__item_name(item) : NULL;
    if (name) {
        char after[64];
        snprintf(after, sizeof after, " (first used at line %d)", first);
        size_t mark = m->path->len;
        conf__buf_puts(m->path, ".name");
        quoted_error(m->ld, &name->pos, m->path, "duplicate name ", name->text, name->len, after);
        conf__buf_trunc(m->path, mark);
        return;
    }
    conf__dup_key_error(m->ld->ctx, &item->pos, conf__buf_str(m->path), m->s, key, klen, first);
}

static conf__node *merge_keyed(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                               const conf_schema *s)
{
    keyed m = {ld, s, base, conf__node_new(ld, CONF__SEQ, &child->pos), {0}, path};
    conf__strmap seen; /* key -> index in child */
    conf__strmap_init(&m.where);
    conf__strmap_init(&seen);
    int ok = m.out != NULL;
    for (size_t i = 0; ok && i < base->n; i++) {
        size_t klen;
        const char *key = key_of(ld, base->items[i], s, &klen);
        ok = key && conf__strmap_put(&m.where, key, klen, i, NULL) >= 0 &&
             conf__node_push(ld, m.out, NULL, base->items[i]) == 0;
    }
    for (size_t i = 0; ok && i < child->n; i++) {
        size_t mark = path->len, klen, first;
        conf__path_item(path, child->items[i], i);
        const char *key = key_of(ld, child->items[i], s, &klen);
        int r = key ? conf__strmap_put(&seen, key, klen, i, &first) : -1;
        if (r > 0)
            duplicate(&m, child->items[i], key, klen, child->items[first]->pos.line);
        ok = r == 0 && merge_item(&m, child->items[i], key, klen) == 0;
        conf__buf_trunc(path, mark);
    }
    conf__strmap_free(&m.where);
    conf__strmap_free(&seen);
    if (!ok)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < m.out->n; i++)
        if (m.out->items[i])
            m.out->items[k++] = m.out->items[i];
    m.out->n = k;
    return m.out;
}

/* ---- lists ---- */

/* A file's list over its base's (field f): merged on the items' key, or,
 * for items without one, the file's whole if it says {replace: true} (or
 * the base's is empty); else reported. */
static conf__node *merge_list(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                              const conf_field *f)
{
    if (base->kind != CONF__SEQ || child->kind != CONF__SEQ)
        return child;
    int r = take_replace(ld, child, path);
    if (r != 0 || child->n == 0)
        return child;
    if (conf__keyed(f->sub))
        return all_keyed(base, f->sub) && all_keyed(child, f->sub) ? merge_keyed(ld, base, child, path, f->sub)
                                                                     : child;
    if (base->n > 0)
        conf__error_pos(ld->ctx, &child->pos, conf__buf_str(path),
                        "expected {replace: true} as the first item (the list replaces the base scenario's list of "
                        "%zu whole: %s items have no key to merge by), got a list without it",
                        base->n, f->sub->name);
    return child;
}

/* ---- sections ---- */

/* Merges one key given in both files: nested structs merge key by key,
 * lists as merge_list says; any other value (a distribution, a map of
 * shares, a schedule, a number, a key the schema does not know) is the
 * child's, whole. */
static conf__node *merge_value(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                               const conf_field *f)
{
    if (f && f->type == CONF_STRUCT)
        return merge(ld, base, child, path, f->sub);
    if (f && f->type == CONF_LIST)
        return merge_list(ld, base, child, path, f);
    return child;
}

static conf__node *merge_map(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                             const conf_schema *s)
{
    conf__node *out = conf__node_new(ld, CONF__MAP, &child->pos);
    conf__strmap keys;
    conf__strmap_init(&keys);
    int ok = out != NULL;
    for (size_t i = 0; ok && i < child->n; i++)
        ok = conf__strmap_put(&keys, child->keys[i]->text, child->keys[i]->len, i, NULL) >= 0;
    char *taken = ok ? conf__alloc(ld, child->n + 1) : NULL;
    ok = ok && taken;
    for (size_t i = 0; ok && i < base->n; i++) {
        size_t j;
        conf__node *v = base->items[i];
        if (conf__strmap_get(&keys, base->keys[i]->text, base->keys[i]->len, &j)) {
            size_t mark = path->len;
            path_key(path, base->keys[i]);
            v = merge_value(ld, v, child->items[j], path, field_of(s, base->keys[i]));
            conf__buf_trunc(path, mark);
            taken[j] = 1;
        }
        ok = v && conf__node_push(ld, out, base->keys[i], v) == 0;
    }
    for (size_t j = 0; ok && j < child->n; j++)
        if (!taken[j])
            ok = conf__node_push(ld, out, child->keys[j], child->items[j]) == 0;
    conf__strmap_free(&keys);
    return ok ? out : NULL;
}

/* Merges child over base, both values of the struct (or list item) s. */
static conf__node *merge(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                         const conf_schema *s)
{
    if (base->kind == CONF__MAP && child->kind == CONF__MAP)
        return merge_map(ld, base, child, path, s);
    return child;
}

conf__node *conf__merge(conf__loader *ld, conf__node *base, conf__node *child)
{
    conf__buf path;
    conf__buf_init(&path);
    conf__node *merged = merge(ld, base, child, &path, ld->schema);
    conf__buf_free(&path);
    return merged;
}

/* ---- instructions with no base to act on ---- */

static void strip_map(conf__loader *ld, conf__node *map, const conf_schema *s, conf__buf *path, int has_base);

/* The items of a list that no base list met: {replace: true} and `new:
 * true` have nothing to act on and are dropped; an item to remove names
 * nothing (reported, dropped). */
static void strip_list(conf__loader *ld, conf__node *seq, const conf_field *f, conf__buf *path, int has_base)
{
    take_replace(ld, seq, path);
    for (size_t i = 0; i < seq->n;) {
        conf__node *item = seq->items[i];
        size_t mark = path->len;
        conf__path_item(path, item, i);
        const conf__node *at;
        int rm = item->kind == CONF__MAP ? instruction(ld, item, "remove", "to remove the item", 1, f->sub, path) : 0;
        if (rm > 0) {
            keyed m = {ld, f->sub, NULL, NULL, {0}, path};
            size_t klen;
            const char *key = key_of(ld, item, f->sub, &klen);
            if (key)
                cannot_remove(&m, item, key, klen, has_base);
        }
        if (rm == 0 && conf__name_field(f->sub) && item->kind == CONF__MAP)
            take_new(ld, item, path, &at);
        if (rm == 0)
            strip_map(ld, item, f->sub, path, has_base);
        conf__buf_trunc(path, mark);
        if (rm != 0)
            seq_delete(seq, i);
        else
            i++;
    }
}

static void strip_map(conf__loader *ld, conf__node *map, const conf_schema *s, conf__buf *path, int has_base)
{
    for (size_t i = 0; map->kind == CONF__MAP && i < map->n; i++) {
        const conf_field *f = field_of(s, map->keys[i]);
        size_t mark = path->len;
        path_key(path, map->keys[i]);
        if (f && f->type == CONF_STRUCT)
            strip_map(ld, map->items[i], f->sub, path, has_base);
        else if (f && f->type == CONF_LIST && map->items[i]->kind == CONF__SEQ)
            strip_list(ld, map->items[i], f, path, has_base);
        conf__buf_trunc(path, mark);
    }
}

void conf__strip(conf__loader *ld, conf__node *root, int has_base)
{
    conf__buf path;
    conf__buf_init(&path);
    strip_map(ld, root, ld->schema, &path, has_base);
    conf__buf_free(&path);
}

/*
 * conf/extends.c: reading scenario files and following `extends`.
 *
 * A file whose top level has `extends: base.yaml` is merged over its base
 * (loaded first, relative to the extending file's directory) at the tree
 * level, guided by the schema: structs merge key by key, lists of named
 * items merge item by item on their `name` (an item {name: x, remove: true}
 * deletes x; a new name close to a base name is remembered as a likely
 * misspelling), and any other value (a distribution, a map of shares, a
 * schedule, a quantity) replaces the base's whole. Nodes keep their own positions, so later
 * errors point into the file where each value was written. Files are
 * identified by device and inode to detect cycles; the chain is at most
 * CONF_MAX_EXTENDS_DEPTH files deep. Cost: O(size of all files) with hash
 * lookups for keys and names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/internal.h"
#include "conf/tree.h"

static void errno_text(int err, char *buf, size_t len)
{
    if (strerror_r(err, buf, len) != 0)
        snprintf(buf, len, "error %d", err);
}

/* Reads a whole file (at most CONF_MAX_FILE_BYTES + 1 bytes are kept).
 * Returns 0 with *buf (malloc'd) and *len, *size (the full size if known);
 * or -1 with errno. */
static int read_file(const char *path, char **buf, size_t *len, size_t *size, struct stat *st)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || S_ISDIR(st->st_mode)) {
        int e = S_ISDIR(st->st_mode) ? EISDIR : errno;
        close(fd);
        errno = e;
        return -1;
    }
    size_t cap = CONF_MAX_FILE_BYTES + 1, n = 0;
    char *b = malloc(cap + 1);
    if (!b) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    while (n < cap) {
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(b);
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    b[n] = '\0';
    *buf = b;
    *len = n;
    *size = S_ISREG(st->st_mode) && (size_t)st->st_size > n ? (size_t)st->st_size : n;
    return 0;
}

/* dir + "/" + rel (rel alone when it is absolute or dir is empty). */
static char *join_path(conf__loader *ld, const char *dir, size_t dirlen, const char *rel)
{
    conf__buf b;
    conf__buf_init(&b);
    if (rel[0] != '/' && dirlen) {
        conf__buf_add(&b, dir, dirlen);
        if (dir[dirlen - 1] != '/')
            conf__buf_puts(&b, "/");
    }
    conf__buf_puts(&b, rel);
    char *s = b.oom ? NULL : conf__strndup(ld, conf__buf_str(&b), b.len);
    conf__buf_free(&b);
    return s;
}

static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

/* ---- merging ---- */

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

/* Merges one key given in both files: nested structs merge key by key and
 * lists of named items by name; any other value (a distribution, a map of
 * shares, a schedule, a number, a key the schema does not know) is the
 * child's, whole. */
static conf__node *merge_value(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                               const conf_field *f)
{
    if (f && f->type == CONF_STRUCT)
        return merge(ld, base, child, path, f->sub);
    if (f && f->type == CONF_LIST)
        return merge(ld, base, child, path, f->sub);
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

static int all_named(const conf__node *seq)
{
    for (size_t i = 0; i < seq->n; i++)
        if (!conf__item_name(seq->items[i]))
            return 0;
    return 1;
}

/* 1 if the items of s are named (a CONF_F_NAME field). */
static int has_names(const conf_schema *s)
{
    for (size_t i = 0; s && i < s->nfields; i++)
        if (s->fields[i].flags & CONF_F_NAME)
            return 1;
    return 0;
}

/* Reports "<before>"<name>"<after>" at node `at`. */
static void name_error(conf__loader *ld, const conf__node *at, conf__buf *path, const char *before,
                       const conf__node *name, const char *after)
{
    conf__buf b;
    conf__buf_init(&b);
    conf__buf_escape(&b, name->text, name->len, 80);
    conf__error_pos(ld->ctx, &at->pos, conf__buf_str(path), "%s\"%s\"%s", before, conf__buf_str(&b), after);
    conf__buf_free(&b);
}

/* Checks an item {name: x, remove: true}; 1 if it is one, -1 if malformed. */
static int removal(conf__loader *ld, const conf__node *item, conf__buf *path)
{
    const conf__node *r = conf__map_get(item, "remove");
    if (!r)
        return 0;
    if (r->kind != CONF__SCALAR || strcmp(r->text, "true") != 0) {
        conf__buf b;
        conf__buf_init(&b);
        conf__describe(&b, r);
        size_t mark = path->len;
        conf__buf_puts(path, ".remove");
        conf__error_pos(ld->ctx, &r->pos, conf__buf_str(path), "expected true (to remove the item), got %s",
                        conf__buf_str(&b));
        conf__buf_trunc(path, mark);
        conf__buf_free(&b);
        return -1;
    }
    for (size_t k = 0; k < item->n; k++) {
        const conf__node *key = item->keys[k];
        if (strcmp(key->text, "name") != 0 && strcmp(key->text, "remove") != 0) {
            name_error(ld, key, path, "an item with remove: true takes no other keys, got ", key, "");
            return -1;
        }
    }
    return 1;
}

/* The name of the base's item closest to `name` (a likely misspelling),
 * or NULL. */
static const char *near_name(conf__loader *ld, const conf__node *base, const conf__node *name)
{
    const char **cands = base->n ? conf__alloc(ld, base->n * sizeof *cands) : NULL;
    if (!cands)
        return NULL;
    for (size_t i = 0; i < base->n; i++) {
        const conf__node *nm = conf__item_name(base->items[i]);
        cands[i] = nm ? nm->text : NULL;
    }
    return conf__suggest(name->text, cands, base->n);
}

/* Applies child item i to the merged list `out` (names -> index in out). */
static int merge_item(conf__loader *ld, conf__node *out, conf__strmap *names, conf__node *item, conf__buf *path,
                      const conf__node *base, const conf_schema *s)
{
    const conf__node *name = conf__item_name(item);
    size_t idx;
    int found = conf__strmap_get(names, name->text, name->len, &idx) && out->items[idx];
    int rm = removal(ld, item, path);
    if (rm < 0)
        return -1;
    if (rm) {
        if (!found) {
            const char *near = near_name(ld, base, name);
            conf__buf after;
            conf__buf_init(&after);
            conf__buf_puts(&after, ": the base scenario has no such item");
            if (near) {
                conf__buf_puts(&after, " (did you mean \"");
                conf__buf_escape(&after, near, strlen(near), 80);
                conf__buf_puts(&after, "\"?)");
            }
            name_error(ld, name, path, "cannot remove ", name, conf__buf_str(&after));
            conf__buf_free(&after);
            return -1;
        }
        out->items[idx] = NULL;
        return 0;
    }
    if (found) {
        out->items[idx] = merge(ld, out->items[idx], item, path, s);
        return out->items[idx] ? 0 : -1;
    }
    item->near = near_name(ld, base, name);
    if (conf__strmap_put(names, name->text, name->len, out->n, NULL) < 0 ||
        conf__node_push(ld, out, NULL, item) != 0)
        return -1;
    return 0;
}

/* Lists of named mappings: merge on the name. */
static conf__node *merge_named(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                               const conf_schema *s)
{
    conf__node *out = conf__node_new(ld, CONF__SEQ, &child->pos);
    conf__strmap names, seen;
    conf__strmap_init(&names);
    conf__strmap_init(&seen);
    int ok = out != NULL;
    for (size_t i = 0; ok && i < base->n; i++) {
        const conf__node *nm = conf__item_name(base->items[i]);
        ok = conf__strmap_put(&names, nm->text, nm->len, i, NULL) >= 0 &&
             conf__node_push(ld, out, NULL, base->items[i]) == 0;
    }
    for (size_t i = 0; ok && i < child->n; i++) {
        const conf__node *nm = conf__item_name(child->items[i]);
        size_t mark = path->len, first;
        conf__path_item(path, child->items[i], i);
        int r = conf__strmap_put(&seen, nm->text, nm->len, i, &first);
        if (r > 0) {
            char after[64];
            snprintf(after, sizeof after, " (first used at line %d)",
                     conf__item_name(child->items[first])->pos.line);
            conf__buf_puts(path, ".name");
            name_error(ld, nm, path, "duplicate name ", nm, after);
        }
        ok = r == 0 && merge_item(ld, out, &names, child->items[i], path, base, s) == 0;
        conf__buf_trunc(path, mark);
    }
    conf__strmap_free(&names);
    conf__strmap_free(&seen);
    if (!ok)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (out->items[i])
            out->items[k++] = out->items[i];
    out->n = k;
    return out;
}

/* Merges child over base, both values of the struct (or list items) s. */
static conf__node *merge(conf__loader *ld, conf__node *base, conf__node *child, conf__buf *path,
                         const conf_schema *s)
{
    if (base->kind == CONF__MAP && child->kind == CONF__MAP)
        return merge_map(ld, base, child, path, s);
    if (base->kind == CONF__SEQ && child->kind == CONF__SEQ && child->n > 0 && has_names(s) && all_named(base) &&
        all_named(child))
        return merge_named(ld, base, child, path, s);
    return child;
}

/* ---- the chain of files ---- */

static conf__node *load_path(conf__loader *ld, const char *path, const conf__node *from);

/* Removes `extends` from the top-level mapping; returns its value or NULL. */
static conf__node *take_extends(conf__node *root)
{
    for (size_t i = 0; i < root->n; i++) {
        if (strcmp(root->keys[i]->text, "extends") == 0 && root->keys[i]->len == 7) {
            conf__node *v = root->items[i];
            memmove(root->keys + i, root->keys + i + 1, (root->n - i - 1) * sizeof *root->keys);
            memmove(root->items + i, root->items + i + 1, (root->n - i - 1) * sizeof *root->items);
            root->n--;
            return v;
        }
    }
    return NULL;
}

/* Parses one file's text and merges it over what it extends. */
static conf__node *load_text(conf__loader *ld, const char *name, const char *buf, size_t len, const char *dir,
                             size_t dirlen, int can_extend)
{
    conf__node *root = conf__parse(ld, name, buf, len, 1);
    if (!root)
        return NULL;
    conf__node *ext = take_extends(root);
    if (!ext)
        return root;
    if (ext->kind != CONF__SCALAR || conf__is_null(ext) || ext->len == 0) {
        conf__buf b;
        conf__buf_init(&b);
        conf__describe(&b, ext);
        conf__error_pos(ld->ctx, &ext->pos, "extends", "expected the name of a scenario file, got %s",
                        conf__buf_str(&b));
        conf__buf_free(&b);
        return NULL;
    }
    if (!can_extend) {
        conf__error_pos(ld->ctx, &ext->pos, "extends", "not available here: the scenario was not read from a file");
        return NULL;
    }
    const char *base_path = join_path(ld, dir, dirlen, ext->text);
    if (!base_path) {
        conf__error_pos(ld->ctx, &ext->pos, "extends", "out of memory");
        return NULL;
    }
    conf__node *base = load_path(ld, base_path, ext);
    if (!base)
        return NULL;
    conf__buf path;
    conf__buf_init(&path);
    conf__node *merged = merge(ld, base, root, &path, ld->schema);
    conf__buf_free(&path);
    return merged;
}

/* 1 if the file is already in the chain (error reported at `from`). */
static int is_cycle(conf__loader *ld, const struct stat *st, const char *path, const conf__node *from)
{
    for (size_t i = 0; i < ld->nfiles; i++) {
        const struct conf__open_file *f = &ld->files[i];
        if (!f->has_id || f->dev != (unsigned long long)st->st_dev || f->ino != (unsigned long long)st->st_ino)
            continue;
        conf__buf b;
        conf__buf_init(&b);
        for (size_t k = i; k < ld->nfiles; k++) {
            conf__buf_escape_controls(&b, ld->files[k].name);
            conf__buf_puts(&b, " -> ");
        }
        conf__buf_escape_controls(&b, path);
        conf__error_pos(ld->ctx, from ? &from->pos : NULL, "extends", "cycle %s", conf__buf_str(&b));
        conf__buf_free(&b);
        return 1;
    }
    return 0;
}

static void open_error(conf__loader *ld, const char *path, const conf__node *from, int err)
{
    char msg[128];
    errno_text(err, msg, sizeof msg);
    if (from) {
        conf__buf b;
        conf__buf_init(&b);
        conf__buf_escape_controls(&b, path);
        conf__error_pos(ld->ctx, &from->pos, "extends", "cannot open %s: %s", conf__buf_str(&b), msg);
        conf__buf_free(&b);
    } else {
        conf__pos pos = {path, 0, 0, 0};
        conf__error_pos(ld->ctx, &pos, "", "cannot open: %s", msg);
    }
}

/* Loads the file at path (named by `from`, the extends value, or NULL for
 * the scenario itself). */
static conf__node *load_path(conf__loader *ld, const char *path, const conf__node *from)
{
    if (ld->nfiles > CONF_MAX_EXTENDS_DEPTH) {
        conf__error_pos(ld->ctx, from ? &from->pos : NULL, "extends",
                        "the chain of extended files is too long (more than %d)", CONF_MAX_EXTENDS_DEPTH);
        return NULL;
    }
    char *buf;
    size_t len, size;
    struct stat st;
    if (read_file(path, &buf, &len, &size, &st) != 0) {
        open_error(ld, path, from, errno);
        return NULL;
    }
    if (is_cycle(ld, &st, path, from)) {
        free(buf);
        return NULL;
    }
    struct conf__open_file *f = &ld->files[ld->nfiles++];
    f->name = path;
    f->dev = (unsigned long long)st.st_dev;
    f->ino = (unsigned long long)st.st_ino;
    f->has_id = 1;
    conf__node *root;
    if (size > CONF_MAX_FILE_BYTES) {
        conf__pos pos = {path, 0, 0, 0};
        conf__error_pos(ld->ctx, &pos, "", "file is too large: %zu bytes (the limit is 1 MiB)", size);
        root = NULL;
    } else {
        root = load_text(ld, path, buf, len, path, dir_len(path), 1);
    }
    ld->nfiles--;
    free(buf);
    return root;
}

conf__node *conf__load_tree_file(conf__loader *ld, const char *path)
{
    const char *name = conf__strndup(ld, path, strlen(path));
    if (!name) {
        conf__error_pos(ld->ctx, NULL, "", "out of memory");
        return NULL;
    }
    return load_path(ld, name, NULL);
}

conf__node *conf__load_tree_buffer(conf__loader *ld, const char *name, const char *buf, size_t len,
                                   const char *base_dir)
{
    const char *n = conf__strndup(ld, name, strlen(name));
    if (!n) {
        conf__error_pos(ld->ctx, NULL, "", "out of memory");
        return NULL;
    }
    struct conf__open_file *f = &ld->files[ld->nfiles++];
    f->name = n;
    f->has_id = 0;
    conf__node *root =
        load_text(ld, n, buf, len, base_dir ? base_dir : "", base_dir ? strlen(base_dir) : 0, base_dir != NULL);
    ld->nfiles--;
    return root;
}

/*
 * conf/extends.c: reading scenario files and following `extends`.
 *
 * A file whose top level has `extends: base.yaml` is merged over its base
 * (loaded first, relative to the extending file's directory, or to the
 * directory of the file a symbolic link points to) at the tree
 * level, guided by the schema (conf/merge.c). Files are
 * identified by device and inode to detect cycles; the chain is at most
 * CONF_MAX_EXTENDS_DEPTH files deep. Cost: O(size of all files) with hash
 * lookups for keys and names.
 */
#define _XOPEN_SOURCE 700 /* realpath */

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
    if (!ext) {
        conf__strip(ld, root, 0);
        return root;
    }
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
    conf__node *merged = conf__merge(ld, base, root);
    if (merged)
        conf__strip(ld, merged, 1);
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

/* The path a file's own `extends` is relative to: the file's, or for a
 * symbolic link the file it points to (a scenario linked from elsewhere
 * still finds the base beside it). The path itself if it cannot tell. */
static const char *target_of(conf__loader *ld, const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return path;
    char *real = realpath(path, NULL);
    const char *copy = real ? conf__strndup(ld, real, strlen(real)) : NULL;
    free(real);
    return copy ? copy : path;
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
        const char *dir = target_of(ld, path);
        root = load_text(ld, path, buf, len, dir, dir_len(dir), 1);
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

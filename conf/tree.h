/*
 * conf/tree.h (internal to conf/): the YAML document as a tree of nodes with
 * positions, built from libyaml's event stream, and the `extends` chain that
 * merges several such trees into one before binding.
 *
 * Invariants: every node lives in the loader's arena and is freed with it;
 * nodes are never shared (aliases are deep copies), so a merge may rewrite a
 * tree in place; every mapping key is a scalar and keys are unique (checked
 * before a tree is returned); no tree is deeper than CONF__MAX_DEPTH and one
 * load creates at most CONF__MAX_NODES nodes, so alias bombs and deep nesting
 * are refused instead of exhausting memory or the stack. Building a tree is
 * O(input size); merging is O(size of both trees).
 */
#ifndef CONF_TREE_H
#define CONF_TREE_H

#include <stddef.h>

#include "conf/schema.h"

/* Deepest nesting of lists and mappings accepted. */
#define CONF__MAX_DEPTH 64
/* Most nodes (values, keys, alias copies) one load may create. */
#define CONF__MAX_NODES 200000

/* Where a node was written: file display name, 1-based line and column
 * (line 0: the file as a whole), and the file's depth in the extends chain
 * (0: the scenario itself, 1: the file it extends, ...), so that of two
 * values the one written last can be blamed. */
typedef struct conf__pos {
    const char *file;
    int line, col;
    int depth;
} conf__pos;

typedef enum conf__kind { CONF__SCALAR, CONF__SEQ, CONF__MAP } conf__kind;

typedef struct conf__node conf__node;
struct conf__node {
    conf__kind kind;
    int quoted;          /* scalar written quoted or as a block scalar */
    int height;          /* 1 for scalars, 1 + tallest child otherwise */
    conf__pos pos;
    const char *text;    /* scalar text, NUL-terminated (shared by alias copies) */
    size_t len;          /* scalar length in bytes */
    size_t n, cap;       /* list items or mapping pairs */
    conf__node **items;  /* list items, or mapping values */
    conf__node **keys;   /* mapping keys (scalars) */
    const char *near;    /* a list item a child file added under a new name: the closest name in the
                            base's list (a likely misspelling), else NULL */
    int comma_cut;       /* a plain scalar next to a comma between digits, as `£35,000` written
                            unquoted inside [...] or {...} is cut in two: 1 for the part before the
                            comma, 2 for the part after (for a hint to quote it) */
};

/* The hint for a value with comma_cut set. */
#define CONF__COMMA_HINT                                                                                              \
    " (inside [...] or {...} a comma separates values: quote a number written with a thousands comma, as in "       \
    "\"£35,000 per year\")"

typedef struct conf__arena conf__arena;

/* An item a file removed from its base's list (`remove: true`), so that a
 * name left referring to it can say where it went. */
typedef struct conf__removed {
    const conf_schema *s;  /* the list's item schema */
    const char *key;       /* the item's key (conf__item_key: parts each followed by a NUL) */
    size_t len;
    conf__pos pos;         /* where the file removed it */
    struct conf__removed *next;
} conf__removed;

/* State of one load: the arena every node lives in, the node budget, the
 * stack of files being read (for extends cycles) and the items removed. */
typedef struct conf__loader {
    conf_ctx *ctx;
    const conf_schema *schema; /* of the whole scenario: tells extends which mappings are values */
    conf__arena *arena;
    size_t nodes;
    int over_budget;
    int unbudgeted; /* parsing a schema default: not counted */
    size_t nfiles;
    struct conf__open_file {
        const char *name;
        unsigned long long dev, ino;
        int has_id;
    } files[CONF_MAX_EXTENDS_DEPTH + 2];
    conf__removed *removed; /* in the arena, latest first */
} conf__loader;

/* 0, or -1 on OOM (nothing to free then). */
int conf__loader_init(conf__loader *ld, conf_ctx *ctx);
void conf__loader_free(conf__loader *ld);
/* Arena memory, zeroed, freed with the loader. NULL on OOM. */
void *conf__alloc(conf__loader *ld, size_t size);
char *conf__strndup(conf__loader *ld, const char *s, size_t len);

/* A new node (counted against the budget). NULL with an error in ctx if the
 * budget is spent or memory ran out. */
conf__node *conf__node_new(conf__loader *ld, conf__kind kind, const conf__pos *pos);
/* Appends an item (key NULL) to a list, or a key/value pair to a mapping.
 * 0, or -1 on OOM (error reported). */
int conf__node_push(conf__loader *ld, conf__node *parent, conf__node *key, conf__node *value);
/* The value of key in mapping m, or NULL. */
conf__node *conf__map_get(const conf__node *m, const char *key);
/* 1 for a plain null scalar: empty, ~, null, Null or NULL. */
int conf__is_null(const conf__node *n);
/* Appends what a node is, for "got ..." in messages: "a mapping", "a list",
 * "an empty list", "nothing" or the quoted, escaped text. */
struct conf__buf;
void conf__describe(struct conf__buf *b, const conf__node *n);
/* The scalar `name` of a list item (a mapping), or NULL if it has none. */
const conf__node *conf__item_name(const conf__node *item);
/* The field of s flagged CONF_F_NAME (an item's name), or NULL if s has
 * none or s is NULL. */
const conf_field *conf__name_field(const conf_schema *s);
/* 1 if the items of s have a key: a CONF_F_NAME field, or CONF_F_KEY
 * fields. */
int conf__keyed(const conf_schema *s);
/* The key of list item `item` of schema s, which extends merges on and
 * which is unique within a list: the text of its CONF_F_NAME field, or of
 * its CONF_F_KEY fields in schema order (one left out takes its default),
 * each part followed by a NUL, appended to key. 1 if the item has one; 0
 * if s defines none; -1 if the item has none (not a mapping, or a key
 * field missing with no default, null or not plain text). */
int conf__item_key(const conf__node *item, const conf_schema *s, struct conf__buf *key);
/* Appends the key's field names for messages: "name", "grade",
 * "pathway and stage". */
void conf__key_fields(struct conf__buf *b, const conf_schema *s);
/* Appends a key (len bytes from conf__item_key) for messages: "\"hit\"",
 * "\"core\" and \"step2\"". */
void conf__key_text(struct conf__buf *b, const char *key, size_t len);
/* Reports a second item of a list of s with the same key (the first at
 * line `first`): "expected one item per grade, got a second for \"hit\"
 * (the first is at line 4)". */
void conf__dup_key_error(conf_ctx *ctx, const conf__pos *pos, const char *path, const conf_schema *s,
                         const char *key, size_t len, int first);
/* Appends a list item's place to a key path: "[core]" for an item named
 * core ("[\"my team\"]" when the name is not a plain word), else "[i]". */
void conf__path_item(struct conf__buf *path, const conf__node *item, size_t i);

/* Parses YAML text into a tree. With whole_file, the text is a scenario
 * file: size, encoding, emptiness and a top-level mapping are checked too,
 * and positions take the depth ld->nfiles - 1 in the extends chain.
 * Without, it is a value written as YAML (a schema default); an empty text
 * gives a null scalar. Returns the root, or NULL with errors in ctx. */
conf__node *conf__parse(conf__loader *ld, const char *file, const char *buf, size_t len, int whole_file);

/* Merges the tree of a file (child) over the tree of the file it extends
 * (base), both top-level mappings of ld->schema, as conf/merge.c says;
 * both are rewritten. Returns the merged tree, or NULL if the merge could
 * not go on (errors in ctx; other problems are reported and the merge goes
 * on). */
conf__node *conf__merge(conf__loader *ld, conf__node *base, conf__node *child);
/* Removes what is left of the list instructions (remove, replace, new) in
 * a file's merged tree, which had no base item or list to act on; an item
 * to remove is reported (has_base 0: the file extends nothing, so the
 * message says there is no base). */
void conf__strip(conf__loader *ld, conf__node *root, int has_base);

/* Where a file removed the item of a list of s whose name is `name`, or
 * NULL if none did. */
const conf__pos *conf__removed_at(const conf__loader *ld, const conf_schema *s, const char *name);

/* Reads and parses the scenario at path and everything it extends, merged.
 * Returns the merged top-level mapping, or NULL with errors in ctx. */
conf__node *conf__load_tree_file(conf__loader *ld, const char *path);
/* As conf__load_tree_file for text in memory named `name`; a relative
 * extends is resolved against base_dir (NULL: extends is an error). */
conf__node *conf__load_tree_buffer(conf__loader *ld, const char *name, const char *buf, size_t len,
                                   const char *base_dir);

#endif

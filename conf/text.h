/*
 * conf/text.h (internal to conf/): small text utilities shared by the
 * scenario loader: a growable string buffer, escaping of user text for
 * messages, edit-distance suggestions, and a string-keyed hash map.
 *
 * Invariant: a conf__buf is always NUL-terminated once anything was added;
 * after a failed allocation it sets `oom` and ignores further additions (the
 * owner reports "out of memory" once). The hash map never owns its keys.
 * Costs: appends are amortised O(length); map operations are O(1) expected.
 */
#ifndef CONF_TEXT_H
#define CONF_TEXT_H

#include <stdarg.h>
#include <stddef.h>

typedef struct conf__buf {
    char *s;    /* owned; NULL until something is added */
    size_t len; /* bytes before the terminating NUL */
    size_t cap;
    int oom;    /* an allocation failed; contents are truncated */
} conf__buf;

void conf__buf_init(conf__buf *b);
void conf__buf_free(conf__buf *b);
/* Appends n bytes of s (which may contain NULs only if the caller wants them). */
void conf__buf_add(conf__buf *b, const char *s, size_t n);
void conf__buf_puts(conf__buf *b, const char *s);
void conf__buf_printf(conf__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void conf__buf_vprintf(conf__buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Cuts the text back to len bytes (len <= b->len). */
void conf__buf_trunc(conf__buf *b, size_t len);
/* The text ("" when empty). Owned by b. */
const char *conf__buf_str(const conf__buf *b);
/* Appends n bytes of user text for a message: backslash, double quote and
 * control characters escaped (\n, \t, \xNN), characters that do not show
 * (conf__invisible) as \uXXXX, cut after `max` input bytes with "..."
 * appended. Other valid UTF-8 is kept as is. */
void conf__buf_escape(conf__buf *b, const char *s, size_t n, size_t max);
/* 1 for a code point that prints as nothing or as blank space other than a
 * plain space: C1 controls, no-break and other spaces, zero-width and
 * direction marks, the byte-order mark, variation selectors, tags and
 * noncharacters. */
int conf__invisible(unsigned long cp);

/* Length of the valid UTF-8 character at s (n >= 1 bytes left): 1 for any
 * ASCII byte (NUL included), 2 to 4 for a well-formed multi-byte sequence,
 * 0 when the bytes are not valid UTF-8 (or the sequence is cut by n). */
size_t conf__utf8_len(const unsigned char *s, size_t n);

/* Appends s with only control characters escaped (\n, \t, \xNN): for file
 * names, which are shown as they are otherwise. */
void conf__buf_escape_controls(conf__buf *b, const char *s);

/* Edit distance of a and b in characters (code points; ASCII letters
 * compared case-insensitively): insertions, deletions, substitutions and
 * swaps of two neighbours count one each. limit + 1 if it is larger than
 * limit (or either string is too long to compare cheaply). */
size_t conf__edit_distance(const char *a, const char *b, size_t limit);
/* The candidate closest to word, if its distance is <= max(2, len/3) (ties:
 * the earliest); else NULL. cands may contain NULLs, which are skipped. */
const char *conf__suggest(const char *word, const char *const *cands, size_t n);
/* The candidate that word is most likely a slip of the keyboard for: at
 * edit distance 1 (2 for words of 6 characters or more), not equal to word,
 * and not differing from it only in digits (names in a series such as
 * pwp_2028 and pwp_2029); the earliest on ties; else NULL. A tighter test
 * than conf__suggest, for telling a misspelling from a new name. */
const char *conf__typo(const char *word, const char *const *cands, size_t n);

/* 1 if the n bytes at s are an identifier: 1 to max characters, each a
 * letter A-Z a-z, a digit, '_', '-' or '.', and not digits only. */
int conf__ident(const char *s, size_t n, size_t max);

/* Open-addressing map from byte strings to size_t. Keys are borrowed. */
typedef struct conf__strmap {
    struct conf__strmap_slot *slots; /* owned */
    size_t cap, n;
} conf__strmap;

void conf__strmap_init(conf__strmap *m);
void conf__strmap_free(conf__strmap *m);
/* Inserts key -> value unless key is present. Returns 0 if inserted, 1 if
 * the key was already there (*old set to its value when old != NULL), -1 if
 * memory ran out. */
int conf__strmap_put(conf__strmap *m, const char *key, size_t len, size_t value, size_t *old);
/* 1 and *value if key is present, else 0. */
int conf__strmap_get(const conf__strmap *m, const char *key, size_t len, size_t *value);

#endif

/*
 * conf/text.c: string buffer, message escaping, suggestions and the string
 * hash map used by the scenario loader (see conf/text.h).
 *
 * The edit distance is the optimal-string-alignment variant of Levenshtein
 * (a swap of two neighbours counts as one edit), a three-row dynamic
 * programme, O(|a|*|b|) time and O(|b|) space; it refuses strings longer than TEXT_MAX_COMPARE so
 * a hostile input cannot make suggestions quadratic in the file size.
 */
#include "conf/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SIM_SMALL_CAPACITY
#define BUF_MIN_CAPACITY 1
#define MAP_MIN_CAPACITY 2
#else
#define BUF_MIN_CAPACITY 64
#define MAP_MIN_CAPACITY 16
#endif
#define TEXT_MAX_COMPARE 128

void conf__buf_init(conf__buf *b) { memset(b, 0, sizeof *b); }

void conf__buf_free(conf__buf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

static int buf_reserve(conf__buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : BUF_MIN_CAPACITY;
    while (cap < need)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

void conf__buf_add(conf__buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void conf__buf_puts(conf__buf *b, const char *s) { conf__buf_add(b, s, strlen(s)); }

void conf__buf_vprintf(conf__buf *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (buf_reserve(b, (size_t)n))
        return;
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void conf__buf_printf(conf__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    conf__buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void conf__buf_trunc(conf__buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->s[len] = '\0';
    }
}

const char *conf__buf_str(const conf__buf *b) { return b->s ? b->s : ""; }

size_t conf__utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!len || len > n)
        return 0;
    for (size_t k = 1; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] >= 0x90))
        return 0; /* overlong, a surrogate, or beyond U+10FFFF */
    return len;
}

/* The code point of a valid UTF-8 sequence of len bytes. */
static unsigned long utf8_cp(const unsigned char *s, size_t len)
{
    unsigned long v = len == 1 ? s[0] : s[0] & (0x3Fu >> (len - 1));
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (s[i] & 0x3Fu);
    return v;
}

int conf__invisible(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD || cp == 0x034F || cp == 0x061C || cp == 0x115F ||
           cp == 0x1160 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
           (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0xE0000 && cp <= 0xE0FFF) ||
           (cp & 0xFFFE) == 0xFFFE;
}

void conf__buf_escape(conf__buf *b, const char *s, size_t n, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && i < max) {
        unsigned char c = u[i];
        if (c == '\\' || c == '"') {
            char e[2] = {'\\', (char)c};
            conf__buf_add(b, e, 2);
        } else if (c == '\n') {
            conf__buf_puts(b, "\\n");
        } else if (c == '\t') {
            conf__buf_puts(b, "\\t");
        } else if (c >= 0x20 && c < 0x7F) {
            conf__buf_add(b, s + i, 1);
        } else if (c >= 0x80 && conf__utf8_len(u + i, n - i)) {
            size_t len = conf__utf8_len(u + i, n - i);
            unsigned long cp = utf8_cp(u + i, len);
            if (conf__invisible(cp))
                conf__buf_printf(b, cp > 0xFFFF ? "\\U%08lx" : "\\u%04lx", cp);
            else
                conf__buf_add(b, s + i, len);
            i += len;
            continue;
        } else {
            conf__buf_printf(b, "\\x%02x", c);
        }
        i++;
    }
    if (i < n)
        conf__buf_puts(b, "...");
}

void conf__buf_escape_controls(conf__buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n')
            conf__buf_puts(b, "\\n");
        else if (c == '\t')
            conf__buf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7F)
            conf__buf_printf(b, "\\x%02x", c);
        else
            conf__buf_add(b, s, 1);
    }
}

static unsigned long lower(unsigned long c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Decodes s into at most TEXT_MAX_COMPARE code points (invalid bytes count
 * as one each). Returns the count, or TEXT_MAX_COMPARE + 1 if s is longer. */
static size_t code_points(const char *s, unsigned long *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0, left = strlen(s);
    while (left) {
        if (n == TEXT_MAX_COMPARE)
            return TEXT_MAX_COMPARE + 1;
        size_t len = conf__utf8_len(u, left);
        out[n++] = len ? lower(utf8_cp(u, len)) : u[0];
        len = len ? len : 1;
        u += len;
        left -= len;
    }
    return n;
}

size_t conf__edit_distance(const char *a, const char *b, size_t limit)
{
    unsigned long ca[TEXT_MAX_COMPARE], cb[TEXT_MAX_COMPARE];
    size_t la = code_points(a, ca), lb = code_points(b, cb);
    if (la > TEXT_MAX_COMPARE || lb > TEXT_MAX_COMPARE)
        return limit + 1;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    size_t rows[3][TEXT_MAX_COMPARE + 1];
    size_t *before = rows[0], *prev = rows[1], *row = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (ca[i - 1] != cb[j - 1]);
            size_t del = prev[j] + 1, ins = row[j - 1] + 1;
            size_t best = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] && before[j - 2] + 1 < best)
                best = before[j - 2] + 1; /* two neighbours swapped */
            row[j] = best;
        }
        size_t *t = before;
        before = prev;
        prev = row;
        row = t;
    }
    return prev[lb] > limit ? limit + 1 : prev[lb];
}

int conf__ident(const char *s, size_t n, size_t max)
{
    int digits_only = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int digit = c >= '0' && c <= '9';
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit || c == '_' || c == '-' || c == '.'))
            return 0;
        digits_only &= digit;
    }
    return n > 0 && n <= max && !digits_only;
}

const char *conf__suggest(const char *word, const char *const *cands, size_t n)
{
    unsigned long cp[TEXT_MAX_COMPARE];
    size_t len = code_points(word, cp), limit = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = conf__edit_distance(word, cands[i], limit);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}

/* Removes the digits of s (at most TEXT_MAX_COMPARE bytes kept). */
static void no_digits(const char *s, char *out)
{
    size_t n = 0;
    for (; *s && n < TEXT_MAX_COMPARE * 4; s++)
        if (*s < '0' || *s > '9')
            out[n++] = *s;
    out[n] = '\0';
}

const char *conf__typo(const char *word, const char *const *cands, size_t n)
{
    unsigned long cp[TEXT_MAX_COMPARE];
    size_t len = code_points(word, cp), limit = len >= 6 ? 2 : 1;
    char bare[TEXT_MAX_COMPARE * 4 + 1], other[TEXT_MAX_COMPARE * 4 + 1];
    no_digits(word, bare);
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || strcmp(cands[i], word) == 0)
            continue;
        no_digits(cands[i], other);
        if (strcmp(bare, other) == 0)
            continue; /* pwp_2029 after pwp_2028: a series, not a slip */
        size_t d = conf__edit_distance(word, cands[i], limit);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}

typedef struct conf__strmap_slot {
    const char *key; /* NULL: empty */
    size_t len;
    size_t value;
} strmap_slot;

static size_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 29));
}

void conf__strmap_init(conf__strmap *m) { memset(m, 0, sizeof *m); }

void conf__strmap_free(conf__strmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static strmap_slot *find_slot(strmap_slot *slots, size_t cap, const char *key, size_t len)
{
    size_t i = hash_bytes(key, len) & (cap - 1);
    while (slots[i].key && !(slots[i].len == len && memcmp(slots[i].key, key, len) == 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int strmap_grow(conf__strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : MAP_MIN_CAPACITY;
    strmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *find_slot(slots, cap, m->slots[i].key, m->slots[i].len) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int conf__strmap_put(conf__strmap *m, const char *key, size_t len, size_t value, size_t *old)
{
    if ((m->n + 1) * 4 > m->cap * 3 && strmap_grow(m))
        return -1;
    strmap_slot *s = find_slot(m->slots, m->cap, key, len);
    if (s->key) {
        if (old)
            *old = s->value;
        return 1;
    }
    s->key = key;
    s->len = len;
    s->value = value;
    m->n++;
    return 0;
}

int conf__strmap_get(const conf__strmap *m, const char *key, size_t len, size_t *value)
{
    if (!m->cap)
        return 0;
    const strmap_slot *s = find_slot(m->slots, m->cap, key, len);
    if (!s->key)
        return 0;
    *value = s->value;
    return 1;
}

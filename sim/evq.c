/*
 * sim/evq.c: 4-ary min-heap of 16-byte entries with lazy cancellation.
 *
 * Heap entry: {tkey, key}. tkey is the event time's IEEE-754 bits mapped so
 * that unsigned integer order is numeric order (-0.0 is folded into +0.0
 * first); key = prio (8 bits) | seq (32 bits) | slot (24 bits). Comparing
 * (tkey, key) as one 128-bit unsigned number is exactly the (time, priority,
 * insertion) rule, because seq is unique among pending events; the slot bits
 * never decide. Integer comparison lets the four children of a node be
 * compared without branches. The slot indexes a 16-byte record holding the
 * payload and the slot's generation, read once when the event is popped.
 * When seq would wrap after 2^32 pushes, pending events are renumbered in
 * their current order (O(n log n), once per four billion events), so FIFO
 * order survives any run length. At most 2^24 - 1 events can be pending.
 *
 * Layout: heap[1] starts a 64-byte cache line, so the four children of any
 * node (4i+1 .. 4i+4) share one line. Entries from n up to cap + 3 hold a
 * sentinel greater than any event, so a node's last child group never needs
 * a bounds check.
 *
 * Deferred root removal: a pop leaves a hole at the root instead of moving
 * the last entry up at once. The next push drops its entry into the hole
 * and sifts it down (one pass instead of a sift-down and a sift-up, the
 * common pattern of an event handler scheduling the next event); any other
 * operation fills the hole from the last entry first.
 *
 * Invariants: heap[0..n) is a heap under entry_less, except that heap[0] is
 * meaningless while `hole` is set (then n counts the hole); heap[n..cap+4)
 * are sentinels; a slot's info is gen*2 + cancelled, and every handle issued
 * for its current use carries gen. A slot's gen is bumped when its entry
 * leaves the heap.
 */
#include "sim/evq.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef SIM_SMALL_CAPACITY
#define EVQ_DEFAULT_CAPACITY 1
#else
#define EVQ_DEFAULT_CAPACITY 1024
#endif
#define SLOT_BITS 24
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define SEQ_BITS 32
#define SEQ_SHIFT SLOT_BITS
#define PRIO_SHIFT (SLOT_BITS + SEQ_BITS)
#define MAX_SLOTS ((size_t)SLOT_MASK) /* slot indices 0 .. 2^24 - 2 */
#define LINE 64                        /* cache line bytes */
#define LEAD 3                         /* entries before heap[0] so heap[1] is line-aligned */
#define PAD 4                          /* sentinels after the last usable entry */

typedef struct entry {
    uint64_t tkey;
    uint64_t key;
} entry;

static const entry SENTINEL = {UINT64_MAX, UINT64_MAX};

typedef struct slot_rec {
    uint64_t data;
    uint32_t kind;
    uint32_t info; /* gen << 1 | cancelled */
} slot_rec;

struct sim_evq {
    entry *heap;        /* = base + LEAD */
    entry *base;        /* line-aligned allocation */
    size_t n, cap;
    int hole;           /* root removed, not yet refilled */
    slot_rec *slots;
    uint32_t *free;     /* stack of free slots */
    size_t nfree, nslots, slot_cap;
    size_t max_slots;   /* the pending-event limit: MAX_SLOTS but for tests */
    size_t ncancelled;  /* cancelled entries still in the heap */
    uint64_t seq;       /* next sequence number, < 2^32 */
};

/* Order-preserving map of a non-NaN double to 64 bits. */
static inline uint64_t time_key(double t)
{
    t += 0.0; /* -0.0 becomes +0.0 */
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    return (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
}

/* The inverse of time_key: the time a tkey encodes. */
static inline double key_time(uint64_t k)
{
    uint64_t b = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
    double t;
    memcpy(&t, &b, sizeof t);
    return t;
}

/* (tkey, key) < (tkey, key) lexicographically. As one 128-bit comparison
 * where the compiler has the type (a compare and a subtract-with-borrow, no
 * branch), else with bitwise operators so it stays branch-free. */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128;
static inline int entry_less(const entry *a, const entry *b)
{
    return (((u128)a->tkey << 64) | a->key) < (((u128)b->tkey << 64) | b->key);
}
#else
static inline int entry_less(const entry *a, const entry *b)
{
    return (a->tkey < b->tkey) | ((a->tkey == b->tkey) & (a->key < b->key));
}
#endif

/* The slot index an entry carries in its low SLOT_BITS bits. */
static inline uint32_t entry_slot(const entry *e) { return (uint32_t)(e->key & SLOT_MASK); }

/* Allocates a line-aligned heap array for cap entries plus lead and pad,
 * copying the first `keep` entries of old (if any) and filling the rest with
 * sentinels. Returns the new base or NULL. */
static entry *heap_alloc(size_t cap, const entry *old, size_t keep)
{
    size_t bytes = (LEAD + cap + PAD) * sizeof(entry);
    bytes = (bytes + LINE - 1) / LINE * LINE;
    entry *base = aligned_alloc(LINE, bytes);
    if (!base)
        return NULL;
    entry *h = base + LEAD;
    if (keep)
        memcpy(h, old, keep * sizeof *h);
    for (size_t i = keep; i < cap + PAD; i++)
        h[i] = SENTINEL;
    return base;
}

sim_evq *sim_evq_create(size_t capacity)
{
    sim_evq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->max_slots = MAX_SLOTS;
    q->cap = capacity ? capacity : EVQ_DEFAULT_CAPACITY;
    if (q->cap > MAX_SLOTS)
        q->cap = MAX_SLOTS;
    q->slot_cap = q->cap;
    q->base = heap_alloc(q->cap, NULL, 0);
    q->slots = malloc(q->slot_cap * sizeof *q->slots);
    q->free = malloc(q->slot_cap * sizeof *q->free);
    if (!q->base || !q->slots || !q->free) {
        sim_evq_destroy(q);
        return NULL;
    }
    q->heap = q->base + LEAD;
    return q;
}

void sim_evq_destroy(sim_evq *q)
{
    if (!q)
        return;
    free(q->base);
    free(q->slots);
    free(q->free);
    free(q);
}

/* Doubles the heap array, keeping its entries. 0, or -1 on OOM (then the
 * queue is unchanged). */
static int grow_heap(sim_evq *q)
{
    size_t ncap = q->cap * 2;
    entry *nb = heap_alloc(ncap, q->heap, q->n);
    if (!nb)
        return -1;
    free(q->base);
    q->base = nb;
    q->heap = nb + LEAD;
    q->cap = ncap;
    return 0;
}

/* Doubles the slot arrays, up to the limit. 0, or -1 at the limit or on OOM
 * (the arrays are then unchanged or merely larger). */
static int grow_slots(sim_evq *q)
{
    size_t ncap = q->slot_cap * 2 > q->max_slots ? q->max_slots : q->slot_cap * 2;
    if (ncap <= q->slot_cap)
        return -1;
    slot_rec *sl = realloc(q->slots, ncap * sizeof *sl);
    if (!sl)
        return -1;
    q->slots = sl;
    uint32_t *fr = realloc(q->free, ncap * sizeof *fr);
    if (!fr)
        return -1;
    q->free = fr;
    q->slot_cap = ncap;
    return 0;
}

/* Takes a slot for a new entry; returns its index, or UINT32_MAX when out
 * of memory or at the pending-event limit. */
static uint32_t take_slot(sim_evq *q)
{
    if (q->nfree)
        return q->free[--q->nfree];
    if (q->nslots == q->slot_cap && grow_slots(q))
        return UINT32_MAX;
    q->slots[q->nslots].info = 0;
    return (uint32_t)q->nslots++;
}

/* Retires a slot whose entry has left the heap: bump its generation. */
static void drop_slot(sim_evq *q, uint32_t slot)
{
    q->slots[slot].info = ((q->slots[slot].info >> 1) + 1) << 1;
    q->free[q->nfree++] = slot;
}

/* Stores x, which belongs at index i or above, moving larger parents down. */
static void sift_up(entry *h, size_t i, entry x)
{
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!entry_less(&x, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

/* Index of the least of the four entries h[c..c+3] (sentinels past the end
 * make a short group safe), found without branches. */
static inline size_t least_of_four(const entry *h, size_t c)
{
    size_t a = c + (size_t)entry_less(&h[c + 1], &h[c]);
    size_t b = c + 2 + (size_t)entry_less(&h[c + 3], &h[c + 2]);
    return entry_less(&h[b], &h[a]) ? b : a;
}

/* Asks for the four cache lines holding the children of h[c..c+3] (entries
 * 4c+1 .. 4c+16, contiguous), so the next level's loads overlap this
 * level's comparisons. */
static inline void prefetch_grandchildren(const entry *h, size_t n, size_t c)
{
#if defined(__GNUC__)
    size_t g = 4 * c + 1;
    if (g < n)
        for (size_t k = 0; k < 16; k += 4)
            __builtin_prefetch(&h[g + k]);
#else
    (void)h, (void)n, (void)c;
#endif
}

/* Stores x, which belongs at index i or below in the n-entry heap h, moving
 * smaller children up (n excludes sentinels; the four-child groups may
 * read them). */
static void sift_down(entry *h, size_t n, size_t i, entry x)
{
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        prefetch_grandchildren(h, n, c);
        size_t m = least_of_four(h, c);
        if (!entry_less(&h[m], &x))
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = x;
}

/* Refills a hole left at the root by a pop with the last entry. */
static void fill_hole(sim_evq *q)
{
    if (!q->hole)
        return;
    q->hole = 0;
    entry last = q->heap[--q->n];
    q->heap[q->n] = SENTINEL;
    if (q->n)
        sift_down(q->heap, q->n, 0, last);
}

/* qsort order of entries: entry_less as -1, 0 or 1. */
static int cmp_entries(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return entry_less(x, y) ? -1 : entry_less(y, x) ? 1 : 0;
}

/* Sequence numbers are about to wrap: renumber pending events 0..n-1 in
 * their current order. A sorted array is a valid heap. */
static void renumber(sim_evq *q)
{
    fill_hole(q);
    qsort(q->heap, q->n, sizeof *q->heap, cmp_entries);
    for (size_t i = 0; i < q->n; i++) {
        uint64_t k = q->heap[i].key;
        q->heap[i].key = (k & ~(((UINT64_C(1) << SEQ_BITS) - 1) << SEQ_SHIFT)) | ((uint64_t)i << SEQ_SHIFT);
    }
    q->seq = q->n;
}

/* The handle of the slot's current use (never 0). */
static sim_handle make_handle(const sim_evq *q, uint32_t slot, unsigned prio)
{
    /* handle: gen (32) | prio (8) | slot + 1 (24) */
    return ((uint64_t)(q->slots[slot].info >> 1) << 32) | ((uint64_t)prio << SLOT_BITS) | ((uint64_t)slot + 1);
}

sim_handle sim_evq_push(sim_evq *q, double time, unsigned prio, uint32_t kind, uint64_t data)
{
    assert(!isnan(time));
    assert(prio <= SIM_PRIO_MAX);
    if (!q->hole && q->n == q->cap && grow_heap(q))
        return 0;
    uint32_t slot = take_slot(q);
    if (slot == UINT32_MAX)
        return 0;
    if (q->seq >> SEQ_BITS)
        renumber(q);
    slot_rec *r = &q->slots[slot];
    r->data = data;
    r->kind = kind;
    entry x = {time_key(time), ((uint64_t)prio << PRIO_SHIFT) | (q->seq++ << SEQ_SHIFT) | slot};
    if (q->hole) {
        q->hole = 0;
        sift_down(q->heap, q->n, 0, x);
    } else {
        sift_up(q->heap, q->n++, x);
    }
    return make_handle(q, slot, prio);
}

/* Discards cancelled entries at the top; afterwards there is no hole and
 * the root, if any, is live. */
static void skip_cancelled(sim_evq *q)
{
    fill_hole(q);
    while (q->n && (q->slots[entry_slot(&q->heap[0])].info & 1u)) {
        drop_slot(q, entry_slot(&q->heap[0]));
        q->ncancelled--;
        q->hole = 1;
        fill_hole(q);
    }
}

int sim_evq_pop(sim_evq *q, sim_ev *out) { return sim_evq_pop_until(q, INFINITY, out); }

int sim_evq_pop_until(sim_evq *q, double until, sim_ev *out)
{
    skip_cancelled(q);
    if (!q->n)
        return 0;
    const entry e = q->heap[0];
    double t = key_time(e.tkey);
    if (!(t <= until))
        return 0;
    q->hole = 1;
    uint32_t slot = entry_slot(&e);
    out->time = t;
    out->data = q->slots[slot].data;
    out->kind = q->slots[slot].kind;
    out->prio = (unsigned)(e.key >> PRIO_SHIFT);
    drop_slot(q, slot);
    return 1;
}

double sim_evq_next_time(sim_evq *q)
{
    skip_cancelled(q);
    return q->n ? key_time(q->heap[0].tkey) : INFINITY;
}

/* Slot of a handle if it names a pending, uncancelled event, else UINT32_MAX.
 * A slot that was freed has a bumped generation, so a matching gen means the
 * event is still in the heap. */
static uint32_t live_slot(const sim_evq *q, sim_handle h)
{
    uint64_t s1 = h & SLOT_MASK;
    if (s1 == 0 || s1 > q->nslots)
        return UINT32_MAX;
    uint32_t slot = (uint32_t)(s1 - 1);
    uint32_t info = q->slots[slot].info;
    if ((info & 1u) || (info >> 1) != (uint32_t)(h >> 32))
        return UINT32_MAX;
    return slot;
}

int sim_evq_pending(const sim_evq *q, sim_handle h) { return live_slot(q, h) != UINT32_MAX; }

/* Rebuilds the heap without cancelled entries (Floyd's heapify, O(n)). */
static void compact(sim_evq *q)
{
    fill_hole(q);
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++) {
        uint32_t slot = entry_slot(&q->heap[i]);
        if (q->slots[slot].info & 1u)
            drop_slot(q, slot);
        else
            q->heap[k++] = q->heap[i];
    }
    for (size_t i = k; i < q->n; i++)
        q->heap[i] = SENTINEL;
    q->n = k;
    q->ncancelled = 0;
    if (k > 1)
        for (size_t i = (k - 2) / 4 + 1; i-- > 0;)
            sift_down(q->heap, k, i, q->heap[i]);
}

int sim_evq_cancel(sim_evq *q, sim_handle h)
{
    uint32_t slot = live_slot(q, h);
    if (slot == UINT32_MAX)
        return 0;
    q->slots[slot].info |= 1u;
    q->ncancelled++;
    if (q->ncancelled > 32 && q->ncancelled * 2 > q->n)
        compact(q);
    return 1;
}

sim_handle sim_evq_reschedule(sim_evq *q, sim_handle h, double time)
{
    uint32_t slot = live_slot(q, h);
    if (slot == UINT32_MAX)
        return 0;
    const slot_rec r = q->slots[slot];
    sim_handle nh = sim_evq_push(q, time, (unsigned)((h >> SLOT_BITS) & 0xffu), r.kind, r.data);
    if (nh)
        sim_evq_cancel(q, h);
    return nh;
}

size_t sim_evq_size(const sim_evq *q) { return q->n - (size_t)q->hole - q->ncancelled; }

size_t sim_evq_capacity(const sim_evq *q) { return q->cap; }

void sim_evq_test_set_seq(sim_evq *q, uint64_t seq)
{
    assert(sim_evq_size(q) == 0 && q->n == (size_t)q->hole && seq >> SEQ_BITS == 0);
    q->seq = seq;
}

void sim_evq_test_set_limit(sim_evq *q, size_t max_pending)
{
    assert(max_pending >= 1 && max_pending <= MAX_SLOTS && max_pending >= q->nslots);
    q->max_slots = max_pending;
    if (q->slot_cap > max_pending)
        q->slot_cap = max_pending; /* the arrays stay larger; only the limit counts */
}

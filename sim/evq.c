/*
 * sim/evq.c: 4-ary min-heap of 16-byte entries with lazy cancellation.
 *
 * Heap entry: {time, key} with key = prio (8 bits) | seq (32 bits) | slot
 * (24 bits). Comparing (time, key) is exactly the (time, priority, insertion)
 * rule, because seq is unique among pending events; the slot bits never
 * decide. The slot indexes a 16-byte record holding the payload and the
 * slot's generation, read once when the event is popped. When seq would wrap
 * after 2^32 pushes, pending events are renumbered in their current order
 * (O(n log n), once per four billion events), so FIFO order survives any run
 * length. At most 2^24 - 1 events can be pending at once.
 *
 * Invariants: heap[0..n) is a heap under entry_less; a slot's info is
 * gen*2 + cancelled, and every handle issued for its current use carries gen.
 * A slot's gen is bumped when its entry leaves the heap.
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

typedef struct entry {
    double time;
    uint64_t key;
} entry;

typedef struct slot_rec {
    uint64_t data;
    uint32_t kind;
    uint32_t info; /* gen << 1 | cancelled */
} slot_rec;

struct sim_evq {
    entry *heap;
    size_t n, cap;
    slot_rec *slots;
    uint32_t *free;     /* stack of free slots */
    size_t nfree, nslots, slot_cap;
    size_t ncancelled;  /* cancelled entries still in the heap */
    uint64_t seq;       /* next sequence number, < 2^32 */
};

static inline int entry_less(const entry *a, const entry *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static inline uint32_t entry_slot(const entry *e) { return (uint32_t)(e->key & SLOT_MASK); }

sim_evq *sim_evq_create(size_t capacity)
{
    sim_evq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->cap = capacity ? capacity : EVQ_DEFAULT_CAPACITY;
    if (q->cap > MAX_SLOTS)
        q->cap = MAX_SLOTS;
    q->slot_cap = q->cap;
    q->heap = malloc(q->cap * sizeof *q->heap);
    q->slots = malloc(q->slot_cap * sizeof *q->slots);
    q->free = malloc(q->slot_cap * sizeof *q->free);
    if (!q->heap || !q->slots || !q->free) {
        sim_evq_destroy(q);
        return NULL;
    }
    return q;
}

void sim_evq_destroy(sim_evq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q->slots);
    free(q->free);
    free(q);
}

static int grow_heap(sim_evq *q)
{
    size_t ncap = q->cap * 2;
    entry *h = realloc(q->heap, ncap * sizeof *h);
    if (!h)
        return -1;
    q->heap = h;
    q->cap = ncap;
    return 0;
}

static int grow_slots(sim_evq *q)
{
    size_t ncap = q->slot_cap * 2 > MAX_SLOTS ? MAX_SLOTS : q->slot_cap * 2;
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

static void sift_down(entry *h, size_t n, size_t i, entry x)
{
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t m = c;
        size_t end = c + 4 < n ? c + 4 : n;
        for (size_t j = c + 1; j < end; j++)
            if (entry_less(&h[j], &h[m]))
                m = j;
        if (!entry_less(&h[m], &x))
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = x;
}

static int cmp_entries(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return entry_less(x, y) ? -1 : entry_less(y, x) ? 1 : 0;
}

/* Sequence numbers are about to wrap: renumber pending events 0..n-1 in
 * their current order. A sorted array is a valid heap. */
static void renumber(sim_evq *q)
{
    qsort(q->heap, q->n, sizeof *q->heap, cmp_entries);
    for (size_t i = 0; i < q->n; i++) {
        uint64_t k = q->heap[i].key;
        q->heap[i].key = (k & ~(((UINT64_C(1) << SEQ_BITS) - 1) << SEQ_SHIFT)) | ((uint64_t)i << SEQ_SHIFT);
    }
    q->seq = q->n;
}

static sim_handle make_handle(const sim_evq *q, uint32_t slot, unsigned prio)
{
    /* handle: gen (32) | prio (8) | slot + 1 (24) */
    return ((uint64_t)(q->slots[slot].info >> 1) << 32) | ((uint64_t)prio << SLOT_BITS) | ((uint64_t)slot + 1);
}

sim_handle sim_evq_push(sim_evq *q, double time, unsigned prio, uint32_t kind, uint64_t data)
{
    assert(!isnan(time));
    assert(prio <= SIM_PRIO_MAX);
    if (q->n == q->cap && grow_heap(q))
        return 0;
    uint32_t slot = take_slot(q);
    if (slot == UINT32_MAX)
        return 0;
    if (q->seq >> SEQ_BITS)
        renumber(q);
    slot_rec *r = &q->slots[slot];
    r->data = data;
    r->kind = kind;
    entry x = {time, ((uint64_t)prio << PRIO_SHIFT) | (q->seq++ << SEQ_SHIFT) | slot};
    sift_up(q->heap, q->n++, x);
    return make_handle(q, slot, prio);
}

/* Removes the root entry (the heap must be non-empty). */
static entry remove_root(sim_evq *q)
{
    entry top = q->heap[0];
    entry last = q->heap[--q->n];
    if (q->n)
        sift_down(q->heap, q->n, 0, last);
    return top;
}

/* Discards cancelled entries at the top; afterwards the root, if any, is live. */
static void skip_cancelled(sim_evq *q)
{
    while (q->n && (q->slots[entry_slot(&q->heap[0])].info & 1u)) {
        entry e = remove_root(q);
        drop_slot(q, entry_slot(&e));
        q->ncancelled--;
    }
}

int sim_evq_pop(sim_evq *q, sim_ev *out) { return sim_evq_pop_until(q, INFINITY, out); }

int sim_evq_pop_until(sim_evq *q, double until, sim_ev *out)
{
    skip_cancelled(q);
    if (!q->n || !(q->heap[0].time <= until))
        return 0;
    entry e = remove_root(q);
    uint32_t slot = entry_slot(&e);
    out->time = e.time;
    out->data = q->slots[slot].data;
    out->kind = q->slots[slot].kind;
    out->prio = (unsigned)(e.key >> PRIO_SHIFT);
    drop_slot(q, slot);
    return 1;
}

double sim_evq_next_time(sim_evq *q)
{
    skip_cancelled(q);
    return q->n ? q->heap[0].time : INFINITY;
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
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++) {
        uint32_t slot = entry_slot(&q->heap[i]);
        if (q->slots[slot].info & 1u)
            drop_slot(q, slot);
        else
            q->heap[k++] = q->heap[i];
    }
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

size_t sim_evq_size(const sim_evq *q) { return q->n - q->ncancelled; }

size_t sim_evq_capacity(const sim_evq *q) { return q->cap; }

/*
 * models/staff.c: clinicians, memberships, free-place lists and diaries.
 */
#include "models/staff.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/flow.h"
#include "models/groups.h"
#include "models/workforce.h"

#define RING(d) ((d) & (IAPT_DIARY_DAYS - 1))

unsigned iapt_grade_steps(const state *st, int32_t grade)
{
    unsigned steps = 0;
    for (int s = 0; s < IAPT_NSTEPS; s++) {
        const conf_reflist *g = &st->sc->steps[s].grades;
        for (size_t i = 0; i < g->n; i++)
            if (g->index[i] == grade)
                steps |= 1u << s;
    }
    return steps;
}

static int grow(void **arr, int32_t *cap, int32_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    int32_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *a = realloc(*arr, (size_t)ncap * size);
    if (!a)
        return -1;
    *arr = a;
    *cap = ncap;
    return 0;
}

static int grow_diaries(state *st, int32_t rows)
{
    if (rows <= st->diary_rows)
        return 0;
    int32_t n = st->diary_rows ? st->diary_rows : 16;
    while (n < rows)
        n *= 2;
    size_t bytes = (size_t)n * IAPT_DIARY_DAYS * sizeof(int32_t);
    int32_t *cap = realloc(st->diary_cap, bytes);
    if (!cap)
        return -1;
    st->diary_cap = cap;
    int32_t *fr = realloc(st->diary_free, bytes);
    if (!fr)
        return -1;
    st->diary_free = fr;
    st->diary_rows = n;
    return 0;
}

static int add_memberships(state *st, int32_t c, unsigned steps)
{
    clinician *cl = &st->c[c];
    int32_t nt = (int32_t)st->sc->workforce.teams.n;
    cl->mem0 = st->nmem;
    cl->nmem = 0;
    /* One membership per team and step, even at a zero share, so that a
     * transfer only changes shares and the memberships stay contiguous. */
    for (int32_t t = 0; t < nt; t++) {
        for (int s = 0; s < IAPT_NSTEPS; s++) {
            if (!(steps & (1u << s)))
                continue;
            if (grow((void **)&st->mem, &st->memcap, st->nmem + 1, sizeof *st->mem))
                return -1;
            membership *k = &st->mem[st->nmem++];
            memset(k, 0, sizeof *k);
            k->clin = c, k->team = t, k->step = s;
            k->share = cl->team_share[t];
            k->fnext = k->fprev = IAPT_NONE;
            cl->nmem++;
        }
    }
    return 0;
}

static void open_diary(state *st, int32_t c)
{
    for (int32_t d = st->today; d < st->today + IAPT_DIARY_DAYS; d++) {
        size_t i = (size_t)c * IAPT_DIARY_DAYS + (size_t)RING(d);
        st->diary_cap[i] = st->diary_free[i] = iapt_diary_capacity(st, c, d);
    }
}

iapt_staff_spec iapt_staff_spec_of_grade(const state *st, int32_t grade)
{
    const iapt_grade_cfg *g = IAPT_ITEM(st->sc->workforce.grades, iapt_grade_cfg, grade);
    return (iapt_staff_spec){.grade = grade, .wte = 1, .programme = IAPT_NONE, .cap_factor = 1,
                             .clinical_hours = g->clinical_hours, .caseload = g->caseload, .leave = g->leave};
}

int32_t iapt_staff_add(state *st, const iapt_staff_spec *spec)
{
    int32_t nt = (int32_t)st->sc->workforce.teams.n;
    int32_t ccap = st->ccap;
    if (grow((void **)&st->c, &st->ccap, st->nc + 1, sizeof *st->c) || grow_diaries(st, st->nc + 1))
        return -1;
    if (st->ccap != ccap) {
        int32_t n = ccap;
        if (grow((void **)&st->heap_clin, &n, st->ccap, sizeof(int32_t)))
            return -1;
        n = ccap;
        if (grow((void **)&st->heap_day, &n, st->ccap, sizeof(int32_t)))
            return -1;
        n = ccap;
        if (grow((void **)&st->heap_order, &n, st->ccap, sizeof(int32_t)))
            return -1;
    }
    int32_t c = st->nc;
    clinician *cl = &st->c[c];
    memset(cl, 0, sizeof *cl);
    cl->team_share = malloc((size_t)nt * sizeof(double));
    if (!cl->team_share)
        return -1;
    memcpy(cl->team_share, spec->team_share, (size_t)nt * sizeof(double));
    st->nc++;
    cl->grade = spec->grade;
    cl->programme = spec->programme;
    cl->cohort = IAPT_NONE;
    cl->wte = spec->wte;
    cl->day_min = spec->clinical_hours * 60 * spec->wte / st->m->clinic_days_per_week;
    cl->caseload = spec->caseload;
    cl->leave = spec->leave;
    cl->cap_factor = spec->cap_factor;
    cl->start = spec->start;
    cl->qualify = -INFINITY;
    cl->work_month = IAPT_NONE;
    cl->active = 1;
    cl->caps = spec->caps;
    cl->people = IAPT_NONE;
    if (add_memberships(st, c, iapt_grade_steps(st, spec->grade)))
        return -1;
    open_diary(st, c);
    iapt_staff_recap(st, c);
    return c;
}

void iapt_staff_set_caps(state *st, int32_t c, uint8_t caps)
{
    clinician *cl = &st->c[c];
    uint8_t active = cl->active;
    /* Free lists are keyed by capabilities: leave them, change, rejoin. */
    cl->active = 0;
    for (int32_t k = cl->mem0; k < cl->mem0 + cl->nmem; k++)
        iapt_free_update(st, k);
    cl->caps = caps;
    cl->active = active;
    iapt_staff_recap(st, c);
    /* A new capability (LTC skill, complex cases on qualifying) makes
     * waiting people eligible for the free places c already had. */
    for (int32_t k = cl->mem0; k < cl->mem0 + cl->nmem; k++)
        if (st->mem[k].load < st->mem[k].cap)
            iapt_flow_offer_place(st, k);
}

void iapt_staff_recap(state *st, int32_t c)
{
    clinician *cl = &st->c[c];
    int32_t carried = 0; /* people held beyond a membership's places */
    for (int32_t k = cl->mem0; k < cl->mem0 + cl->nmem; k++) {
        membership *mb = &st->mem[k];
        mb->share = cl->team_share[mb->team];
        mb->places = cl->active ? (int32_t)floor(cl->caseload * cl->wte * mb->share * cl->cap_factor + 1e-9) : 0;
        carried += mb->load > mb->places ? mb->load - mb->places : 0;
    }
    for (int32_t k = cl->mem0; k < cl->mem0 + cl->nmem; k++) {
        membership *mb = &st->mem[k];
        int32_t before = mb->cap, spare = mb->places > mb->load ? mb->places - mb->load : 0;
        int32_t lent = spare < carried ? spare : carried;
        mb->cap = mb->places - lent;
        carried -= lent;
        iapt_free_update(st, k);
        if (mb->cap > before)
            iapt_flow_offer_place(st, k);
    }
}

/* ---- free-place lists ------------------------------------------------ */

static tstep *ts_of(state *st, int32_t team, int32_t step) { return &st->ts[team * IAPT_NSTEPS + step]; }

void iapt_free_update(state *st, int32_t k)
{
    membership *mb = &st->mem[k];
    int want = st->c[mb->clin].active && mb->load < mb->cap;
    if (want == mb->in_free)
        return;
    tstep *t = ts_of(st, mb->team, mb->step);
    int mask = st->c[mb->clin].caps;
    if (want) {
        mb->fprev = t->ftail[mask];
        mb->fnext = IAPT_NONE;
        if (t->ftail[mask] != IAPT_NONE)
            st->mem[t->ftail[mask]].fnext = k;
        else
            t->fhead[mask] = k;
        t->ftail[mask] = k;
        mb->free_since = sim_now(st->s);
    } else {
        if (mb->fprev != IAPT_NONE)
            st->mem[mb->fprev].fnext = mb->fnext;
        else
            t->fhead[mask] = mb->fnext;
        if (mb->fnext != IAPT_NONE)
            st->mem[mb->fnext].fprev = mb->fprev;
        else
            t->ftail[mask] = mb->fprev;
    }
    mb->in_free = (uint8_t)want;
}

int32_t iapt_free_pick(const state *st, int32_t team, int32_t step, uint8_t req)
{
    const tstep *t = &st->ts[team * IAPT_NSTEPS + step];
    int32_t best = IAPT_NONE;
    for (int mask = 0; mask < NMASKS; mask++) {
        int32_t k = t->fhead[mask];
        if ((req & ~mask) || k == IAPT_NONE)
            continue;
        if (best == IAPT_NONE || st->mem[k].free_since < st->mem[best].free_since ||
            (st->mem[k].free_since == st->mem[best].free_since && k < best))
            best = k;
    }
    return best;
}

/* ---- people of a clinician -------------------------------------------- */

void iapt_clin_link(state *st, int32_t c, int32_t p)
{
    person *ps = &st->p[p];
    ps->cprev = IAPT_NONE;
    ps->cnext = st->c[c].people;
    if (ps->cnext != IAPT_NONE)
        st->p[ps->cnext].cprev = p;
    st->c[c].people = p;
    ps->clin = c;
    st->clin_linked++;
}

void iapt_clin_unlink(state *st, int32_t c, int32_t p)
{
    person *ps = &st->p[p];
    if (ps->cprev != IAPT_NONE)
        st->p[ps->cprev].cnext = ps->cnext;
    else
        st->c[c].people = ps->cnext;
    if (ps->cnext != IAPT_NONE)
        st->p[ps->cnext].cprev = ps->cprev;
    ps->cnext = ps->cprev = IAPT_NONE;
    ps->clin = IAPT_NONE;
    st->clin_linked--;
}

/* ---- diaries ------------------------------------------------------------ */

/* Leave is taken in whole weeks (Monday to Sunday): week w is a leave week
 * for clinician c with probability `leave` (theirs, by default their
 * grade's), drawn from a
 * hash of (replication key, c, w), so capacity stays a pure function of
 * (c, d) and is the same whenever it is recomputed. */
int iapt_staff_on_leave(const state *st, int32_t c, int32_t d)
{
    double leave = st->c[c].leave;
    if (leave <= 0)
        return 0;
    uint64_t week = (uint64_t)(((int64_t)st->sc->run.start + d + 3) / 7); /* 1970-01-05 was a Monday */
    uint64_t x = st->leave_key ^ ((uint64_t)c * UINT64_C(0x9e3779b97f4a7c15)) ^ (week * UINT64_C(0xc2b2ae3d27d4eb4f));
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (double)(x >> 11) * 0x1.0p-53 < leave;
}

int iapt_staff_works(const state *st, int32_t c, int32_t d)
{
    const clinician *cl = &st->c[c];
    if (!cl->active || (double)d < floor(cl->start) || !iapt_clinic_day(st, d))
        return 0;
    return !iapt_staff_on_leave(st, c, d) && !iapt_workforce_away(st, c, d);
}

int32_t iapt_diary_minutes(double m) { return m > 0 ? (int32_t)floor(m + 0.5) : 0; }

int32_t iapt_diary_capacity(const state *st, int32_t c, int32_t d)
{
    const clinician *cl = &st->c[c];
    return iapt_staff_works(st, c, d) ? iapt_diary_minutes(cl->day_min - cl->supervising_min) : 0;
}

int32_t iapt_diary_free(const state *st, int32_t c, int32_t d)
{
    if (d < st->today || d >= st->today + IAPT_DIARY_DAYS)
        return INT32_MIN;
    return st->diary_free[(size_t)c * IAPT_DIARY_DAYS + (size_t)RING(d)];
}

int32_t iapt_diary_open(const state *st, int32_t c, int32_t d)
{
    assert(d >= st->today && d < st->today + IAPT_DIARY_DAYS);
    return st->diary_cap[(size_t)c * IAPT_DIARY_DAYS + (size_t)RING(d)];
}

int iapt_diary_fits(const state *st, int32_t c, int32_t d, int32_t minutes)
{
    size_t i = (size_t)c * IAPT_DIARY_DAYS + (size_t)RING(d);
    assert(d >= st->today && d < st->today + IAPT_DIARY_DAYS);
    return st->diary_cap[i] > 0 && st->diary_free[i] >= minutes;
}

int32_t iapt_diary_find(const state *st, int32_t c, int32_t from, int32_t minutes)
{
    if (from < st->today)
        from = st->today;
    const int32_t *fr = st->diary_free + (size_t)c * IAPT_DIARY_DAYS;
    const int32_t *cap = st->diary_cap + (size_t)c * IAPT_DIARY_DAYS;
    for (int32_t d = from; d < st->today + IAPT_DIARY_DAYS; d++)
        if (cap[RING(d)] > 0 && fr[RING(d)] >= minutes)
            return d;
    return IAPT_NONE;
}

void iapt_diary_take(state *st, int32_t c, int32_t d, int32_t minutes)
{
    assert(d >= st->today && d < st->today + IAPT_DIARY_DAYS);
    st->diary_free[(size_t)c * IAPT_DIARY_DAYS + (size_t)RING(d)] -= minutes;
}

void iapt_diary_give(state *st, int32_t c, int32_t d, int32_t minutes)
{
    if (d >= st->today && d < st->today + IAPT_DIARY_DAYS)
        st->diary_free[(size_t)c * IAPT_DIARY_DAYS + (size_t)RING(d)] += minutes;
}

void iapt_diary_refresh(state *st, int32_t c, int32_t from)
{
    if (from < st->today)
        from = st->today;
    for (int32_t d = from; d < st->today + IAPT_DIARY_DAYS; d++) {
        size_t i = (size_t)c * IAPT_DIARY_DAYS + (size_t)RING(d);
        int32_t cap = iapt_diary_capacity(st, c, d);
        st->diary_free[i] += cap - st->diary_cap[i];
        st->diary_cap[i] = cap;
        if (st->diary_free[i] < 0)
            iapt_flow_move_overbooked(st, c, d);
        if (st->diary_free[i] < 0)
            iapt_groups_diary_short(st, c, d);
    }
}

void iapt_diary_roll(state *st)
{
    /* The day that just ended: account its use by grade and team. Its ring
     * slot is the one the new last day of the window takes. A clinician who
     * has left has no capacity and no bookings left: nothing to do. */
    int32_t ended = st->today - 1, opened = st->today + IAPT_DIARY_DAYS - 1;
    for (int32_t c = 0; c < st->nc; c++) {
        if (!st->c[c].active)
            continue;
        size_t i = (size_t)c * IAPT_DIARY_DAYS + (size_t)RING(ended);
        if (ended >= 0) {
            iapt_workforce_account_day(st, c, ended, st->diary_cap[i]);
            if (st->diary_cap[i] > 0) {
                int32_t used = st->diary_cap[i] - st->diary_free[i];
                st->acc.avail_min[st->c[c].grade] += st->diary_cap[i];
                st->acc.used_min[st->c[c].grade] += used > 0 ? used : 0;
            }
        }
        st->diary_cap[i] = st->diary_free[i] = iapt_diary_capacity(st, c, opened);
    }
}

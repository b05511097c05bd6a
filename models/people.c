/*
 * models/people.c: person records, waiting lists, stocks, exits and the
 * month-end recount.
 */
#include "models/people.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

double *iapt_cell(const state *st, int m, unsigned kind, int i)
{
    size_t s = iapt_series_index(&st->m->layout, m, kind, i);
    return &st->out[s * (size_t)st->m->layout.nmonths + (size_t)st->month];
}

void iapt_rec(state *st, int m, unsigned kind, int i, double v) { *iapt_cell(st, m, kind, i) += v; }

int32_t iapt_people_new(state *st)
{
    if (st->pfree == IAPT_NONE) {
        if (st->np == st->pcap) {
            int32_t ncap = st->pcap ? st->pcap * 2 : 1024;
            person *np = realloc(st->p, (size_t)ncap * sizeof *np);
            if (!np) {
                sim_fail(st->s, -1);
                return IAPT_NONE;
            }
            st->p = np;
            st->pcap = ncap;
        }
        st->pfree = st->np;
        st->p[st->np].next = IAPT_NONE;
        st->p[st->np].state = P_FREE;
        st->np++;
    }
    int32_t p = st->pfree;
    st->pfree = st->p[p].next;
    person *ps = &st->p[p];
    memset(ps, 0, sizeof *ps);
    ps->next = ps->prev = ps->cnext = ps->cprev = ps->anext = ps->aprev = IAPT_NONE;
    ps->clin = ps->mem = ps->group = IAPT_NONE;
    ps->site = IAPT_NONE;
    ps->appt_day = IAPT_NONE;
    ps->state = P_FREE;
    ps->stock = -1;
    return p;
}

int iapt_people_stock(const person *ps)
{
    switch ((pstate)ps->state) {
    case P_WAIT_ASSESS:
    case P_ASSESS_BOOKED: return IAPT_STAGE_ASSESSMENT;
    case P_WAIT_TREAT:
        if (ps->sessions > 0)
            return IAPT_STOCK_REALLOC + ps->step; /* part-way through a course, waiting for a new clinician */
        return ps->step == IAPT_STEP2 ? IAPT_STAGE_STEP2 : IAPT_STAGE_STEP3;
    case P_WAIT_GROUP:
    case P_BOOKED_FIRST: return ps->step == IAPT_STEP2 ? IAPT_STAGE_STEP2 : IAPT_STAGE_STEP3;
    case P_IN_GROUP:
        if (ps->sessions == 0)
            return ps->step == IAPT_STEP2 ? IAPT_STAGE_STEP2 : IAPT_STAGE_STEP3;
        return IAPT_STOCK_TREATING;
    case P_IN_TREATMENT: return IAPT_STOCK_TREATING;
    case P_FREE: break;
    }
    return -1;
}

static void stock_add(state *st, int pathway, int stock, int delta)
{
    if (stock >= IAPT_STOCK_REALLOC) {
        st->realloc[stock - IAPT_STOCK_REALLOC] += delta;
        st->realloc_pw[pathway] += delta;
    } else if (stock == IAPT_STOCK_TREATING) {
        st->treating += delta;
        st->treating_pw[pathway] += delta;
    } else if (stock >= 0) {
        st->waiting[stock] += delta;
        st->waiting_pw[pathway * 3 + stock] += delta;
    }
}

void iapt_people_set_state(state *st, int32_t p, pstate to)
{
    /* The stock counted is remembered, not recomputed: fields it depends on
     * (step, sessions) may have changed since. */
    person *ps = &st->p[p];
    stock_add(st, ps->pathway, ps->stock, -1);
    ps->state = (uint8_t)to;
    ps->stock = (int8_t)iapt_people_stock(ps);
    stock_add(st, ps->pathway, ps->stock, +1);
}

void iapt_plist_insert(state *st, plist *l, int32_t p)
{
    person *ps = &st->p[p];
    int32_t after = l->tail;
    /* Usually the newest: append. Someone returning keeps their place. */
    while (after != IAPT_NONE && st->p[after].joined > ps->joined)
        after = st->p[after].prev;
    ps->prev = after;
    ps->next = after == IAPT_NONE ? l->head : st->p[after].next;
    if (ps->prev != IAPT_NONE)
        st->p[ps->prev].next = p;
    else
        l->head = p;
    if (ps->next != IAPT_NONE)
        st->p[ps->next].prev = p;
    else
        l->tail = p;
    l->n++;
}

void iapt_plist_remove(state *st, plist *l, int32_t p)
{
    person *ps = &st->p[p];
    if (ps->prev != IAPT_NONE)
        st->p[ps->prev].next = ps->next;
    else
        l->head = ps->next;
    if (ps->next != IAPT_NONE)
        st->p[ps->next].prev = ps->prev;
    else
        l->tail = ps->prev;
    ps->next = ps->prev = IAPT_NONE;
    l->n--;
}

/* Finished course accounting: at least two treatment sessions in the
 * episode. Recovery counts only people who were a case at referral. */
static void record_finished(state *st, const person *ps)
{
    int step = ps->last_step;
    iapt_rec(st, M_FINISHED, G_ALL, 0, 1);
    iapt_rec(st, M_FINISHED, G_PATHWAY, ps->pathway, 1);
    iapt_rec(st, M_FINISHED, G_STEP, step, 1);
    /* Numerators go into the rate series as counts and are divided by the
     * month's denominators at month end (models/model.c). */
    double rec = (ps->flags & PF_RECOVERED) ? 1 : 0, imp = (ps->flags & PF_IMPROVED) ? 1 : 0;
    if (ps->flags & PF_CASE) {
        iapt_rec(st, M_RECOVERY, G_ALL, 0, rec);
        iapt_rec(st, M_RECOVERY, G_PATHWAY, ps->pathway, rec);
        iapt_rec(st, M_RECOVERY, G_STEP, step, rec);
        st->acc.case_all++;
        st->acc.case_pw[ps->pathway]++;
        st->acc.case_step[step]++;
    }
    iapt_rec(st, M_RELIABLE_IMPROVEMENT, G_ALL, 0, imp);
    iapt_rec(st, M_RELIABLE_IMPROVEMENT, G_PATHWAY, ps->pathway, imp);
}

/* The intensities a referral had: counted for every exit after treatment,
 * split (low only, low and high, high only) for finished courses, the base
 * of the national split (domain brief s.4, read as finished courses). */
static void record_split(state *st, const person *ps)
{
    int li = (ps->flags & PF_HAD_LI) != 0, hi = (ps->flags & PF_HAD_HI) != 0;
    if (!li && !hi)
        return;
    st->acc.treated_exits++;
    if (ps->total_sessions >= 2)
        iapt_rec(st, li && hi ? M_SPLIT_LI_HI : li ? M_SPLIT_LI_ONLY : M_SPLIT_HI_ONLY, G_ALL, 0, 1);
}

void iapt_people_exit(state *st, int32_t p, int dropped)
{
    person *ps = &st->p[p];
    assert(ps->next == IAPT_NONE && ps->prev == IAPT_NONE && ps->clin == IAPT_NONE);
    if (ps->drop) {
        sim_cancel(st->s, ps->drop);
        ps->drop = 0;
    }
    if (ps->total_sessions >= 2)
        record_finished(st, ps);
    record_split(st, ps);
    if (dropped)
        st->cum_dropped++;
    else
        st->cum_discharged++;
    iapt_people_set_state(st, p, P_FREE);
    ps->next = st->pfree;
    st->pfree = p;
}

/* ---- the recount ------------------------------------------------------- */

/* The kind of list p's own fields place it on. */
static int placed_on(const person *ps)
{
    if (ps->clin != IAPT_NONE)
        return IAPT_ON_CLINICIAN;
    if (ps->group != IAPT_NONE)
        return IAPT_ON_GROUP;
    switch ((pstate)ps->state) {
    case P_WAIT_ASSESS: return IAPT_ON_ASSESS_LIST;
    case P_WAIT_TREAT: return IAPT_ON_TREAT_LIST;
    case P_WAIT_GROUP: return IAPT_ON_GROUP_LIST;
    default: return IAPT_ON_NONE;
    }
}

/* Someone waiting for a first session at their step, or mid-course: with
 * a clinician or in a group (in treatment), or on a list (waiting for
 * reallocation). */
static int course_stage(const person *ps, int on)
{
    if (ps->sessions > 0)
        return on == IAPT_ON_TREAT_LIST ? IAPT_STOCK_REALLOC + ps->step : IAPT_STOCK_TREATING;
    return ps->step == IAPT_STEP2 ? IAPT_STAGE_STEP2 : IAPT_STAGE_STEP3;
}

void iapt_recount_person(iapt_recount *rc, const person *ps)
{
    if (ps->state == P_FREE)
        return;
    rc->records++;
    int on = placed_on(ps);
    rc->on[on]++;
    switch (on) {
    case IAPT_ON_NONE: return; /* found nowhere */
    case IAPT_ON_ASSESS_LIST: rc->found[IAPT_STAGE_ASSESSMENT]++; return;
    case IAPT_ON_CLINICIAN: /* an assessment booking holds no caseload place */
        rc->found[ps->mem == IAPT_NONE ? IAPT_STAGE_ASSESSMENT : course_stage(ps, on)]++;
        return;
    default: rc->found[course_stage(ps, on)]++; return;
    }
}

static double list_lengths(const plist *l, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += l[i].n;
    return total;
}

void iapt_recount_finish(const state *st, const iapt_recount *rc, double found[IAPT_NSTOCKS])
{
    const iapt_scenario *sc = st->sc;
    size_t nt = sc->workforce.teams.n, ng = sc->workforce.grades.n;
    double listed[IAPT_NON] = {0};
    listed[IAPT_ON_ASSESS_LIST] = list_lengths(st->assess_wait, nt * ng * NMASKS);
    for (size_t i = 0; i < nt * IAPT_NSTEPS; i++)
        listed[IAPT_ON_TREAT_LIST] += list_lengths(st->ts[i].wait, NMASKS) + list_lengths(st->ts[i].realloc, NMASKS);
    listed[IAPT_ON_GROUP_LIST] = list_lengths(st->group_wait, nt * IAPT_NSTEPS * (size_t)st->m->maxmod);
    listed[IAPT_ON_CLINICIAN] = st->clin_linked;
    for (int32_t g = 0; g < st->ngroups; g++)
        for (int32_t i = 0; st->groups[g].active && i < st->groups[g].nmembers; i++)
            listed[IAPT_ON_GROUP] += st->groups[g].members[i] != IAPT_NONE;
    for (int s = 0; s < IAPT_NSTOCKS; s++)
        found[s] = rc->found[s];
    found[IAPT_STAGE_ASSESSMENT] += listed[IAPT_ON_ASSESS_LIST] - rc->on[IAPT_ON_ASSESS_LIST];
    for (int k = IAPT_ON_TREAT_LIST; k < IAPT_NON; k++)
        found[IAPT_STOCK_TREATING] += listed[k] - rc->on[k];
}

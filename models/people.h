/*
 * models/people.h: people in the service: the pool of person records,
 * ordered waiting lists, the stocks kept for conservation and waiting-list
 * measures, and the accounting done when someone leaves the service.
 *
 * Every state change goes through iapt_people_set_state, which moves the
 * person between the stocks (waiting at a stage, in treatment), so the
 * counts at any moment are exact and a monthly snapshot costs nothing. A
 * month-end recount from the person records and the lists' own counts
 * (iapt_recount_person, iapt_recount_finish) checks them.
 */
#ifndef IAPT_PEOPLE_H
#define IAPT_PEOPLE_H

#include "models/state.h"

/* This month's output cell of measure m for grouping kind (a G_* bit) and
 * item i: a pointer into the replication's output (st->out), owned by the
 * state and valid while it lives. */
double *iapt_cell(const state *st, int m, unsigned kind, int i);

/* Records v against measure m for grouping kind (a G_* bit) and item i in
 * the current month. */
void iapt_rec(state *st, int m, unsigned kind, int i, double v);

/* A new person record, zeroed with lists unlinked; -1 on OOM (the run
 * fails). */
int32_t iapt_people_new(state *st);

/* Moves p to state `to` (or re-counts p in its own state after its sessions
 * changed), keeping the stocks exact. */
void iapt_people_set_state(state *st, int32_t p, pstate to);

/* Waiting lists: insert in (joined, insertion) order; remove; pop head. */
void iapt_plist_insert(state *st, plist *l, int32_t p);
void iapt_plist_remove(state *st, plist *l, int32_t p);

/* Lists over the persons' anext/aprev links, each held as a head and a
 * tail (a day's appointment list, a site's room waiting list; a person is
 * on at most one): append at the tail, remove from anywhere (links reset).
 * O(1). */
static inline void iapt_alist_append(state *st, int32_t *head, int32_t *tail, int32_t p)
{
    person *ps = &st->p[p];
    ps->anext = IAPT_NONE;
    ps->aprev = *tail;
    if (*tail != IAPT_NONE)
        st->p[*tail].anext = p;
    else
        *head = p;
    *tail = p;
}

static inline void iapt_alist_remove(state *st, int32_t *head, int32_t *tail, int32_t p)
{
    person *ps = &st->p[p];
    if (ps->aprev != IAPT_NONE)
        st->p[ps->aprev].anext = ps->anext;
    else
        *head = ps->anext;
    if (ps->anext != IAPT_NONE)
        st->p[ps->anext].aprev = ps->aprev;
    else
        *tail = ps->aprev;
    ps->anext = ps->aprev = IAPT_NONE;
}

/* The person leaves the service: dropped (drop-out) or discharged. Records
 * finished courses, outcomes and the treated split, and frees the record.
 * The caller has already released lists, bookings and places. */
void iapt_people_exit(state *st, int32_t p, int dropped);

/* The stocks a person counts in: waiting at a stage (IAPT_STAGE_*, 0..2),
 * in treatment, or part-way through a course waiting for reallocation to
 * a new clinician at step 2 or 3 (IAPT_STOCK_REALLOC + step). */
enum { IAPT_STOCK_TREATING = 3, IAPT_STOCK_REALLOC = 4, IAPT_NSTOCKS = IAPT_STOCK_REALLOC + IAPT_NSTEPS };
/* The stock p's state counts in, or -1 for none. */
int iapt_people_stock(const person *ps);

/* The month-end recount for the conservation check, independent of the
 * stocks kept by iapt_people_set_state. Each person record in use is
 * counted (`records`), placed by its own fields on the kind of list they
 * say it is on (a clinician's bookings and caseload when it names a
 * clinician, a running group when it names one, else the assessment,
 * treatment or group waiting list of its state; none otherwise) and
 * classified by that and its course fields: waiting for assessment, for
 * step 2 or step 3, in treatment, or waiting for reallocation. The lists'
 * own counts of the people on them, kept as people join and leave, are
 * then set against these: where the lists of a kind hold more or fewer
 * people than the records place on them, the difference is added to what
 * is found (as waiting for
 * assessment for assessment lists, in treatment for the others). So a
 * person on two lists, or on none, makes the found total differ from
 * `records`. O(1) a person, counted in the caller's pass over the person
 * array, then O(lists + groups): no list is walked. */
enum { IAPT_ON_NONE, IAPT_ON_ASSESS_LIST, IAPT_ON_TREAT_LIST, IAPT_ON_GROUP_LIST, IAPT_ON_CLINICIAN,
       IAPT_ON_GROUP, IAPT_NON };
typedef struct iapt_recount {
    double records;
    double on[IAPT_NON];         /* people the records place on each kind of list */
    double found[IAPT_NSTOCKS];  /* by stock (iapt_people_stock's numbering) */
} iapt_recount;

/* Counts person record ps (free records are skipped) into rc, which starts
 * zeroed. Someone on a treatment list part-way through a course is found
 * waiting for reallocation at their step. */
void iapt_recount_person(iapt_recount *rc, const person *ps);
/* Sets the lists' counts against rc's and gives what was found, by stock
 * (waiting by stage, in treatment, waiting for reallocation by step). */
void iapt_recount_finish(const state *st, const iapt_recount *rc, double found[IAPT_NSTOCKS]);

#endif

/*
 * models/flow.c: referrals, assessment, allocation, sessions and the end of
 * a course (the numbered steps in models/flow.h).
 *
 * Random draws per event are fixed in number and order, each from the
 * stream of its own source (complexity, opt-in and eligibility, routing,
 * course length, DNA, drop-out, discharge after the first session,
 * outcome, step-up, cadence; group lengths in models/groups.c; site and
 * face to face in models/rooms.c; whether a source's wait response cuts a
 * referral in models/demand.c), so two scenarios that differ in one
 * respect keep common random numbers everywhere else.
 *
 * A face-to-face appointment (models/rooms.h) is booked on the first day
 * with both the clinician's time and a room at the person's site; if no day
 * in the diary window has both, the person waits at the site for a room
 * and is tried again each morning. People needing no room book exactly as
 * without sites.
 */
#include "models/flow.h"

#include <assert.h>
#include <math.h>

#include <gsl/gsl_randist.h>

#include "models/demand.h"
#include "models/groups.h"
#include "models/people.h"
#include "models/rooms.h"
#include "models/staff.h"

static const iapt_pathway_cfg *pathway_of(const state *st, const person *ps)
{
    return IAPT_ITEM(st->sc->pathways, iapt_pathway_cfg, ps->pathway);
}

static const iapt_modality_cfg *modality_of(const state *st, const person *ps)
{
    return IAPT_ITEM(st->sc->steps[ps->step].modalities, iapt_modality_cfg, ps->modality);
}

static tstep *ts_of(state *st, int32_t team, int step) { return &st->ts[team * IAPT_NSTEPS + step]; }

static plist *assess_list(state *st, const person *ps)
{
    int32_t ng = (int32_t)st->sc->workforce.grades.n;
    int32_t g = pathway_of(st, ps)->assessment.grade.index;
    return &st->assess_wait[(ps->team * ng + g) * NMASKS + ps->req];
}

/* ---- arrivals ----------------------------------------------------------- */

double iapt_flow_next_arrival(state *st, int32_t a, double t)
{
    arrivals *ar = &st->arr[a];
    /* Rates are constant within a day; the process is memoryless, so at a
     * day boundary it restarts with the next day's rate. */
    for (int32_t d = iapt_day_of(t); d < st->m->ndays; d++, t = d) {
        double rate = ar->rate[d];
        if (rate > 0) {
            double tn = t + gsl_ran_exponential(ar->rng, 1.0 / rate);
            if (tn < d + 1)
                return tn;
        }
    }
    return INFINITY;
}

void iapt_flow_referral(state *st, int32_t a)
{
    double now = sim_now(st->s);
    double next = iapt_flow_next_arrival(st, a, now);
    if (next < st->end)
        sim_at(st->s, next, PRIO_ARRIVAL, EV_ARRIVAL, (uint64_t)a);
    if (!iapt_demand_keep(st, a))
        return;
    int32_t p = iapt_people_new(st);
    if (p == IAPT_NONE)
        return;
    person *ps = &st->p[p];
    const arrivals *ar = &st->arr[a];
    ps->pathway = (int16_t)ar->pathway;
    ps->source = (int16_t)ar->source;
    const iapt_pathway_cfg *pc = pathway_of(st, ps);
    ps->team = (int16_t)pc->team.index;
    double u_complex = gsl_rng_uniform(st->r_complex);
    int complex = pc->complex || u_complex < pc->complex_share;
    ps->req = (uint8_t)((pc->needs_ltc_skill ? CAP_LTC : 0) | (complex ? CAP_COMPLEX : 0));
    ps->referral = ps->wait_start = ps->joined = now;
    iapt_rooms_referral(st, p);
    st->stock_in++;
    iapt_rec(st, M_REFERRALS, G_ALL, 0, 1);
    iapt_rec(st, M_REFERRALS, G_PATHWAY, ps->pathway, 1);
    iapt_rec(st, M_REFERRALS, G_SOURCE, ps->source, 1);
    double u_case = gsl_rng_uniform(st->r_optin), u_opt = gsl_rng_uniform(st->r_optin),
           u_elig = gsl_rng_uniform(st->r_optin);
    if (u_case < pc->case_at_start)
        ps->flags |= PF_CASE;
    if (u_opt >= pc->opt_in) {
        iapt_rec(st, M_OPTED_OUT, G_ALL, 0, 1);
        iapt_people_exit(st, p, 0);
    } else if (u_elig >= pc->eligible) {
        iapt_rec(st, M_INELIGIBLE, G_ALL, 0, 1);
        iapt_people_exit(st, p, 0);
    } else {
        iapt_flow_start_wait(st, p, now);
        iapt_flow_join_assessment(st, p);
    }
}

/* ---- drop-out while waiting ------------------------------------------- */

/* Cumulative hazard after waiting w days. */
static double cum_hazard(const conf_list *h, double w)
{
    double total = 0;
    for (size_t i = 0; i < h->n; i++) {
        const iapt_hazard_cfg *a = IAPT_ITEM(*h, iapt_hazard_cfg, i);
        double to = i + 1 < h->n ? IAPT_ITEM(*h, iapt_hazard_cfg, i + 1)->after : INFINITY;
        if (w <= a->after)
            break;
        total += a->per_week / 7 * (fmin(w, to) - a->after);
    }
    return total;
}

/* The wait w at which the cumulative hazard reaches `target` (inverse of
 * cum_hazard), or +INFINITY if it never does. */
static double inverse_hazard(const conf_list *h, double target)
{
    double total = 0;
    for (size_t i = 0; i < h->n; i++) {
        const iapt_hazard_cfg *a = IAPT_ITEM(*h, iapt_hazard_cfg, i);
        double to = i + 1 < h->n ? IAPT_ITEM(*h, iapt_hazard_cfg, i + 1)->after : INFINITY;
        double rate = a->per_week / 7;
        if (rate > 0 && total + rate * (to - a->after) >= target)
            return a->after + (target - total) / rate;
        if (rate > 0)
            total += rate * (to - a->after);
    }
    return INFINITY;
}

/* The drop-out clock of p, waiting since wait_start, drawn from stream r. */
static void start_clock(state *st, int32_t p, double wait_start, gsl_rng *r)
{
    person *ps = &st->p[p];
    const conf_list *h = &st->sc->service.dropout_waiting;
    double now = sim_now(st->s), e = gsl_ran_exponential(r, 1.0);
    if (ps->drop)
        sim_cancel(st->s, ps->drop);
    ps->drop = 0;
    ps->wait_start = wait_start;
    /* Conditional on still waiting now: the hazard from here on. */
    double w = inverse_hazard(h, cum_hazard(h, now - wait_start) + e);
    if (isfinite(w) && wait_start + w < st->end)
        ps->drop = sim_at(st->s, fmax(wait_start + w, now), PRIO_DROP, EV_DROP, (uint64_t)p);
}

void iapt_flow_start_wait(state *st, int32_t p, double wait_start) { start_clock(st, p, wait_start, st->r_drop_wait); }

/* ---- booking ------------------------------------------------------------ */

int32_t iapt_flow_minutes(const state *st, const person *ps, int assessment, int first)
{
    const iapt_pathway_cfg *pc = pathway_of(st, ps);
    if (assessment)
        return (int32_t)floor(pc->assessment.duration_min + 0.5);
    const iapt_modality_cfg *mc = modality_of(st, ps);
    double m = (first ? mc->first_min : mc->session_min) * pc->session_factor + mc->admin_min;
    return (int32_t)floor(m + 0.5);
}

/* A day for an appointment that found no room: the first clinic day from
 * d0 within the window, else the window's last day. */
static int32_t overbook_day(state *st, int32_t c, int32_t d0)
{
    for (int32_t d = d0 > st->today ? d0 : st->today; d < st->today + IAPT_DIARY_DAYS; d++)
        if (iapt_diary_capacity(st, c, d) > 0)
            return d;
    return st->today + IAPT_DIARY_DAYS - 1;
}

/* Appends p to the appointment list of day d (start of the day). */
static void day_append(state *st, int32_t p, int32_t d)
{
    int32_t r = d & (IAPT_DIARY_DAYS - 1);
    iapt_alist_append(st, &st->day_head[r], &st->day_tail[r], p);
    st->p[p].in_day = 1;
}

static void day_remove(state *st, int32_t p)
{
    int32_t r = st->p[p].appt_day & (IAPT_DIARY_DAYS - 1);
    iapt_alist_remove(st, &st->day_head[r], &st->day_tail[r], p);
    st->p[p].in_day = 0;
}

void iapt_flow_day_appointments(state *st, int32_t d)
{
    int32_t r = d & (IAPT_DIARY_DAYS - 1);
    while (st->day_head[r] != IAPT_NONE) {
        int32_t p = st->day_head[r];
        day_remove(st, p);
        iapt_flow_appointment(st, p);
    }
    st->day_done = d;
}

/* Whether p has an appointment booked: an event of its own or a place in a
 * day's list (someone waiting at a site for a room has neither). */
static int booked(const person *ps) { return ps->appt != 0 || ps->in_day; }

/* Sets p's booking on day d at time `at` (the start of d, or a time within
 * it). At the start of a day within the window whose list has not run yet:
 * the day's list; at a time within a day, beyond the window, or for a day
 * whose list already ran: an event of its own. */
static inline __attribute__((always_inline)) void place(state *st, int32_t p, int32_t d, double at, int32_t minutes)
{
    person *ps = &st->p[p];
    ps->appt_day = d;
    ps->appt_min = minutes;
    if (at == (double)d && d > st->day_done && d < st->today + IAPT_DIARY_DAYS)
        day_append(st, p, d);
    else
        ps->appt = sim_at(st->s, at, PRIO_APPT, EV_APPT, (uint64_t)p);
}

/* No day in the window has the clinician and a room both free: p waits
 * at its site (models/rooms.h) for a day from `from`, holding nothing. */
static void wait_for_room(state *st, int32_t p, int32_t from, int32_t minutes)
{
    person *ps = &st->p[p];
    ps->flags |= PF_ROOM_WAIT;
    ps->appt_day = from;
    ps->appt_min = minutes;
    iapt_rooms_wait(st, p);
}

/* A face-to-face booking: the first day from t's with the clinician's
 * minutes and a room at p's site. A clinician with time but no room
 * marks the booking delayed. A clinician with no free day in the window is
 * overbooked, as without rooms, on the first working day with a room. */
static void book_in_room(state *st, int32_t p, int32_t c, double t, int32_t minutes)
{
    person *ps = &st->p[p];
    int32_t d0 = iapt_day_of(t), end = st->today + IAPT_DIARY_DAYS, s = ps->site;
    if (d0 >= end) {
        wait_for_room(st, p, d0, minutes);
        return;
    }
    int32_t dc = iapt_diary_find(st, c, d0, minutes), d = iapt_rooms_find(st, c, s, d0, end - 1, minutes);
    if (d == IAPT_NONE && dc == IAPT_NONE) {
        d = iapt_rooms_find_overbooked(st, c, s, d0, minutes);
        if (d != IAPT_NONE)
            iapt_rec(st, M_OVERBOOKED, G_ALL, 0, 1);
    } else if (dc != IAPT_NONE && (d == IAPT_NONE || dc < d)) {
        iapt_rooms_hold_up(ps, dc);
    }
    if (d == IAPT_NONE) {
        wait_for_room(st, p, d0, minutes);
        return;
    }
    if (ps->flags & PF_ROOM_DELAYED)
        iapt_rooms_delayed(st, p, s, d);
    iapt_diary_take(st, c, d, minutes);
    iapt_rooms_take(st, s, d, minutes);
    ps->flags |= PF_ROOM;
    place(st, p, d, d == d0 ? t : (double)d, minutes);
}

void iapt_flow_book(state *st, int32_t p, int32_t c, double t, int32_t minutes)
{
    person *ps = &st->p[p];
    double now = sim_now(st->s);
    if (t < now)
        t = now;
    if (iapt_rooms_needed(ps)) {
        book_in_room(st, p, c, t, minutes);
        return;
    }
    int32_t d0 = iapt_day_of(t), d = IAPT_NONE;
    if (d0 < st->today + IAPT_DIARY_DAYS)
        d = iapt_diary_find(st, c, d0, minutes);
    if (d == IAPT_NONE) {
        iapt_rec(st, M_OVERBOOKED, G_ALL, 0, 1);
        d = d0 < st->today + IAPT_DIARY_DAYS ? overbook_day(st, c, d0) : d0;
    }
    if (d < st->today + IAPT_DIARY_DAYS)
        iapt_diary_take(st, c, d, minutes);
    place(st, p, d, d == d0 ? t : (double)d, minutes);
}

/* Cancels p's booked appointment and returns its minutes to the diary (and
 * its room), or takes p off its site's room waiting list. */
static void unbook(state *st, int32_t p)
{
    person *ps = &st->p[p];
    if (ps->flags & PF_ROOM_WAIT)
        iapt_rooms_unwait(st, p);
    if (booked(ps)) {
        if (ps->in_day)
            day_remove(st, p);
        else
            sim_cancel(st->s, ps->appt);
        ps->appt = 0;
        iapt_diary_give(st, ps->clin, ps->appt_day, (int32_t)ps->appt_min);
        if (ps->flags & PF_ROOM)
            iapt_rooms_give(st, ps->site, ps->appt_day, (int32_t)ps->appt_min);
    }
    ps->flags &= (uint16_t) ~(PF_ROOM | PF_ROOM_WAIT);
    ps->appt_day = IAPT_NONE;
}

/* ---- assessment ---------------------------------------------------------- */

static void route(state *st, int32_t p);

void iapt_flow_join_assessment(state *st, int32_t p)
{
    person *ps = &st->p[p];
    if (pathway_of(st, ps)->assessment.grade.index < 0) {
        route(st, p); /* this pathway has no assessment step */
        return;
    }
    iapt_people_set_state(st, p, P_WAIT_ASSESS);
    iapt_plist_insert(st, assess_list(st, ps), p);
}

/* Assessors of one list, ordered by their earliest day with room. */
typedef struct slot_heap {
    int32_t *clin, *day, *order;
    int32_t n;
} slot_heap;

static int heap_less(const slot_heap *h, int32_t a, int32_t b)
{
    return h->day[a] < h->day[b] || (h->day[a] == h->day[b] && h->order[a] < h->order[b]);
}

static void heap_swap(slot_heap *h, int32_t a, int32_t b)
{
    int32_t t;
    t = h->clin[a], h->clin[a] = h->clin[b], h->clin[b] = t;
    t = h->day[a], h->day[a] = h->day[b], h->day[b] = t;
    t = h->order[a], h->order[a] = h->order[b], h->order[b] = t;
}

static void heap_down(slot_heap *h, int32_t i)
{
    for (;;) {
        int32_t l = 2 * i + 1, m = i;
        if (l < h->n && heap_less(h, l, m))
            m = l;
        if (l + 1 < h->n && heap_less(h, l + 1, m))
            m = l + 1;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

/* Builds the heap of active assessors of (team, grade) able to take people
 * with requirement `req`, each at their first day in [from, to] with
 * `minutes` free. */
static void heap_build(state *st, slot_heap *h, int32_t team, int32_t grade, uint8_t req, int32_t from, int32_t to,
                       int32_t minutes)
{
    h->n = 0;
    for (int32_t c = 0; c < st->nc; c++) {
        const clinician *cl = &st->c[c];
        if (!cl->active || cl->grade != grade || cl->team_share[team] <= 0 || (req & ~cl->caps))
            continue;
        int32_t d = iapt_diary_find(st, c, from, minutes);
        if (d == IAPT_NONE || d > to)
            continue;
        h->clin[h->n] = c;
        h->day[h->n] = d;
        h->order[h->n] = (c - st->assess_rr[team] + st->nc) % st->nc;
        h->n++;
    }
    for (int32_t i = h->n / 2; i-- > 0;)
        heap_down(h, i);
}

static void book_assessment(state *st, int32_t p, int32_t c, int32_t d)
{
    person *ps = &st->p[p];
    iapt_clin_link(st, c, p);
    iapt_people_set_state(st, p, P_ASSESS_BOOKED);
    iapt_flow_book(st, p, c, (double)d, iapt_flow_minutes(st, ps, 1, 0));
}

/* A face-to-face assessment for p from the assessors in h: the heap index
 * of the assessor with the earliest day in [from, to] with their time and
 * a room at p's site (ties to the first in the heap's round-robin order),
 * and that day in *day; or IAPT_NONE, and p is marked delayed if an
 * assessor had time but no room. Heap days are lower bounds, so they stay
 * valid after a booking (the list loop corrects them lazily). */
static int32_t room_assessment_slot(state *st, int32_t p, const slot_heap *h, int32_t from, int32_t to, int32_t *day)
{
    person *ps = &st->p[p];
    int32_t minutes = iapt_flow_minutes(st, ps, 1, 0), best = IAPT_NONE, bd = IAPT_NONE, first_free = IAPT_NONE;
    for (int32_t i = 0; i < h->n; i++) {
        int32_t c = h->clin[i], lo = h->day[i] > from ? h->day[i] : from;
        int32_t dc = iapt_diary_find(st, c, lo, minutes);
        if (dc != IAPT_NONE && dc <= to && (first_free == IAPT_NONE || dc < first_free))
            first_free = dc;
        int32_t d = iapt_rooms_find(st, c, ps->site, lo, to, minutes);
        if (d != IAPT_NONE && (bd == IAPT_NONE || d < bd || (d == bd && h->order[i] < h->order[best])))
            best = i, bd = d;
    }
    if (first_free != IAPT_NONE && (bd == IAPT_NONE || first_free < bd))
        iapt_rooms_hold_up(ps, first_free);
    *day = bd;
    return best;
}

/* Books one assessment list in order, earliest free assessor day first.
 * People assessed face to face take the earliest day with a room too; one
 * kept waiting for a room does not hold up those behind. */
static void book_list(state *st, plist *l, int32_t team, int32_t grade, uint8_t req, slot_heap *h)
{
    int32_t from = st->today + 1;
    int32_t to = st->today + (int32_t)floor(st->sc->service.booking_horizon);
    if (to >= st->today + IAPT_DIARY_DAYS)
        to = st->today + IAPT_DIARY_DAYS - 1;
    heap_build(st, h, team, grade, req, from, to, iapt_flow_minutes(st, &st->p[l->head], 1, 0));
    int32_t p = l->head;
    while (p != IAPT_NONE && h->n) {
        int32_t next = st->p[p].next;
        if (iapt_rooms_needed(&st->p[p])) {
            int32_t d, i = room_assessment_slot(st, p, h, from, to, &d);
            if (i != IAPT_NONE) {
                iapt_plist_remove(st, l, p);
                book_assessment(st, p, h->clin[i], d);
                st->assess_rr[team] = (h->clin[i] + 1) % st->nc;
            }
            p = next;
            continue;
        }
        int32_t minutes = iapt_flow_minutes(st, &st->p[p], 1, 0);
        int32_t c = h->clin[0], d = h->day[0];
        if (iapt_diary_free(st, c, d) < minutes)
            d = iapt_diary_find(st, c, d, minutes);
        if (d != IAPT_NONE && d <= to && d == h->day[0]) {
            iapt_plist_remove(st, l, p);
            book_assessment(st, p, c, d);
            st->assess_rr[team] = (c + 1) % st->nc;
            d = iapt_diary_find(st, c, d, minutes);
            p = next;
        }
        if (d == IAPT_NONE || d > to) {
            heap_swap(h, 0, --h->n);
        } else {
            h->day[0] = d;
        }
        heap_down(h, 0);
    }
}

void iapt_flow_book_assessments(state *st)
{
    int32_t nt = (int32_t)st->sc->workforce.teams.n, ng = (int32_t)st->sc->workforce.grades.n;
    slot_heap h = {st->heap_clin, st->heap_day, st->heap_order, 0};
    for (int32_t t = 0; t < nt; t++)
        for (int32_t g = 0; g < ng; g++)
            for (int mask = 0; mask < NMASKS; mask++) {
                plist *l = &st->assess_wait[(t * ng + g) * NMASKS + mask];
                if (l->n)
                    book_list(st, l, t, g, (uint8_t)mask, &h);
            }
}

static void assessment(state *st, int32_t p)
{
    person *ps = &st->p[p];
    const iapt_pathway_cfg *pc = pathway_of(st, ps);
    int32_t c = ps->clin;
    st->acc.appts++;
    iapt_clin_unlink(st, c, p);
    ps->appt_day = IAPT_NONE;
    if (gsl_rng_uniform(st->r_dna) < pc->assessment.dna) {
        if (iapt_flow_missed(st, p)) {
            iapt_rec(st, M_DNA_DISCHARGED, G_ALL, 0, 1);
            iapt_rec(st, M_DNA_DISCHARGED, G_STAGE, IAPT_STAGE_ASSESSMENT, 1);
            iapt_people_exit(st, p, 0);
        } else {
            iapt_people_set_state(st, p, P_WAIT_ASSESS);
            iapt_plist_insert(st, assess_list(st, ps), p);
        }
        return;
    }
    st->acc.delivered_min[ps->team * (int32_t)st->sc->workforce.grades.n + st->c[c].grade] += ps->appt_min;
    iapt_rec(st, M_ASSESSED, G_ALL, 0, 1);
    iapt_rec(st, M_ASSESSED, G_PATHWAY, ps->pathway, 1);
    route(st, p);
}

int iapt_flow_missed(state *st, int32_t p)
{
    iapt_rec(st, M_DNAS, G_ALL, 0, 1);
    return ++st->p[p].dnas >= st->sc->service.dna_discharge_after;
}

static void route(state *st, int32_t p)
{
    person *ps = &st->p[p];
    const iapt_assessment_cfg *a = &pathway_of(st, ps)->assessment;
    double u = gsl_rng_uniform(st->r_route);
    int r = u < a->to_step2                                      ? ROUTE_STEP2
            : u < a->to_step2 + a->to_step3                      ? ROUTE_STEP3
            : u < a->to_step2 + a->to_step3 + a->to_step2_then_3 ? ROUTE_STEP2_THEN_3
                                                                 : ROUTE_SIGNPOSTED;
    iapt_rec(st, M_ROUTED, G_ROUTE, r, 1);
    switch (r) {
    case ROUTE_STEP2: iapt_flow_join_step(st, p, IAPT_STEP2); break;
    case ROUTE_STEP3: iapt_flow_join_step(st, p, IAPT_STEP3); break;
    case ROUTE_STEP2_THEN_3:
        ps->flags |= PF_PLAN_HI;
        iapt_flow_join_step(st, p, IAPT_STEP2);
        break;
    default:
        iapt_rec(st, M_SIGNPOSTED, G_ALL, 0, 1);
        iapt_people_exit(st, p, 0);
    }
}

/* ---- treatment ------------------------------------------------------------ */

static void allocate(state *st, int32_t p, int32_t k)
{
    membership *mb = &st->mem[k];
    person *ps = &st->p[p];
    mb->load++;
    iapt_free_update(st, k);
    ps->mem = k;
    iapt_clin_link(st, mb->clin, p);
    int first = ps->sessions == 0;
    if (!first && ps->drop) {
        sim_cancel(st->s, ps->drop); /* reallocated: the wait for a new clinician is over */
        ps->drop = 0;
    }
    iapt_people_set_state(st, p, first ? P_BOOKED_FIRST : P_IN_TREATMENT);
    double t = first ? sim_now(st->s) + sim_dist_sample(&st->sc->service.first_lead, st->r_cadence)
                     : fmax(sim_now(st->s), ps->resume);
    iapt_flow_book(st, p, mb->clin, t, iapt_flow_minutes(st, ps, 0, first));
}

/* The (team, step) list p waits on: for a first session, or part-way
 * through a course for reallocation. */
static plist *treat_list(state *st, const person *ps)
{
    tstep *t = ts_of(st, ps->team, ps->step);
    return ps->sessions > 0 ? &t->realloc[ps->req] : &t->wait[ps->req];
}

/* Puts p (state already set) on its (team, step) list or straight onto a
 * free place. */
static void seek_place(state *st, int32_t p)
{
    person *ps = &st->p[p];
    int32_t k = iapt_free_pick(st, ps->team, ps->step, ps->req);
    if (k != IAPT_NONE)
        allocate(st, p, k);
    else
        iapt_plist_insert(st, treat_list(st, ps), p);
}

void iapt_flow_await_reallocation(state *st, int32_t p)
{
    person *ps = &st->p[p];
    double now = sim_now(st->s);
    assert(ps->sessions > 0 && ps->clin == IAPT_NONE && ps->mem == IAPT_NONE);
    ps->joined = now;
    iapt_people_set_state(st, p, P_WAIT_TREAT);
    start_clock(st, p, now, st->r_drop_realloc);
    seek_place(st, p);
}

static int pick_modality(const iapt_step_cfg *sc, double u)
{
    double cum = 0;
    for (size_t i = 0; i < sc->modalities.n; i++) {
        cum += IAPT_ITEM(sc->modalities, iapt_modality_cfg, i)->share;
        if (u < cum)
            return (int)i;
    }
    return (int)sc->modalities.n - 1;
}

void iapt_flow_course(state *st, int32_t p, int step, int individual_only)
{
    person *ps = &st->p[p];
    const iapt_step_cfg *sc = &st->sc->steps[step];
    ps->step = (uint8_t)step;
    ps->sessions = 0;
    ps->dnas = 0;
    int m = pick_modality(sc, gsl_rng_uniform(st->r_route));
    if (individual_only && IAPT_ITEM(sc->modalities, iapt_modality_cfg, m)->kind == IAPT_MOD_GROUP)
        for (size_t i = 0; i < sc->modalities.n; i++)
            if (IAPT_ITEM(sc->modalities, iapt_modality_cfg, i)->kind != IAPT_MOD_GROUP) {
                m = (int)i;
                break;
            }
    ps->modality = (int16_t)m;
    iapt_rooms_course(st, p);
    const iapt_modality_cfg *mc = modality_of(st, ps);
    double drawn = sim_dist_sample(&mc->sessions, st->r_course); /* in 1..200: the loader bounds it */
    double planned = floor(drawn * pathway_of(st, ps)->course_factor + 0.5);
    ps->planned = (int16_t)(planned < 1 ? 1 : planned); /* at most 200 x course_factor (<= 10) */
}

void iapt_flow_wait_for_place(state *st, int32_t p)
{
    person *ps = &st->p[p];
    if (modality_of(st, ps)->kind == IAPT_MOD_GROUP) {
        iapt_groups_join(st, p);
        return;
    }
    iapt_people_set_state(st, p, P_WAIT_TREAT);
    seek_place(st, p);
}

void iapt_flow_join_step(state *st, int32_t p, int step)
{
    iapt_flow_course(st, p, step, 0);
    st->p[p].joined = sim_now(st->s);
    iapt_flow_wait_for_place(st, p);
}

/* Of the lists by requirement mask, the one a clinician with capabilities
 * `caps` can take from whose first person has waited longest (ties to the
 * lower person index), or NULL if none has anyone. */
static plist *longest_waiting(state *st, plist *lists, uint8_t caps)
{
    plist *best = NULL;
    for (int mask = 0; mask < NMASKS; mask++) {
        int32_t h = lists[mask].head, b = best ? best->head : IAPT_NONE;
        if ((mask & ~caps) || h == IAPT_NONE)
            continue;
        if (!best || st->p[h].joined < st->p[b].joined || (st->p[h].joined == st->p[b].joined && h < b))
            best = &lists[mask];
    }
    return best;
}

void iapt_flow_offer_place(state *st, int32_t k)
{
    if (st->mem[k].load >= st->mem[k].places && st->c[st->mem[k].clin].active) {
        /* Someone held beyond k's places left: the place they took is in
         * the clinician's other teams (models/staff.h). */
        iapt_staff_recap(st, st->mem[k].clin);
        return;
    }
    for (;;) {
        membership *mb = &st->mem[k];
        const clinician *cl = &st->c[mb->clin];
        if (!cl->active || mb->load >= mb->cap)
            return;
        tstep *t = ts_of(st, mb->team, mb->step);
        /* People part-way through a course first, then new people. */
        plist *l = longest_waiting(st, t->realloc, cl->caps);
        if (!l)
            l = longest_waiting(st, t->wait, cl->caps);
        if (!l)
            return;
        int32_t best = l->head;
        iapt_plist_remove(st, l, best);
        allocate(st, best, k);
    }
}

/* Gives up p's caseload place; returns the membership freed or IAPT_NONE. */
static int32_t release_place(state *st, int32_t p)
{
    person *ps = &st->p[p];
    int32_t k = ps->mem;
    if (k != IAPT_NONE) {
        st->mem[k].load--;
        iapt_free_update(st, k);
        ps->mem = IAPT_NONE;
    }
    if (ps->clin != IAPT_NONE)
        iapt_clin_unlink(st, ps->clin, p);
    return k;
}

/* The outcome at the end of p's course (at least one session at its step):
 * recovered (cases only) and reliably improved, with the step's
 * probabilities for core, or for LTC with or without a top-up trained
 * clinician. It replaces any earlier course's outcome: the referral's
 * outcome is its last course's, as the national measure compares the first
 * and last scores of the referral. */
static void outcome(state *st, int32_t p, uint8_t clin_caps)
{
    person *ps = &st->p[p];
    const iapt_step_cfg *sc = &st->sc->steps[ps->step];
    const iapt_outcome_cfg *o = pathway_of(st, ps)->kind == IAPT_PATHWAY_CORE ? &sc->core
                                : (clin_caps & CAP_LTC)                        ? &sc->ltc_skilled
                                                                               : &sc->ltc_unskilled;
    double u = gsl_rng_uniform(st->r_outcome);
    ps->flags &= (uint16_t) ~(PF_RECOVERED | PF_IMPROVED);
    ps->flags |= PF_HAS_OUTCOME;
    if (u < o->reliable_improvement)
        ps->flags |= PF_IMPROVED;
    if ((ps->flags & PF_CASE) && u < o->recovery)
        ps->flags |= PF_RECOVERED;
    if (ps->flags & PF_CASE) {
        st->acc.course_cases[ps->step]++;
        iapt_rec(st, M_COURSE_RECOVERY, G_STEP, ps->step, (ps->flags & PF_RECOVERED) ? 1 : 0);
    }
}

/* Whether a step 2 completer goes on to step 3: never if they recovered
 * (non-cases: reliably improved); otherwise always if planned for step 2
 * then 3, else with the step-up share. One draw per completion. */
static int steps_up(state *st, const person *ps)
{
    double u = gsl_rng_uniform(st->r_step_up);
    int better = (ps->flags & PF_CASE) ? (ps->flags & PF_RECOVERED) != 0 : (ps->flags & PF_IMPROVED) != 0;
    return !better && ((ps->flags & PF_PLAN_HI) || u < st->sc->steps[IAPT_STEP2].step_up);
}

void iapt_flow_end_course(state *st, int32_t p, int how, uint8_t clin_caps)
{
    person *ps = &st->p[p];
    int32_t k = release_place(st, p);
    /* A course without a session (say, stepped up, then discharged after
     * missing the first step 3 sessions) leaves the referral's outcome and
     * step as the previous course left them. */
    if (ps->sessions >= 1) {
        outcome(st, p, clin_caps);
        ps->last_step = ps->step;
    }
    if (how == END_ONE_SESSION)
        iapt_rec(st, M_ONE_SESSION, G_STEP, ps->step, 1);
    if (how == END_DNA) {
        iapt_rec(st, M_DNA_DISCHARGED, G_ALL, 0, 1);
        iapt_rec(st, M_DNA_DISCHARGED, G_STAGE, ps->step == IAPT_STEP2 ? IAPT_STAGE_STEP2 : IAPT_STAGE_STEP3, 1);
    }
    int moved = 0;
    if (how == END_COMPLETED && ps->step == IAPT_STEP2) {
        st->acc.step2_completions++;
        if (steps_up(st, ps)) {
            iapt_rec(st, M_STEPPED_UP, G_ALL, 0, 1);
            ps->flags |= PF_STEPPED_UP;
            iapt_flow_start_wait(st, p, sim_now(st->s));
            iapt_flow_join_step(st, p, IAPT_STEP3);
            moved = 1;
        }
    }
    if (!moved) {
        if (how == END_DROPOUT || how == END_DROPOUT_REALLOC) {
            /* As the drop-out was drawn (iapt_flow_after_session): after
             * a course's first session at dropout_first_to_second, apart
             * for the referral's first session (the national first to
             * second measure) and a later course's; else per session. */
            int stage = how == END_DROPOUT_REALLOC ? DROP_WAIT_REALLOC
                        : ps->sessions > 1         ? DROP_LATER
                        : ps->total_sessions <= 1  ? DROP_FIRST_SECOND
                                                   : DROP_FIRST_SECOND_STEPPED;
            iapt_rec(st, M_DROPOUTS, G_ALL, 0, 1);
            iapt_rec(st, M_DROPOUTS, G_DROPSTAGE, stage, 1);
        }
        iapt_people_exit(st, p, how == END_DROPOUT || how == END_DROPOUT_REALLOC);
    }
    if (k != IAPT_NONE)
        iapt_flow_offer_place(st, k);
}

/* Bookkeeping of an attended treatment session (individual or group). */
void iapt_flow_attended(state *st, int32_t p, int32_t c, double minutes)
{
    person *ps = &st->p[p];
    double now = sim_now(st->s);
    ps->sessions++;
    ps->total_sessions++;
    if (st->sc->service.dna_counting == IAPT_DNA_CONSECUTIVE)
        ps->dnas = 0;
    iapt_people_set_state(st, p, (pstate)ps->state); /* a group member's first session: now in treatment */
    ps->flags |= ps->step == IAPT_STEP2 ? PF_HAD_LI : PF_HAD_HI;
    if (c != IAPT_NONE) {
        int32_t ng = (int32_t)st->sc->workforce.grades.n;
        st->acc.delivered_min[ps->team * ng + st->c[c].grade] += minutes;
    }
    if (ps->sessions == 1) {
        long step_wait = iapt_day_of(now) - iapt_day_of(ps->joined);
        ps->course_start = now;
        sim_icount_add(&st->acc.step_wait[ps->step], step_wait > 0 ? step_wait : 0);
        sim_icount_add(&st->acc.step_wait_pw[ps->pathway * IAPT_NSTEPS + ps->step], step_wait > 0 ? step_wait : 0);
        iapt_rec(st, M_ENTERED, G_STEP, ps->step, 1);
        iapt_rec(st, M_ENTERED, G_PATHWAY_STEP, ps->pathway * IAPT_NSTEPS + ps->step, 1);
        iapt_demand_course_started(st, ps->pathway);
        if (ps->drop) {
            sim_cancel(st->s, ps->drop);
            ps->drop = 0;
        }
    }
    if (!(ps->flags & PF_ENTERED)) {
        ps->flags |= PF_ENTERED;
        ps->first_session = now;
        long wait = iapt_day_of(now) - iapt_day_of(ps->referral);
        sim_icount_add(&st->acc.wait_all, wait > 0 ? wait : 0);
        sim_icount_add(&st->acc.wait_pw[ps->pathway], wait > 0 ? wait : 0);
        sim_icount_add(&st->fy_wait, wait > 0 ? wait : 0);
        sim_icount_add(&st->fy_wait_pw[ps->pathway], wait > 0 ? wait : 0);
        iapt_rec(st, M_ENTERED, G_ALL, 0, 1);
        iapt_rec(st, M_ENTERED, G_PATHWAY, ps->pathway, 1);
        iapt_demand_entered(st, ps->pathway, wait > 0 ? wait : 0);
        st->fy_entered++;
    } else if (ps->total_sessions == 2) {
        long hidden = iapt_day_of(now) - iapt_day_of(ps->first_session);
        sim_icount_add(&st->acc.hidden, hidden > 0 ? hidden : 0);
        sim_icount_add(&st->fy_hidden, hidden > 0 ? hidden : 0);
    }
}

int iapt_flow_after_session(state *st, int32_t p, int done)
{
    const person *ps = &st->p[p];
    const iapt_step_cfg *sc = &st->sc->steps[ps->step];
    double u = gsl_rng_uniform(st->r_drop_treat);
    double v = ps->total_sessions == 1 ? gsl_rng_uniform(st->r_one_session) : 1;
    if (done)
        return END_COMPLETED;
    if (u < (ps->sessions == 1 ? sc->dropout_first : sc->dropout_later))
        return END_DROPOUT;
    if (v < sc->discharged_after_first)
        return END_ONE_SESSION;
    return END_NONE;
}

static void session(state *st, int32_t p)
{
    person *ps = &st->p[p];
    const iapt_modality_cfg *mc = modality_of(st, ps);
    int32_t c = ps->clin;
    double now = sim_now(st->s);
    st->acc.appts++;
    ps->appt_day = IAPT_NONE;
    if (gsl_rng_uniform(st->r_dna) < mc->dna) {
        if (iapt_flow_missed(st, p)) {
            iapt_flow_end_course(st, p, END_DNA, st->c[c].caps);
            return;
        }
        double next = now + sim_dist_sample(&mc->cadence, st->r_cadence);
        iapt_flow_book(st, p, c, next, iapt_flow_minutes(st, ps, 0, ps->sessions == 0));
        return;
    }
    iapt_flow_attended(st, p, c, ps->appt_min);
    if (ps->state == P_BOOKED_FIRST)
        iapt_people_set_state(st, p, P_IN_TREATMENT);
    double next = now + sim_dist_sample(&mc->cadence, st->r_cadence);
    int done = ps->sessions >= ps->planned || (mc->max_course > 0 && next - ps->course_start > mc->max_course);
    int how = iapt_flow_after_session(st, p, done);
    if (how != END_NONE)
        iapt_flow_end_course(st, p, how, st->c[c].caps);
    else
        iapt_flow_book(st, p, c, next, iapt_flow_minutes(st, ps, 0, 0));
}

void iapt_flow_room_retry(state *st, int32_t p)
{
    person *ps = &st->p[p];
    double from = fmax((double)ps->appt_day, sim_now(st->s));
    ps->flags &= (uint16_t)~PF_ROOM_WAIT;
    ps->appt_day = IAPT_NONE;
    iapt_flow_book(st, p, ps->clin, from, (int32_t)ps->appt_min);
}

void iapt_flow_appointment(state *st, int32_t p)
{
    person *ps = &st->p[p];
    ps->appt = 0;
    iapt_rooms_count(st, (ps->flags & PF_ROOM) ? ps->site : IAPT_NONE, 1);
    ps->flags &= (uint16_t)~PF_ROOM; /* the room's minutes are used */
    if (ps->state == P_ASSESS_BOOKED)
        assessment(st, p);
    else
        session(st, p);
}

void iapt_flow_drop_waiting(state *st, int32_t p)
{
    person *ps = &st->p[p];
    int32_t k = IAPT_NONE;
    int stage = ps->stock; /* the stage waited at: IAPT_STAGE_*, or a stock waiting for reallocation */
    ps->drop = 0;
    if (stage >= IAPT_STOCK_REALLOC) {
        /* Part-way through a course: it ends in drop-out, with an outcome
         * as from a clinician meeting the pathway's skill rule. */
        iapt_plist_remove(st, treat_list(st, ps), p);
        iapt_flow_end_course(st, p, END_DROPOUT_REALLOC, (uint8_t)(ps->req & CAP_LTC));
        return;
    }
    assert(stage >= IAPT_STAGE_ASSESSMENT && stage <= IAPT_STAGE_STEP3);
    switch ((pstate)ps->state) {
    case P_WAIT_ASSESS: iapt_plist_remove(st, assess_list(st, ps), p); break;
    case P_ASSESS_BOOKED:
        unbook(st, p);
        iapt_clin_unlink(st, ps->clin, p);
        break;
    case P_WAIT_TREAT: iapt_plist_remove(st, treat_list(st, ps), p); break;
    case P_WAIT_GROUP:
    case P_IN_GROUP: iapt_groups_remove(st, p); break;
    case P_BOOKED_FIRST:
        unbook(st, p);
        k = release_place(st, p);
        break;
    case P_IN_TREATMENT:
    case P_FREE: assert(0 && "drop-out event of someone not waiting"); return;
    }
    iapt_rec(st, M_DROPOUTS, G_ALL, 0, 1);
    iapt_rec(st, M_DROPOUTS, G_DROPSTAGE, DROP_WAIT_ASSESSMENT + stage, 1);
    iapt_people_exit(st, p, 1);
    if (k != IAPT_NONE)
        iapt_flow_offer_place(st, k);
}

/* ---- capacity changes under existing bookings --------------------------- */

void iapt_flow_move_overbooked(state *st, int32_t c, int32_t d)
{
    for (int32_t p = st->c[c].people; p != IAPT_NONE && iapt_diary_free(st, c, d) < 0;) {
        int32_t next = st->p[p].cnext;
        person *ps = &st->p[p];
        if (booked(ps) && ps->appt_day == d) {
            int32_t minutes = (int32_t)ps->appt_min;
            unbook(st, p);
            iapt_flow_book(st, p, c, (double)(d + 1), minutes);
        }
        p = next;
    }
}

void iapt_flow_move_room_overbooked(state *st, int32_t s, int32_t d)
{
    for (int32_t p = 0; p < st->np && iapt_rooms_free_on(st, s, d) < 0; p++) {
        person *ps = &st->p[p];
        if (ps->state == P_FREE || !(ps->flags & PF_ROOM) || ps->site != s || ps->appt_day != d)
            continue;
        int32_t minutes = (int32_t)ps->appt_min;
        unbook(st, p);
        iapt_flow_book(st, p, ps->clin, (double)(d + 1), minutes);
    }
}

void iapt_flow_release_clinician(state *st, int32_t c)
{
    iapt_groups_facilitator_left(st, c);
    while (st->c[c].people != IAPT_NONE) {
        int32_t p = st->c[c].people;
        person *ps = &st->p[p];
        unbook(st, p);
        if (ps->state == P_ASSESS_BOOKED) {
            iapt_clin_unlink(st, c, p);
            iapt_people_set_state(st, p, P_WAIT_ASSESS);
            iapt_plist_insert(st, assess_list(st, ps), p);
            continue;
        }
        /* Caseload: booked for a first session, back to the list at their
         * original place; part-way through a course, waiting for
         * reallocation (ahead of new people, with a drop-out clock). The
         * course goes on with whoever takes them. */
        release_place(st, p);
        if (ps->sessions > 0) {
            iapt_flow_await_reallocation(st, p);
        } else {
            iapt_people_set_state(st, p, P_WAIT_TREAT);
            seek_place(st, p);
        }
    }
}

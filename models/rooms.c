/*
 * models/rooms.c: room diaries of co-location sites, the draws of who
 * needs a room, and the room measures (see the header).
 *
 * The rooms a site holds on day d, as known on day `today`, are its
 * schedule's value on day min(d, today + notice), taken at mid-day like
 * the referral rates: a pure function of (site, d, today), so a diary day
 * is computed when it opens and again only when a change becomes known.
 */
#include "models/rooms.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "models/flow.h"
#include "models/groups.h"
#include "models/people.h"
#include "models/staff.h"

#define RING(d) ((d) & (IAPT_DIARY_DAYS - 1))

typedef struct rooms {
    int32_t ns;
    int32_t *cap, *free;       /* ns x IAPT_DIARY_DAYS: room minutes available and free, ring by day */
    int32_t *wait_head, *wait_tail; /* per site: people waiting for a day with a room (FIFO) */
    double *avail_min;         /* per site: room minutes available this month */
    double *booked_min;        /* per site: room minutes taken this month */
    double *delay_days, *delayed; /* per site: days delayed for want of a room, and bookings, this month */
} rooms;

static const iapt_site_cfg *site_cfg(const state *st, int32_t s) { return IAPT_ITEM(st->sc->sites, iapt_site_cfg, s); }

static size_t slot(int32_t s, int32_t d) { return (size_t)s * IAPT_DIARY_DAYS + (size_t)RING(d); }

/* Rooms at site s on day d (schedule value at mid-day). */
static double rooms_on(const state *st, int32_t s, int32_t d)
{
    double r = sim_sched_at(&site_cfg(st, s)->rooms, (double)(st->sc->run.start + d) + 0.5);
    return r > 0 ? r : 0;
}

static int32_t notice_days(const state *st, int32_t s) { return (int32_t)floor(site_cfg(st, s)->notice); }

/* Room minutes of site s on day d as known today. */
static int32_t capacity(const state *st, int32_t s, int32_t d)
{
    const iapt_site_cfg *x = site_cfg(st, s);
    if (!((x->days >> sim_date_weekday(st->sc->run.start + d)) & 1u))
        return 0;
    int32_t known = st->today + notice_days(st, s);
    double m = rooms_on(st, s, d < known ? d : known) * x->hours_min;
    return (int32_t)floor(m + 0.5);
}

int iapt_rooms_init(state *st)
{
    int32_t ns = (int32_t)st->sc->sites.n;
    if (ns == 0)
        return 0;
    rooms *rm = calloc(1, sizeof *rm);
    if (!rm)
        return -1;
    st->rm = rm;
    rm->ns = ns;
    rm->cap = malloc((size_t)ns * IAPT_DIARY_DAYS * sizeof(int32_t));
    rm->free = malloc((size_t)ns * IAPT_DIARY_DAYS * sizeof(int32_t));
    rm->avail_min = calloc((size_t)ns, sizeof(double));
    rm->booked_min = calloc((size_t)ns, sizeof(double));
    rm->wait_head = malloc((size_t)ns * sizeof(int32_t));
    rm->wait_tail = malloc((size_t)ns * sizeof(int32_t));
    rm->delay_days = calloc((size_t)ns, sizeof(double));
    rm->delayed = calloc((size_t)ns, sizeof(double));
    if (!rm->cap || !rm->free || !rm->avail_min || !rm->booked_min || !rm->wait_head || !rm->wait_tail ||
        !rm->delay_days || !rm->delayed)
        return -1;
    for (int32_t s = 0; s < ns; s++)
        rm->wait_head[s] = rm->wait_tail[s] = IAPT_NONE;
    for (int32_t s = 0; s < ns; s++)
        for (int32_t d = st->today; d < st->today + IAPT_DIARY_DAYS; d++)
            rm->cap[slot(s, d)] = rm->free[slot(s, d)] = capacity(st, s, d);
    return 0;
}

void iapt_rooms_free(state *st)
{
    rooms *rm = st->rm;
    if (!rm)
        return;
    free(rm->cap);
    free(rm->free);
    free(rm->avail_min);
    free(rm->booked_min);
    free(rm->wait_head);
    free(rm->wait_tail);
    free(rm->delay_days);
    free(rm->delayed);
    free(rm);
    st->rm = NULL;
}

/* ---- who needs a room ----------------------------------------------------- */

void iapt_rooms_referral(state *st, int32_t p)
{
    person *ps = &st->p[p];
    const iapt_pathway_cfg *pc = IAPT_ITEM(st->sc->pathways, iapt_pathway_cfg, ps->pathway);
    ps->site = IAPT_NONE;
    ps->flags &= (uint16_t)~PF_F2F;
    if (!pc->sites.n)
        return;
    double u = gsl_rng_uniform(st->r_site), f = gsl_rng_uniform(st->r_f2f), cum = 0;
    for (size_t k = 0; k < pc->sites.n; k++) {
        if (pc->sites.v[k] <= 0)
            continue;
        ps->site = (int16_t)pc->sites.ref[k]; /* the last site with a share, if rounding leaves u above all */
        cum += pc->sites.v[k];
        if (u < cum)
            break;
    }
    if (f < pc->assessment.face_to_face)
        ps->flags |= PF_F2F;
}

void iapt_rooms_course(state *st, int32_t p)
{
    person *ps = &st->p[p];
    if (ps->site < 0)
        return;
    const iapt_modality_cfg *mc = IAPT_ITEM(st->sc->steps[ps->step].modalities, iapt_modality_cfg, ps->modality);
    double f = gsl_rng_uniform(st->r_f2f);
    ps->flags &= (uint16_t)~PF_F2F;
    if (f < iapt_face_to_face(mc))
        ps->flags |= PF_F2F;
}

/* ---- room diaries ------------------------------------------------------------ */

static int in_window(const state *st, int32_t d) { return d >= st->today && d < st->today + IAPT_DIARY_DAYS; }

int32_t iapt_rooms_free_on(const state *st, int32_t s, int32_t d)
{
    assert(in_window(st, d));
    return st->rm->free[slot(s, d)];
}

/* Whether site s has a room open on day d with `minutes` free. */
static int room_fits(const rooms *rm, int32_t s, int32_t d, int32_t minutes)
{
    return rm->cap[slot(s, d)] > 0 && rm->free[slot(s, d)] >= minutes;
}

int32_t iapt_rooms_find(const state *st, int32_t c, int32_t s, int32_t from, int32_t to, int32_t minutes)
{
    if (from < st->today)
        from = st->today;
    if (to >= st->today + IAPT_DIARY_DAYS)
        to = st->today + IAPT_DIARY_DAYS - 1;
    for (int32_t d = from; d <= to; d++)
        if (room_fits(st->rm, s, d, minutes) && iapt_diary_fits(st, c, d, minutes))
            return d;
    return IAPT_NONE;
}

int32_t iapt_rooms_find_overbooked(const state *st, int32_t c, int32_t s, int32_t from, int32_t minutes)
{
    for (int32_t d = from > st->today ? from : st->today; d < st->today + IAPT_DIARY_DAYS; d++)
        if (room_fits(st->rm, s, d, minutes) && iapt_diary_open(st, c, d) > 0)
            return d;
    return IAPT_NONE;
}

int iapt_rooms_fit_series(const state *st, int32_t s, int32_t d, int32_t n, int32_t every, int32_t minutes)
{
    for (int32_t k = 0; k < n; k++) {
        int32_t day = d + k * every;
        if (day >= st->today + IAPT_DIARY_DAYS)
            break; /* beyond the window: booked as its day enters it (models/groups.c) */
        if (!room_fits(st->rm, s, day, minutes))
            return 0;
    }
    return 1;
}

void iapt_rooms_take(state *st, int32_t s, int32_t d, int32_t minutes)
{
    assert(in_window(st, d));
    st->rm->free[slot(s, d)] -= minutes;
}

void iapt_rooms_give(state *st, int32_t s, int32_t d, int32_t minutes)
{
    if (in_window(st, d))
        st->rm->free[slot(s, d)] += minutes;
}

void iapt_rooms_wait(state *st, int32_t p)
{
    int32_t s = st->p[p].site;
    iapt_alist_append(st, &st->rm->wait_head[s], &st->rm->wait_tail[s], p);
}

void iapt_rooms_unwait(state *st, int32_t p)
{
    int32_t s = st->p[p].site;
    iapt_alist_remove(st, &st->rm->wait_head[s], &st->rm->wait_tail[s], p);
}

/* Tries everyone waiting at site s, in order: the list is taken whole, and
 * those who still find no day join the new list in the same order. */
static void retry_waiting(state *st, int32_t s)
{
    rooms *rm = st->rm;
    int32_t p = rm->wait_head[s];
    rm->wait_head[s] = rm->wait_tail[s] = IAPT_NONE;
    while (p != IAPT_NONE) {
        int32_t next = st->p[p].anext;
        st->p[p].anext = st->p[p].aprev = IAPT_NONE;
        iapt_flow_room_retry(st, p);
        p = next;
    }
}

/* Recomputes site s's days from `from` to the window's end; appointments
 * left beyond a day's rooms move to later days. */
static void refresh(state *st, int32_t s, int32_t from)
{
    rooms *rm = st->rm;
    for (int32_t d = from < st->today ? st->today : from; d < st->today + IAPT_DIARY_DAYS; d++) {
        size_t i = slot(s, d);
        int32_t cap = capacity(st, s, d);
        rm->free[i] += cap - rm->cap[i];
        rm->cap[i] = cap;
        if (rm->free[i] < 0)
            iapt_flow_move_room_overbooked(st, s, d);
    }
}

void iapt_rooms_roll(state *st)
{
    rooms *rm = st->rm;
    if (!rm)
        return;
    int32_t ended = st->today - 1, opened = st->today + IAPT_DIARY_DAYS - 1;
    for (int32_t s = 0; s < rm->ns; s++) {
        size_t i = slot(s, ended); /* the slot the new last day takes */
        if (ended >= 0) {
            int32_t used = rm->cap[i] - rm->free[i];
            rm->avail_min[s] += rm->cap[i];
            rm->booked_min[s] += used > 0 ? used : 0;
        }
        rm->cap[i] = rm->free[i] = capacity(st, s, opened);
    }
}

void iapt_rooms_learn(state *st)
{
    rooms *rm = st->rm;
    if (!rm)
        return;
    for (int32_t s = 0; s < rm->ns; s++) {
        /* The day now `notice` ahead: if its rooms differ from the day
         * before, the change is learnt now for it and every later day. */
        int32_t known = st->today + notice_days(st, s);
        if (rooms_on(st, s, known) != rooms_on(st, s, known - 1))
            refresh(st, s, known);
    }
    for (int32_t s = 0; s < rm->ns; s++)
        if (rm->wait_head[s] != IAPT_NONE)
            retry_waiting(st, s);
}

/* ---- measures ------------------------------------------------------------------ */

void iapt_rooms_count(state *st, int32_t s, double n)
{
    if (!st->rm)
        return;
    if (s >= 0) {
        iapt_rec(st, M_APPTS_F2F, G_SITES_ALL, 0, n);
        iapt_rec(st, M_APPTS_F2F, G_SITE, s, n);
    } else {
        iapt_rec(st, M_APPTS_REMOTE, G_SITES_ALL, 0, n);
    }
}

void iapt_rooms_delayed(state *st, int32_t p, int32_t s, int32_t day)
{
    person *ps = &st->p[p];
    assert(ps->flags & PF_ROOM_DELAYED);
    ps->flags &= (uint16_t)~PF_ROOM_DELAYED;
    iapt_rec(st, M_ROOM_DELAYED, G_SITES_ALL, 0, 1);
    iapt_rec(st, M_ROOM_DELAYED, G_SITE, s, 1);
    st->rm->delay_days[s] += day > ps->room_free_day ? day - ps->room_free_day : 0;
    st->rm->delayed[s] += 1;
}

/* Records hours available and booked, utilisation and cost for one
 * grouping item (a site, or all sites together). */
static void record_one(state *st, unsigned kind, int i, double avail_min, double booked_min, double cost)
{
    iapt_rec(st, M_ROOM_HOURS_AVAILABLE, kind, i, avail_min / 60);
    iapt_rec(st, M_ROOM_HOURS_BOOKED, kind, i, booked_min / 60);
    iapt_rec(st, M_ROOM_UTIL, kind, i, avail_min > 0 ? 100 * booked_min / avail_min : NAN);
    iapt_rec(st, M_ROOM_COST, kind, i, cost);
}

void iapt_rooms_record(state *st)
{
    rooms *rm = st->rm;
    if (!rm)
        return;
    double avail = 0, booked = 0, cost = 0, days = 0, delayed = 0, held = 0;
    for (int32_t s = 0; s < rm->ns; s++) {
        const iapt_site_cfg *x = site_cfg(st, s);
        double charged = x->charge == IAPT_CHARGE_AVAILABLE ? rm->avail_min[s] : rm->booked_min[s];
        double c = charged / 60 * x->cost;
        record_one(st, G_SITE, s, rm->avail_min[s], rm->booked_min[s], c);
        iapt_rec(st, M_ROOM_DELAY_MEAN, G_SITE, s, rm->delayed[s] > 0 ? rm->delay_days[s] / rm->delayed[s] : NAN);
        avail += rm->avail_min[s], booked += rm->booked_min[s], cost += c;
        days += rm->delay_days[s], delayed += rm->delayed[s];
        rm->avail_min[s] = rm->booked_min[s] = rm->delay_days[s] = rm->delayed[s] = 0;
    }
    record_one(st, G_SITES_ALL, 0, avail, booked, cost);
    iapt_rec(st, M_ROOM_DELAY_MEAN, G_SITES_ALL, 0, delayed > 0 ? days / delayed : NAN);
    for (int32_t p = 0; p < st->np; p++) {
        const person *ps = &st->p[p];
        if (ps->state != P_FREE && ps->site >= 0 && (ps->flags & (PF_ROOM_WAIT | PF_ROOM_DELAYED))) {
            /* first in line for a group: the group it would start */
            double n = ps->state == P_WAIT_GROUP ? iapt_groups_first_group(st, p) : 1;
            iapt_rec(st, M_ROOM_WAITING, G_SITE, ps->site, n);
            held += n;
        }
    }
    iapt_rec(st, M_ROOM_WAITING, G_SITES_ALL, 0, held);
}

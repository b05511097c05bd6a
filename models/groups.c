/*
 * models/groups.c: forming, running and ending groups.
 *
 * A group meets at the site of the person who has waited longest for it
 * (if their pathway names sites): it starts only on a day when its
 * facilitators have time and that site has a room free for every session
 * within the diary window. Its sessions are booked as their days enter the
 * window: those already in it when it starts, then each later one on the
 * morning its day opens, before anything else can be booked that day
 * (iapt_groups_roll). So a group of any length takes its facilitators'
 * diary time and its room for every session, and a facilitator is never
 * booked beyond their day: one who is not working that day (leave, a
 * university or top-up day) or whose day is too short for the session is
 * not booked for it and does not attend (their co-facilitators run it; a
 * session none of them is booked for is held on cover and counted in
 * group_sessions_unstaffed). The room is taken for every session (a group
 * keeps its room: a site whose rooms fall under it is overbooked, as under
 * a withdrawal). Cost: O(active groups) a day for the booking, O(groups)
 * when a clinician leaves or loses diary time under a group session.
 */
#include "models/groups.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/flow.h"
#include "models/people.h"
#include "models/rooms.h"
#include "models/staff.h"

static const iapt_modality_cfg *mod_cfg(const state *st, int step, int modality)
{
    return IAPT_ITEM(st->sc->steps[step].modalities, iapt_modality_cfg, modality);
}

static size_t list_index(const state *st, int32_t team, int step, int modality)
{
    return (size_t)((team * IAPT_NSTEPS + step) * st->m->maxmod + modality);
}

static plist *group_list(state *st, int32_t team, int step, int modality)
{
    return &st->group_wait[list_index(st, team, step, modality)];
}

/* Sessions of the next group of a list: the modality's planned sessions,
 * drawn once per group (from the groups' own stream) and kept until that
 * group starts. Members' own course-length draws do not set it. */
static int32_t next_length(state *st, int32_t team, int step, int modality)
{
    int32_t *len = &st->group_len[list_index(st, team, step, modality)];
    if (*len < 0) {
        double n = sim_dist_sample(&mod_cfg(st, step, modality)->sessions, st->r_group);
        *len = (int32_t)floor(n + 0.5); /* n in 1..200: the loader bounds the distribution */
    }
    return *len;
}

static int32_t group_minutes(const iapt_modality_cfg *mc) { return (int32_t)floor(mc->session_min + mc->admin_min + 0.5); }

static int32_t group_every(const iapt_modality_cfg *mc)
{
    double e = floor(sim_dist_mean(&mc->cadence) + 0.5);
    return e < 1 ? 1 : (int32_t)e;
}

/* Day of session k (0 first) of group gr. */
static int32_t session_day(const state *st, const group_rec *gr, int32_t k)
{
    return gr->first_day + k * group_every(mod_cfg(st, gr->step, gr->modality));
}

/* Whether facilitator slot f of gr holds diary minutes on day d (within
 * the window), and setting or clearing that mark. */
static int is_taken(const group_rec *gr, int32_t f, int32_t d)
{
    int32_t r = d & (IAPT_DIARY_DAYS - 1);
    return (int)((gr->taken[f][r >> 6] >> (r & 63)) & 1u);
}

static void mark_taken(group_rec *gr, int32_t f, int32_t d, int on)
{
    int32_t r = d & (IAPT_DIARY_DAYS - 1);
    uint64_t bit = UINT64_C(1) << (r & 63);
    gr->taken[f][r >> 6] = on ? gr->taken[f][r >> 6] | bit : gr->taken[f][r >> 6] & ~bit;
}

/* Facilitator slot f of gr takes the minutes of the session on day d if
 * they work that day with the minutes free (never beyond their day). */
static void take_if_free(state *st, group_rec *gr, int32_t f, int32_t d)
{
    if (!iapt_diary_fits(st, gr->fac[f], d, (int32_t)gr->minutes))
        return;
    iapt_diary_take(st, gr->fac[f], d, (int32_t)gr->minutes);
    mark_taken(gr, f, d, 1);
}

/* Books every session of gr whose day is now within the diary window and
 * not booked yet: each facilitator's minutes where they fit, and the room
 * at the group's site. */
static void book_window(state *st, group_rec *gr)
{
    while (gr->booked < gr->total) {
        int32_t d = session_day(st, gr, gr->booked);
        if (d >= st->today + IAPT_DIARY_DAYS)
            return;
        for (int32_t f = 0; f < gr->nfac; f++)
            take_if_free(st, gr, f, d);
        if (gr->site >= 0)
            iapt_rooms_take(st, gr->site, d, (int32_t)gr->minutes);
        gr->booked++;
    }
}

void iapt_groups_roll(state *st)
{
    for (int32_t g = 0; g < st->ngroups; g++)
        if (st->groups[g].active)
            book_window(st, &st->groups[g]);
}

/* Whether clinician c can facilitate n sessions every `every` days from day
 * d, `minutes` each, for members needing `req`. */
static int can_facilitate(const state *st, int32_t c, int32_t team, int step, uint8_t req, int32_t d, int32_t n,
                          int32_t every, int32_t minutes)
{
    const clinician *cl = &st->c[c];
    if (!cl->active || cl->team_share[team] <= 0 || (req & ~cl->caps) || !(iapt_grade_steps(st, cl->grade) & (1u << step)))
        return 0;
    /* The first session needs them there; later sessions that fall in their
     * leave weeks are covered by a co-facilitator, the others need room. */
    if (iapt_diary_capacity(st, c, d) <= 0)
        return 0;
    for (int32_t k = 0; k < n; k++) {
        int32_t day = d + k * every;
        if (day >= st->today + IAPT_DIARY_DAYS)
            break; /* beyond the diary window: booked as its day enters it (iapt_groups_roll) */
        if (iapt_diary_capacity(st, c, day) > 0 && iapt_diary_free(st, c, day) < minutes)
            return 0;
    }
    return 1;
}

/* Finds the first day with `need` facilitators and, for a group meeting at
 * a site (site >= 0), a room there for its sessions; fills fac[]. Returns
 * the day or IAPT_NONE; *no_room is set if some day had the facilitators
 * but no room. */
static int32_t find_facilitators(state *st, int32_t team, int step, uint8_t req, int32_t n, int32_t every,
                                 int32_t minutes, int32_t need, int32_t site, int32_t *fac, int32_t *no_room)
{
    int32_t from = st->today + (int32_t)ceil(sim_dist_mean(&st->sc->service.first_lead));
    int32_t to = st->today + (int32_t)floor(st->sc->service.booking_horizon);
    if (from <= st->today)
        from = st->today + 1;
    for (int32_t d = from; d <= to && d < st->today + IAPT_DIARY_DAYS; d++) {
        int32_t got = 0;
        for (int32_t c = 0; c < st->nc && got < need; c++)
            if (can_facilitate(st, c, team, step, req, d, n, every, minutes))
                fac[got++] = c;
        if (got < need)
            continue;
        if (site < 0 || iapt_rooms_fit_series(st, site, d, n, every, minutes))
            return d;
        if (*no_room == IAPT_NONE)
            *no_room = d;
    }
    return IAPT_NONE;
}

static int32_t new_group(state *st)
{
    for (int32_t g = 0; g < st->ngroups; g++)
        if (!st->groups[g].active)
            return g;
    if (st->ngroups == st->gcap) {
        int32_t ncap = st->gcap ? st->gcap * 2 : 16;
        group_rec *ng = realloc(st->groups, (size_t)ncap * sizeof *ng);
        if (!ng) {
            sim_fail(st->s, -1);
            return IAPT_NONE;
        }
        st->groups = ng;
        st->gcap = ncap;
    }
    return st->ngroups++;
}

/* Union of the requirement bits of the first `n` people on a list. */
static uint8_t members_req(const state *st, const plist *l, int32_t n)
{
    uint8_t req = 0;
    for (int32_t p = l->head; p != IAPT_NONE && n-- > 0; p = st->p[p].next)
        req |= st->p[p].req;
    return req;
}

static void start_group(state *st, int32_t team, int step, int modality, int32_t day, int32_t sessions,
                        const int32_t *fac, int32_t nfac, int32_t site)
{
    const iapt_modality_cfg *mc = mod_cfg(st, step, modality);
    plist *l = group_list(st, team, step, modality);
    int32_t g = new_group(st);
    if (g == IAPT_NONE)
        return;
    group_rec *gr = &st->groups[g];
    memset(gr, 0, sizeof *gr);
    gr->team = team, gr->step = step, gr->modality = modality;
    gr->active = 1;
    gr->first_day = day;
    gr->minutes = group_minutes(mc);
    gr->total = sessions;
    gr->site = site;
    st->group_len[list_index(st, team, step, modality)] = -1;
    iapt_rec(st, M_GROUPS_STARTED, G_ALL, 0, 1);
    if (site >= 0 && (st->p[l->head].flags & PF_ROOM_DELAYED))
        iapt_rooms_delayed(st, l->head, site, day);
    for (int32_t f = 0; f < nfac; f++)
        gr->fac[gr->nfac++] = fac[f];
    book_window(st, gr);
    long max = mc->group_max < 64 ? mc->group_max : 64;
    while (l->n && gr->nmembers < max) {
        int32_t p = l->head;
        iapt_plist_remove(st, l, p);
        st->p[p].group = g;
        st->p[p].planned = (int16_t)gr->total;
        iapt_people_set_state(st, p, P_IN_GROUP);
        gr->members[gr->nmembers++] = p;
    }
    gr->ev = sim_at(st->s, (double)day, PRIO_APPT, EV_GROUP, (uint64_t)g);
}

static void try_start(state *st, int32_t team, int step, int modality)
{
    const iapt_modality_cfg *mc = mod_cfg(st, step, modality);
    plist *l = group_list(st, team, step, modality);
    int32_t fac[4];
    int32_t need = (int32_t)(mc->facilitators < 4 ? mc->facilitators : 4);
    while (l->n >= mc->group_min && l->n > 0) {
        int32_t n = next_length(st, team, step, modality);
        uint8_t req = members_req(st, l, (int32_t)mc->group_max);
        int32_t site = st->p[l->head].site;
        int32_t no_room = IAPT_NONE; /* the first day the facilitators had time but no room */
        int32_t day = find_facilitators(st, team, step, req, n, group_every(mc), group_minutes(mc), need, site, fac,
                                        &no_room);
        if (day == IAPT_NONE) {
            if (no_room != IAPT_NONE)
                iapt_rooms_hold_up(&st->p[l->head], no_room);
            return;
        }
        start_group(st, team, step, modality, day, n, fac, need, site);
    }
}

void iapt_groups_join(state *st, int32_t p)
{
    person *ps = &st->p[p];
    iapt_people_set_state(st, p, P_WAIT_GROUP);
    iapt_plist_insert(st, group_list(st, ps->team, ps->step, ps->modality), p);
    try_start(st, ps->team, ps->step, ps->modality);
}

int32_t iapt_groups_first_group(const state *st, int32_t p)
{
    const person *ps = &st->p[p];
    const plist *l = &st->group_wait[list_index(st, ps->team, ps->step, ps->modality)];
    long max = mod_cfg(st, ps->step, ps->modality)->group_max;
    return l->n < max ? l->n : (int32_t)max;
}

void iapt_groups_try_all(state *st)
{
    int32_t nt = (int32_t)st->sc->workforce.teams.n;
    for (int32_t t = 0; t < nt; t++)
        for (int s = 0; s < IAPT_NSTEPS; s++)
            for (size_t m = 0; m < st->sc->steps[s].modalities.n; m++)
                if (mod_cfg(st, s, (int)m)->kind == IAPT_MOD_GROUP && group_list(st, t, s, (int)m)->n)
                    try_start(st, t, s, (int)m);
}

static void drop_member(group_rec *gr, int32_t p)
{
    for (int32_t i = 0; i < gr->nmembers; i++)
        if (gr->members[i] == p)
            gr->members[i] = IAPT_NONE;
}

void iapt_groups_remove(state *st, int32_t p)
{
    person *ps = &st->p[p];
    if (ps->state == P_WAIT_GROUP) {
        iapt_plist_remove(st, group_list(st, ps->team, ps->step, ps->modality), p);
    } else {
        drop_member(&st->groups[ps->group], p);
        ps->group = IAPT_NONE;
    }
}

static uint8_t group_caps(const state *st, const group_rec *gr)
{
    return gr->nfac ? st->c[gr->fac[0]].caps : 0;
}

/* One member at one session: attend or miss, then perhaps drop out. */
static void member_session(state *st, group_rec *gr, int32_t i)
{
    int32_t p = gr->members[i];
    person *ps = &st->p[p];
    const iapt_modality_cfg *mc = mod_cfg(st, gr->step, gr->modality);
    st->acc.appts++;
    iapt_rooms_count(st, gr->site, 1);
    if (gsl_rng_uniform(st->r_dna) < mc->dna) {
        if (iapt_flow_missed(st, p)) {
            gr->members[i] = IAPT_NONE;
            ps->group = IAPT_NONE;
            iapt_flow_end_course(st, p, END_DNA, group_caps(st, gr));
        }
        return;
    }
    iapt_flow_attended(st, p, IAPT_NONE, 0);
    /* The group's last session ends every member's course together. */
    int how = iapt_flow_after_session(st, p, gr->held >= gr->total);
    if (how == END_DROPOUT || how == END_ONE_SESSION) {
        gr->members[i] = IAPT_NONE;
        ps->group = IAPT_NONE;
        iapt_flow_end_course(st, p, how, group_caps(st, gr));
    }
}

/* The facilitators booked for today's session of gr deliver it (their
 * marks are cleared); none booked: held on cover, counted. */
static void facilitate(state *st, group_rec *gr, int32_t d)
{
    int32_t ng = (int32_t)st->sc->workforce.grades.n, staffed = 0;
    for (int32_t f = 0; f < gr->nfac; f++) {
        if (!is_taken(gr, f, d))
            continue;
        mark_taken(gr, f, d, 0);
        st->acc.delivered_min[gr->team * ng + st->c[gr->fac[f]].grade] += gr->minutes;
        staffed = 1;
    }
    if (!staffed)
        iapt_rec(st, M_GROUP_UNSTAFFED, G_ALL, 0, 1);
}

void iapt_groups_session(state *st, int32_t g)
{
    group_rec *gr = &st->groups[g];
    gr->ev = 0;
    facilitate(st, gr, session_day(st, gr, gr->held));
    gr->held++;
    for (int32_t i = 0; i < st->groups[g].nmembers; i++)
        if (st->groups[g].members[i] != IAPT_NONE)
            member_session(st, &st->groups[g], i);
    gr = &st->groups[g];
    if (gr->held < gr->total) {
        int32_t every = group_every(mod_cfg(st, gr->step, gr->modality));
        gr->ev = sim_at(st->s, (double)(gr->first_day + gr->held * every), PRIO_APPT, EV_GROUP, (uint64_t)g);
        return;
    }
    /* Ending a course may step someone up into a new group, which can move
     * the groups array: index it afresh each time; the slot stays taken
     * until the loop is done. */
    uint8_t caps = group_caps(st, gr);
    for (int32_t i = 0; i < st->groups[g].nmembers; i++) {
        int32_t p = st->groups[g].members[i];
        if (p == IAPT_NONE)
            continue;
        st->groups[g].members[i] = IAPT_NONE;
        st->p[p].group = IAPT_NONE;
        iapt_flow_end_course(st, p, END_COMPLETED, caps);
    }
    st->groups[g].active = 0;
}

/* Facilitator slot f of gr gives back the minutes of the booked sessions
 * not yet held. */
static void give_back(state *st, group_rec *gr, int32_t f)
{
    for (int32_t k = gr->held; k < gr->booked; k++) {
        int32_t d = session_day(st, gr, k);
        if (is_taken(gr, f, d)) {
            iapt_diary_give(st, gr->fac[f], d, (int32_t)gr->minutes);
            mark_taken(gr, f, d, 0);
        }
    }
}

/* Facilitator slot f of gr is vacated: a replacement with room for every
 * session left in the window takes the booked ones (later ones are booked
 * as their days come), else the last slot moves into f. */
static void replace_facilitator(state *st, group_rec *gr, int32_t f)
{
    int32_t c = gr->fac[f], every = group_every(mod_cfg(st, gr->step, gr->modality)), left = gr->total - gr->held;
    int32_t next = session_day(st, gr, gr->held), repl = IAPT_NONE;
    give_back(st, gr, f);
    for (int32_t r = 0; r < st->nc && repl == IAPT_NONE; r++)
        if (r != c && can_facilitate(st, r, gr->team, gr->step, 0, next, left, every, (int32_t)gr->minutes))
            repl = r;
    if (repl != IAPT_NONE) {
        gr->fac[f] = repl;
        for (int32_t k = gr->held; k < gr->booked; k++)
            take_if_free(st, gr, f, session_day(st, gr, k));
        return;
    }
    gr->nfac--;
    gr->fac[f] = gr->fac[gr->nfac];
    memcpy(gr->taken[f], gr->taken[gr->nfac], sizeof gr->taken[f]);
    memset(gr->taken[gr->nfac], 0, sizeof gr->taken[gr->nfac]);
    if (!gr->nfac)
        iapt_rec(st, M_OVERBOOKED, G_ALL, 0, left);
}

void iapt_groups_facilitator_left(state *st, int32_t c)
{
    for (int32_t g = 0; g < st->ngroups; g++) {
        group_rec *gr = &st->groups[g];
        for (int32_t f = 0; gr->active && f < gr->nfac; f++)
            if (gr->fac[f] == c) {
                replace_facilitator(st, gr, f);
                break;
            }
    }
}

void iapt_groups_diary_short(state *st, int32_t c, int32_t d)
{
    for (int32_t g = 0; g < st->ngroups && iapt_diary_free(st, c, d) < 0; g++) {
        group_rec *gr = &st->groups[g];
        for (int32_t f = 0; gr->active && f < gr->nfac; f++)
            if (gr->fac[f] == c && is_taken(gr, f, d)) {
                iapt_diary_give(st, c, d, (int32_t)gr->minutes);
                mark_taken(gr, f, d, 0);
            }
    }
}

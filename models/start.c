/*
 * models/start.c: the starting waiting list and caseload. People at step 3
 * on day one may have had step 2 first (had_step2): they have entered
 * treatment already and count as low then high intensity.
 */
#include "models/start.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "models/flow.h"
#include "models/people.h"
#include "models/rooms.h"

typedef struct starter {
    double joined;
    int32_t entry;
} starter;

static int by_joined(const void *a, const void *b)
{
    const starter *x = a, *y = b;
    return x->joined < y->joined ? -1 : x->joined > y->joined ? 1 : x->entry - y->entry;
}

/* A new person of pathway pw, referred at time `referral`. */
static int32_t new_person(state *st, int32_t pw, double referral)
{
    int32_t p = iapt_people_new(st);
    if (p == IAPT_NONE)
        return p;
    person *ps = &st->p[p];
    const iapt_pathway_cfg *pc = IAPT_ITEM(st->sc->pathways, iapt_pathway_cfg, pw);
    ps->pathway = (int16_t)pw;
    ps->team = (int16_t)pc->team.index;
    double u_complex = gsl_rng_uniform(st->r_start);
    int complex = pc->complex || u_complex < pc->complex_share;
    ps->req = (uint8_t)((pc->needs_ltc_skill ? CAP_LTC : 0) | (complex ? CAP_COMPLEX : 0));
    ps->referral = ps->wait_start = ps->joined = referral;
    /* Source by the pathway's shares. */
    double u = gsl_rng_uniform(st->r_start), cum = 0;
    ps->source = (int16_t)iapt_layout_source(&st->m->layout, pc->sources.names[pc->sources.n - 1]);
    for (size_t k = 0; k < pc->sources.n; k++) {
        cum += pc->sources.v[k];
        if (u < cum) {
            ps->source = (int16_t)iapt_layout_source(&st->m->layout, pc->sources.names[k]);
            break;
        }
    }
    if (gsl_rng_uniform(st->r_start) < pc->case_at_start)
        ps->flags |= PF_CASE;
    iapt_rooms_referral(st, p);
    st->stock_in++;
    return p;
}

/* Person p, at step 3 on day one, had a course at step 2 first (share
 * `had`, drawn on the start stream): they have entered treatment, had low
 * intensity, and had a course of at least two sessions that did not end in
 * recovery (so they were stepped up); their referral's outcome is that
 * course's until a step 3 course has a session. */
static void maybe_had_step2(state *st, int32_t p, double had)
{
    person *ps = &st->p[p];
    if (gsl_rng_uniform(st->r_start) >= had)
        return;
    ps->flags |= PF_ENTERED | PF_HAD_LI | PF_HAS_OUTCOME | PF_STEPPED_UP;
    ps->total_sessions = (int16_t)(ps->total_sessions + 2);
    if (ps->sessions == 0)
        ps->last_step = IAPT_STEP2;
}

static int place_waiting(state *st)
{
    const conf_list *w = &st->sc->start.waiting;
    size_t total = 0;
    for (size_t i = 0; i < w->n; i++)
        total += (size_t)IAPT_ITEM(*w, iapt_waiting_cfg, i)->count;
    starter *all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++) {
        const iapt_waiting_cfg *wc = IAPT_ITEM(*w, iapt_waiting_cfg, i);
        for (long k = 0; k < wc->count; k++)
            all[n++] = (starter){-fmax(0, sim_dist_sample(&wc->waited, st->r_start)), (int32_t)i};
    }
    /* Oldest first, so each list is built by appending. */
    qsort(all, n, sizeof *all, by_joined);
    for (size_t j = 0; j < n; j++) {
        const iapt_waiting_cfg *wc = IAPT_ITEM(*w, iapt_waiting_cfg, all[j].entry);
        int32_t p = new_person(st, wc->pathway.index, all[j].joined);
        if (p == IAPT_NONE)
            break;
        iapt_flow_start_wait(st, p, all[j].joined);
        if (wc->stage == IAPT_STAGE_ASSESSMENT) {
            iapt_flow_join_assessment(st, p);
        } else {
            iapt_flow_course(st, p, wc->stage == IAPT_STAGE_STEP2 ? IAPT_STEP2 : IAPT_STEP3, 0);
            if (wc->stage == IAPT_STAGE_STEP3)
                maybe_had_step2(st, p, wc->had_step2);
            iapt_flow_wait_for_place(st, p);
        }
    }
    free(all);
    return sim_failed(st->s) ? -1 : 0;
}

static void place_treating_one(state *st, const iapt_treating_cfg *tc)
{
    int step = tc->step == 2 ? IAPT_STEP2 : IAPT_STEP3;
    double done = floor(fmax(1, sim_dist_sample(&tc->sessions_done, st->r_start)) + 0.5);
    double waited = fmax(0, sim_dist_sample(&tc->waited, st->r_start));
    int32_t pw = tc->pathway.index;
    const iapt_step_cfg *sc = &st->sc->steps[step];
    int32_t p = new_person(st, pw, 0);
    if (p == IAPT_NONE)
        return;
    iapt_flow_course(st, p, step, 1);
    person *ps = &st->p[p];
    const iapt_modality_cfg *mc = IAPT_ITEM(sc->modalities, iapt_modality_cfg, ps->modality);
    double first = -done * sim_dist_mean(&mc->cadence); /* first session `done` cadences ago */
    ps->referral = ps->wait_start = ps->joined = first - waited;
    ps->sessions = ps->total_sessions = (int16_t)done;
    if (ps->planned <= ps->sessions)
        ps->planned = (int16_t)(ps->sessions + 1);
    ps->first_session = ps->course_start = first;
    ps->flags |= PF_ENTERED | (step == IAPT_STEP2 ? PF_HAD_LI : PF_HAD_HI);
    ps->resume = gsl_rng_uniform(st->r_start) * sim_dist_mean(&mc->cadence);
    if (step == IAPT_STEP3)
        maybe_had_step2(st, p, tc->had_step2);
    /* A clinician of the step with a free place takes them; with none,
     * they wait for reallocation from day one. */
    iapt_flow_await_reallocation(st, p);
}

static void place_treating(state *st)
{
    const conf_list *t = &st->sc->start.treating;
    for (size_t i = 0; i < t->n; i++) {
        const iapt_treating_cfg *tc = IAPT_ITEM(*t, iapt_treating_cfg, i);
        for (long k = 0; k < tc->count && !sim_failed(st->s); k++)
            place_treating_one(st, tc);
    }
}

int iapt_start_place(state *st)
{
    /* People already in treatment take their places first. */
    place_treating(st);
    if (sim_failed(st->s))
        return -1;
    return place_waiting(st);
}

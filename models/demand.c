/*
 * models/demand.c: wait responses of referral sources (models/demand.h).
 *
 * The history is a ring of days per pathway (the longest window plus
 * today): people entering treatment and their waits, and course starts.
 * Today's slot is cleared at the start of the day, so a window of W days
 * read at the start of day d holds days d - W .. d - 1 exactly.
 */
#include "models/demand.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/people.h"
#include "sim/rng.h"

/* The response of one arrival stream. */
typedef struct response {
    const iapt_wait_response_cfg *cfg; /* NULL: the stream does not respond */
    gsl_rng *rng;
    double factor;                     /* today's */
    double last;                       /* recent_wait: the last wait measured (NAN: none yet) */
} response;

struct demand {
    response *r;        /* per arrival stream */
    int32_t ring;       /* days of history per pathway */
    double *entered;    /* pathway x ring: people entering treatment that day */
    double *wait_sum;   /* pathway x ring: their waits, days */
    double *starts;     /* pathway x ring: courses started that day */
};

double iapt_demand_factor(const iapt_wait_response_cfg *w, double wait)
{
    if (isnan(wait) || wait <= w->from || w->fall == 0)
        return 1;
    double f = 1 - w->fall * (wait - w->from) / w->per;
    return f > w->floor ? f : w->floor;
}

double iapt_demand_wait(int measure, double days, double entered, double wait_sum, double starts, double waiting,
                        double previous)
{
    if (measure == IAPT_WAIT_RECENT)
        return entered > 0 ? wait_sum / entered : previous;
    if (starts > 0)
        return waiting * days / starts;
    return waiting > 0 ? INFINITY : 0;
}

/* The response of pathway pw's source in slot k, or NULL. */
static const iapt_wait_response_cfg *response_of(const iapt_scenario *sc, int32_t pw, int32_t k)
{
    const iapt_pathway_cfg *pc = IAPT_ITEM(sc->pathways, iapt_pathway_cfg, pw);
    for (size_t i = 0; i < pc->wait_response.n; i++) {
        const iapt_wait_response_cfg *w = IAPT_ITEM(pc->wait_response, iapt_wait_response_cfg, i);
        if (strcmp(w->source, pc->sources.names[k]) == 0)
            return w;
    }
    return NULL;
}

int iapt_demand_init(state *st, uint64_t seed, uint64_t rep)
{
    int32_t longest = 0;
    for (int32_t a = 0; a < st->narr; a++) {
        const iapt_wait_response_cfg *w = response_of(st->sc, st->m->arr_pathway[a], st->m->arr_slot[a]);
        if (w && (int32_t)w->window > longest)
            longest = (int32_t)w->window;
    }
    if (longest == 0)
        return 0;
    struct demand *dm = calloc(1, sizeof *dm);
    if (!(st->dm = dm))
        return -1;
    size_t cells = st->sc->pathways.n * (size_t)(longest + 1);
    dm->ring = longest + 1;
    dm->r = calloc((size_t)st->narr, sizeof *dm->r);
    dm->entered = calloc(cells, sizeof(double));
    dm->wait_sum = calloc(cells, sizeof(double));
    dm->starts = calloc(cells, sizeof(double));
    if (!dm->r || !dm->entered || !dm->wait_sum || !dm->starts)
        return -1;
    for (int32_t a = 0; a < st->narr; a++) {
        response *r = &dm->r[a];
        int32_t pw = st->m->arr_pathway[a], k = st->m->arr_slot[a];
        r->cfg = response_of(st->sc, pw, k);
        r->factor = 1;
        r->last = NAN;
        if (!r->cfg)
            continue;
        const iapt_pathway_cfg *pc = IAPT_ITEM(st->sc->pathways, iapt_pathway_cfg, pw);
        char name[256];
        snprintf(name, sizeof name, "wait_response/%s/%s", pc->name, pc->sources.names[k]);
        if (!(r->rng = sim_rng_create(seed, rep, sim_rng_stream_id(name))))
            return -1;
    }
    return 0;
}

void iapt_demand_free(state *st)
{
    struct demand *dm = st->dm;
    if (!dm)
        return;
    for (int32_t a = 0; dm->r && a < st->narr; a++)
        if (dm->r[a].rng)
            gsl_rng_free(dm->r[a].rng);
    free(dm->r);
    free(dm->entered);
    free(dm->wait_sum);
    free(dm->starts);
    free(dm);
    st->dm = NULL;
}

/* Slot of day d in pathway pw's history. */
static size_t slot(const struct demand *dm, int pw, int32_t d)
{
    return (size_t)pw * (size_t)dm->ring + (size_t)(d % dm->ring);
}

/* The current wait a response measures at the start of today, in days. */
static double current_wait(const state *st, const response *r, int pw)
{
    const struct demand *dm = st->dm;
    int32_t days = (int32_t)r->cfg->window;
    double entered = 0, wait_sum = 0, starts = 0;
    for (int32_t d = st->today - days; d < st->today; d++) {
        size_t i = slot(dm, pw, d);
        entered += dm->entered[i], wait_sum += dm->wait_sum[i], starts += dm->starts[i];
    }
    const int32_t *w = st->waiting_pw + 3 * pw;
    return iapt_demand_wait(r->cfg->measure, days, entered, wait_sum, starts, w[0] + w[1] + w[2], r->last);
}

void iapt_demand_day(state *st)
{
    struct demand *dm = st->dm;
    if (!dm)
        return;
    for (size_t pw = 0; pw < st->sc->pathways.n; pw++) {
        size_t i = slot(dm, (int)pw, st->today);
        dm->entered[i] = dm->wait_sum[i] = dm->starts[i] = 0;
    }
    for (int32_t a = 0; a < st->narr; a++) {
        response *r = &dm->r[a];
        if (!r->cfg || st->today < (int32_t)r->cfg->window)
            continue;
        double wait = current_wait(st, r, st->arr[a].pathway);
        if (r->cfg->measure == IAPT_WAIT_RECENT)
            r->last = wait;
        r->factor = iapt_demand_factor(r->cfg, wait);
    }
}

int iapt_demand_keep(state *st, int32_t a)
{
    if (!st->dm || !st->dm->r[a].cfg)
        return 1;
    const response *r = &st->dm->r[a];
    if (gsl_rng_uniform(r->rng) < r->factor)
        return 1;
    const arrivals *ar = &st->arr[a];
    iapt_rec(st, M_REFERRALS_LOST, G_ALL, 0, 1);
    iapt_rec(st, M_REFERRALS_LOST, G_PATHWAY, ar->pathway, 1);
    iapt_rec(st, M_REFERRALS_LOST, G_SOURCE, ar->source, 1);
    return 0;
}

void iapt_demand_entered(state *st, int pw, long wait)
{
    if (!st->dm)
        return;
    size_t i = slot(st->dm, pw, st->today);
    st->dm->entered[i]++;
    st->dm->wait_sum[i] += (double)wait;
}

void iapt_demand_course_started(state *st, int pw)
{
    if (st->dm)
        st->dm->starts[slot(st->dm, pw, st->today)]++;
}

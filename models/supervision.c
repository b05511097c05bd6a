/*
 * models/supervision.c: supervision of trainees (see the header).
 */
#include "models/supervision.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "models/people.h"
#include "models/staff.h"

#define EPS 1e-9
#define MAX_GRADES 64

typedef struct supervision {
    int32_t nt, ng, np;
    uint64_t *grades;    /* per programme: bit g set if grade g supervises it */
    uint64_t any;        /* grades that supervise some programme */
    double *required;    /* team x programme: hours per week required */
    double *given;       /* team x programme: hours per week given */
    double *capacity;    /* team x grade: hours per week supervisors can give */
    double *used;        /* team x grade: hours per week they give */
    double *left;        /* scratch: per grade, capacity not yet used */
    double *res;         /* scratch: residual capacities of the flow network, n x n */
    double *flow_best;   /* scratch: per node, bottleneck of the path found to it */
    int32_t *prev, *queue; /* scratch: per node */
    int supervising;     /* a supervisor had supervising minutes after the last update */
    int stale;           /* totals not summed since the last update skipped them */
} supervision;

static const iapt_programme_cfg *prog(const state *st, int32_t p)
{
    return IAPT_ITEM(st->sc->workforce.programmes, iapt_programme_cfg, p);
}

static double grade_capacity(const state *st, int32_t g)
{
    return IAPT_ITEM(st->sc->workforce.grades, iapt_grade_cfg, g)->supervision_capacity;
}

/* Share of the current month's simulated clinic days that clinician c
 * works (iapt_staff_works: in post, not on leave, not on a course); 1 in
 * a month part with no clinic day. Cached per month and number of top-up
 * courses booked (the only change to the days someone works once they are
 * in post); O(days in the month) when recomputed. */
static double work_share(state *st, int32_t c)
{
    clinician *cl = &st->c[c];
    if (cl->work_month == st->month && cl->work_topups == cl->ntopup)
        return cl->work_share;
    sim_date first = sim_date_add_months(st->m->layout.first_month, st->month);
    int32_t from = (int32_t)(first - st->sc->run.start);
    int32_t to = (int32_t)(sim_date_add_months(first, 1) - st->sc->run.start);
    int32_t days = 0, worked = 0;
    for (int32_t d = from > 0 ? from : 0; d < to && d < st->m->ndays; d++)
        if (iapt_clinic_day(st, d))
            days++, worked += iapt_staff_works(st, c, d);
    cl->work_share = days > 0 ? (double)worked / days : 1;
    cl->work_month = st->month;
    cl->work_topups = cl->ntopup;
    return cl->work_share;
}

/* Hours a week supervisor c can give this month over all their teams: the
 * grade's supervision capacity (at most their own clinical hours) x WTE,
 * times the share of the month's clinic days they work. */
static double supervisor_hours(state *st, int32_t c)
{
    const clinician *cl = &st->c[c];
    double clinical = cl->day_min * st->m->clinic_days_per_week / 60; /* hours a week, WTE included */
    return fmin(grade_capacity(st, cl->grade) * cl->wte, clinical) * work_share(st, c);
}

int iapt_supervision_init(state *st)
{
    supervision *sv = calloc(1, sizeof *sv);
    if (!sv)
        return -1;
    st->sv = sv;
    sv->nt = (int32_t)st->sc->workforce.teams.n;
    sv->ng = (int32_t)st->sc->workforce.grades.n;
    sv->np = (int32_t)st->sc->workforce.programmes.n;
    assert(sv->ng <= MAX_GRADES && sv->np <= IAPT_MAX_PROGRAMMES);
    size_t tp = (size_t)(sv->nt * sv->np) + 1, tg = (size_t)(sv->nt * sv->ng) + 1;
    sv->grades = calloc((size_t)sv->np + 1, sizeof *sv->grades);
    sv->required = calloc(tp, sizeof(double));
    sv->given = calloc(tp, sizeof(double));
    sv->capacity = calloc(tg, sizeof(double));
    sv->used = calloc(tg, sizeof(double));
    sv->left = calloc((size_t)sv->ng + 1, sizeof(double));
    size_t n = (size_t)(sv->np + sv->ng + 2);
    sv->res = calloc(n * n, sizeof(double));
    sv->flow_best = calloc(n, sizeof(double));
    sv->prev = calloc(n, sizeof(int32_t));
    sv->queue = calloc(n, sizeof(int32_t));
    if (!sv->grades || !sv->required || !sv->given || !sv->capacity || !sv->used || !sv->left || !sv->res ||
        !sv->flow_best || !sv->prev || !sv->queue)
        return -1;
    for (int32_t p = 0; p < sv->np; p++) {
        const conf_reflist *g = &prog(st, p)->supervisors;
        for (size_t i = 0; i < g->n; i++)
            sv->grades[p] |= UINT64_C(1) << g->index[i];
        sv->any |= sv->grades[p];
    }
    return 0;
}

void iapt_supervision_free(state *st)
{
    supervision *sv = st->sv;
    if (!sv)
        return;
    void *blocks[] = {sv->grades, sv->required, sv->given,     sv->capacity, sv->used,
                      sv->left,   sv->res,      sv->flow_best, sv->prev,     sv->queue};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        free(blocks[i]);
    free(sv);
    st->sv = NULL;
}

/* Sums requirement by (team, programme) and capacity by (team, grade).
 * Returns whether anyone needs or gives supervision; *trainees counts the
 * trainees in post. */
static int totals(state *st, int32_t *trainees)
{
    supervision *sv = st->sv;
    int any = 0;
    *trainees = 0;
    for (int32_t i = 0; i < sv->nt * sv->np; i++)
        sv->required[i] = sv->given[i] = 0;
    for (int32_t i = 0; i < sv->nt * sv->ng; i++)
        sv->capacity[i] = sv->used[i] = 0;
    for (int32_t c = 0; c < st->nc; c++) {
        const clinician *cl = &st->c[c];
        if (!cl->active)
            continue;
        int trainee = cl->programme != IAPT_NONE, supervisor = !trainee && ((sv->any >> cl->grade) & 1u);
        any |= trainee || cl->supervising_min > 0;
        *trainees += trainee;
        double hours = supervisor ? supervisor_hours(st, c) : 0;
        for (int32_t t = 0; t < sv->nt && (trainee || supervisor); t++) {
            double sh = cl->team_share[t];
            if (sh > 0 && trainee)
                sv->required[t * sv->np + cl->programme] += prog(st, cl->programme)->supervision * sh;
            else if (sh > 0)
                sv->capacity[t * sv->ng + cl->grade] += hours * sh;
        }
    }
    return any;
}

/* Team t's hours given per programme: max-min fair cover (progressive
 * filling). The programmes whose supervising grades are scarcest relative
 * to their need, S = argmin (capacity of the grades supervising S) / (need
 * of S), all get that ratio as their cover and use those grades up; the
 * rest are shared the same way among what is left; cover is at most 1.
 * Every supervisor's hours go to a programme they can supervise, and no
 * more is short than must be (the result is a maximum flow). O(2^P) per
 * level, at most P levels (P <= IAPT_MAX_PROGRAMMES). */
static void fair_given(supervision *sv, int32_t t)
{
    uint32_t active = 0;
    for (int32_t p = 0; p < sv->np; p++)
        if (sv->required[t * sv->np + p] > EPS)
            active |= 1u << p;
    for (int32_t g = 0; g < sv->ng; g++)
        sv->left[g] = sv->capacity[t * sv->ng + g];
    while (active) {
        double best = INFINITY;
        uint32_t best_set = 0;
        for (uint32_t set = active; set; set = (set - 1) & active) {
            uint64_t gr = 0;
            double need = 0, cap = 0;
            for (int32_t p = 0; p < sv->np; p++)
                if ((set >> p) & 1u)
                    gr |= sv->grades[p], need += sv->required[t * sv->np + p];
            for (int32_t g = 0; g < sv->ng; g++)
                if ((gr >> g) & 1u)
                    cap += sv->left[g];
            double ratio = cap / need;
            if (ratio < best - EPS ||
                (ratio < best + EPS && __builtin_popcount(set) > __builtin_popcount(best_set)))
                best = ratio, best_set = set;
        }
        if (best >= 1)
            best_set = active; /* no set is short: all can be covered (Hall) */
        for (int32_t p = 0; p < sv->np; p++)
            if ((best_set >> p) & 1u) {
                sv->given[t * sv->np + p] = fmin(best, 1) * sv->required[t * sv->np + p];
                for (int32_t g = 0; g < sv->ng; g++)
                    if ((sv->grades[p] >> g) & 1u)
                        sv->left[g] = 0; /* used up by this set */
            }
        active &= ~best_set;
    }
}

/* Node numbering of the flow network of one team. */
#define SRC 0
#define PROG(p) (1 + (p))
#define GRADE(g) (1 + sv->np + (g))
#define SINK (1 + sv->np + sv->ng)

/* Breadth-first search for an augmenting path in the residual network;
 * returns its bottleneck (0 if none), predecessors in sv->prev. */
static double augmenting_path(supervision *sv)
{
    int32_t n = SINK + 1;
    double *best = sv->flow_best;
    for (int32_t v = 0; v < n; v++)
        sv->prev[v] = -1, best[v] = 0;
    int32_t *queue = sv->queue, head = 0, tail = 0;
    queue[tail++] = SRC;
    sv->prev[SRC] = SRC;
    best[SRC] = INFINITY;
    while (head < tail && sv->prev[SINK] < 0) {
        int32_t u = queue[head++];
        for (int32_t v = 0; v < n; v++) {
            double r = sv->res[u * n + v];
            if (sv->prev[v] < 0 && r > EPS) {
                sv->prev[v] = u;
                best[v] = fmin(best[u], r);
                queue[tail++] = v;
            }
        }
    }
    return sv->prev[SINK] < 0 ? 0 : best[SINK];
}

/* A maximum flow in team t's network from programmes (their hours given)
 * to grades (`use` of their capacity) by shortest augmenting paths
 * (Edmonds-Karp); returns its value, the flow into grade g in used[t][g]. */
static double max_flow(supervision *sv, int32_t t, double use)
{
    int32_t n = SINK + 1;
    double total = 0;
    for (int32_t i = 0; i < n * n; i++)
        sv->res[i] = 0;
    for (int32_t p = 0; p < sv->np; p++) {
        sv->res[SRC * n + PROG(p)] = sv->given[t * sv->np + p];
        for (int32_t g = 0; g < sv->ng; g++)
            if ((sv->grades[p] >> g) & 1u)
                sv->res[PROG(p) * n + GRADE(g)] = INFINITY;
    }
    for (int32_t g = 0; g < sv->ng; g++)
        sv->res[GRADE(g) * n + SINK] = use * sv->capacity[t * sv->ng + g];
    for (double f; (f = augmenting_path(sv)) > EPS; total += f)
        for (int32_t v = SINK; v != SRC; v = sv->prev[v]) {
            int32_t u = sv->prev[v];
            sv->res[u * n + v] -= f;
            sv->res[v * n + u] += f;
        }
    for (int32_t g = 0; g < sv->ng; g++)
        sv->used[t * sv->ng + g] = use * sv->capacity[t * sv->ng + g] - sv->res[GRADE(g) * n + SINK];
    return total;
}

/* Which supervisors give team t's hours: spread as evenly as the grades
 * allow, i.e. the smallest share `use` of every grade's capacity that
 * still gives every programme its hours (bisection to 2^-30, each step a
 * maximum flow, counted as giving it all within rounding). The grades'
 * hours are then scaled to what is given, so they give exactly what the
 * programmes get. */
static void grade_use(supervision *sv, int32_t t)
{
    double want = 0, lo = 0, hi = 1;
    for (int32_t p = 0; p < sv->np; p++)
        want += sv->given[t * sv->np + p];
    for (int i = 0; i < 30 && want > EPS; i++) {
        double mid = (lo + hi) / 2;
        *(max_flow(sv, t, mid) >= want * (1 - 1e-12) ? &hi : &lo) = mid;
    }
    double total = max_flow(sv, t, hi);
    for (int32_t g = 0; g < sv->ng && want > EPS && total > EPS; g++) {
        int32_t i = t * sv->ng + g;
        sv->used[i] = fmin(sv->capacity[i], sv->used[i] * want / total);
    }
}

/* Shares each team's supervisors out over its programmes. */
static void share_out(supervision *sv)
{
    for (int32_t t = 0; t < sv->nt; t++) {
        fair_given(sv, t);
        grade_use(sv, t);
    }
}

/* Programme p's cover in the teams trainee c works in (share-weighted). */
static double cover_of(const state *st, const clinician *cl)
{
    const supervision *sv = st->sv;
    double cover = 0;
    for (int32_t t = 0; t < sv->nt; t++) {
        double r = sv->required[t * sv->np + cl->programme];
        if (cl->team_share[t] > 0)
            cover += cl->team_share[t] * (r > 0 ? fmin(1, sv->given[t * sv->np + cl->programme] / r) : 1);
    }
    return cover;
}

/* Hours per week supervisor c gives this month: their share of what their
 * grade gives in each team (in proportion to the hours they can give). */
static double given_by(state *st, int32_t c)
{
    const supervision *sv = st->sv;
    const clinician *cl = &st->c[c];
    double give = 0, hours = supervisor_hours(st, c);
    for (int32_t t = 0; t < sv->nt; t++) {
        int32_t i = t * sv->ng + cl->grade;
        if (cl->team_share[t] > 0 && sv->capacity[i] > 0)
            give += sv->used[i] * hours * cl->team_share[t] / sv->capacity[i];
    }
    return give;
}

/* Minutes supervisor c gives on each day they work: the hours a week they
 * give this month spread over the days they work, so that what they give
 * in the month is what leaves their diaries (to the minute). */
static double minutes_per_day_worked(state *st, int32_t c)
{
    double share = work_share(st, c);
    return share > 0 ? given_by(st, c) * 60 / st->m->clinic_days_per_week / share : 0;
}

void iapt_supervision_update(state *st, int32_t trainees)
{
    supervision *sv = st->sv;
    if (trainees == 0 && !sv->supervising) {
        sv->stale = 1; /* nothing to share: the totals are summed when recorded */
        return;
    }
    sv->stale = 0;
    int32_t counted;
    int any = totals(st, &counted);
    assert(counted == trainees);
    if (!any) {
        sv->supervising = 0;
        return; /* no trainees, nobody supervising: nothing to share */
    }
    share_out(sv);
    int supervising = 0;
    for (int32_t c = 0; c < st->nc; c++) {
        clinician *cl = &st->c[c];
        if (!cl->active)
            continue;
        if (cl->programme != IAPT_NONE) {
            cl->cover = cover_of(st, cl);
            double factor = prog(st, cl->programme)->caseload_factor * cl->cover;
            if (fabs(factor - cl->cap_factor) > 1e-12) {
                cl->cap_factor = factor;
                iapt_staff_recap(st, c);
            }
            continue;
        }
        double minutes = (sv->any >> cl->grade) & 1u ? minutes_per_day_worked(st, c) : 0;
        if (fabs(minutes - cl->supervising_min) > 1e-9) {
            cl->supervising_min = minutes;
            iapt_diary_refresh(st, c, st->today);
        }
        supervising |= cl->supervising_min > 0;
    }
    sv->supervising = supervising;
}

/* Records v for team t and grade g, and adds it into the grade's, the
 * team's and the service's values. */
static void rec_team_grade(state *st, int m, int32_t t, int32_t g, double v)
{
    iapt_rec(st, m, G_TEAM_GRADE, t * st->sv->ng + g, v);
    iapt_rec(st, m, G_GRADE, g, v);
    iapt_rec(st, m, G_TEAM, t, v);
    iapt_rec(st, m, G_ALL, 0, v);
}

void iapt_supervision_record(state *st)
{
    supervision *sv = st->sv;
    if (sv->stale) { /* no trainees and nobody supervising since the last update: no cover to share */
        int32_t trainees;
        totals(st, &trainees);
        assert(trainees == 0);
        sv->stale = 0;
    }
    for (int32_t t = 0; t < sv->nt; t++) {
        for (int32_t p = 0; p < sv->np; p++) {
            double req = sv->required[t * sv->np + p], given = sv->given[t * sv->np + p], avail = 0;
            int32_t g = prog(st, p)->grade.index; /* the grade the trainees train for */
            rec_team_grade(st, M_SUPERVISION_REQUIRED, t, g, req);
            rec_team_grade(st, M_SUPERVISION_SHORTFALL, t, g, req - given);
            for (int32_t s = 0; s < sv->ng; s++)
                if ((sv->grades[p] >> s) & 1u)
                    avail += sv->capacity[t * sv->ng + s];
            iapt_rec(st, M_SUPERVISION_REQUIRED, G_PROGRAMME, p, req);
            iapt_rec(st, M_SUPERVISION_AVAILABLE, G_PROGRAMME, p, avail);
            iapt_rec(st, M_SUPERVISION_GIVEN, G_PROGRAMME, p, given);
            iapt_rec(st, M_SUPERVISION_SHORTFALL, G_PROGRAMME, p, req - given);
        }
        for (int32_t g = 0; g < sv->ng; g++) { /* the supervisors' grade */
            rec_team_grade(st, M_SUPERVISION_AVAILABLE, t, g, sv->capacity[t * sv->ng + g]);
            rec_team_grade(st, M_SUPERVISION_GIVEN, t, g, sv->used[t * sv->ng + g]);
        }
    }
}

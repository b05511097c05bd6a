/*
 * models/model.c: preparing a scenario for runs, and one replication.
 *
 * Preparation turns the demand side into a table of referrals per day for
 * each arrival stream (pathway x source): base rate (steps and ramps), times
 * compound growth from the pathway's growth_from date, the calendar month's
 * seasonal factor, any shocks, and the ramp after a pathway's go-live. A replication then creates its streams,
 * staff and starting state, runs the event loop to the last day, and turns
 * the month's counts into measures at each month end.
 */
#include "models/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/demand.h"
#include "models/flow.h"
#include "models/groups.h"
#include "models/people.h"
#include "models/rooms.h"
#include "models/staff.h"
#include "models/start.h"
#include "models/state.h"
#include "models/workforce.h"
#include "sim/rng.h"

/* Days past the end for which clinic days are tabled (the diary window). */
#define IAPT_CLINIC_WINDOW IAPT_DIARY_DAYS

int32_t iapt_day_of(double t) { return (int32_t)floor(t); }

int iapt_clinic_day(const state *st, int32_t d)
{
    if (d >= 0 && d < st->m->nclinic)
        return st->m->clinic[d];
    return (int)((st->sc->service.working_days >> sim_date_weekday(st->sc->run.start + d)) & 1u);
}

/* ---- preparation --------------------------------------------------------- */

static double shock_factor(const iapt_scenario *sc, int32_t pw, sim_date date)
{
    double f = 1;
    for (size_t i = 0; i < sc->shocks.n; i++) {
        const iapt_shock_cfg *s = IAPT_ITEM(sc->shocks, iapt_shock_cfg, i);
        int applies = s->pathways.n == 0;
        for (size_t k = 0; k < s->pathways.n; k++)
            applies |= s->pathways.index[k] == pw;
        if (applies && date >= s->from && date <= s->to)
            f *= s->factor;
    }
    return f;
}

/* Referrals per day of pathway pw on day d (all sources); model.h. */
double iapt_pathway_rate(const iapt_scenario *sc, int32_t pw, int32_t d)
{
    const iapt_pathway_cfg *pc = IAPT_ITEM(sc->pathways, iapt_pathway_cfg, pw);
    sim_date date = sc->run.start + d;
    double mid = (double)date + 0.5;
    double ramp = 1;
    if (pc->go_live != CONF_DATE_NONE) {
        if (date < pc->go_live)
            return 0;
        if (pc->ramp > 0 && mid < (double)pc->go_live + pc->ramp)
            ramp = (mid - (double)pc->go_live) / pc->ramp;
    }
    int y, m, dd;
    sim_date_to_ymd(date, &y, &m, &dd);
    double season = pc->seasonality.n == 12 ? pc->seasonality.v[m - 1] : 1;
    sim_date base = pc->growth_from != CONF_DATE_NONE ? pc->growth_from : sc->run.start;
    double growth = pow(1 + pc->growth, (mid - (double)base) / SIM_DAYS_PER_YEAR);
    double per_month = sim_sched_at(&pc->referrals, mid) * growth * season * ramp * shock_factor(sc, pw, date);
    return per_month / SIM_DAYS_PER_MONTH;
}

static int prepare_arrivals(iapt_model *m)
{
    const iapt_scenario *sc = m->sc;
    int32_t n = 0;
    for (size_t p = 0; p < sc->pathways.n; p++)
        n += (int32_t)IAPT_ITEM(sc->pathways, iapt_pathway_cfg, p)->sources.n;
    m->narrivals = n;
    m->rates = malloc((size_t)(n ? n : 1) * (size_t)m->ndays * sizeof(double));
    m->arr_pathway = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    m->arr_source = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    m->arr_slot = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    if (!m->rates || !m->arr_pathway || !m->arr_source || !m->arr_slot)
        return -1;
    int32_t a = 0;
    for (int32_t p = 0; p < (int32_t)sc->pathways.n; p++) {
        const conf_nummap *src = &IAPT_ITEM(sc->pathways, iapt_pathway_cfg, p)->sources;
        for (size_t k = 0; k < src->n; k++, a++) {
            m->arr_pathway[a] = p;
            m->arr_slot[a] = (int32_t)k;
            m->arr_source[a] = iapt_layout_source(&m->layout, src->names[k]);
            double *r = m->rates + (size_t)a * (size_t)m->ndays;
            for (int32_t d = 0; d < m->ndays; d++)
                r[d] = iapt_pathway_rate(sc, p, d) * src->v[k];
        }
    }
    return 0;
}

iapt_model *iapt_model_create(const iapt_scenario *sc)
{
    iapt_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->sc = sc;
    m->ndays = (int32_t)(sc->run.end - sc->run.start + 1);
    m->clinic_days_per_week = __builtin_popcount(sc->service.working_days);
    for (int s = 0; s < IAPT_NSTEPS; s++)
        if ((int32_t)sc->steps[s].modalities.n > m->maxmod)
            m->maxmod = (int32_t)sc->steps[s].modalities.n;
    m->nclinic = m->ndays + 2 * IAPT_CLINIC_WINDOW;
    m->clinic = malloc((size_t)m->nclinic);
    if (m->clinic)
        for (int32_t d = 0; d < m->nclinic; d++)
            m->clinic[d] = (uint8_t)((sc->service.working_days >> sim_date_weekday(sc->run.start + d)) & 1u);
    if (!m->clinic || iapt_layout_init(&m->layout, sc) || prepare_arrivals(m)) {
        iapt_model_destroy(m);
        return NULL;
    }
    return m;
}

void iapt_model_destroy(iapt_model *m)
{
    if (!m)
        return;
    iapt_layout_free(&m->layout);
    free(m->rates);
    free(m->arr_pathway);
    free(m->arr_source);
    free(m->arr_slot);
    free(m->clinic);
    free(m);
}

size_t iapt_model_nout(const iapt_model *m) { return m->layout.nseries * (size_t)m->layout.nmonths; }

/* ---- month end ----------------------------------------------------------- */

static void set(state *st, int m, unsigned kind, int i, double v) { *iapt_cell(st, m, kind, i) = v; }

/* Turns a count recorded in a rate series into 100 * count / denominator. */
static void to_rate(state *st, int m, unsigned kind, int i, double denom)
{
    double *c = iapt_cell(st, m, kind, i);
    *c = denom > 0 ? 100 * *c / denom : NAN;
}

static void record_waits(state *st, const sim_icount *w, const sim_icount *fy, unsigned kind, int i)
{
    const iapt_service_cfg *sv = &st->sc->service;
    set(st, M_WAIT_MEDIAN, kind, i, sim_icount_quantile(w, 0.5));
    set(st, M_WAIT_P90, kind, i, sim_icount_quantile(w, 0.9));
    set(st, M_WAIT_P90_FY, kind, i, sim_icount_quantile(fy, 0.9));
    set(st, M_WAIT_MEAN, kind, i, sim_icount_mean(w));
    /* Waits are whole days; the limits are whole days in practice (weeks). */
    set(st, M_WITHIN_6W, kind, i, 100 * sim_icount_share_le(w, (long)floor(sv->limit_6_weeks)));
    set(st, M_WITHIN_18W, kind, i, 100 * sim_icount_share_le(w, (long)floor(sv->limit_18_weeks)));
}

static void record_step_waits(state *st)
{
    for (int s = 0; s < IAPT_NSTEPS; s++) {
        set(st, M_STEP_WAIT_MEDIAN, G_STEP, s, sim_icount_quantile(&st->acc.step_wait[s], 0.5));
        set(st, M_STEP_WAIT_MEAN, G_STEP, s, sim_icount_mean(&st->acc.step_wait[s]));
    }
    for (int i = 0; i < (int)st->sc->pathways.n * IAPT_NSTEPS; i++) {
        set(st, M_STEP_WAIT_MEDIAN, G_PATHWAY_STEP, i, sim_icount_quantile(&st->acc.step_wait_pw[i], 0.5));
        set(st, M_STEP_WAIT_MEAN, G_PATHWAY_STEP, i, sim_icount_mean(&st->acc.step_wait_pw[i]));
    }
}

static void record_rates(state *st)
{
    const month_acc *a = &st->acc;
    set(st, M_FINISHED_CASES, G_ALL, 0, a->case_all);
    for (int s = 0; s < IAPT_NSTEPS; s++)
        set(st, M_FINISHED_CASES, G_STEP, s, a->case_step[s]);
    for (int p = 0; p < (int)st->sc->pathways.n; p++)
        set(st, M_FINISHED_CASES, G_PATHWAY, p, a->case_pw[p]);
    set(st, M_TREATED_EXITS, G_ALL, 0, a->treated_exits);
    set(st, M_APPOINTMENTS, G_ALL, 0, a->appts);
    to_rate(st, M_RECOVERY, G_ALL, 0, a->case_all);
    for (int s = 0; s < IAPT_NSTEPS; s++) {
        to_rate(st, M_RECOVERY, G_STEP, s, a->case_step[s]);
        set(st, M_COURSE_OUTCOMES_CASES, G_STEP, s, a->course_cases[s]);
        to_rate(st, M_COURSE_RECOVERY, G_STEP, s, a->course_cases[s]);
    }
    to_rate(st, M_RELIABLE_IMPROVEMENT, G_ALL, 0, *iapt_cell(st, M_FINISHED, G_ALL, 0));
    for (int p = 0; p < (int)st->sc->pathways.n; p++) {
        to_rate(st, M_RECOVERY, G_PATHWAY, p, a->case_pw[p]);
        to_rate(st, M_RELIABLE_IMPROVEMENT, G_PATHWAY, p, *iapt_cell(st, M_FINISHED, G_PATHWAY, p));
    }
    double finished = *iapt_cell(st, M_FINISHED, G_ALL, 0);
    to_rate(st, M_SPLIT_LI_ONLY, G_ALL, 0, finished);
    to_rate(st, M_SPLIT_LI_HI, G_ALL, 0, finished);
    to_rate(st, M_SPLIT_HI_ONLY, G_ALL, 0, finished);
    set(st, M_STEP2_COMPLETED, G_ALL, 0, a->step2_completions);
    set(st, M_STEP_UP_SHARE, G_ALL, 0,
        a->step2_completions > 0 ? 100 * *iapt_cell(st, M_STEPPED_UP, G_ALL, 0) / a->step2_completions : NAN);
    set(st, M_DNA_RATE, G_ALL, 0, a->appts > 0 ? 100 * *iapt_cell(st, M_DNAS, G_ALL, 0) / a->appts : NAN);
}

static void record_utilisation(state *st)
{
    int32_t ng = (int32_t)st->sc->workforce.grades.n;
    double load = 0, cap = 0, used = 0, avail = 0;
    for (int32_t g = 0; g < ng; g++) {
        double gl = 0, gc = 0;
        for (int32_t k = 0; k < st->nmem; k++)
            if (st->c[st->mem[k].clin].grade == g && st->c[st->mem[k].clin].active)
                gl += st->mem[k].load, gc += st->mem[k].places;
        set(st, M_CASELOAD_UTIL, G_GRADE, g, gc > 0 ? 100 * gl / gc : NAN);
        set(st, M_DIARY_UTIL, G_GRADE, g,
            st->acc.avail_min[g] > 0 ? 100 * st->acc.used_min[g] / st->acc.avail_min[g] : NAN);
        set(st, M_DIARY_HOURS_AVAILABLE, G_GRADE, g, st->acc.avail_min[g] / 60);
        set(st, M_DIARY_HOURS_BOOKED, G_GRADE, g, st->acc.used_min[g] / 60);
        load += gl, cap += gc, used += st->acc.used_min[g], avail += st->acc.avail_min[g];
    }
    set(st, M_CASELOAD_UTIL, G_ALL, 0, cap > 0 ? 100 * load / cap : NAN);
    set(st, M_DIARY_UTIL, G_ALL, 0, avail > 0 ? 100 * used / avail : NAN);
    set(st, M_DIARY_HOURS_AVAILABLE, G_ALL, 0, avail / 60);
    set(st, M_DIARY_HOURS_BOOKED, G_ALL, 0, used / 60);
}

static void record_stocks(state *st)
{
    double now = sim_now(st->s), over18 = 0;
    iapt_recount rc = {0};
    for (int32_t p = 0; p < st->np; p++) {
        const person *ps = &st->p[p];
        iapt_recount_person(&rc, ps);
        int stock = iapt_people_stock(ps);
        if (stock >= 0 && stock < 3 && !(ps->flags & PF_ENTERED) && now - ps->referral > st->sc->service.limit_18_weeks)
            over18++;
    }
    set(st, M_WAITING, G_ALL, 0, st->waiting[0] + st->waiting[1] + st->waiting[2]);
    for (int s = 0; s < 3; s++)
        set(st, M_WAITING, G_STAGE, s, st->waiting[s]);
    set(st, M_WAITING_18W, G_ALL, 0, over18);
    set(st, M_IN_TREATMENT, G_ALL, 0, st->treating);
    set(st, M_WAITING_REALLOC, G_ALL, 0, st->realloc[IAPT_STEP2] + st->realloc[IAPT_STEP3]);
    for (int s = 0; s < IAPT_NSTEPS; s++)
        set(st, M_WAITING_REALLOC, G_STEP, s, st->realloc[s]);
    for (int p = 0; p < (int)st->sc->pathways.n; p++) {
        const int32_t *w = st->waiting_pw + 3 * p;
        set(st, M_WAITING, G_PATHWAY, p, w[0] + w[1] + w[2]);
        set(st, M_IN_TREATMENT, G_PATHWAY, p, st->treating_pw[p]);
        set(st, M_WAITING_REALLOC, G_PATHWAY, p, st->realloc_pw[p]);
    }
    double found[IAPT_NSTOCKS];
    iapt_recount_finish(st, &rc, found);
    set(st, M_RECORDS_IN_USE, G_ALL, 0, rc.records);
    set(st, M_RECOUNT_WAITING, G_ALL, 0, found[0] + found[1] + found[2]);
    for (int s = 0; s < 3; s++)
        set(st, M_RECOUNT_WAITING, G_STAGE, s, found[s]);
    set(st, M_RECOUNT_IN_TREATMENT, G_ALL, 0, found[IAPT_STOCK_TREATING]);
    set(st, M_RECOUNT_REALLOC, G_ALL, 0, found[IAPT_STOCK_REALLOC] + found[IAPT_STOCK_REALLOC + 1]);
    set(st, M_STOCK_IN, G_ALL, 0, st->stock_in);
    set(st, M_CUM_DISCHARGED, G_ALL, 0, st->cum_discharged);
    set(st, M_CUM_DROPPED, G_ALL, 0, st->cum_dropped);
}

static void reset_month(state *st)
{
    month_acc *a = &st->acc;
    int32_t ng = (int32_t)st->sc->workforce.grades.n, tg = (int32_t)st->sc->workforce.teams.n * ng;
    sim_icount_clear(&a->wait_all);
    for (size_t p = 0; p < st->sc->pathways.n; p++) {
        sim_icount_clear(&a->wait_pw[p]);
        a->case_pw[p] = 0;
    }
    sim_icount_clear(&a->hidden);
    for (int s = 0; s < IAPT_NSTEPS; s++) {
        sim_icount_clear(&a->step_wait[s]);
        a->course_cases[s] = 0;
    }
    for (size_t i = 0; i < st->sc->pathways.n * IAPT_NSTEPS; i++)
        sim_icount_clear(&a->step_wait_pw[i]);
    memset(a->avail_min, 0, (size_t)ng * sizeof(double));
    memset(a->used_min, 0, (size_t)ng * sizeof(double));
    memset(a->delivered_min, 0, (size_t)tg * sizeof(double));
    memset(a->training_min, 0, (size_t)tg * sizeof(double));
    memset(a->contracted_min, 0, (size_t)tg * sizeof(double));
    memset(a->supervising_min, 0, (size_t)tg * sizeof(double));
    a->appts = a->case_all = a->treated_exits = a->step2_completions = 0;
    a->case_step[0] = a->case_step[1] = 0;
}

/* Days of month m that are simulated. */
static double days_in_month(const state *st)
{
    const iapt_layout *l = &st->m->layout;
    sim_date from = sim_date_add_months(l->first_month, st->month), to = sim_date_add_months(from, 1);
    if (from < st->sc->run.start)
        from = st->sc->run.start;
    if (to > st->sc->run.end + 1)
        to = st->sc->run.end + 1;
    return (double)(to - from);
}

static void record_month(state *st)
{
    double days = days_in_month(st);
    record_stocks(st);
    record_waits(st, &st->acc.wait_all, &st->fy_wait, G_ALL, 0);
    record_step_waits(st);
    for (int p = 0; p < (int)st->sc->pathways.n; p++)
        record_waits(st, &st->acc.wait_pw[p], &st->fy_wait_pw[p], G_PATHWAY, p);
    set(st, M_HIDDEN_MEDIAN, G_ALL, 0, sim_icount_quantile(&st->acc.hidden, 0.5));
    set(st, M_HIDDEN_MEAN, G_ALL, 0, sim_icount_mean(&st->acc.hidden));
    set(st, M_HIDDEN_MEDIAN_FY, G_ALL, 0, sim_icount_quantile(&st->fy_hidden, 0.5));
    set(st, M_HIDDEN_MEAN_FY, G_ALL, 0, sim_icount_mean(&st->fy_hidden));
    double prevalence = st->sc->service.prevalence;
    set(st, M_ACCESS_ANNUALISED, G_ALL, 0,
        prevalence > 0 ? 100 * *iapt_cell(st, M_ENTERED, G_ALL, 0) * SIM_DAYS_PER_YEAR / days / prevalence : NAN);
    set(st, M_ACCESS_FY, G_ALL, 0, prevalence > 0 ? 100 * st->fy_entered / prevalence : NAN);
    record_rates(st);
    record_utilisation(st);
    iapt_rooms_record(st);
    iapt_workforce_record(st, days, *iapt_cell(st, M_FINISHED, G_ALL, 0));
}

/* ---- events ----------------------------------------------------------- */

/* Month bookkeeping after the month's last day was accounted. */
static void next_month(state *st)
{
    st->month++;
    reset_month(st);
    int y, m, d;
    sim_date_to_ymd(sim_date_add_months(st->m->layout.first_month, st->month), &y, &m, &d);
    if (m == 4) { /* the financial year starts on 1 April */
        st->fy_entered = 0;
        sim_icount_clear(&st->fy_wait);
        sim_icount_clear(&st->fy_hidden);
        for (size_t p = 0; p < st->sc->pathways.n; p++)
            sim_icount_clear(&st->fy_wait_pw[p]);
    }
    iapt_workforce_month_start(st);
}

/* Day start: account the day that ended; at a month boundary (or after the
 * last day) record the month; then book ahead. */
static void on_day(sim *s, const sim_ev *ev, void *ctx)
{
    state *st = ctx;
    int32_t d = (int32_t)ev->data;
    st->today = d;
    if (d > 0) {
        iapt_diary_roll(st);
        iapt_rooms_roll(st);
        iapt_groups_roll(st); /* the new last day of the window: running groups book it first */
        iapt_rooms_learn(st);
        int y, m, dd;
        sim_date_to_ymd(st->sc->run.start + d, &y, &m, &dd);
        if (d == st->m->ndays) {
            record_month(st);
            sim_stop(s);
            return;
        }
        if (dd == 1) {
            record_month(st);
            next_month(st);
        }
    }
    iapt_demand_day(st);
    sim_at(s, (double)d, PRIO_APPT, EV_DAY_APPTS, (uint64_t)d);
    iapt_flow_book_assessments(st);
    iapt_groups_try_all(st);
    sim_at(s, (double)(d + 1), PRIO_DAY, EV_DAY, (uint64_t)(d + 1));
}

static void on_arrival(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    iapt_flow_referral(ctx, (int32_t)ev->data);
}

static void on_appt(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    iapt_flow_appointment(ctx, (int32_t)ev->data);
}

static void on_day_appts(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    iapt_flow_day_appointments(ctx, (int32_t)ev->data);
}

static void on_group(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    iapt_groups_session(ctx, (int32_t)ev->data);
}

static void on_drop(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    iapt_flow_drop_waiting(ctx, (int32_t)ev->data);
}

static void on_workforce(sim *s, const sim_ev *ev, void *ctx)
{
    (void)s;
    iapt_workforce_event(ctx, ev);
}

/* ---- one replication --------------------------------------------------- */

static gsl_rng *stream(uint64_t seed, uint64_t rep, const char *name)
{
    return sim_rng_create(seed, rep, sim_rng_stream_id(name));
}

static int open_streams(state *st, uint64_t seed, uint64_t rep)
{
    gsl_rng **r[] = {&st->r_optin, &st->r_assess, &st->r_route, &st->r_course, &st->r_dna, &st->r_drop_wait,
                     &st->r_drop_treat, &st->r_outcome, &st->r_cadence, &st->r_turnover, &st->r_recruit,
                     &st->r_training, &st->r_start, &st->r_leave, &st->r_step_up, &st->r_group, &st->r_one_session,
                     &st->r_complex, &st->r_site, &st->r_f2f, &st->r_drop_realloc};
    static const char *const names[] = {"referral", "assessment", "routing", "course", "dna",
                                        "dropout/waiting", "dropout/treatment", "outcome", "cadence",
                                        "turnover", "recruitment", "training", "start", "leave",
                                        "step_up", "group_length", "one_session", "complexity",
                                        "site", "face_to_face", "dropout/reallocation"};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (!(*r[i] = stream(seed, rep, names[i])))
            return -1;
    st->leave_key = ((uint64_t)gsl_rng_get(st->r_leave) << 32) | gsl_rng_get(st->r_leave);
    for (int32_t a = 0; a < st->narr; a++) {
        char name[256];
        const iapt_pathway_cfg *pc = IAPT_ITEM(st->sc->pathways, iapt_pathway_cfg, st->m->arr_pathway[a]);
        snprintf(name, sizeof name, "arrivals/%s/%s", pc->name, pc->sources.names[st->m->arr_slot[a]]);
        st->arr[a].pathway = st->m->arr_pathway[a];
        st->arr[a].source = st->m->arr_source[a];
        st->arr[a].rate = st->m->rates + (size_t)a * (size_t)st->m->ndays;
        if (!(st->arr[a].rng = stream(seed, rep, name)))
            return -1;
    }
    return 0;
}

static int alloc_state(state *st)
{
    const iapt_scenario *sc = st->sc;
    size_t nt = sc->workforce.teams.n, ng = sc->workforce.grades.n, np = sc->pathways.n;
    st->pfree = IAPT_NONE;
    st->narr = st->m->narrivals;
    st->arr = calloc((size_t)st->narr + 1, sizeof *st->arr);
    st->ts = malloc((nt + 1) * IAPT_NSTEPS * sizeof *st->ts);
    st->assess_wait = malloc((nt * ng + 1) * NMASKS * sizeof *st->assess_wait);
    st->group_wait = malloc((nt + 1) * IAPT_NSTEPS * (size_t)(st->m->maxmod + 1) * sizeof *st->group_wait);
    st->assess_rr = calloc(nt + 1, sizeof *st->assess_rr);
    st->acc.wait_pw = calloc(np + 1, sizeof *st->acc.wait_pw);
    st->fy_wait_pw = calloc(np + 1, sizeof *st->fy_wait_pw);
    st->acc.step_wait_pw = calloc(np * IAPT_NSTEPS + 1, sizeof *st->acc.step_wait_pw);
    st->group_len = malloc((nt + 1) * IAPT_NSTEPS * (size_t)(st->m->maxmod + 1) * sizeof *st->group_len);
    st->acc.case_pw = calloc(np + 1, sizeof(double));
    st->waiting_pw = calloc(3 * np + 1, sizeof(int32_t));
    st->treating_pw = calloc(np + 1, sizeof(int32_t));
    st->realloc_pw = calloc(np + 1, sizeof(int32_t));
    st->acc.avail_min = calloc(ng + 1, sizeof(double));
    st->acc.used_min = calloc(ng + 1, sizeof(double));
    st->acc.delivered_min = calloc(nt * ng + 1, sizeof(double));
    st->acc.training_min = calloc(nt * ng + 1, sizeof(double));
    st->acc.contracted_min = calloc(nt * ng + 1, sizeof(double));
    st->acc.supervising_min = calloc(nt * ng + 1, sizeof(double));
    if (!st->arr || !st->ts || !st->assess_wait || !st->group_wait || !st->assess_rr || !st->acc.wait_pw ||
        !st->fy_wait_pw ||
        !st->acc.step_wait_pw || !st->group_len ||
        !st->acc.case_pw || !st->waiting_pw || !st->treating_pw || !st->realloc_pw || !st->acc.avail_min ||
        !st->acc.used_min || !st->acc.delivered_min ||
        !st->acc.training_min || !st->acc.contracted_min || !st->acc.supervising_min)
        return -1;
    plist empty = {IAPT_NONE, IAPT_NONE, 0};
    for (size_t i = 0; i < nt * IAPT_NSTEPS; i++)
        for (int k = 0; k < NMASKS; k++) {
            st->ts[i].wait[k] = st->ts[i].realloc[k] = empty;
            st->ts[i].fhead[k] = st->ts[i].ftail[k] = IAPT_NONE;
        }
    for (size_t i = 0; i < nt * ng * NMASKS; i++)
        st->assess_wait[i] = empty;
    for (size_t i = 0; i < nt * IAPT_NSTEPS * (size_t)st->m->maxmod; i++) {
        st->group_wait[i] = empty;
        st->group_len[i] = -1;
    }
    for (int i = 0; i < IAPT_DIARY_DAYS; i++)
        st->day_head[i] = st->day_tail[i] = IAPT_NONE;
    st->day_done = -1;
    return 0;
}

static void free_state(state *st)
{
    gsl_rng *r[] = {st->r_optin, st->r_assess, st->r_route, st->r_course, st->r_dna, st->r_drop_wait,
                    st->r_drop_treat, st->r_outcome, st->r_cadence, st->r_turnover, st->r_recruit,
                    st->r_training, st->r_start, st->r_leave, st->r_step_up, st->r_group, st->r_one_session,
                    st->r_complex, st->r_site, st->r_f2f, st->r_drop_realloc};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (r[i])
            gsl_rng_free(r[i]);
    for (int32_t a = 0; st->arr && a < st->narr; a++)
        if (st->arr[a].rng)
            gsl_rng_free(st->arr[a].rng);
    iapt_workforce_free(st);
    iapt_rooms_free(st);
    iapt_demand_free(st);
    for (int32_t c = 0; c < st->nc; c++)
        free(st->c[c].team_share);
    for (size_t p = 0; p < st->sc->pathways.n; p++) {
        if (st->acc.wait_pw)
            sim_icount_free(&st->acc.wait_pw[p]);
        if (st->fy_wait_pw)
            sim_icount_free(&st->fy_wait_pw[p]);
    }
    sim_icount_free(&st->acc.wait_all);
    sim_icount_free(&st->acc.hidden);
    sim_icount_free(&st->fy_wait);
    sim_icount_free(&st->fy_hidden);
    for (int s = 0; s < IAPT_NSTEPS; s++)
        sim_icount_free(&st->acc.step_wait[s]);
    if (st->acc.step_wait_pw)
        for (size_t i = 0; i < st->sc->pathways.n * IAPT_NSTEPS; i++)
            sim_icount_free(&st->acc.step_wait_pw[i]);
    void *blocks[] = {st->arr, st->ts, st->assess_wait, st->group_wait, st->group_len, st->assess_rr,
                      st->acc.wait_pw, st->fy_wait_pw, st->acc.step_wait_pw,
                      st->acc.case_pw, st->waiting_pw, st->treating_pw, st->realloc_pw, st->acc.avail_min,
                      st->acc.used_min, st->acc.delivered_min,
                      st->acc.training_min, st->acc.contracted_min, st->acc.supervising_min, st->p, st->c, st->mem,
                      st->diary_cap, st->diary_free, st->groups, st->heap_clin, st->heap_day, st->heap_order};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        free(blocks[i]);
    sim_destroy(st->s);
}

static void register_handlers(state *st)
{
    sim_on(st->s, EV_DAY, on_day, st);
    sim_on(st->s, EV_ARRIVAL, on_arrival, st);
    sim_on(st->s, EV_APPT, on_appt, st);
    sim_on(st->s, EV_DAY_APPTS, on_day_appts, st);
    sim_on(st->s, EV_GROUP, on_group, st);
    sim_on(st->s, EV_DROP, on_drop, st);
    for (uint32_t k = EV_LEAVE; k <= EV_SKILL; k++)
        sim_on(st->s, k, on_workforce, st);
}

/* Schedules the first day and each stream's first referral. */
static void schedule_start(state *st)
{
    sim_at(st->s, 0, PRIO_DAY, EV_DAY, 0);
    for (int32_t a = 0; a < st->narr; a++) {
        double first = iapt_flow_next_arrival(st, a, 0);
        if (first < st->end)
            sim_at(st->s, first, PRIO_ARRIVAL, EV_ARRIVAL, (uint64_t)a);
    }
}

int iapt_model_rep(const void *model, uint64_t seed, uint64_t rep, double *out, size_t nout)
{
    const iapt_model *m = model;
    state st;
    memset(&st, 0, sizeof st);
    st.m = m;
    st.sc = m->sc;
    st.out = out;
    st.end = (double)m->ndays;
    memset(out, 0, nout * sizeof *out);
    int rc = -1;
    st.s = sim_create(0);
    if (!st.s || alloc_state(&st) || open_streams(&st, seed, rep) || iapt_demand_init(&st, seed, rep))
        goto done;
    register_handlers(&st);
    if (iapt_rooms_init(&st) || iapt_workforce_init(&st) || iapt_start_place(&st))
        goto done;
    schedule_start(&st);
    sim_run(st.s, st.end);
    rc = sim_failed(st.s) ? -1 : 0;
done:
    free_state(&st);
    return rc;
}

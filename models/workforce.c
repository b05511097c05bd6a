/*
 * models/workforce.c: posts, turnover, recruitment, trainees, top-up
 * training and transfers (see the header).
 *
 * Costs: qualified WTE in post and WTE held for trainees are running totals
 * (O(teams) per change); supervision is recomputed (models/supervision.h)
 * when trainees or supervisors come and go and at each month start; month
 * ends pass over the clinicians once per team and grade.
 */
#include "models/workforce.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/flow.h"
#include "models/people.h"
#include "models/staff.h"
#include "models/supervision.h"

#define EPS 1e-6

typedef struct recruit {
    int32_t team, grade;
    double wte;
} recruit;

typedef struct workforce {
    int32_t nt, ng;
    double *extra;         /* team x grade: establishment moved by transfers and new posts */
    double *pending;       /* team x grade: WTE being recruited */
    recruit *rec;
    int32_t nrec, reccap;
    double *cost;          /* team x grade: staff cost this month (trainees: the grade they train for) */
    uint8_t *team_ltc;     /* per team: serves an LTC pathway */
    double *qual;          /* team x grade: qualified WTE in post (running total) */
    double *held;          /* team x grade: WTE of trainees for whom vacancies are held */
    uint8_t *backfills;    /* per cohort: named as the backfill of a transfer */
    double *backfill_left; /* per cohort: WTE of backfill posts not yet created (the WTE
                              of every transfer it backfills, less any not funded) */
    double *intake;        /* per cohort: time training starts (< 0: before the run) */
    int32_t *course_day;   /* top-up course days, ascending: course k's are course_day[course_at[k]] up to
                              course_day[course_at[k + 1]] (exclusive), days from the start */
    int32_t *course_at;    /* per course, and one past the last */
    int32_t trainees;      /* trainees in post (running total) */
} workforce;

static const iapt_workforce_cfg *wcfg(const state *st) { return &st->sc->workforce; }
static const iapt_grade_cfg *grade_cfg(const state *st, int32_t g) { return IAPT_ITEM(wcfg(st)->grades, iapt_grade_cfg, g); }
static const iapt_programme_cfg *prog_cfg(const state *st, int32_t p) { return IAPT_ITEM(wcfg(st)->programmes, iapt_programme_cfg, p); }
static const iapt_cohort_cfg *cohort_cfg(const state *st, int32_t k) { return IAPT_ITEM(wcfg(st)->cohorts, iapt_cohort_cfg, k); }
static int32_t day_from_date(const state *st, sim_date d) { return (int32_t)(d - st->sc->run.start); }

static void record_tg(state *st, int m, int32_t team, int32_t grade, double v)
{
    iapt_rec(st, m, G_TEAM_GRADE, team * st->wf->ng + grade, v);
    iapt_rec(st, m, G_GRADE, grade, v);
    iapt_rec(st, m, G_ALL, 0, v);
}

/* The team holding the largest share of c's time (the first listed on a
 * tie, shares within 1e-9 being equal): where c counts in headcounts and
 * flows by team. */
static int32_t main_team(const state *st, int32_t c)
{
    int32_t best = 0;
    for (int32_t t = 1; t < st->wf->nt; t++)
        if (st->c[c].team_share[t] > st->c[c].team_share[best] + 1e-9)
            best = t;
    return best;
}

/* The scenario's post of `grade` in `team`, or NULL. */
static const iapt_post_cfg *post(const state *st, int32_t team, int32_t grade)
{
    return iapt_team_post(IAPT_ITEM(wcfg(st)->teams, iapt_team_cfg, team), grade);
}

/* Funded WTE of (team, grade) at time t that is frozen (not recruited to). */
static double frozen_wte(const state *st, int32_t team, int32_t grade, double t)
{
    const iapt_post_cfg *pc = post(st, team, grade);
    double date = (double)st->sc->run.start + t;
    return pc ? fmin(sim_sched_at(&pc->frozen, date), sim_sched_at(&pc->wte, date)) : 0;
}

/* Funded WTE of (team, grade) that may be recruited to at time t. */
static double open_wte(const state *st, int32_t team, int32_t grade, double t)
{
    return iapt_workforce_establishment(st, team, grade, t) - frozen_wte(st, team, grade, t);
}

double iapt_workforce_establishment(const state *st, int32_t team, int32_t grade, double t)
{
    const iapt_post_cfg *pc = post(st, team, grade);
    double w = pc ? sim_sched_at(&pc->wte, (double)st->sc->run.start + t) : 0;
    return w + st->wf->extra[team * st->wf->ng + grade];
}

static double qualified_wte(const state *st, int32_t team, int32_t grade)
{
    return st->wf->qual[team * st->wf->ng + grade];
}

/* Whether trainee c will need a vacancy on qualifying (their cohort brings
 * no post of its own) and their programme holds vacancies for them. */
static int holds_vacancy(const state *st, int32_t c)
{
    const clinician *cl = &st->c[c];
    int32_t k = cl->cohort;
    return prog_cfg(st, cl->programme)->hold_vacancies && !cohort_cfg(st, k)->new_posts && !st->wf->backfills[k];
}

/* Adds (sign +1) or removes (-1) clinician c from the running totals; call
 * with -1 before changing whether c is active, qualified, their WTE or team
 * shares, and with +1 after. */
static void count_in(state *st, int32_t c, int sign)
{
    const clinician *cl = &st->c[c];
    workforce *wf = st->wf;
    if (!cl->active)
        return;
    if (cl->programme != IAPT_NONE) {
        wf->trainees += sign;
        if (holds_vacancy(st, c))
            wf->held[cohort_cfg(st, cl->cohort)->team.index * wf->ng + cl->grade] += sign * cl->wte;
        return;
    }
    for (int32_t t = 0; t < wf->nt; t++)
        wf->qual[t * wf->ng + cl->grade] += sign * cl->wte * cl->team_share[t];
}

/* ---- trainees' progress --------------------------------------------------- */

/* Brings trainee c's training up to now at their pace, recording the days
 * lost to a supervision shortfall. */
static void accrue(state *st, int32_t c)
{
    clinician *cl = &st->c[c];
    double now = sim_now(st->s), dt = now - cl->trained_at;
    cl->trained_at = now;
    if (dt <= 0 || !cl->active || cl->programme == IAPT_NONE)
        return;
    cl->trained += cl->pace * dt;
    if (cl->pace < 1) {
        record_tg(st, M_TRAINING_DAYS_LOST, cohort_cfg(st, cl->cohort)->team.index, cl->grade, (1 - cl->pace) * dt);
        iapt_rec(st, M_TRAINING_DAYS_LOST, G_PROGRAMME, cl->programme, (1 - cl->pace) * dt);
    }
}

/* Days of training counted per day for trainee c: their supervision cover
 * over the share their programme needs for a day to count, at most 1. */
static double pace_of(const state *st, const clinician *cl)
{
    double need = prog_cfg(st, cl->programme)->supervision_to_qualify;
    return need > 0 ? fmin(1, cl->cover / need) : 1;
}

/* After supervision changed: each trainee's pace, and the qualification of
 * those who will qualify moved to when their training is done at it. */
static void set_paces(state *st)
{
    double now = sim_now(st->s);
    for (int32_t c = 0; c < st->nc; c++) {
        clinician *cl = &st->c[c];
        if (!cl->active || cl->programme == IAPT_NONE || fabs(pace_of(st, cl) - cl->pace) <= 1e-12)
            continue;
        accrue(st, c);
        cl->pace = pace_of(st, cl);
        if (isnan(cl->due))
            continue; /* leaves before qualifying */
        double left = fmax(0, prog_cfg(st, cl->programme)->duration - cl->trained);
        cl->due = cl->pace > 0 ? now + left / cl->pace : INFINITY;
        if (cl->qual_ev)
            sim_cancel(st->s, cl->qual_ev);
        cl->qual_ev = cl->due < st->end ? sim_at(st->s, cl->due, PRIO_STAFF, EV_QUALIFY, (uint64_t)c) : 0;
    }
}

/* Shares supervision out again (models/supervision.h) and sets the
 * trainees' paces from it. */
static void supervise(state *st)
{
    iapt_supervision_update(st, st->wf->trainees);
    if (st->wf->trainees > 0)
        set_paces(st);
}

/* ---- turnover and recruitment --------------------------------------------- */

static void schedule_turnover(state *st, int32_t c)
{
    double rate = grade_cfg(st, st->c[c].grade)->turnover; /* per year */
    double e = gsl_ran_exponential(st->r_turnover, 1.0);
    if (rate <= 0)
        return;
    double t = sim_now(st->s) + e * SIM_DAYS_PER_YEAR / rate;
    if (t < st->end)
        sim_at(st->s, t, PRIO_STAFF, EV_LEAVE, (uint64_t)c);
}

/* Vacancies of (team, grade) at time t that are funded and not frozen. */
static double open_vacancies(const state *st, int32_t team, int32_t grade, double t)
{
    return fmax(0, open_wte(st, team, grade, t) - qualified_wte(st, team, grade));
}

/* Whether c is a trainee of (team, grade) for whom a vacancy is held. */
static int holder_of(const state *st, int32_t c, int32_t team, int32_t grade)
{
    const clinician *cl = &st->c[c];
    return cl->active && cl->programme != IAPT_NONE && cl->grade == grade &&
           cohort_cfg(st, cl->cohort)->team.index == team && holds_vacancy(st, c);
}

/* WTE of the vacancies of (team, grade) open now that are held for
 * trainees. Trainees may take only posts that are not frozen when they
 * qualify, so each holds up to what is open then (vacancies as they are
 * now); a vacancy frozen now but open by then is held first, since it
 * cannot be recruited to now either: a vacancy frozen and held counts
 * once. O(clinicians) when anyone holds one. */
static double held_open(const state *st, int32_t team, int32_t grade, double now)
{
    if (st->wf->held[team * st->wf->ng + grade] <= EPS)
        return 0;
    double vac = fmax(0, iapt_workforce_establishment(st, team, grade, now) - qualified_wte(st, team, grade));
    double frozen_now = fmin(vac, frozen_wte(st, team, grade, now)), frozen_later = frozen_now, held = 0;
    for (int32_t c = 0; c < st->nc; c++) {
        if (!holder_of(st, c, team, grade))
            continue;
        double when = isfinite(st->c[c].due) ? st->c[c].due : st->c[c].qualify;
        double frozen_then = fmin(vac, frozen_wte(st, team, grade, when));
        held += fmin(st->c[c].wte, fmax(0, vac - frozen_then - held));
        frozen_later = fmin(frozen_later, frozen_then);
    }
    return held - fmin(held, frozen_now - frozen_later);
}

/* Starts recruitment to every vacancy of (team, grade) that is funded, not
 * frozen, not already being recruited to, and not held for a trainee. */
static void check_vacancies(state *st, int32_t team, int32_t grade)
{
    workforce *wf = st->wf;
    double now = sim_now(st->s);
    double vac = open_vacancies(st, team, grade, now) - wf->pending[team * wf->ng + grade] -
                 held_open(st, team, grade, now);
    while (vac > EPS) {
        double post = grade_cfg(st, grade)->post_wte, w = vac < post ? vac : post;
        if (wf->nrec == wf->reccap) {
            int32_t n = wf->reccap ? wf->reccap * 2 : 16;
            recruit *r = realloc(wf->rec, (size_t)n * sizeof *r);
            if (!r) {
                sim_fail(st->s, -1);
                return;
            }
            wf->rec = r;
            wf->reccap = n;
        }
        wf->rec[wf->nrec] = (recruit){team, grade, w};
        double lead = sim_dist_sample(&grade_cfg(st, grade)->recruitment, st->r_recruit);
        if (now + lead < st->end)
            sim_at(st->s, now + lead, PRIO_STAFF, EV_STARTER, (uint64_t)wf->nrec);
        wf->nrec++;
        wf->pending[team * wf->ng + grade] += w;
        vac -= w;
    }
}

static void check_all_vacancies(state *st)
{
    for (int32_t t = 0; t < st->wf->nt; t++)
        for (int32_t g = 0; g < st->wf->ng; g++)
            check_vacancies(st, t, g);
}

/* Adds a qualified clinician as `spec` says (qualified, full caseload). */
static int32_t add_qualified(state *st, iapt_staff_spec *spec)
{
    spec->programme = IAPT_NONE;
    spec->cap_factor = 1;
    spec->caps = (uint8_t)(spec->caps | CAP_COMPLEX);
    int32_t c = iapt_staff_add(st, spec);
    if (c < 0) {
        sim_fail(st->s, -1);
        return IAPT_NONE;
    }
    count_in(st, c, +1);
    schedule_turnover(st, c);
    return c;
}

static void on_starter(state *st, int32_t r)
{
    workforce *wf = st->wf;
    recruit rc = wf->rec[r];
    wf->pending[rc.team * wf->ng + rc.grade] -= rc.wte;
    double vac = open_wte(st, rc.team, rc.grade, sim_now(st->s)) - qualified_wte(st, rc.team, rc.grade);
    if (vac < rc.wte - EPS) {
        record_tg(st, M_RECRUITS_WITHDRAWN, rc.team, rc.grade, 1); /* post cut, frozen or filled meanwhile */
        return;
    }
    double *share = calloc((size_t)wf->nt, sizeof *share);
    if (!share) {
        sim_fail(st->s, -1);
        return;
    }
    share[rc.team] = 1;
    const iapt_team_cfg *tc = IAPT_ITEM(wcfg(st)->teams, iapt_team_cfg, rc.team);
    iapt_staff_spec spec = iapt_staff_spec_of_grade(st, rc.grade);
    spec.wte = rc.wte;
    spec.team_share = share;
    spec.caps = tc->recruits_ltc_skill ? CAP_LTC : 0;
    spec.start = sim_now(st->s);
    if (add_qualified(st, &spec) != IAPT_NONE)
        record_tg(st, M_STARTERS, rc.team, rc.grade, 1);
    free(share);
    supervise(st);
}

/* c stops working here: off the free lists first (so nobody is handed
 * back to them), then their people go back to the lists. */
static void retire(state *st, int32_t c)
{
    count_in(st, c, -1);
    st->c[c].supervising_min = 0;
    st->c[c].active = 0;
    iapt_staff_recap(st, c);
    iapt_flow_release_clinician(st, c);
    iapt_diary_refresh(st, c, st->today);
}

static void trainee_done(state *st, int32_t k, int32_t grade);

static void on_leave(state *st, int32_t c)
{
    clinician *cl = &st->c[c];
    if (!cl->active)
        return;
    int trainee = cl->programme != IAPT_NONE;
    if (trainee)
        accrue(st, c);
    record_tg(st, trainee ? M_TRAINEES_LEFT : M_LEAVERS, main_team(st, c), cl->grade, 1);
    if (trainee)
        record_tg(st, M_TRAINEES_ATTRITION, main_team(st, c), cl->grade, 1);
    retire(st, c);
    if (trainee)
        trainee_done(st, cl->cohort, cl->grade);
    else
        for (int32_t t = 0; t < st->wf->nt; t++)
            if (st->c[c].team_share[t] > 0)
                check_vacancies(st, t, st->c[c].grade);
    supervise(st);
}

/* ---- trainees ------------------------------------------------------------------ */

/* A qualified clinician of `grade` in `team` to second, or IAPT_NONE. */
static int32_t pick_secondee(const state *st, int32_t team, int32_t grade)
{
    int32_t best = IAPT_NONE;
    for (int32_t c = 0; c < st->nc; c++) {
        const clinician *cl = &st->c[c];
        if (cl->active && cl->programme == IAPT_NONE && cl->grade == grade && cl->team_share[team] > 0 &&
            (best == IAPT_NONE || cl->team_share[team] > st->c[best].team_share[team]))
            best = c;
    }
    return best;
}

/* Starts one trainee of cohort k with `wte`, who began training at time
 * wf->intake[k] (before the run for people already in training on day
 * one: they are part-way through, or already gone). They hold no caseload
 * places until the supervision update sets their caseload factor (the
 * programme's factor times the supervision cover, known only once the
 * whole intake is in post), so no trainee is handed a qualified caseload. */
static void start_trainee(state *st, int32_t k, const double *share, double wte)
{
    const iapt_cohort_cfg *kc = cohort_cfg(st, k);
    int32_t pi = kc->programme.index;
    const iapt_programme_cfg *pc = prog_cfg(st, pi);
    double now = sim_now(st->s), begun = st->wf->intake[k];
    double u = gsl_rng_uniform(st->r_training), when = gsl_rng_uniform(st->r_training);
    int leaves = u < pc->attrition;
    double end = begun + (leaves ? when : 1) * pc->duration;
    if (end <= now)
        return; /* left or qualified before the run started */
    iapt_staff_spec spec = iapt_staff_spec_of_grade(st, pc->grade.index);
    spec.wte = wte;
    spec.team_share = share;
    spec.caps = (uint8_t)((pc->excludes_complex ? 0 : CAP_COMPLEX) | (pc->excludes_ltc ? 0 : CAP_LTC));
    spec.programme = pi;
    spec.start = now;
    spec.cap_factor = 0;
    int32_t c = iapt_staff_add(st, &spec);
    if (c < 0) {
        sim_fail(st->s, -1);
        return;
    }
    clinician *cl = &st->c[c];
    cl->cohort = k;
    cl->qualify = begun + pc->duration;
    cl->cover = cl->pace = 1; /* until the supervision update */
    cl->trained = fmax(0, now - begun); /* fully supervised before the run (ASSUMPTION) */
    cl->trained_at = now;
    cl->due = leaves ? NAN : end;
    count_in(st, c, +1);
    iapt_diary_refresh(st, c, st->today);
    record_tg(st, M_TRAINEES_STARTED, kc->team.index, pc->grade.index, 1);
    if (end < st->end) {
        sim_handle h = sim_at(st->s, end, PRIO_STAFF, leaves ? EV_LEAVE : EV_QUALIFY, (uint64_t)c);
        cl->qual_ev = leaves ? 0 : h;
    }
}


/* Cohort k's intake: its trainees start (seconded ones leave their posts,
 * which fall vacant, and train at their own WTE; a cohort already in
 * training when the run starts seconds nobody: its people are no longer
 * in the staff list). */
static void on_intake(state *st, int32_t k)
{
    const iapt_cohort_cfg *kc = cohort_cfg(st, k);
    double *share = calloc((size_t)st->wf->nt, sizeof *share);
    if (!share) {
        sim_fail(st->s, -1);
        return;
    }
    share[kc->team.index] = 1;
    for (long i = 0; i < kc->size; i++) {
        double wte = kc->wte;
        if (kc->seconded_from.index >= 0 && st->wf->intake[k] >= 0) {
            int32_t s = pick_secondee(st, kc->team.index, kc->seconded_from.index);
            if (s == IAPT_NONE)
                continue; /* nobody left to second: the place goes unused */
            wte = st->c[s].wte;
            record_tg(st, M_SECONDED, main_team(st, s), st->c[s].grade, 1);
            retire(st, s);
            check_vacancies(st, kc->team.index, kc->seconded_from.index);
        }
        start_trainee(st, k, share, wte);
    }
    free(share);
    supervise(st);
}

/* Creates the funded post, if any, that trainee c's cohort brings on
 * qualifying in `team`: one per qualifier for a cohort with new posts; for
 * a backfill cohort, posts until the WTE of the transfers it backfills is
 * made up (the rest fill vacancies). Returns the WTE of the post c can take: their new post,
 * or else a vacancy that is not frozen (a freeze stops trainees filling
 * posts as it stops recruits), their own WTE or the whole vacancy if it is
 * smaller (they take the post on offer, ASSUMPTION), or 0 if none is
 * open. */
static double post_for(state *st, int32_t c, int32_t team)
{
    workforce *wf = st->wf;
    const clinician *cl = &st->c[c];
    int32_t k = cl->cohort, i = team * wf->ng + cl->grade;
    double add = 0, open = open_vacancies(st, team, cl->grade, sim_now(st->s));
    if (wf->backfills[k]) {
        add = fmin(cl->wte, wf->backfill_left[k]);
        wf->backfill_left[k] -= add;
    } else if (cohort_cfg(st, k)->new_posts) {
        add = cl->wte;
    }
    wf->extra[i] += add;
    double take = fmin(cl->wte, add + open);
    return take > EPS ? take : 0;
}

/* Trainee c finishes training: leaves (not retained, or no post to take)
 * or becomes a qualified clinician in a post of `take` WTE, able to take
 * complex cases, with the LTC skill if their team's recruits have it, and
 * subject to turnover. */
static void on_qualify(state *st, int32_t c)
{
    clinician *cl = &st->c[c];
    if (!cl->active || cl->programme == IAPT_NONE)
        return;
    const iapt_programme_cfg *pc = prog_cfg(st, cl->programme);
    accrue(st, c);
    assert(cl->trained >= pc->duration - 1e-6 && "qualifying before the training is done");
    cl->qual_ev = 0;
    int32_t team = cohort_cfg(st, cl->cohort)->team.index, grade = cl->grade;
    double u = gsl_rng_uniform(st->r_training);
    double take = u < pc->retention ? post_for(st, c, team) : 0;
    if (take <= 0) {
        record_tg(st, M_TRAINEES_LEFT, team, grade, 1);
        record_tg(st, u >= pc->retention ? M_TRAINEES_NOT_RETAINED : M_TRAINEES_NO_POST, team, grade, 1);
        retire(st, c);
        trainee_done(st, cl->cohort, grade);
        supervise(st);
        return;
    }
    count_in(st, c, -1);
    if (take < cl->wte - EPS) {
        cl->day_min *= take / cl->wte;
        cl->wte = take;
    }
    cl->programme = IAPT_NONE;
    count_in(st, c, +1);
    cl->cap_factor = 1;
    int ltc = IAPT_ITEM(wcfg(st)->teams, iapt_team_cfg, team)->recruits_ltc_skill;
    iapt_staff_set_caps(st, c, (uint8_t)(st->c[c].caps | CAP_COMPLEX | (ltc ? CAP_LTC : 0)));
    iapt_diary_refresh(st, c, st->today);
    record_tg(st, M_TRAINEES_QUALIFIED, team, grade, 1);
    schedule_turnover(st, c);
    trainee_done(st, cl->cohort, grade);
    supervise(st);
}

/* A trainee of cohort k (training for `grade`) has qualified or left: any
 * vacancy held for them is recruited to; when the last trainee of a
 * backfill cohort is done, backfill funding its qualifiers did not take
 * becomes posts to recruit to (the funding of the WTE moved stays). */
static void trainee_done(state *st, int32_t k, int32_t grade)
{
    workforce *wf = st->wf;
    int32_t team = cohort_cfg(st, k)->team.index;
    if (wf->backfill_left[k] > EPS) {
        int32_t left = 0;
        for (int32_t c = 0; c < st->nc && !left; c++)
            left = st->c[c].active && st->c[c].programme != IAPT_NONE && st->c[c].cohort == k;
        if (!left) {
            wf->extra[team * wf->ng + grade] += wf->backfill_left[k];
            wf->backfill_left[k] = 0;
        }
    }
    check_vacancies(st, team, grade);
}

/* ---- top-up training and transfers ------------------------------------------------ */

/* c's share of time in the teams course tc trains: those it names, or
 * else those serving an LTC pathway. */
static double course_share(const state *st, int32_t c, const iapt_topup_cfg *tc)
{
    double s = 0;
    if (tc->teams.n > 0)
        for (size_t i = 0; i < tc->teams.n; i++)
            s += st->c[c].team_share[tc->teams.index[i]];
    else
        for (int32_t t = 0; t < st->wf->nt; t++)
            if (st->wf->team_ltc[t])
                s += st->c[c].team_share[t];
    return s;
}

/* Qualified, in post, of one of its grades, with time in its teams,
 * without the LTC skill and not already booked on a course: eligible for
 * top-up course tc. */
static int topup_eligible(const state *st, int32_t c, const iapt_topup_cfg *tc)
{
    const clinician *cl = &st->c[c];
    if (!cl->active || cl->programme != IAPT_NONE || (cl->caps & CAP_LTC) || cl->ntopup > 0 ||
        course_share(st, c, tc) <= 0)
        return 0;
    for (size_t i = 0; i < tc->grades.n; i++)
        if (tc->grades.index[i] == cl->grade)
            return 1;
    return 0;
}

/* Course k's attendees are chosen (its notice before the first day): up
 * to its places, among those eligible; each gains the skill at the end of
 * the last course day. */
static void on_topup(state *st, int32_t k)
{
    const iapt_topup_cfg *tc = IAPT_ITEM(wcfg(st)->topups, iapt_topup_cfg, k);
    const workforce *wf = st->wf;
    /* The skill comes at the end of the last course day (never, with no course days at all). */
    double end = wf->course_at[k + 1] > wf->course_at[k] ? (double)wf->course_day[wf->course_at[k + 1] - 1] + 1 : INFINITY;
    for (long n = 0; n < tc->places; n++) {
        /* Most time in the course's teams first, then first in the staff list. */
        int32_t best = IAPT_NONE;
        for (int32_t c = 0; c < st->nc; c++)
            if (topup_eligible(st, c, tc) &&
                (best == IAPT_NONE || course_share(st, c, tc) > course_share(st, best, tc)))
                best = c;
        if (best == IAPT_NONE)
            return;
        st->c[best].topup[st->c[best].ntopup++] = k;
        iapt_diary_refresh(st, best, st->today);
        if (end < st->end)
            sim_at(st->s, fmax(end, sim_now(st->s)), PRIO_STAFF, EV_SKILL, (uint64_t)best);
    }
}

static void on_skill(state *st, int32_t c)
{
    if (st->c[c].active)
        iapt_staff_set_caps(st, c, (uint8_t)(st->c[c].caps | CAP_LTC));
}

/* Candidates to move: LTC-skilled first, then the largest share in team a. */
static int32_t pick_mover(const state *st, int32_t grade, int32_t a, const uint8_t *taken)
{
    int32_t best = IAPT_NONE;
    for (int32_t c = 0; c < st->nc; c++) {
        const clinician *cl = &st->c[c];
        if (taken[c] || !cl->active || cl->programme != IAPT_NONE || cl->grade != grade || cl->team_share[a] <= 0)
            continue;
        if (best == IAPT_NONE)
            best = c;
        int ltc = (cl->caps & CAP_LTC) != 0, bltc = (st->c[best].caps & CAP_LTC) != 0;
        if (ltc > bltc || (ltc == bltc && cl->team_share[a] * cl->wte > st->c[best].team_share[a] * st->c[best].wte))
            best = c;
    }
    return best;
}

/* Transfer k: the funding that exists (at most the WTE the transfer names;
 * the scenario check refuses more than its own posts) moves, with the
 * people in post up to that WTE; a backfill makes up at most the funding
 * moved (by all the transfers it backfills together). */
static void on_transfer(state *st, int32_t k)
{
    const iapt_transfer_cfg *tc = IAPT_ITEM(wcfg(st)->transfers, iapt_transfer_cfg, k);
    workforce *wf = st->wf;
    int32_t g = tc->grade.index, a = tc->from.index, b = tc->to.index;
    uint8_t *taken = calloc((size_t)st->nc + 1, 1);
    if (!taken) {
        sim_fail(st->s, -1);
        return;
    }
    double funded = fmin(tc->wte, fmax(0, iapt_workforce_establishment(st, a, g, sim_now(st->s))));
    if (tc->backfill.index >= 0) /* the WTE named but not funded is not made up */
        wf->backfill_left[tc->backfill.index] = fmax(0, wf->backfill_left[tc->backfill.index] - (tc->wte - funded));
    double left = funded;
    while (left > EPS) {
        int32_t c = pick_mover(st, g, a, taken);
        if (c == IAPT_NONE)
            break;
        taken[c] = 1;
        clinician *cl = &st->c[c];
        double move = fmin(left, cl->wte * cl->team_share[a]);
        int32_t was = main_team(st, c);
        count_in(st, c, -1);
        cl->team_share[a] -= move / cl->wte;
        cl->team_share[b] += move / cl->wte;
        count_in(st, c, +1);
        if (main_team(st, c) != was) {
            record_tg(st, M_TRANSFERS_OUT, was, g, 1);
            record_tg(st, M_TRANSFERS_IN, main_team(st, c), g, 1);
        }
        left -= move;
        iapt_staff_recap(st, c);
    }
    free(taken);
    wf->extra[a * wf->ng + g] -= funded;
    wf->extra[b * wf->ng + g] += funded;
    check_vacancies(st, a, g);
    check_vacancies(st, b, g);
    supervise(st);
}

/* ---- events and accounting ------------------------------------------------------- */

void iapt_workforce_event(state *st, const sim_ev *ev)
{
    int32_t x = (int32_t)ev->data;
    switch (ev->kind) {
    case EV_LEAVE: on_leave(st, x); break;
    case EV_STARTER: on_starter(st, x); break;
    case EV_INTAKE: on_intake(st, x); break;
    case EV_QUALIFY: on_qualify(st, x); break;
    case EV_TRANSFER: on_transfer(st, x); break;
    case EV_TOPUP: on_topup(st, x); break;
    case EV_POSTS: check_all_vacancies(st); break;
    case EV_SKILL: on_skill(st, x); break;
    default: assert(0 && "not a workforce event");
    }
}

/* Whether day d is a day of top-up course k: a binary search of its days. */
static int course_day_of(const workforce *wf, int32_t k, int32_t d)
{
    int32_t lo = wf->course_at[k], hi = wf->course_at[k + 1];
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (wf->course_day[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < wf->course_at[k + 1] && wf->course_day[lo] == d;
}

int iapt_workforce_away(const state *st, int32_t c, int32_t d)
{
    const clinician *cl = &st->c[c];
    int wd = sim_date_weekday(st->sc->run.start + d);
    if (cl->programme != IAPT_NONE && (double)d < cl->qualify &&
        ((prog_cfg(st, cl->programme)->university_days >> wd) & 1u))
        return 1;
    for (int32_t i = 0; i < cl->ntopup; i++)
        if (course_day_of(st->wf, cl->topup[i], d))
            return 1;
    return 0;
}

void iapt_workforce_account_day(state *st, int32_t c, int32_t d, int32_t open)
{
    const clinician *cl = &st->c[c];
    workforce *wf = st->wf;
    if (!cl->active || (double)d < floor(cl->start))
        return;
    double salary = cl->programme != IAPT_NONE ? prog_cfg(st, cl->programme)->salary : grade_cfg(st, cl->grade)->salary;
    double cost = salary * cl->wte * (1 + st->sc->service.on_costs) / SIM_DAYS_PER_YEAR;
    int clinic = iapt_clinic_day(st, d), away = clinic && iapt_workforce_away(st, c, d);
    double supervising = 0; /* clinic minutes the diary lost to supervision on a day worked */
    if (cl->supervising_min > 0 && iapt_staff_works(st, c, d))
        supervising = iapt_diary_minutes(cl->day_min) - open;
    for (int32_t t = 0; t < wf->nt; t++) {
        double sh = cl->team_share[t];
        if (sh <= 0)
            continue;
        wf->cost[t * wf->ng + cl->grade] += cost * sh;
        if (clinic) {
            st->acc.contracted_min[t * wf->ng + cl->grade] += cl->day_min * sh;
            if (away)
                st->acc.training_min[t * wf->ng + cl->grade] += cl->day_min * sh;
            st->acc.supervising_min[t * wf->ng + cl->grade] += supervising * sh;
        }
    }
}

void iapt_workforce_month_start(state *st)
{
    check_all_vacancies(st);
    supervise(st);
}

/* Month-end stocks of one team and grade, and of one grade over teams. */
typedef struct wf_stock {
    double est, qual, trainee, qual_head, trainee_head, load, over, vacancies, frozen;
} wf_stock;

static void stock_of(const state *st, int32_t t, int32_t g, wf_stock *k)
{
    memset(k, 0, sizeof *k);
    for (int32_t c = 0; c < st->nc; c++) {
        const clinician *cl = &st->c[c];
        if (!cl->active || cl->grade != g)
            continue;
        /* People held count in the team of the membership holding them, even
         * at no share of the clinician's time (a moved clinician finishing
         * the courses they hold in their old team). */
        for (int32_t m = cl->mem0; m < cl->mem0 + cl->nmem; m++)
            if (st->mem[m].team == t) {
                const membership *mb = &st->mem[m];
                k->load += mb->load;
                k->over += mb->load > mb->places ? mb->load - mb->places : 0;
            }
        int q = cl->programme == IAPT_NONE;
        *(q ? &k->qual : &k->trainee) += cl->wte * cl->team_share[t];
        if (main_team(st, c) == t)
            *(q ? &k->qual_head : &k->trainee_head) += 1;
    }
    /* The month ended just before midnight: read the schedule a millionth of
     * a day earlier (a step on the 1st belongs to the new month; nextafter
     * would be lost when the time is added to the calendar day number). */
    k->est = iapt_workforce_establishment(st, t, g, sim_now(st->s) - 1e-6);
    k->vacancies = fmax(0, k->est - k->qual);
    k->frozen = fmin(k->vacancies, frozen_wte(st, t, g, sim_now(st->s) - 1e-6));
}

/* Records one group's stocks and flows; `flows` are the group's delivered,
 * training and contracted minutes, its staff cost and its minutes given to
 * supervision this month. */
static void record_stock(state *st, unsigned kind, int i, const wf_stock *k, const double *flows, double weeks)
{
    double wte = k->qual + k->trainee;
    iapt_rec(st, M_ESTABLISHMENT, kind, i, k->est);
    iapt_rec(st, M_HEADCOUNT, kind, i, k->qual_head);
    iapt_rec(st, M_TRAINEES, kind, i, k->trainee_head);
    iapt_rec(st, M_WTE_QUALIFIED, kind, i, k->qual);
    iapt_rec(st, M_WTE_TRAINEE, kind, i, k->trainee);
    iapt_rec(st, M_VACANCIES, kind, i, k->vacancies);
    iapt_rec(st, M_FROZEN_VACANCIES, kind, i, k->frozen);
    iapt_rec(st, M_OVER_CAP, kind, i, k->over);
    iapt_rec(st, M_CASELOAD_PER_WTE, kind, i, wte > 0 ? k->load / wte : NAN);
    iapt_rec(st, M_CLINICAL_HOURS_PER_WTE, kind, i, wte > 0 ? flows[0] / 60 / wte / weeks : NAN);
    iapt_rec(st, M_TRAINING_TIME_SHARE, kind, i, flows[2] > 0 ? 100 * flows[1] / flows[2] : NAN);
    iapt_rec(st, M_SUPERVISION_TIME_SHARE, kind, i, flows[2] > 0 ? 100 * flows[4] / flows[2] : NAN);
    iapt_rec(st, M_CONTRACTED_HOURS, kind, i, flows[2] / 60);
    iapt_rec(st, M_STAFF_COST, kind, i, flows[3]);
}

/* Headcounts of people of grade g, or of every grade when g < 0 (each
 * counted once, as in their main team). */
static void distinct_heads(const state *st, int32_t g, wf_stock *k)
{
    k->qual_head = k->trainee_head = 0;
    for (int32_t c = 0; c < st->nc; c++) {
        const clinician *cl = &st->c[c];
        if (cl->active && (g < 0 || cl->grade == g))
            *(cl->programme == IAPT_NONE ? &k->qual_head : &k->trainee_head) += 1;
    }
}

static void add_stock(wf_stock *sum, const wf_stock *k)
{
    sum->est += k->est, sum->qual += k->qual, sum->trainee += k->trainee, sum->load += k->load;
    sum->over += k->over;
    sum->vacancies += k->vacancies, sum->frozen += k->frozen;
}

enum { NFLOWS = 5 };

/* Stocks and flows by team and grade, by grade, and for the service. */
static void record_stocks(state *st, double weeks)
{
    workforce *wf = st->wf;
    wf_stock all = {0};
    double all_flows[NFLOWS] = {0};
    for (int32_t g = 0; g < wf->ng; g++) {
        wf_stock grade = {0};
        double grade_flows[NFLOWS] = {0};
        for (int32_t t = 0; t < wf->nt; t++) {
            wf_stock k;
            size_t i = (size_t)(t * wf->ng + g);
            double flows[NFLOWS] = {st->acc.delivered_min[i], st->acc.training_min[i], st->acc.contracted_min[i],
                                    wf->cost[i], st->acc.supervising_min[i]};
            stock_of(st, t, g, &k);
            record_stock(st, G_TEAM_GRADE, (int)i, &k, flows, weeks);
            add_stock(&grade, &k);
            for (int j = 0; j < NFLOWS; j++)
                grade_flows[j] += flows[j];
        }
        distinct_heads(st, g, &grade);
        record_stock(st, G_GRADE, g, &grade, grade_flows, weeks);
        add_stock(&all, &grade);
        for (int j = 0; j < NFLOWS; j++)
            all_flows[j] += grade_flows[j];
    }
    distinct_heads(st, -1, &all);
    record_stock(st, G_ALL, 0, &all, all_flows, weeks);
}

/* Staff cost by team, and per finished course and per person entering
 * treatment, by team (people of the pathways the team serves) and for the
 * service. */
static void record_costs(state *st, double finished)
{
    workforce *wf = st->wf;
    double total = 0;
    for (int32_t t = 0; t < wf->nt; t++) {
        double cost = 0, courses = 0, entered = 0;
        for (int32_t g = 0; g < wf->ng; g++)
            cost += wf->cost[t * wf->ng + g];
        for (size_t p = 0; p < st->sc->pathways.n; p++)
            if (IAPT_ITEM(st->sc->pathways, iapt_pathway_cfg, p)->team.index == t) {
                courses += *iapt_cell(st, M_FINISHED, G_PATHWAY, (int)p);
                entered += *iapt_cell(st, M_ENTERED, G_PATHWAY, (int)p);
            }
        iapt_rec(st, M_STAFF_COST, G_TEAM, t, cost);
        iapt_rec(st, M_COST_PER_COURSE, G_TEAM, t, courses > 0 ? cost / courses : NAN);
        iapt_rec(st, M_COST_PER_ENTERED, G_TEAM, t, entered > 0 ? cost / entered : NAN);
        total += cost;
    }
    double entered = *iapt_cell(st, M_ENTERED, G_ALL, 0);
    iapt_rec(st, M_COST_PER_COURSE, G_ALL, 0, finished > 0 ? total / finished : NAN);
    iapt_rec(st, M_COST_PER_ENTERED, G_ALL, 0, entered > 0 ? total / entered : NAN);
}

void iapt_workforce_record(state *st, double days_in_month, double finished)
{
    workforce *wf = st->wf;
    for (int32_t c = 0; c < st->nc; c++)
        accrue(st, c); /* training days lost this month */
    iapt_supervision_record(st);
    record_stocks(st, days_in_month / 7);
    record_costs(st, finished);
    for (int32_t i = 0; i < wf->nt * wf->ng; i++)
        wf->cost[i] = 0;
}

/* ---- set-up ------------------------------------------------------------------ */

/* The days of every top-up course: working days only (a course day that
 * falls on a day the service does not work moves to the next day it
 * does), the first on or after its start, each later one on or after
 * `every` days after the one before. 0, or -1 on OOM. */
static int set_course_days(state *st)
{
    workforce *wf = st->wf;
    const conf_list *topups = &wcfg(st)->topups;
    size_t n = 0;
    for (size_t k = 0; k < topups->n; k++)
        n += (size_t)IAPT_ITEM(*topups, iapt_topup_cfg, k)->days;
    wf->course_day = malloc((n ? n : 1) * sizeof(int32_t));
    if (!wf->course_day)
        return -1;
    int32_t at = 0;
    for (size_t k = 0; k < topups->n; k++) {
        const iapt_topup_cfg *tc = IAPT_ITEM(*topups, iapt_topup_cfg, k);
        int32_t d = day_from_date(st, tc->start), every = (int32_t)tc->every; /* whole days: check_topup */
        wf->course_at[k] = at;
        for (long i = 0; i < tc->days && st->sc->service.working_days; i++, d += every) {
            while (!iapt_clinic_day(st, d))
                d++;
            wf->course_day[at++] = d;
        }
    }
    wf->course_at[topups->n] = at;
    return 0;
}

static int alloc_workforce(state *st)
{
    workforce *wf = calloc(1, sizeof *wf);
    if (!wf)
        return -1;
    st->wf = wf;
    wf->nt = (int32_t)wcfg(st)->teams.n;
    wf->ng = (int32_t)wcfg(st)->grades.n;
    size_t tg = (size_t)wf->nt * (size_t)wf->ng, nt = (size_t)wf->nt;
    wf->extra = calloc(tg, sizeof(double));
    wf->pending = calloc(tg, sizeof(double));
    wf->cost = calloc(tg, sizeof(double));
    wf->team_ltc = calloc(nt, 1);
    wf->qual = calloc(tg, sizeof(double));
    wf->held = calloc(tg, sizeof(double));
    wf->backfills = calloc(wcfg(st)->cohorts.n + 1, 1);
    wf->backfill_left = calloc(wcfg(st)->cohorts.n + 1, sizeof(double));
    wf->intake = calloc(wcfg(st)->cohorts.n + 1, sizeof(double));
    wf->course_at = calloc(wcfg(st)->topups.n + 1, sizeof(int32_t));
    if (!wf->extra || !wf->pending || !wf->cost || !wf->team_ltc || !wf->backfills || !wf->qual || !wf->held ||
        !wf->backfill_left || !wf->intake || !wf->course_at || set_course_days(st))
        return -1;
    for (size_t p = 0; p < st->sc->pathways.n; p++) {
        const iapt_pathway_cfg *pc = IAPT_ITEM(st->sc->pathways, iapt_pathway_cfg, p);
        if (pc->kind == IAPT_PATHWAY_LTC)
            wf->team_ltc[pc->team.index] = 1;
    }
    for (size_t i = 0; i < wcfg(st)->transfers.n; i++) {
        const iapt_transfer_cfg *tc = IAPT_ITEM(wcfg(st)->transfers, iapt_transfer_cfg, i);
        if (tc->backfill.index >= 0) { /* a cohort may backfill several transfers: their WTE adds up */
            wf->backfills[tc->backfill.index] = 1;
            wf->backfill_left[tc->backfill.index] += tc->wte;
        }
    }
    return 0;
}

/* A staff group's value of a per-person setting: its own, or (none) its
 * grade's. */
static double own_or(double own, double grade) { return isnan(own) ? grade : own; }

static int add_starting_staff(state *st)
{
    double *share = malloc((size_t)st->wf->nt * sizeof *share);
    if (!share)
        return -1;
    for (size_t i = 0; i < wcfg(st)->staff.n; i++) {
        const iapt_staff_cfg *sc = IAPT_ITEM(wcfg(st)->staff, iapt_staff_cfg, i);
        memset(share, 0, (size_t)st->wf->nt * sizeof *share);
        for (size_t k = 0; k < sc->teams.n; k++)
            share[sc->teams.ref[k]] = sc->teams.v[k];
        for (long n = 0; n < sc->count; n++) {
            iapt_staff_spec spec = iapt_staff_spec_of_grade(st, sc->grade.index);
            spec.wte = sc->wte;
            spec.team_share = share;
            spec.caps = sc->ltc_skill ? CAP_LTC : 0;
            spec.clinical_hours = own_or(sc->clinical_hours, spec.clinical_hours);
            spec.caseload = own_or(sc->caseload, spec.caseload);
            spec.leave = own_or(sc->leave, spec.leave);
            if (add_qualified(st, &spec) == IAPT_NONE) {
                free(share);
                return -1;
            }
        }
    }
    free(share);
    return 0;
}

/* Schedules an event at day `day` if it falls within the run (events dated
 * before the start happen at the start). */
static void at_day(state *st, double day, int kind, int32_t data)
{
    if (day < st->end)
        sim_at(st->s, day > 0 ? day : 0, PRIO_STAFF, (uint32_t)kind, (uint64_t)data);
}

static void schedule_events(state *st)
{
    const iapt_workforce_cfg *w = wcfg(st);
    for (size_t k = 0; k < w->cohorts.n; k++) {
        const iapt_cohort_cfg *kc = cohort_cfg(st, (int32_t)k);
        sim_date intake = iapt_cohort_start(prog_cfg(st, kc->programme.index), kc);
        assert(intake != INT32_MAX); /* check_cohort refuses a cohort with no intake before the run's end */
        st->wf->intake[k] = (double)day_from_date(st, intake);
        at_day(st, st->wf->intake[k], EV_INTAKE, (int32_t)k);
    }
    for (size_t k = 0; k < w->topups.n; k++) {
        const iapt_topup_cfg *tc = IAPT_ITEM(w->topups, iapt_topup_cfg, k);
        at_day(st, (double)day_from_date(st, tc->start) - tc->notice, EV_TOPUP, (int32_t)k);
    }
    for (size_t k = 0; k < w->transfers.n; k++)
        at_day(st, (double)day_from_date(st, IAPT_ITEM(w->transfers, iapt_transfer_cfg, k)->date), EV_TRANSFER,
               (int32_t)k);
    for (size_t t = 0; t < w->teams.n; t++) {
        const iapt_team_cfg *tc = IAPT_ITEM(w->teams, iapt_team_cfg, t);
        for (size_t i = 0; i < tc->posts.n; i++) {
            const iapt_post_cfg *pc = IAPT_ITEM(tc->posts, iapt_post_cfg, i);
            const sim_sched *sch[2] = {&pc->wte, &pc->frozen};
            for (int h = 0; h < 2; h++)
                for (size_t j = 0; j < sch[h]->n; j++) {
                    at_day(st, sch[h]->seg[j].t0 - (double)st->sc->run.start, EV_POSTS, 0);
                    at_day(st, sch[h]->seg[j].t1 - (double)st->sc->run.start, EV_POSTS, 0);
                }
        }
    }
}

int iapt_workforce_init(state *st)
{
    if (alloc_workforce(st) || iapt_supervision_init(st) || add_starting_staff(st))
        return -1;
    schedule_events(st);
    check_all_vacancies(st);
    supervise(st);
    return 0;
}

void iapt_workforce_free(state *st)
{
    workforce *wf = st->wf;
    if (!wf)
        return;
    free(wf->extra);
    free(wf->pending);
    free(wf->rec);
    free(wf->cost);
    free(wf->team_ltc);
    free(wf->backfills);
    free(wf->backfill_left);
    free(wf->intake);
    free(wf->course_day);
    free(wf->course_at);
    free(wf->qual);
    free(wf->held);
    free(wf);
    st->wf = NULL;
    iapt_supervision_free(st);
}

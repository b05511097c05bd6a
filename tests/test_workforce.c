/*
 * tests/test_workforce.c: the workforce over time.
 *
 * Deterministic mechanisms are checked with exact expected values on the
 * fixtures in tests/data/workforce (no turnover, no leave, recruitment in
 * exactly 61 days, no attrition): each file states the dates it produces.
 * The headcount identity is checked on stochastic scenarios in every month
 * of every replication. The backfill behaviour is checked as paired
 * differences between scenarios run with the same seed (common random
 * numbers), each required to be significant at 99%.
 */
#include <math.h>

#include "model_support.h"
#include "sim/calendar.h"

#define WF(f) DATA("tests/data/workforce/" f)

/* Month index of YYYY-MM in a run starting in April 2026. */
static int mo(int y, int m) { return (y - 2026) * 12 + (m - 4); }

/* The team of a staff group's largest share (the first listed on a tie). */
static int main_team_of(const iapt_staff_cfg *s, size_t nteams)
{
    int best = -1;
    double most = -1;
    for (size_t t = 0; t < nteams; t++) {
        double share = 0;
        for (size_t k = 0; k < s->teams.n; k++)
            if (s->teams.ref[k] == (int)t)
                share = s->teams.v[k];
        if (share > most + 1e-9)
            most = share, best = (int)t;
    }
    return best;
}

/* Qualified staff of `grade` in post on day one, in main team `team` (< 0:
 * any team). */
static double initial_headcount(const iapt_scenario *sc, int grade, int team)
{
    double n = 0;
    for (size_t i = 0; i < sc->workforce.staff.n; i++) {
        const iapt_staff_cfg *s = IAPT_ITEM(sc->workforce.staff, iapt_staff_cfg, i);
        if (s->grade.index == grade && (team < 0 || main_team_of(s, sc->workforce.teams.n) == team))
            n += (double)s->count;
    }
    return n;
}

/* Qualified: change in post = starters + trainees qualified + transfers in
 * - transfers out - leavers - seconded. Trainees: change = started -
 * qualified - left. For one group (a grade, or a team and grade), every
 * month of replication rep, exactly. */
static void check_identity_of(const run_result *r, size_t rep, const char *grp, double head)
{
    double trainees = 0;
    for (int m = 0; m < r->m->layout.nmonths; m++) {
        double q = val(r, rep, "trainees_qualified", grp, m);
        head += val(r, rep, "starters", grp, m) + q + val(r, rep, "transfers_in", grp, m) -
                val(r, rep, "transfers_out", grp, m) - val(r, rep, "leavers", grp, m) - val(r, rep, "seconded", grp, m);
        trainees += val(r, rep, "trainees_started", grp, m) - q - val(r, rep, "trainees_left", grp, m);
        cr_assert_eq(val(r, rep, "headcount", grp, m), head, "rep %zu %s month %d: in post %.0f, flows say %.0f", rep,
                     grp, m, val(r, rep, "headcount", grp, m), head);
        cr_assert_eq(val(r, rep, "trainees", grp, m), trainees, "rep %zu %s month %d: trainees", rep, grp, m);
    }
}

/* The identity by grade and by team and grade, every replication. */
static void check_headcount_identity(const run_result *r)
{
    const conf_list *grades = &r->sc.workforce.grades, *teams = &r->sc.workforce.teams;
    for (size_t rep = 0; rep < r->nrep; rep++)
        for (size_t g = 0; g < grades->n; g++) {
            const char *gname = IAPT_ITEM(*grades, iapt_grade_cfg, g)->name;
            char grp[200];
            snprintf(grp, sizeof grp, "grade:%s", gname);
            check_identity_of(r, rep, grp, initial_headcount(&r->sc, (int)g, -1));
            for (size_t t = 0; t < teams->n; t++) {
                snprintf(grp, sizeof grp, "team:%s/grade:%s", IAPT_ITEM(*teams, iapt_team_cfg, t)->name, gname);
                check_identity_of(r, rep, grp, initial_headcount(&r->sc, (int)g, (int)t));
            }
        }
}

Test(workforce, headcount_identity_with_turnover, .timeout = 120)
{
    run_result r;
    run_scenario(&r, DATA("scenarios/ltc-backfill.yaml"), 4, 2);
    check_headcount_identity(&r);
    double leavers = 0, starters = 0;
    for (int m = 0; m < r.m->layout.nmonths; m++)
        leavers += val(&r, 0, "leavers", "all", m), starters += val(&r, 0, "starters", "all", m);
    cr_assert_gt(leavers, 5, "turnover happens");
    cr_assert_gt(starters, 5, "vacancies are recruited to");
    run_free(&r);
    run_scenario(&r, DATA("tests/data/model/small_ltc.yaml"), 3, 2);
    check_headcount_identity(&r);
    run_free(&r);
}

Test(workforce, training_delay_and_qualification)
{
    run_result r;
    run_scenario(&r, WF("training_delay.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (int m = 0; m < r.m->layout.nmonths; m++)
        cr_assert_eq(val(&r, 0, "trainees_started", "grade:hit", m), m == mo(2027, 1) ? 3 : 0, "month %d", m);
    cr_assert_eq(val(&r, 0, "trainees", "grade:hit", mo(2026, 12)), 0);
    cr_assert_eq(val(&r, 0, "trainees", "grade:hit", mo(2027, 6)), 3);
    cr_assert_eq(val(&r, 0, "trainees_qualified", "grade:hit", mo(2027, 12)), 3);
    cr_assert_eq(val(&r, 0, "headcount", "grade:hit", mo(2027, 11)), 10);
    cr_assert_eq(val(&r, 0, "headcount", "grade:hit", mo(2027, 12)), 13);
    cr_assert_eq(val(&r, 0, "establishment_wte", "team:core/grade:hit", mo(2027, 12)), 13, "new posts");
    run_free(&r);
}

/* Late places wait for the programme's next intake on or after the day
 * they arrive (intakes in September and January). */
Test(workforce, late_places_join_the_next_intake)
{
    const char *files[] = {WF("late_places.yaml"), WF("late_on_intake.yaml")};
    for (size_t f = 0; f < 2; f++) {
        run_result r;
        run_scenario(&r, files[f], 0, 2);
        check_headcount_identity(&r);
        for (size_t rep = 0; rep < r.nrep; rep++)
            for (int m = 0; m < r.m->layout.nmonths; m++) {
                cr_assert_eq(val(&r, rep, "trainees_started", "grade:hit", m), m == mo(2027, 9) ? 3 : 0,
                             "%s month %d", files[f], m);
                cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", m), m == mo(2028, 8) ? 3 : 0,
                             "%s month %d", files[f], m);
            }
        run_free(&r);
    }
}

Test(workforce, university_days_and_supervision_shortfall)
{
    run_result r;
    run_scenario(&r, WF("supervision.yaml"), 0, 2);
    int m = mo(2026, 12);
    /* University on Monday and Tuesday: December 2026 has 9 of them among
     * 23 clinic days; February 2027 is four whole weeks, 8 of 20. */
    cr_assert_float_eq(val(&r, 0, "training_time_share", "team:school/grade:hit", m), 100.0 * 9 / 23, 1e-9);
    cr_assert_float_eq(val(&r, 0, "training_time_share", "team:school/grade:hit", mo(2027, 2)), 40.0, 1e-9);
    cr_assert_eq(val(&r, 0, "supervision_required", "team:school", m), 12);
    cr_assert_eq(val(&r, 0, "supervision_available", "team:school", m), 6);
    cr_assert_eq(val(&r, 0, "supervision_shortfall", "team:school", m), 6);
    /* Caseload capped by the shortfall: floor(18 x 40% x 50%) = 3 places. */
    cr_assert_eq(val(&r, 0, "caseload_per_wte", "team:school/grade:hit", m), 3);
    cr_assert_eq(val(&r, 0, "supervision_shortfall", "team:school", mo(2027, 10)), 0, "qualified in September 2027");
    run_free(&r);
}

/* Clinic days (Monday to Friday, base.yaml's working days) in month m. */
static int clinic_days(int m)
{
    sim_date from = sim_date_add_months(sim_date_from_ymd(2026, 4, 1), m), to = sim_date_add_months(from, 1);
    int n = 0;
    for (sim_date d = from; d < to; d++)
        n += sim_date_weekday(d) < 5;
    return n;
}

/* Days in month m. */
static int month_days(int m)
{
    sim_date from = sim_date_add_months(sim_date_from_ymd(2026, 4, 1), m);
    return sim_date_add_months(from, 1) - from;
}

/* Supervision comes out of the supervisor's clinic time, hour for hour:
 * the senior of supervisor_diary.yaml (every diary hour an attended
 * assessment) gives 5 hours a week to the trainees from September 2026,
 * 60 minutes of each clinic day, and so assesses 3 people a day against 4
 * without trainees (supervisor_none.yaml): their clinical hours fall by
 * exactly the 5 hours a week they give. */
Test(workforce, supervisors_clinic_time_falls_by_what_they_give)
{
    const char *senior = "team:school/grade:senior";
    run_result with, without;
    run_scenario(&with, WF("supervisor_diary.yaml"), 0, 2);
    run_scenario(&without, WF("supervisor_none.yaml"), 0, 2);
    for (size_t rep = 0; rep < with.nrep; rep++) {
        int m = mo(2026, 8);
        cr_assert_eq(val(&with, rep, "assessed", "pathway:school", m), 4 * clinic_days(m), "before the intake");
        for (m = mo(2026, 9); m <= mo(2027, 7); m++) {
            int days = clinic_days(m);
            cr_assert_eq(val(&without, rep, "assessed", "pathway:school", m), 4 * days, "month %d", m);
            cr_assert_eq(val(&with, rep, "assessed", "pathway:school", m), 3 * days, "month %d", m);
            cr_assert_eq(val(&with, rep, "supervision_available", "team:school", m), 5, "month %d", m);
            cr_assert_eq(val(&with, rep, "supervision_shortfall", "team:school", m), 7, "month %d", m);
            cr_assert_eq(val(&with, rep, "supervision_given", senior, m), 5, "month %d", m);
            cr_assert_eq(val(&without, rep, "supervision_given", senior, m), 0, "month %d", m);
            /* Hours a week lost x weeks in the month = 5 hours a week given
             * x the month's clinic weeks (clinic days / 5); the time share
             * is the same hours over the 4 contracted a clinic day. */
            double lost = val(&without, rep, "clinical_hours_per_wte", senior, m) -
                          val(&with, rep, "clinical_hours_per_wte", senior, m);
            cr_assert_float_eq(lost * month_days(m) / 7, 5.0 * days / 5, 1e-9, "month %d", m);
            cr_assert_float_eq(val(&with, rep, "supervision_time_share", senior, m) / 100 *
                                   val(&with, rep, "clinic_hours_contracted", senior, m),
                               5.0 * days / 5, 1e-9, "month %d", m);
            cr_assert_eq(val(&with, rep, "supervision_time_share", senior, m), 25, "month %d", m);
            cr_assert_eq(val(&with, rep, "training_time_share", senior, m), 0, "month %d", m);
        }
    }
    run_free(&with);
    run_free(&without);
}

/* Supervisors give supervision only on the days they work. On leave half
 * their weeks (supervisor_leave.yaml), the senior can give 5 hours a week
 * times the share w of the month's clinic days they work, the trainees
 * get that and no more, and the senior assesses 3 people on each day
 * worked: supervision available and clinic time lost come from the same
 * days. On a top-up course every Monday (supervisor_course.yaml) the
 * senior works 17 of January 2027's 21 clinic days and 16 of February's
 * 20. */
Test(workforce, supervision_comes_from_the_days_supervisors_work)
{
    run_result r;
    run_scenario(&r, WF("supervisor_leave.yaml"), 0, 2);
    int partial = 0;
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int m = mo(2026, 9); m <= mo(2027, 7); m++) {
            double avail = val(&r, rep, "supervision_available", "team:school", m), worked = avail / 5 * clinic_days(m);
            cr_assert_float_eq(worked, round(worked), 1e-9, "month %d: %g days worked", m, worked);
            cr_assert_float_eq(val(&r, rep, "assessed", "pathway:school", m), 3 * round(worked), 1e-9, "month %d", m);
            cr_assert_float_eq(val(&r, rep, "supervision_shortfall", "team:school", m), 12 - avail, 1e-9, "month %d",
                               m);
            cr_assert_float_eq(val(&r, rep, "supervision_given", "team:school/grade:senior", m), avail, 1e-9,
                               "month %d", m);
            cr_assert_float_eq(val(&r, rep, "supervision_time_share", "team:school/grade:senior", m), 25 * avail / 5,
                               1e-9, "month %d: 60 of 240 minutes on each day worked", m);
            partial += avail > 0 && avail < 5;
        }
    cr_assert_gt(partial, 0, "some months have leave in them");
    run_free(&r);
    run_scenario(&r, WF("supervisor_course.yaml"), 0, 2);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        int jan = mo(2027, 1), feb = mo(2027, 2);
        cr_assert_float_eq(val(&r, rep, "supervision_available", "team:school", jan), 5.0 * 17 / 21, 1e-9);
        cr_assert_eq(val(&r, rep, "assessed", "pathway:school", jan), 3 * 17);
        cr_assert_float_eq(val(&r, rep, "supervision_available", "team:school", feb), 4, 1e-9);
        cr_assert_float_eq(val(&r, rep, "supervision_shortfall", "team:school", feb), 8, 1e-9);
        cr_assert_eq(val(&r, rep, "assessed", "pathway:school", feb), 3 * 16);
        cr_assert_eq(val(&r, rep, "supervision_available", "team:school", mo(2027, 4)), 5, "the course is over");
    }
    run_free(&r);
}

Test(workforce, establishment_changes_recruitment_and_frozen_posts)
{
    run_result r;
    run_scenario(&r, WF("posts.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "vacancies_wte", "team:core/grade:hit", mo(2026, 5)), 0);
        cr_assert_eq(val(&r, rep, "vacancies_wte", "team:core/grade:hit", mo(2026, 6)), 2);
        cr_assert_eq(val(&r, rep, "vacancies_wte", "team:core/grade:hit", mo(2026, 7)), 2);
        cr_assert_eq(val(&r, rep, "starters", "team:core/grade:hit", mo(2026, 8)), 2, "1 June + 61 days = 1 August");
        cr_assert_eq(val(&r, rep, "vacancies_wte", "team:core/grade:hit", mo(2026, 8)), 0);
        cr_assert_eq(val(&r, rep, "establishment_wte", "team:core/grade:pwp", mo(2026, 7)), 11);
        cr_assert_eq(val(&r, rep, "starters", "team:core/grade:pwp", mo(2026, 8)), 1, "one PWP post was cut");
        cr_assert_eq(val(&r, rep, "recruits_withdrawn", "team:core/grade:pwp", mo(2026, 8)), 1);
        cr_assert_eq(val(&r, rep, "headcount", "grade:pwp", mo(2027, 3)), 11);
    }
    run_free(&r);
}

Test(workforce, topup_transfer_backfill_secondment)
{
    run_result r;
    run_scenario(&r, WF("topup_transfer.yaml"), 0, 2);
    check_headcount_identity(&r);
    /* 2 of 10 HITs away 5 of September's 22 clinic days. */
    cr_assert_float_eq(val(&r, 0, "training_time_share", "team:core/grade:hit", mo(2026, 9)), 100.0 * 10 / 220, 1e-9);
    for (int m = 0; m < mo(2026, 10); m++)
        cr_assert_eq(val(&r, 0, "assessed", "pathway:diabetes", m), 0, "month %d: nobody to assess LTC referrals", m);
    double assessed = 0;
    for (int m = mo(2026, 10); m < r.m->layout.nmonths; m++)
        assessed += val(&r, 0, "assessed", "pathway:diabetes", m);
    cr_assert_gt(assessed, 0, "the top-up trained HITs moved and assess LTC referrals");
    cr_assert_eq(val(&r, 0, "establishment_wte", "team:core/grade:hit", mo(2026, 9)), 10);
    cr_assert_eq(val(&r, 0, "establishment_wte", "team:core/grade:hit", mo(2026, 10)), 8);
    cr_assert_eq(val(&r, 0, "establishment_wte", "team:ltc/grade:hit", mo(2026, 10)), 2);
    cr_assert_eq(val(&r, 0, "wte_qualified", "team:core/grade:hit", mo(2026, 10)), 8);
    cr_assert_eq(val(&r, 0, "wte_qualified", "team:ltc/grade:hit", mo(2026, 10)), 2);
    cr_assert_eq(val(&r, 0, "vacancies_wte", "team:core/grade:hit", mo(2026, 10)), 0, "the funding moved too");
    cr_assert_eq(val(&r, 0, "headcount", "team:core/grade:hit", mo(2026, 9)), 10);
    cr_assert_eq(val(&r, 0, "headcount", "team:ltc/grade:hit", mo(2026, 9)), 0);
    cr_assert_eq(val(&r, 0, "headcount", "team:core/grade:hit", mo(2026, 10)), 8, "two whole people moved");
    cr_assert_eq(val(&r, 0, "headcount", "team:ltc/grade:hit", mo(2026, 10)), 2);
    cr_assert_eq(val(&r, 0, "transfers_out", "team:core/grade:hit", mo(2026, 10)), 2);
    cr_assert_eq(val(&r, 0, "transfers_in", "team:ltc/grade:hit", mo(2026, 10)), 2);
    cr_assert_eq(val(&r, 0, "headcount", "grade:hit", mo(2026, 10)), 10);
    cr_assert_eq(val(&r, 0, "seconded", "grade:pwp", mo(2027, 1)), 1);
    cr_assert_eq(val(&r, 0, "vacancies_wte", "team:core/grade:pwp", mo(2027, 2)), 1);
    cr_assert_eq(val(&r, 0, "starters", "team:core/grade:pwp", mo(2027, 3)), 1, "1 January + 61 days");
    cr_assert_eq(val(&r, 0, "trainees_qualified", "grade:hit", mo(2027, 12)), 3);
    cr_assert_eq(val(&r, 0, "establishment_wte", "team:core/grade:hit", mo(2027, 12)), 11, "8 + 2 backfill + 1 seconded");
    run_free(&r);
}

/* Months before `until` with no diabetes assessment or entry to treatment,
 * in every replication. */
static void expect_no_ltc_work_before(const run_result *r, int until, const char *file)
{
    for (size_t rep = 0; rep < r->nrep; rep++)
        for (int m = 0; m < until; m++) {
            cr_assert_eq(val(r, rep, "assessed", "pathway:diabetes", m), 0, "%s rep %zu month %d", file, rep, m);
            cr_assert_eq(val(r, rep, "entered_treatment", "pathway:diabetes", m), 0, "%s rep %zu month %d", file,
                         rep, m);
        }
}

/* Top-up training: attendees are away on course days (working days only)
 * and take LTC work only after the last one; spare places go to nobody
 * outside the course's teams (those serving an LTC pathway unless it
 * names others). */
Test(workforce, topup_course_days_and_attendees)
{
    const char *core = "team:core/grade:hit", *ltc = "team:ltc/grade:hit";
    run_result r;
    run_scenario(&r, WF("topup_ltc.yaml"), 0, 2);
    check_headcount_identity(&r);
    expect_no_ltc_work_before(&r, mo(2026, 12), "topup_ltc.yaml");
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_float_eq(val(&r, rep, "training_time_share", ltc, mo(2026, 10)), 100.0 * 4 / 22, 1e-9);
        cr_assert_eq(val(&r, rep, "training_time_share", core, mo(2026, 10)), 0, "no spare place to core staff");
        cr_assert_gt(val(&r, rep, "assessed", "pathway:diabetes", mo(2026, 12)), 0, "skilled from 1 December");
        cr_assert_gt(val(&r, rep, "entered_treatment", "pathway:diabetes", mo(2026, 12)), 0);
    }
    run_free(&r);
    run_scenario(&r, WF("topup_named.yaml"), 0, 2);
    expect_no_ltc_work_before(&r, r.m->layout.nmonths, "topup_named.yaml");
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_float_eq(val(&r, rep, "training_time_share", core, mo(2026, 10)), 100.0 * 12 / 220, 1e-9);
        cr_assert_eq(val(&r, rep, "training_time_share", ltc, mo(2026, 10)), 0);
    }
    run_free(&r);
    const char *weekend[] = {WF("topup_friday.yaml"), WF("topup_saturday.yaml")};
    for (size_t f = 0; f < 2; f++) {
        run_scenario(&r, weekend[f], 0, 2);
        expect_no_ltc_work_before(&r, mo(2026, 10), weekend[f]);
        for (size_t rep = 0; rep < r.nrep; rep++) {
            cr_assert_float_eq(val(&r, rep, "training_time_share", ltc, mo(2026, 10)), 100.0 * 5 / 22, 1e-9, "%s",
                               weekend[f]);
            cr_assert_eq(val(&r, rep, "training_time_share", ltc, mo(2026, 11)), 0, "%s", weekend[f]);
            cr_assert_gt(val(&r, rep, "assessed", "pathway:diabetes", mo(2026, 10)), 0, "%s", weekend[f]);
        }
        run_free(&r);
    }
}

/* A clinician who moves team finishes the courses they hold (continuity of
 * care): those people stay counted in the old team, as held beyond the
 * clinician's places there (none now), and take places from the new team
 * until their courses end, so the two movers hold exactly their 36 places
 * while LTC people wait. */
Test(workforce, moved_clinicians_finish_their_courses)
{
    run_result r;
    run_scenario(&r, WF("carried.yaml"), 0, 2);
    check_headcount_identity(&r);
    const char *core = "team:core/grade:hit", *ltc = "team:ltc/grade:hit";
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "caseload_per_wte", core, mo(2026, 9)), 18, "full caseloads before the move");
        cr_assert_eq(val(&r, rep, "caseload_over_cap", "all", mo(2026, 9)), 0);
        cr_assert_gt(val(&r, rep, "caseload_over_cap", core, mo(2026, 10)), 0, "core people held by the movers");
        double before = INFINITY;
        for (int m = mo(2026, 10); m < r.m->layout.nmonths; m++) {
            double over = val(&r, rep, "caseload_over_cap", core, m);
            double held = val(&r, rep, "caseload_per_wte", ltc, m) * val(&r, rep, "wte_qualified", ltc, m);
            cr_assert_gt(val(&r, rep, "waiting", "pathway:diabetes", m), 0);
            cr_assert_eq(over + held, 36, "rep %zu month %d: %.0f core + %.0f LTC people", rep, m, over, held);
            cr_assert_leq(over, before, "rep %zu month %d: nobody new joins the old team's caseload", rep, m);
            cr_assert_eq(val(&r, rep, "caseload_over_cap", ltc, m), 0);
            before = over;
        }
        cr_assert_eq(before, 0, "every carried course has ended");
    }
    run_free(&r);
}

static void move_30_wte(iapt_scenario *sc)
{
    IAPT_ITEM(sc->workforce.transfers, iapt_transfer_cfg, 0)->wte = 30;
}

/* A transfer moves only the funding and the people that exist: the loader
 * refuses 30 WTE from 10 funded (tests/test_scenario_checks.c), and a run
 * made to try it anyway moves all 10, leaving core none, never less; the
 * backfill makes up at most what moved. */
Test(workforce, transfer_moves_only_what_exists)
{
    run_result r;
    run_scenario_edited(&r, WF("topup_transfer.yaml"), 0, 2, move_30_wte);
    check_headcount_identity(&r);
    const char *core = "team:core/grade:hit", *ltc = "team:ltc/grade:hit";
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "establishment_wte", core, mo(2026, 10)), 0);
        cr_assert_eq(val(&r, rep, "establishment_wte", ltc, mo(2026, 10)), 10);
        cr_assert_eq(val(&r, rep, "wte_qualified", ltc, mo(2026, 10)), 10, "everyone in post moved");
        cr_assert_eq(val(&r, rep, "vacancies_wte", "grade:hit", mo(2026, 10)), 0);
        cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", mo(2027, 12)), 3);
        cr_assert_eq(val(&r, rep, "establishment_wte", core, mo(2027, 12)), 11,
                     "2 backfill posts, 8 backfill funding no qualifier took, 1 seconded: the 10 moved, no more");
        cr_assert_eq(val(&r, rep, "starters", core, mo(2028, 3)), 8);
        for (int m = 0; m < r.m->layout.nmonths; m++)
            cr_assert_geq(val(&r, rep, "establishment_wte", core, m), 0, "month %d", m);
    }
    run_free(&r);
}

/* Leavers per year of staff in post must match the grade's hazard. Staff
 * time is the month-end headcount times the month's days (leavers in a
 * month make the end-of-month count a little low, a bias near 1% against
 * a 99% interval of about +-6% here). */
Test(workforce, turnover_matches_the_hazard, .timeout = 120)
{
    run_result r;
    run_scenario(&r, WF("turnover.yaml"), 0, 2);
    check_headcount_identity(&r);
    double rate[20];
    for (size_t rep = 0; rep < r.nrep; rep++) {
        double leavers = 0, years = 0;
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            sim_date first = sim_date_add_months(r.m->layout.first_month, m);
            double days = (double)(sim_date_add_months(first, 1) - first);
            leavers += val(&r, rep, "leavers", "grade:hit", m);
            years += val(&r, rep, "headcount", "grade:hit", m) * days / SIM_DAYS_PER_YEAR;
        }
        rate[rep] = leavers / years;
    }
    sim_ci c = sim_ci_column(rate, r.nrep, 1, 0, 0.99);
    fprintf(stderr, "turnover: %.4f a year, 99%% CI [%.4f, %.4f], hazard 0.2\n", c.mean, c.lo, c.hi);
    cr_assert(c.lo <= 0.2 && 0.2 <= c.hi, "turnover %.4f, 99%% CI [%.4f, %.4f], hazard 0.2", c.mean, c.lo, c.hi);
    run_free(&r);
}

/* Per-replication mean of core waits over months [a, b]. */
static double core_wait(const run_result *r, size_t rep, int a, int b)
{
    double t = 0;
    for (int m = a; m <= b; m++)
        t += val(r, rep, "wait_mean", "pathway:core", m);
    return t / (b - a + 1);
}

/* The paired difference d must have a 99% interval entirely above 0. */
static void expect_positive(const double *d, size_t n, const char *what)
{
    sim_ci c = sim_ci_column(d, n, 1, 0, 0.99);
    fprintf(stderr, "%s: %.2f days, 99%% CI [%.2f, %.2f], sd %.2f, mean/se %.1f\n", what, c.mean, c.lo, c.hi, c.sd,
            c.mean / (c.sd / sqrt((double)n)));
    cr_assert_gt(c.lo, 0, "%s: 99%% CI [%.3f, %.3f] does not exclude 0", what, c.lo, c.hi);
}

#ifndef NB
#define NB 60
#endif

/* The transfer's effect on core waits, as paired differences under common
 * random numbers: each replication of ltc-backfill.yaml (3 WTE HITs move to
 * the LTC team on 1 April 2027; the backfill cohort trains September 2027
 * to August 2028) and of ltc-backfill-late.yaml (places six months late,
 * in March 2028: they join the next intake, September 2028, and train to
 * August 2029) is compared with the same replication of the
 * counterfactual ltc-no-transfer.yaml, which shares every random stream:
 * no HITs move and no backfill is funded, so the core team is whole, and
 * the LTC team recruits its HITs from outside instead (already top-up
 * trained, so the October courses have nobody to train; top-up places go
 * only to LTC staff in both, save the January course's, which names core
 * and takes the same two core HITs in both). Only the core team's pathway
 * is compared, so the LTC team's staffing reaches the difference only
 * through the random streams the teams share.
 * Windows (by month entering treatment, so waits lag the list): the dip
 * (May to August 2028: moved, backfill about to qualify), a year after
 * (October 2029 to March 2030: the backfill in post and the backlog
 * worked down), and the late gap (October 2028 to March 2029: only the
 * on-time cohort has qualified; the late one is in its first months).
 *
 * Checked, each at 99%: the transfer raises core waits in the dip; the
 * rise is smaller once the backfill qualifies; and with late places the
 * rise lasts longer. Replications: a pilot of 200 with another seed (seed
 * + 777) measured each effect over its per-replication sd: rise 8.53 /
 * 2.80 days, fall 5.79 / 3.47, delay 4.58 / 2.22 (before supervision came
 * only from the days supervisors work, so that the backfill trainees'
 * supervision cost core supervisors no clinic time in their leave weeks,
 * the same pilot gave rise 6.36 / 3.08, fall 4.82 / 3.21, delay 5.19 /
 * 2.37). The weakest is the fall, 1.67 sd. The 99% interval's lower end,
 * mean - t(0.995, n - 1) se, stays at or below 0 with probability
 * E[Phi(t sqrt(V / (n - 1)) - r sqrt(n))] (V chi-square on n - 1 degrees
 * of freedom, r the effect in sds: the noncentral t, integrated
 * numerically): 1.1e-3 at 15 replications and 1.4e-5 at 20 for r = 1.67
 * (the t quantile, 2.98 at 15, and the sd's own error count), and 1e-23
 * at NB = 60. At NB = 60 the miss is 0.11%
 * for an effect of 0.75 sd, under half the pilot's estimate, and less
 * for any larger one, which leaves room for the effect being smaller than
 * measured. */
Test(workforce, backfill_dip_recovery_and_delay, .timeout = 600)
{
    run_result a, late, none;
    run_scenario(&a, DATA("scenarios/ltc-backfill.yaml"), NB, 2);
    run_scenario(&late, DATA("scenarios/ltc-backfill-late.yaml"), NB, 2);
    run_scenario(&none, DATA("scenarios/ltc-no-transfer.yaml"), NB, 2);
    double rise[NB], fall[NB], delay[NB];
    int d0 = mo(2028, 5), d1 = mo(2028, 8), a0 = mo(2029, 10), a1 = mo(2030, 3), l0 = mo(2028, 10), l1 = mo(2029, 3);
    for (size_t rep = 0; rep < NB; rep++) {
        double dip = core_wait(&a, rep, d0, d1) - core_wait(&none, rep, d0, d1);
        double after = core_wait(&a, rep, a0, a1) - core_wait(&none, rep, a0, a1);
        rise[rep] = dip;
        fall[rep] = dip - after;
        delay[rep] = core_wait(&late, rep, l0, l1) - core_wait(&a, rep, l0, l1);
    }
    expect_positive(rise, NB, "core waits rise after 3 WTE HITs move to the LTC team (vs no transfer)");
    expect_positive(fall, NB, "the rise shrinks once the backfill cohort qualifies");
    expect_positive(delay, NB, "with places 6 months late core waits stay higher for longer");
    run_free(&a);
    run_free(&late);
    run_free(&none);
}

/* Trainees start with people waiting: they take no more people than their
 * trainee caseload (the places are set before any are offered), and no
 * clinician holds more people than places at any month end. */
Test(workforce, trainees_start_at_trainee_caseload)
{
    run_result r;
    run_scenario(&r, WF("trainee_caseload.yaml"), 0, 2);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "trainees_started", "team:school/grade:hit", mo(2026, 9)), 2);
        cr_assert_gt(val(&r, rep, "waiting", "stage:step3", mo(2026, 8)), 100, "people are waiting at the intake");
        for (int m = mo(2026, 9); m < mo(2027, 8); m++)
            cr_assert_eq(val(&r, rep, "caseload_per_wte", "team:school/grade:hit", m), 7, "rep %zu month %d", rep, m);
        for (int m = 0; m < r.m->layout.nmonths; m++)
            cr_assert_eq(val(&r, rep, "caseload_over_cap", "all", m), 0, "rep %zu month %d", rep, m);
    }
    run_free(&r);
}

/* Vacancies arising while trainees train are held for them; a qualifier
 * takes a smaller vacancy whole. */
Test(workforce, vacancies_held_for_trainees)
{
    run_result r;
    run_scenario(&r, WF("hold.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        for (int m = 0; m < r.m->layout.nmonths; m++)
            cr_assert_eq(val(&r, rep, "starters", "all", m), 0, "month %d: nobody recruited from outside", m);
        cr_assert_eq(val(&r, rep, "vacancies_wte", "team:core/grade:hit", mo(2027, 7)), 1.5);
        cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", mo(2027, 8)), 2);
        cr_assert_eq(val(&r, rep, "trainees_left", "all", mo(2027, 8)), 0);
        cr_assert_eq(val(&r, rep, "headcount", "grade:hit", mo(2027, 8)), 12);
        cr_assert_eq(val(&r, rep, "wte_qualified", "grade:hit", mo(2027, 8)), 11.5);
        cr_assert_eq(val(&r, rep, "vacancies_wte", "team:core/grade:hit", mo(2027, 8)), 0);
    }
    run_free(&r);
    run_scenario(&r, WF("no_hold.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "starters", "team:core/grade:hit", mo(2026, 12)), 2, "1 and 0.5 WTE");
        cr_assert_eq(val(&r, rep, "wte_qualified", "grade:hit", mo(2026, 12)), 11.5);
        cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", mo(2027, 8)), 0);
        cr_assert_eq(val(&r, rep, "trainees_left_no_post", "team:core/grade:hit", mo(2027, 8)), 2);
        cr_assert_eq(val(&r, rep, "trainees_left", "team:core/grade:hit", mo(2027, 8)), 2);
        cr_assert_eq(val(&r, rep, "trainees_left_attrition", "all", mo(2027, 8)), 0);
        cr_assert_eq(val(&r, rep, "trainees_left_not_retained", "all", mo(2027, 8)), 0);
    }
    run_free(&r);
}

/* A backfill cohort creates posts up to the WTE moved, no more; funding
 * its qualifiers do not take becomes posts to recruit to. */
Test(workforce, backfill_posts_capped_at_the_wte_moved)
{
    run_result r;
    run_scenario(&r, WF("backfill_cap.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", mo(2027, 12)), 3, "2 backfill + 1 seconded");
        cr_assert_eq(val(&r, rep, "trainees_left_no_post", "grade:hit", mo(2027, 12)), 1);
        cr_assert_eq(val(&r, rep, "establishment_wte", "team:core/grade:hit", mo(2027, 12)), 11,
                     "8 + 2 backfill + 1 seconded");
    }
    run_free(&r);
    run_scenario(&r, WF("backfill_short.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", mo(2027, 12)), 2, "1 backfill + 1 seconded");
        cr_assert_eq(val(&r, rep, "establishment_wte", "team:core/grade:hit", mo(2027, 12)), 11,
                     "the backfill funding not taken stays");
        cr_assert_eq(val(&r, rep, "vacancies_wte", "team:core/grade:hit", mo(2027, 12)), 1);
        cr_assert_eq(val(&r, rep, "starters", "team:core/grade:hit", mo(2028, 3)), 1);
    }
    run_free(&r);
}

/* A cohort named as the backfill of two transfers makes up both: its posts
 * are the sum of the WTE moved, capped at that sum. */
Test(workforce, backfill_of_two_transfers)
{
    const char *core = "team:core/grade:hit";
    run_result r;
    run_scenario(&r, WF("backfill_two.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "establishment_wte", core, mo(2026, 11)), 8, "two transfers of 1 WTE");
        cr_assert_eq(val(&r, rep, "trainees_qualified", core, mo(2027, 12)), 2);
        cr_assert_eq(val(&r, rep, "trainees_left", core, mo(2027, 12)), 0);
        cr_assert_eq(val(&r, rep, "establishment_wte", core, mo(2027, 12)), 10, "8 + 2 backfill");
        cr_assert_eq(val(&r, rep, "headcount", core, mo(2027, 12)), 10);
    }
    run_free(&r);
    run_scenario(&r, WF("backfill_two_cap.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "trainees_qualified", core, mo(2027, 12)), 2);
        cr_assert_eq(val(&r, rep, "trainees_left_no_post", core, mo(2027, 12)), 1);
        cr_assert_eq(val(&r, rep, "establishment_wte", core, mo(2027, 12)), 10, "no more than the 2 WTE moved");
    }
    run_free(&r);
}

/* Qualifying waits for the days of training a supervision shortfall
 * cost (supervision_to_qualify): half the supervision needed against 75%
 * for a day to count delays qualifying by half the course; none stops it. */
Test(workforce, qualifying_waits_for_supervision)
{
    const char *hit = "team:school/grade:hit";
    run_result r;
    run_scenario(&r, WF("supervision_delay.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        double lost = 0;
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            lost += val(&r, rep, "training_days_lost", hit, m);
            cr_assert_eq(val(&r, rep, "trainees_qualified", hit, m), m == mo(2028, 2) ? 4 : 0, "month %d", m);
        }
        cr_assert_float_eq(val(&r, rep, "training_days_lost", hit, mo(2026, 9)), 40, 1e-9);
        cr_assert_float_eq(val(&r, rep, "training_days_lost", "programme:hit_training", mo(2026, 9)), 40, 1e-9);
        cr_assert_float_eq(lost, 4 * 182, 1e-9);
        cr_assert_eq(val(&r, rep, "trainees", hit, mo(2028, 1)), 4);
        cr_assert_eq(val(&r, rep, "headcount", hit, mo(2028, 2)), 4);
    }
    run_free(&r);
    run_scenario(&r, WF("no_supervision.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        for (int m = 0; m < r.m->layout.nmonths; m++)
            cr_assert_eq(val(&r, rep, "trainees_qualified", "all", m), 0, "month %d", m);
        cr_assert_eq(val(&r, rep, "supervision_available", "team:school", mo(2026, 9)), 0);
        cr_assert_float_eq(val(&r, rep, "training_days_lost", hit, mo(2026, 9)), 4 * 30, 1e-9);
        cr_assert_eq(val(&r, rep, "trainees", hit, r.m->layout.nmonths - 1), 4);
    }
    run_free(&r);
}

/* Supervision per programme from its own supervising grades only. */
Test(workforce, supervision_from_each_programmes_own_grades)
{
    run_result r;
    run_scenario(&r, WF("supervisors.yaml"), 0, 2);
    int m = mo(2026, 12);
    struct {
        const char *group;
        double required, available, shortfall;
    } want[] = {
        {"programme:pwp_training", 8, 6, 2},
        {"programme:hit_training", 6, 16, 0},
        {"team:core", 14, 16, 2},
        {"all", 14, 16, 2},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        cr_assert_float_eq(val(&r, 0, "supervision_required", want[i].group, m), want[i].required, 1e-9, "%s",
                           want[i].group);
        cr_assert_float_eq(val(&r, 0, "supervision_available", want[i].group, m), want[i].available, 1e-9, "%s",
                           want[i].group);
        cr_assert_float_eq(val(&r, 0, "supervision_shortfall", want[i].group, m), want[i].shortfall, 1e-9, "%s",
                           want[i].group);
        cr_assert_float_eq(val(&r, 0, "supervision_given", want[i].group, m), want[i].required - want[i].shortfall,
                           1e-9, "%s", want[i].group);
    }
    /* By grade: required and short by the grade trainees train for,
     * available and given by the supervisors' grade (who gives how much):
     * the senior gives all 6 hours to the PWP trainees, the HITs 6 of their
     * 10 to the HIT trainees. */
    struct {
        const char *measure, *group;
        double want;
    } by_grade[] = {
        {"supervision_required", "team:core/grade:pwp", 8},   {"supervision_required", "grade:hit", 6},
        {"supervision_shortfall", "team:core/grade:pwp", 2},  {"supervision_shortfall", "team:core/grade:hit", 0},
        {"supervision_available", "team:core/grade:hit", 10}, {"supervision_available", "grade:senior", 6},
        {"supervision_given", "team:core/grade:hit", 6},      {"supervision_given", "team:core/grade:senior", 6},
        {"supervision_given", "grade:pwp", 0},
    };
    for (size_t i = 0; i < sizeof by_grade / sizeof by_grade[0]; i++)
        cr_assert_float_eq(val(&r, 0, by_grade[i].measure, by_grade[i].group, m), by_grade[i].want, 1e-9, "%s %s",
                           by_grade[i].measure, by_grade[i].group);
    /* 6 of the senior's 22 clinical hours a week go to supervision (the
     * share of contracted clinic time, every clinic day of the month). Each
     * of the 10 HITs gives 0.6 hours a week, 7.2 minutes of a 264-minute
     * clinic day, and their diaries hold whole minutes: 257 are left, 7 go;
     * the 2 HIT trainees' contracted time counts in the grade's base. */
    cr_assert_float_eq(val(&r, 0, "supervision_time_share", "team:core/grade:senior", m), 100.0 * 6 / 22, 1e-9);
    cr_assert_float_eq(val(&r, 0, "supervision_time_share", "team:core/grade:hit", m), 100.0 * 10 * 7 / (12 * 264),
                       1e-9);
    run_free(&r);
}

/* Trainees whose programme excludes complex cases take none, nor LTC cases
 * that need top-up training; they do take the rest (20% complex by
 * default: 7 places each, as above). */
Test(workforce, trainees_excluded_from_complex_and_ltc_cases)
{
    const char *files[] = {WF("trainee_complex.yaml"), WF("trainee_ltc.yaml")};
    for (size_t f = 0; f < 2; f++) {
        run_result r;
        run_scenario(&r, files[f], 0, 2);
        for (size_t rep = 0; rep < r.nrep; rep++) {
            cr_assert_eq(val(&r, rep, "trainees", "team:school/grade:hit", mo(2026, 12)), 2);
            cr_assert_gt(val(&r, rep, "waiting", "stage:step3", mo(2026, 12)), 100, "people wait at step 3");
            for (int m = mo(2026, 9); m < mo(2027, 8); m++)
                cr_assert_eq(val(&r, rep, "caseload_per_wte", "team:school/grade:hit", m), 0, "%s month %d",
                             files[f], m);
        }
        run_free(&r);
    }
}

/* The LTC rule is the programme's: with excludes_ltc false trainees take
 * LTC cases; either way, qualifiers into a team whose recruits have the
 * LTC skill have it too. */
Test(workforce, trainee_ltc_rule_and_qualifiers_skill)
{
    const char *hit = "team:school/grade:hit";
    run_result r;
    run_scenario(&r, WF("trainee_ltc_allowed.yaml"), 0, 2);
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int m = mo(2026, 9); m < mo(2027, 8); m++)
            cr_assert_eq(val(&r, rep, "caseload_per_wte", hit, m), 7, "rep %zu month %d", rep, m);
    run_free(&r);
    run_scenario(&r, WF("trainee_ltc_qualify.yaml"), 0, 2);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        for (int m = mo(2026, 9); m < mo(2027, 8); m++)
            cr_assert_eq(val(&r, rep, "caseload_per_wte", hit, m), 0, "rep %zu month %d: in training", rep, m);
        cr_assert_eq(val(&r, rep, "trainees_qualified", hit, mo(2027, 8)), 2);
        for (int m = mo(2027, 10); m < r.m->layout.nmonths; m++)
            cr_assert_eq(val(&r, rep, "caseload_per_wte", hit, m), 18, "rep %zu month %d: qualified", rep, m);
    }
    run_free(&r);
}

/* Qualified trainees are subject to turnover like anyone qualified; nobody
 * turns over in training (the fixture states the chance of no leaver). */
Test(workforce, qualified_trainees_turn_over)
{
    run_result r;
    run_scenario(&r, WF("qualified_turnover.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        for (int m = 0; m < mo(2027, 8); m++)
            cr_assert_eq(val(&r, rep, "leavers", "grade:hit", m), 0, "rep %zu month %d", rep, m);
        cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", mo(2027, 8)), 10);
        double left = 0;
        for (int m = mo(2027, 8); m <= mo(2027, 10); m++)
            left += val(&r, rep, "leavers", "grade:hit", m);
        cr_assert_gt(left, 0, "rep %zu: qualified trainees leave", rep);
    }
    run_free(&r);
}

/* Trainees already in training on the first day are part-way through. */
Test(workforce, trainees_in_training_on_day_one)
{
    run_result r;
    run_scenario(&r, WF("in_training.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "trainees_started", "grade:hit", 0), 3);
        for (int m = 0; m < mo(2026, 8); m++)
            cr_assert_eq(val(&r, rep, "trainees", "grade:hit", m), 3, "month %d", m);
        cr_assert_eq(val(&r, rep, "trainees_qualified", "grade:hit", mo(2026, 8)), 3);
        cr_assert_eq(val(&r, rep, "trainees", "grade:hit", mo(2026, 8)), 0);
        cr_assert_eq(val(&r, rep, "headcount", "grade:hit", mo(2026, 8)), 13);
    }
    run_free(&r);
}

/* A seconded person trains at their own WTE; their post falls vacant. */
Test(workforce, secondee_trains_at_own_wte)
{
    run_result r;
    run_scenario(&r, WF("seconded.yaml"), 0, 2);
    check_headcount_identity(&r);
    int m = mo(2027, 1);
    cr_assert_eq(val(&r, 0, "seconded", "team:core/grade:pwp", m), 1);
    cr_assert_float_eq(val(&r, 0, "wte_trainee", "team:core/grade:hit", m), 0.6, 1e-12);
    cr_assert_float_eq(val(&r, 0, "vacancies_wte", "team:core/grade:pwp", m), 0.6, 1e-12);
    cr_assert_eq(val(&r, 0, "starters", "team:core/grade:pwp", mo(2027, 3)), 1, "1 January + 61 days");
    run_free(&r);
}

/* A freeze keeps posts funded but stops recruitment to them; offers due
 * in a frozen post are withdrawn and counted. Posts of a set WTE. */
Test(workforce, frozen_posts_and_post_size)
{
    run_result r;
    run_scenario(&r, WF("freeze.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        const char *hit = "team:core/grade:hit";
        cr_assert_eq(val(&r, rep, "frozen_vacancies_wte", hit, mo(2026, 4)), 0);
        cr_assert_eq(val(&r, rep, "frozen_vacancies_wte", hit, mo(2026, 5)), 2);
        cr_assert_eq(val(&r, rep, "recruits_withdrawn", hit, mo(2026, 6)), 2);
        cr_assert_eq(val(&r, rep, "starters", hit, mo(2026, 6)), 0);
        for (int m = mo(2026, 5); m <= mo(2026, 8); m++) {
            cr_assert_eq(val(&r, rep, "vacancies_wte", hit, m), 2, "month %d", m);
            cr_assert_eq(val(&r, rep, "establishment_wte", hit, m), 10, "still funded");
        }
        cr_assert_eq(val(&r, rep, "frozen_vacancies_wte", hit, mo(2026, 9)), 0);
        cr_assert_eq(val(&r, rep, "starters", hit, mo(2026, 11)), 2);
        cr_assert_eq(val(&r, rep, "vacancies_wte", hit, mo(2026, 11)), 0);
        cr_assert_eq(val(&r, rep, "starters", "team:core/grade:pwp", mo(2026, 6)), 4, "four half-time posts");
        cr_assert_eq(val(&r, rep, "headcount", "grade:pwp", mo(2026, 6)), 12);
        cr_assert_eq(val(&r, rep, "wte_qualified", "grade:pwp", mo(2026, 6)), 10);
    }
    run_free(&r);
}

/* A freeze stops trainees filling posts as it stops recruits, and a
 * vacancy that is frozen now and held for a trainee (it will be open when
 * they qualify) is kept from recruitment once, not twice. */
Test(workforce, frozen_posts_and_trainees)
{
    const char *hit = "team:core/grade:hit";
    run_result r;
    run_scenario(&r, WF("freeze_held.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "vacancies_wte", hit, mo(2026, 10)), 3);
        cr_assert_eq(val(&r, rep, "frozen_vacancies_wte", hit, mo(2026, 10)), 2);
        for (int m = 0; m < r.m->layout.nmonths; m++)
            cr_assert_eq(val(&r, rep, "starters", hit, m), m == mo(2026, 12) ? 1 : 0, "month %d", m);
        cr_assert_eq(val(&r, rep, "frozen_vacancies_wte", hit, mo(2027, 6)), 0, "the freeze ended");
        cr_assert_eq(val(&r, rep, "trainees_qualified", hit, mo(2027, 8)), 2);
        cr_assert_eq(val(&r, rep, "vacancies_wte", hit, mo(2027, 8)), 0);
        cr_assert_eq(val(&r, rep, "headcount", hit, mo(2027, 8)), 13);
    }
    run_free(&r);
    run_scenario(&r, WF("freeze_trainees.yaml"), 0, 2);
    check_headcount_identity(&r);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            cr_assert_eq(val(&r, rep, "starters", hit, m), 0, "month %d: the open vacancy is held", m);
            cr_assert_eq(val(&r, rep, "frozen_vacancies_wte", hit, m), 2, "month %d", m);
        }
        cr_assert_eq(val(&r, rep, "vacancies_wte", hit, mo(2027, 7)), 3);
        cr_assert_eq(val(&r, rep, "trainees_qualified", hit, mo(2027, 8)), 1);
        cr_assert_eq(val(&r, rep, "trainees_left_no_post", hit, mo(2027, 8)), 1);
        cr_assert_eq(val(&r, rep, "vacancies_wte", hit, mo(2027, 8)), 2);
        cr_assert_eq(val(&r, rep, "headcount", hit, mo(2027, 8)), 11);
    }
    run_free(&r);
}

/* Salaries and on-costs by day in post: base.yaml pays every grade the
 * default £40,000 a year, trainees £30,000, with 28% on-costs. */
Test(workforce, staff_cost_and_cost_per_course)
{
    run_result r;
    run_scenario(&r, WF("training_delay.yaml"), 0, 2);
    double day = 1.28 / SIM_DAYS_PER_YEAR;
    cr_assert_float_eq(val(&r, 0, "staff_cost", "team:core/grade:hit", mo(2026, 4)), 10 * 40000 * day * 30, 1e-6);
    cr_assert_float_eq(val(&r, 0, "staff_cost", "grade:pwp", mo(2026, 4)), 10 * 40000 * day * 30, 1e-6);
    cr_assert_float_eq(val(&r, 0, "staff_cost", "team:core", mo(2026, 4)), 21 * 40000 * day * 30, 1e-6);
    cr_assert_float_eq(val(&r, 0, "staff_cost", "all", mo(2026, 4)), 21 * 40000 * day * 30, 1e-6);
    /* February 2027: three HIT trainees in training (28 days). */
    cr_assert_float_eq(val(&r, 0, "staff_cost", "team:core/grade:hit", mo(2027, 2)),
                       (10 * 40000 + 3 * 30000) * day * 28, 1e-6);
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        double cost = val(&r, 0, "staff_cost", "team:core", m), done = val(&r, 0, "finished_courses", "pathway:core", m);
        double entered = val(&r, 0, "entered_treatment", "pathway:core", m);
        if (done > 0)
            cr_assert_float_eq(val(&r, 0, "cost_per_finished_course", "team:core", m), cost / done, 1e-9);
        cr_assert_gt(entered, 0, "month %d", m);
        cr_assert_float_eq(val(&r, 0, "cost_per_entered_treatment", "team:core", m), cost / entered, 1e-9);
        cr_assert_float_eq(val(&r, 0, "cost_per_entered_treatment", "all", m),
                           val(&r, 0, "staff_cost", "all", m) / val(&r, 0, "entered_treatment", "all", m), 1e-9);
    }
    run_free(&r);
}

/* Clinical hours per WTE count attended assessments (here all of them). */
Test(workforce, clinical_hours_per_wte_counts_assessments)
{
    run_result r;
    run_scenario(&r, WF("assess_only.yaml"), 0, 2);
    int m = mo(2026, 5);
    for (size_t rep = 0; rep < r.nrep; rep++) {
        cr_assert_eq(val(&r, rep, "assessed", "pathway:core", m), 840);
        cr_assert_float_eq(val(&r, rep, "clinical_hours_per_wte", "grade:pwp", m), 840.0 / 10 / (31.0 / 7), 1e-9);
        cr_assert_float_eq(val(&r, rep, "clinical_hours_per_wte", "team:core/grade:pwp", m), 840.0 / 10 / (31.0 / 7),
                           1e-9);
        cr_assert_eq(val(&r, rep, "clinical_hours_per_wte", "grade:hit", m), 0);
    }
    run_free(&r);
}

/* Staff groups override their grade's leave and clinical hours. */
Test(workforce, staff_group_overrides)
{
    run_result r;
    run_scenario(&r, WF("assess_own.yaml"), 0, 2);
    for (size_t rep = 0; rep < r.nrep; rep++)
        cr_assert_eq(val(&r, rep, "assessed", "pathway:core", mo(2026, 5)), 210);
    run_free(&r);
}

/* |x - n p| within 3.29 sd of a binomial count: a two-sided 99.9%
 * interval (normal approximation; n p (1 - p) is over 100 in every use). */
static void expect_binomial(double x, double n, double p, const char *what)
{
    double sd = sqrt(n * p * (1 - p));
    fprintf(stderr, "%s: %.0f of %.0f, expected %.1f +- %.1f (99.9%%)\n", what, x, n, n * p, 3.29 * sd);
    cr_assert(fabs(x - n * p) <= 3.29 * sd, "%s: %.0f, expected %.1f +- %.1f", what, x, n * p, 3.29 * sd);
}

/* Leave takes whole weeks out of the diary: with leave at 25% the PWPs of
 * assess_only.yaml assess in about 75% of their weeks. Each PWP-week is on
 * leave or not (a Bernoulli draw); summing from May 2026 to the end (whole
 * weeks of 20 assessments each, but for the two edges) the number of
 * PWP-weeks worked is binomial. */
Test(workforce, leave_removes_diary_weeks)
{
    run_result a, b;
    run_scenario(&a, WF("assess_only.yaml"), 0, 2);
    run_scenario(&b, WF("assess_leave.yaml"), 0, 2);
    double full = 0, leave = 0;
    for (size_t rep = 0; rep < a.nrep; rep++)
        for (int m = mo(2026, 5); m < a.m->layout.nmonths; m++) {
            full += val(&a, rep, "assessed", "all", m);
            leave += val(&b, rep, "assessed", "all", m);
        }
    double weeks = full / 20; /* PWP-weeks in the period, 10 PWPs x 2 replications */
    expect_binomial(leave / 20, weeks, 0.75, "PWP-weeks worked with 25% leave");
    run_free(&a);
    run_free(&b);
}

/* A person split between teams counts once, in their main team's
 * headcount (the first listed, core, on this 50/50 tie) and their grade's,
 * with their WTE shared. */
Test(workforce, staff_split_between_teams)
{
    run_result r;
    run_scenario(&r, WF("split.yaml"), 0, 2);
    check_headcount_identity(&r);
    int m = mo(2026, 12);
    cr_assert_eq(val(&r, 0, "wte_qualified", "team:core/grade:pwp", m), 5);
    cr_assert_eq(val(&r, 0, "wte_qualified", "team:ltc/grade:pwp", m), 5);
    cr_assert_eq(val(&r, 0, "headcount", "team:core/grade:pwp", m), 10);
    cr_assert_eq(val(&r, 0, "headcount", "team:ltc/grade:pwp", m), 0);
    cr_assert_eq(val(&r, 0, "headcount", "grade:pwp", m), 10);
    cr_assert_eq(val(&r, 0, "vacancies_wte", "grade:pwp", m), 0);
    cr_assert_gt(val(&r, 0, "assessed", "pathway:diabetes", m), 0, "they work in the LTC team too");
    cr_assert_gt(val(&r, 0, "assessed", "pathway:core", m), 0);
    run_free(&r);
    /* Moving part of a person's time moves them in headcount only when
     * their main team changes; the flows by team still add up. */
    run_scenario(&r, WF("split_transfer.yaml"), 0, 2);
    check_headcount_identity(&r);
    const char *core = "team:core/grade:pwp", *ltc = "team:ltc/grade:pwp";
    struct {
        int month;
        double out_core, in_ltc, out_ltc, in_core, head_core, head_ltc, wte_core, wte_ltc;
    } want[] = {{mo(2026, 10), 7, 7, 0, 0, 3, 7, 1.8, 8.2}, {mo(2026, 11), 0, 0, 1, 1, 4, 6, 2.3, 7.7}};
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (size_t i = 0; i < 2; i++) {
            int mm = want[i].month;
            cr_assert_eq(val(&r, rep, "transfers_out", core, mm), want[i].out_core);
            cr_assert_eq(val(&r, rep, "transfers_in", ltc, mm), want[i].in_ltc);
            cr_assert_eq(val(&r, rep, "transfers_out", ltc, mm), want[i].out_ltc);
            cr_assert_eq(val(&r, rep, "transfers_in", core, mm), want[i].in_core);
            cr_assert_eq(val(&r, rep, "headcount", core, mm), want[i].head_core);
            cr_assert_eq(val(&r, rep, "headcount", ltc, mm), want[i].head_ltc);
            cr_assert_float_eq(val(&r, rep, "wte_qualified", core, mm), want[i].wte_core, 1e-9);
            cr_assert_float_eq(val(&r, rep, "wte_qualified", ltc, mm), want[i].wte_ltc, 1e-9);
            cr_assert_eq(val(&r, rep, "transfers_in", "grade:pwp", mm), val(&r, rep, "transfers_out", "grade:pwp", mm));
        }
    run_free(&r);
}

/* Establishment on a linear ramp, read at each month end. */
Test(workforce, establishment_ramp)
{
    run_result r;
    run_scenario(&r, WF("ramp.yaml"), 0, 2);
    check_headcount_identity(&r);
    const char *g = "team:core/grade:hit";
    cr_assert_eq(val(&r, 0, "establishment_wte", g, mo(2026, 5)), 10);
    cr_assert_float_eq(val(&r, 0, "establishment_wte", g, mo(2026, 6)), 10 + 4 * 30.0 / 122, 1e-6);
    cr_assert_float_eq(val(&r, 0, "establishment_wte", g, mo(2026, 7)), 12, 1e-6);
    cr_assert_float_eq(val(&r, 0, "establishment_wte", g, mo(2026, 8)), 10 + 4 * 92.0 / 122, 1e-6);
    cr_assert_float_eq(val(&r, 0, "establishment_wte", g, mo(2026, 9)), 14, 1e-6);
    cr_assert_float_eq(val(&r, 0, "wte_qualified", g, mo(2026, 11)), 10 + 4 * 92.0 / 122, 1e-6,
                       "recruited at each month start up to 1 September, in post 61 days later");
    cr_assert_float_eq(val(&r, 0, "wte_qualified", g, mo(2026, 12)), 14, 1e-9);
    run_free(&r);
}

/* Recruitment lead times follow the grade's distribution: starters by
 * month against uniform(0, 92 days) from 1 June, each month's count
 * binomial around its share of the 1,600 recruits. */
Test(workforce, recruitment_lead_time_distribution)
{
    run_result r;
    run_scenario(&r, WF("lead_time.yaml"), 0, 2);
    double n[3] = {0, 0, 0}, share[3] = {30.0 / 92, 31.0 / 92, 31.0 / 92};
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int k = 0; k < 3; k++)
            n[k] += val(&r, rep, "starters", "grade:hit", mo(2026, 6) + k);
    cr_assert_eq(n[0] + n[1] + n[2], 1600);
    expect_binomial(n[0], 1600, share[0], "recruits starting in June");
    expect_binomial(n[1], 1600, share[1], "in July");
    expect_binomial(n[2], 1600, share[2], "in August");
    run_free(&r);
}

/* Attrition during training and retention on qualifying, each binomial. */
Test(workforce, attrition_and_retention)
{
    run_result r;
    run_scenario(&r, WF("attrition.yaml"), 0, 2);
    check_headcount_identity(&r);
    double left = 0, kept = 0, gone = 0, nopost = 0;
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            left += val(&r, rep, "trainees_left_attrition", "grade:hit", m);
            kept += val(&r, rep, "trainees_qualified", "grade:hit", m);
            gone += val(&r, rep, "trainees_left_not_retained", "grade:hit", m);
            nopost += val(&r, rep, "trainees_left_no_post", "grade:hit", m);
        }
    cr_assert_eq(nopost, 0, "new posts for all");
    cr_assert_eq(left + kept + gone, 1600);
    expect_binomial(left, 1600, 0.25, "left during training");
    expect_binomial(gone, 1600 - left, 0.20, "not retained on qualifying");
    run_free(&r);
}

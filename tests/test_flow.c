/*
 * tests/test_flow.c: each mechanism of the stepped-care flow on its own, on
 * the fixtures in tests/data/flow (each file says what it must produce).
 *
 * Deterministic mechanisms are checked exactly: groups (minimum, maximum,
 * two facilitators, the group's own length), discharge after N missed
 * appointments, the two-session rule of a finished course, step-up after
 * recovery or not, and the LTC top-up rule; the referral rate table is
 * checked day by day against the scenario's figures worked out here. A
 * source's wait response: its factor and the two measures of the current
 * wait exactly; in a service where every wait is exactly 21 days, the
 * referrals made plus those lost equal, month by month, those of the same
 * service without the response (the same arrival streams), none are cut
 * before a full window or when the wait is below `from`, and a response
 * that never cuts leaves every output bit for bit as without it.
 *
 * Stochastic mechanisms compare a count with its expectation: a binomial
 * count of n trials with probability p must lie within 4 standard
 * deviations, sqrt(n p (1 - p)), of n p, and a Poisson count with mean m
 * within 4 sqrt(m). A correct model fails one such check with probability
 * about 6e-5; 4 rather than the usual 3.29 (99.9%) because this file makes
 * about sixty of them, so that all pass together with probability above
 * 99.6%. Seeds are fixed, so a result repeats exactly. The referrals a
 * wait response cuts are such a binomial count: given the referrals a
 * source would have made, each is lost with one minus the day's factor,
 * on its own draw.
 */
#include <math.h>
#include <string.h>

#include "app/report.h"
#include "model_support.h"
#include "models/demand.h"

#define FLOW(f) DATA("tests/data/flow/" f)
#define Z 4.0

/* A measure summed over every month of every replication. */
static double total(const run_result *r, const char *measure, const char *group)
{
    double t = 0;
    for (size_t rep = 0; rep < r->nrep; rep++)
        for (int m = 0; m < r->m->layout.nmonths; m++) {
            double v = val(r, rep, measure, group, m);
            if (!isnan(v))
                t += v;
        }
    return t;
}

/* A measure of month m summed over replications. */
static double month_total(const run_result *r, const char *measure, const char *group, int m)
{
    double t = 0;
    for (size_t rep = 0; rep < r->nrep; rep++)
        t += val(r, rep, measure, group, m);
    return t;
}

static void expect_binomial(double k, double n, double p, const char *what)
{
    double sd = sqrt(n * p * (1 - p));
    fprintf(stderr, "%-46s %8.0f of %8.0f, expected %9.1f +- %.1f\n", what, k, n, n * p, Z * sd);
    cr_assert(fabs(k - n * p) <= Z * sd, "%s: %.0f of %.0f, expected %.1f +- %.1f (%.0f sd)", what, k, n, n * p,
              Z * sd, Z);
}

static void expect_poisson(double k, double mean, const char *what)
{
    cr_assert(fabs(k - mean) <= Z * sqrt(mean), "%s: %.0f, expected %.1f +- %.1f", what, k, mean, Z * sqrt(mean));
}

/* ---- demand ---------------------------------------------------------------- */

/* The referrals per day of rates.yaml, worked out from its figures: the
 * core rate of 300 a month as of 2026-01-01, 10% a year growth from then,
 * the calendar month's factor, the 150% shock, the source share; the LTC
 * pathway's 100 a month from go-live, on a linear 56-day ramp. Rates are
 * taken at mid-day. */
static double expected_rate(int pathway, int source, sim_date date)
{
    static const double season[12] = {1.2, 1.1, 1.0, 0.9, 0.8, 1, 1, 1, 1, 1, 1, 1};
    int y, m, d;
    sim_date_to_ymd(date, &y, &m, &d);
    double mid = date + 0.5;
    if (pathway == 0) {
        double r = 300 / 30.4375 * pow(1.10, (mid - sim_date_from_ymd(2026, 1, 1)) / 365.25) * season[m - 1];
        if (date >= sim_date_from_ymd(2026, 11, 1) && date <= sim_date_from_ymd(2026, 12, 15))
            r *= 1.5;
        return r * (source == 0 ? 0.6 : 0.4);
    }
    sim_date live = sim_date_from_ymd(2027, 3, 1);
    return date < live ? 0 : 100 / 30.4375 * fmin(1, (mid - live) / 56);
}

static iapt_model *prepare(iapt_scenario *sc, const char *path)
{
    conf_ctx *ctx = conf_ctx_create();
    int rc = iapt_scenario_load(ctx, path, sc);
    if (rc)
        conf_print_errors(ctx, stderr);
    conf_ctx_destroy(ctx);
    cr_assert_eq(rc, 0);
    iapt_model *m = iapt_model_create(sc);
    cr_assert_not_null(m);
    return m;
}

Test(flow, referral_rate_table_growth_seasonality_shock_ramp)
{
    iapt_scenario sc;
    iapt_model *m = prepare(&sc, FLOW("rates.yaml"));
    cr_assert_eq(m->narrivals, 3);
    for (int a = 0; a < m->narrivals; a++)
        for (int32_t d = 0; d < m->ndays; d++) {
            double want = expected_rate(m->arr_pathway[a], m->arr_slot[a], sc.run.start + d);
            double got = m->rates[(size_t)a * (size_t)m->ndays + (size_t)d];
            cr_assert(fabs(got - want) <= 1e-12 * want, "stream %d day %d: rate %.15g, expected %.15g", a, d, got,
                      want);
        }
    iapt_model_destroy(m);
    iapt_scenario_free(&sc);
}

Test(flow, growth_compounds_from_its_base_date_whatever_the_start)
{
    iapt_scenario a, b;
    iapt_model *ma = prepare(&a, FLOW("rates.yaml"));
    iapt_model_destroy(prepare(&b, FLOW("rates.yaml"))); /* only b's scenario is wanted: its model is made below */
    b.run.start = sim_date_from_ymd(2026, 10, 1); /* a variant starting three months later */
    iapt_model *mb = iapt_model_create(&b);
    int32_t shift = b.run.start - a.run.start;
    for (int s = 0; s < ma->narrivals; s++)
        for (int32_t d = 0; d < mb->ndays; d++)
            cr_assert_eq(mb->rates[(size_t)s * (size_t)mb->ndays + (size_t)d],
                         ma->rates[(size_t)s * (size_t)ma->ndays + (size_t)(d + shift)], "stream %d, day %d", s, d);
    iapt_model_destroy(ma);
    iapt_model_destroy(mb);
    iapt_scenario_free(&a);
    iapt_scenario_free(&b);
}

/* Each month's referrals over 40 replications are Poisson with 40 times
 * the month's sum of daily rates. */
Test(flow, referrals_follow_the_rate_table, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("rates.yaml"), 0, 2);
    sim_date first = r.sc.run.start;
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        sim_date from = sim_date_add_months(first, m), to = sim_date_add_months(first, m + 1);
        for (int pw = 0; pw < 2; pw++) {
            double lambda = 0;
            for (sim_date d = from; d < to; d++)
                lambda += expected_rate(pw, 0, d) + (pw == 0 ? expected_rate(pw, 1, d) : 0);
            char what[64];
            snprintf(what, sizeof what, "month %d, pathway %d referrals", m, pw);
            expect_poisson(month_total(&r, "referrals", pw ? "pathway:ltc" : "pathway:core", m),
                           lambda * (double)r.nrep, what);
        }
    }
    cr_assert_eq(month_total(&r, "referrals", "pathway:ltc", 7), 0, "none before go-live (March 2027)");
    run_free(&r);
}

Test(flow, opt_in_and_eligibility_shares, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("optin.yaml"), 0, 2);
    double n = total(&r, "referrals", "all"), out = total(&r, "not_opted_in", "all");
    expect_binomial(out, n, 0.30, "not opted in (30%)");
    expect_binomial(total(&r, "ineligible", "all"), n - out, 0.20, "of those opting in, ineligible (20%)");
    run_free(&r);
}

Test(flow, routing_shares, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("routing.yaml"), 0, 2);
    double n = total(&r, "referrals", "all");
    expect_binomial(total(&r, "routed", "route:step2"), n, 0.30, "routed to step 2 (30%)");
    expect_binomial(total(&r, "routed", "route:step3"), n, 0.20, "routed to step 3 (20%)");
    expect_binomial(total(&r, "routed", "route:step2_then_3"), n, 0.10, "routed to step 2 then 3 (10%)");
    expect_binomial(total(&r, "routed", "route:signposted"), n, 0.40, "signposted (40%)");
    cr_assert_eq(total(&r, "signposted", "all"), total(&r, "routed", "route:signposted"));
    run_free(&r);
}

/* ---- demand responding to waits ------------------------------------------- */

/* The factor and the two measures of the current wait, on values exact in
 * binary, so equality is exact. */
Test(flow, wait_response_factor_and_current_wait)
{
    iapt_wait_response_cfg w = {.from = 8, .per = 4, .fall = 0.25, .floor = 0.5};
    const double wait[] = {NAN, 0, 8, 10, 12, 16, 20, 1e9, INFINITY};
    const double want[] = {1, 1, 1, 0.875, 0.75, 0.5, 0.5, 0.5, 0.5};
    for (size_t i = 0; i < sizeof wait / sizeof wait[0]; i++)
        cr_assert_eq(iapt_demand_factor(&w, wait[i]), want[i], "wait %g: factor %.17g, expected %g", wait[i],
                     iapt_demand_factor(&w, wait[i]), want[i]);
    w.fall = 0;
    cr_assert_eq(iapt_demand_factor(&w, INFINITY), 1, "no fall: no cut, even with no end to the wait");
    w = (iapt_wait_response_cfg){.from = 0, .per = 8, .fall = 1, .floor = 0};
    cr_assert_eq(iapt_demand_factor(&w, 2), 0.75);
    cr_assert_eq(iapt_demand_factor(&w, 8), 0, "a floor of 0%: the source stops");
    cr_assert_eq(iapt_demand_factor(&w, 9), 0);
    /* recent_wait: the mean wait of those entering; none entered: the last */
    cr_assert_eq(iapt_demand_wait(IAPT_WAIT_RECENT, 28, 10, 210, 99, 99, NAN), 21);
    cr_assert_eq(iapt_demand_wait(IAPT_WAIT_RECENT, 28, 0, 0, 99, 99, 30), 30);
    cr_assert(isnan(iapt_demand_wait(IAPT_WAIT_RECENT, 28, 0, 0, 99, 99, NAN)), "nothing known yet");
    /* waiting_list: the list over the rate of course starts per day */
    cr_assert_eq(iapt_demand_wait(IAPT_WAIT_LIST, 28, 5, 99, 56, 100, NAN), 50);
    cr_assert_eq(iapt_demand_wait(IAPT_WAIT_LIST, 28, 5, 99, 0, 1, NAN), INFINITY, "no starts: it never clears");
    cr_assert_eq(iapt_demand_wait(IAPT_WAIT_LIST, 28, 5, 99, 0, 0, NAN), 0, "nobody waits: no wait");
}

/* The months of a run summed over replications, from month `from` on. */
static double total_from(const run_result *r, const char *measure, const char *group, int from)
{
    double t = 0;
    for (int m = from; m < r->m->layout.nmonths; m++)
        t += month_total(r, measure, group, m);
    return t;
}

/* wait_long.yaml: every wait is exactly 21 days, so from 1 May (a full
 * 30-day window) GP referrals are cut to 1 - 10% x (3 - 1) = 80%, and
 * none before. The arrival streams are wait_off.yaml's, so in every month
 * of every replication the GP referrals made and lost add up to
 * wait_off.yaml's GP referrals exactly, and self-referrals are the same;
 * the referrals lost from May are binomial, 20% of those the GPs would
 * have made (Z sd, as above). */
Test(flow, wait_response_cuts_referrals_by_its_factor, .timeout = 60)
{
    run_result off, on;
    run_scenario(&off, FLOW("wait_off.yaml"), 0, 2);
    run_scenario(&on, FLOW("wait_long.yaml"), 0, 2);
    check_conservation(&on);
    for (size_t rep = 0; rep < on.nrep; rep++)
        for (int m = 0; m < on.m->layout.nmonths; m++) {
            double made = val(&on, rep, "referrals", "source:gp", m);
            double lost = val(&on, rep, "referrals_lost", "source:gp", m);
            cr_assert_eq(val(&on, rep, "wait_mean", "all", m), 21, "rep %zu month %d: every wait is 21 days", rep, m);
            cr_assert_eq(made + lost, val(&off, rep, "referrals", "source:gp", m), "rep %zu month %d: %.0f + %.0f", rep,
                         m, made, lost);
            cr_assert_eq(val(&on, rep, "referrals", "source:self", m), val(&off, rep, "referrals", "source:self", m));
            cr_assert_eq(val(&on, rep, "referrals_lost", "all", m), lost);
            cr_assert_eq(val(&on, rep, "referrals_lost", "pathway:core", m), lost);
            cr_assert_eq(val(&on, rep, "referrals_lost", "source:self", m), 0);
            if (m == 0)
                cr_assert_eq(lost, 0, "rep %zu: none cut in April (no full window yet)", rep);
        }
    double lost = total_from(&on, "referrals_lost", "source:gp", 1);
    expect_binomial(lost, lost + total_from(&on, "referrals", "source:gp", 1), 0.2, "GP referrals lost (20%)");
    run_free(&off);
    run_free(&on);
}

/* wait_start.yaml: the history moves on. 300 people waiting 91 days enter
 * on day 21, holding GP referrals at their 50% floor while the 30-day
 * window holds that day (1 to 22 May), then back to 80%: in May 12.8 / 31
 * of the GP referrals are lost (the daily rate is constant, so given the
 * month's referrals each falls on any day alike), from June 20%. */
Test(flow, wait_response_follows_its_window, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("wait_start.yaml"), 0, 2);
    check_conservation(&r);
    double lost = month_total(&r, "referrals_lost", "source:gp", 1);
    expect_binomial(lost, lost + month_total(&r, "referrals", "source:gp", 1), 12.8 / 31,
                    "May: GP referrals lost (41.3%)");
    lost = total_from(&r, "referrals_lost", "source:gp", 2);
    expect_binomial(lost, lost + total_from(&r, "referrals", "source:gp", 2), 0.2,
                    "from June: GP referrals lost (20%)");
    run_free(&r);
}

/* wait_short.yaml: the wait (21 days) is below `from` (4 weeks): nothing
 * is cut, and every output is wait_off.yaml's bit for bit, since the
 * response's draws are on a stream of its own. */
Test(flow, wait_response_does_nothing_when_waits_are_short, .timeout = 60)
{
    run_result off, on;
    run_scenario(&off, FLOW("wait_off.yaml"), 0, 2);
    run_scenario(&on, FLOW("wait_short.yaml"), 0, 2);
    cr_assert_eq(total(&on, "referrals_lost", "all"), 0);
    cr_assert_gt(total(&on, "referrals", "source:gp"), 1000);
    cr_assert_eq(memcmp(on.x, off.x, on.nrep * on.nout * sizeof(double)), 0, "outputs differ");
    run_free(&off);
    run_free(&on);
}

/* wait_floor.yaml (no staff): GP referrals respond to a waiting list that
 * never clears, so from May they are cut to their 30% floor (70% lost,
 * binomial); physical-health referrals respond to the recent wait, never
 * measured since nobody enters treatment, and are never cut. Same results
 * on 1 and 2 threads. */
Test(flow, wait_response_floor_and_unmeasured_wait, .timeout = 60)
{
    run_result r, one;
    run_scenario(&r, FLOW("wait_floor.yaml"), 0, 2);
    run_scenario(&one, FLOW("wait_floor.yaml"), 0, 1);
    cr_assert_eq(memcmp(r.x, one.x, r.nrep * r.nout * sizeof(double)), 0, "1 thread and 2 threads differ");
    check_conservation(&r);
    cr_assert_eq(month_total(&r, "referrals_lost", "source:gp", 0), 0, "none cut in April");
    cr_assert_eq(total(&r, "referrals_lost", "source:physical_health"), 0);
    cr_assert_gt(total(&r, "referrals", "source:physical_health"), 1000);
    double lost = total_from(&r, "referrals_lost", "source:gp", 1);
    expect_binomial(lost, lost + total_from(&r, "referrals", "source:gp", 1), 0.7, "GP referrals lost (70%)");
    run_free(&r);
    run_free(&one);
}

/* ---- groups ------------------------------------------------------------------ */

Test(flow, groups_minimum_maximum_and_own_length)
{
    run_result r;
    run_scenario(&r, FLOW("groups.yaml"), 0, 1);
    int last = r.m->layout.nmonths - 1;
    cr_assert_eq(total(&r, "groups_started", "all"), 3, "groups of 3, 5 and 5");
    cr_assert_eq(val(&r, 0, "waiting", "stage:step2", last), 1, "one left: fewer than the minimum");
    cr_assert_eq(total(&r, "finished_courses", "all"), 13);
    cr_assert_eq(total(&r, "appointments", "all"), 13 * 4, "each member attends the group's 4 sessions");
    cr_assert_eq(total(&r, "entered_treatment", "all"), 13);
    run_free(&r);
}

Test(flow, groups_need_two_facilitators)
{
    run_result r;
    run_scenario(&r, FLOW("groups_one_pwp.yaml"), 0, 1);
    cr_assert_eq(total(&r, "groups_started", "all"), 0);
    cr_assert_eq(val(&r, 0, "waiting", "stage:step2", r.m->layout.nmonths - 1), 14);
    run_free(&r);
}

/* Hours the two PWPs of groups_long*.yaml deliver in month m: 8 on each
 * Monday from 6 April to 28 December 2026, less 4 for each PWP away on a
 * Monday (away[] lists the days, one per PWP away). */
static double long_group_hours(const run_result *r, int m, const sim_date *away, int naway)
{
    sim_date from = sim_date_add_months(r->sc.run.start, m), to = sim_date_add_months(from, 1);
    double h = 0;
    for (sim_date d = from; d < to; d++)
        if (sim_date_weekday(d) == 0 && d >= sim_date_from_ymd(2026, 4, 6) && d <= sim_date_from_ymd(2026, 12, 28))
            h += 8;
    for (int i = 0; i < naway; i++)
        if (away[i] >= from && away[i] < to)
            h -= 4;
    return h;
}

/* Hours delivered by the PWPs in month m, from clinical_hours_per_wte (per
 * week per WTE in post: 2 WTE). */
static double pwp_hours(const run_result *r, int m)
{
    sim_date from = sim_date_add_months(r->sc.run.start, m), to = sim_date_add_months(from, 1);
    return val(r, 0, "clinical_hours_per_wte", "grade:pwp", m) * 2 * (double)(to - from) / 7;
}

/* Groups longer than the diary window (groups_long.yaml): each session is
 * booked as its day enters the window, so one group runs at a time on the
 * PWPs' only clinic time, and they deliver exactly their clinic hours. */
static void check_long_groups(const char *file, const sim_date *away, int naway, double unstaffed)
{
    run_result r;
    run_scenario(&r, file, 0, 1);
    int last = r.m->layout.nmonths - 1;
    cr_assert_eq(total(&r, "groups_started", "all"), 2, "one group at a time: 6 April, then 2 November");
    cr_assert_eq(total(&r, "appointments", "all"), 3 * 30 + 5 * 9);
    cr_assert_eq(total(&r, "finished_courses", "all"), 3);
    cr_assert_eq(total(&r, "entered_treatment", "all"), 8);
    cr_assert_eq(val(&r, 0, "in_treatment", "all", last), 5);
    cr_assert_eq(val(&r, 0, "waiting", "stage:step2", last), 6);
    cr_assert_eq(total(&r, "group_sessions_unstaffed", "all"), unstaffed);
    cr_assert_eq(total(&r, "overbooked", "all"), 0);
    for (int m = 0; m <= last; m++) {
        double want = long_group_hours(&r, m, away, naway);
        cr_assert_float_eq(pwp_hours(&r, m), want, 1e-9, "month %d: %g hours delivered, %g booked", m, pwp_hours(&r, m),
                           want);
        cr_assert_float_eq(val(&r, 0, "diary_utilisation", "grade:pwp", m), 100, 1e-9, "month %d", m);
    }
    run_free(&r);
}

Test(flow, groups_longer_than_the_diary_window_are_booked_in_full)
{
    check_long_groups(FLOW("groups_long.yaml"), NULL, 0, 0);
}

Test(flow, long_group_facilitators_away_are_not_booked)
{
    /* the second PWP on 14 September (cut under the booking), the first on
     * 19 October (away when the day opened) */
    sim_date away[] = {sim_date_from_ymd(2026, 9, 14), sim_date_from_ymd(2026, 10, 19)};
    check_long_groups(FLOW("groups_long_topup.yaml"), away, 2, 0);
    sim_date both[] = {sim_date_from_ymd(2026, 10, 19), sim_date_from_ymd(2026, 10, 19)};
    check_long_groups(FLOW("groups_long_away.yaml"), both, 2, 1);
}

/* The audit's case: the default service with most of step 2 in groups of
 * 30 weekly or 12 fortnightly sessions. Facilitators are never booked
 * beyond their diaries, so the hours PWPs deliver per WTE in post never
 * pass their 22 contracted clinical hours a week (a hard bound, not a
 * tolerance: it failed at 25 to 33 hours when later sessions took no
 * diary time), in every month of every replication. */
Test(flow, long_groups_keep_pwps_within_their_hours, .timeout = 120)
{
    const char *files[] = {FLOW("default_long_groups.yaml"), FLOW("default_fortnightly_groups.yaml")};
    for (int f = 0; f < 2; f++) {
        run_result r;
        run_scenario(&r, files[f], 0, 2);
        cr_assert_gt(total(&r, "groups_started", "all"), 100 * (double)r.nrep);
        for (size_t rep = 0; rep < r.nrep; rep++)
            for (int m = 0; m < r.m->layout.nmonths; m++) {
                double h = val(&r, rep, "clinical_hours_per_wte", "grade:pwp", m);
                cr_assert_leq(h, 22, "%s rep %zu month %d: PWPs deliver %.2f hours a week per WTE", files[f], rep, m,
                              h);
            }
        run_free(&r);
    }
}

/* ---- missed appointments ------------------------------------------------------- */

Test(flow, discharge_after_n_missed_appointments)
{
    run_result r;
    run_scenario(&r, FLOW("dna_all.yaml"), 0, 1);
    cr_assert_eq(total(&r, "dnas", "all"), 20 * 3);
    cr_assert_eq(total(&r, "dna_discharges", "stage:step2"), 20);
    cr_assert_eq(total(&r, "dna_discharges", "all"), 20);
    cr_assert_eq(total(&r, "entered_treatment", "all"), 0);
    cr_assert_eq(val(&r, 0, "discharged_total", "all", r.m->layout.nmonths - 1), 20);
    run_free(&r);
}

/* Probability that a course of `sessions` with a miss probability p ends
 * in discharge after `after` misses, counted in total or only in a row:
 * by dynamic programming over (sessions attended, misses counted). */
static double p_discharged(int sessions, double p, int after, int consecutive)
{
    double pr[16][8] = {{0}}, out = 0; /* pr[a][k]: a sessions attended, k misses counted */
    cr_assert(sessions < 16 && after < 8);
    pr[0][0] = 1;
    /* A miss moves to k + 1 at the same a, so ascending k sees it next. */
    for (int a = 0; a < sessions; a++)
        for (int k = 0; k < after; k++) {
            double x = pr[a][k];
            pr[a + 1][consecutive ? 0 : k] += x * (1 - p);
            if (k + 1 >= after)
                out += x * p;
            else
                pr[a][k + 1] += x * p;
        }
    return out;
}

Test(flow, dna_counting_total_or_consecutive, .timeout = 120)
{
    run_result t, c;
    run_scenario(&t, FLOW("dna_total.yaml"), 0, 2);
    run_scenario(&c, FLOW("dna_consecutive.yaml"), 0, 2);
    double pt = p_discharged(6, 0.4, 2, 0), pc = p_discharged(6, 0.4, 2, 1);
    cr_assert_float_eq(pt, 1 - pow(0.6, 6) * (1 + 6 * 0.4), 1e-12, "closed form for the total rule");
    expect_binomial(total(&t, "dna_discharges", "all"), 2000, pt, "discharged, 2 misses in total");
    expect_binomial(total(&c, "dna_discharges", "all"), 2000, pc, "discharged, 2 misses in a row");
    run_free(&t);
    run_free(&c);
}

/* ---- drop-out while waiting ------------------------------------------------------ */

/* 5% a week for the first 30 days of waiting (April), 20% a week after
 * (May): the month's drop-outs are binomial among those still waiting. */
Test(flow, waiting_dropout_hazard_rises_with_the_wait, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("hazard.yaml"), 0, 2);
    double n = 5000.0 * (double)r.nrep, p_apr = 1 - exp(-30.0 / 7 * 0.05), p_may = 1 - exp(-31.0 / 7 * 0.20);
    double apr = month_total(&r, "dropouts", "stage:waiting_assessment", 0);
    double may = month_total(&r, "dropouts", "stage:waiting_assessment", 1);
    expect_binomial(apr, n, p_apr, "April: 30 days at 5% a week");
    expect_binomial(may, n - apr, p_may, "May: 31 days at 20% a week");
    cr_assert_eq(total(&r, "dropouts", "all"), apr + may);
    run_free(&r);
}

/* ---- courses, step-up, outcomes ------------------------------------------------------ */

Test(flow, finished_course_needs_two_sessions)
{
    run_result one, two;
    run_scenario(&one, FLOW("finished1.yaml"), 0, 1);
    run_scenario(&two, FLOW("finished2.yaml"), 0, 1);
    cr_assert_eq(total(&one, "entered_treatment", "all"), 50);
    cr_assert_eq(total(&one, "discharged_after_treatment", "all"), 50);
    cr_assert_eq(total(&one, "finished_courses", "all"), 0, "one session is not a finished course");
    cr_assert_eq(total(&two, "finished_courses", "all"), 50);
    run_free(&one);
    run_free(&two);
}

static double had_step2 = 1;
static void set_had_step2(iapt_scenario *sc)
{
    IAPT_ITEM(sc->start.waiting, iapt_waiting_cfg, 0)->had_step2 = had_step2;
    IAPT_ITEM(sc->start.treating, iapt_treating_cfg, 0)->had_step2 = had_step2;
}

/* Finished courses that were low then high intensity, summed (the split is
 * reported as a share of each month's finished courses). */
static double li_hi(const run_result *r)
{
    double t = 0;
    for (int m = 0; m < r->m->layout.nmonths; m++) {
        double f = val(r, 0, "finished_courses", "all", m);
        if (f > 0)
            t += f * val(r, 0, "treated_li_and_hi", "all", m) / 100;
    }
    return t;
}

/* People at step 3 on day one who had step 2 first (had_step2) have
 * already entered treatment and finish as low then high intensity. */
Test(flow, day_one_step3_people_who_had_step2)
{
    const double shares[] = {1, 0, 0.4};
    for (size_t i = 0; i < 3; i++) {
        run_result r;
        had_step2 = shares[i];
        run_scenario_edited(&r, FLOW("start_step3.yaml"), 0, 1, set_had_step2);
        double entered = total(&r, "entered_treatment", "all"), both = li_hi(&r);
        cr_assert_eq(total(&r, "entered_treatment", "step:3"), 1000, "every waiting person starts step 3");
        cr_assert_eq(total(&r, "finished_courses", "all"), 1500);
        if (i < 2) {
            cr_assert_eq(entered, 1000 * (1 - shares[i]), "had_step2 %.0f%%", 100 * shares[i]);
            cr_assert_float_eq(both, 1500 * shares[i], 1e-6);
        } else {
            expect_binomial(1000 - entered, 1000, 0.4, "day-one step 3 waiters who had step 2");
            expect_binomial(both, 1500, 0.4, "day-one step 3 people finishing low then high");
        }
        run_free(&r);
    }
}

Test(flow, recovered_at_step2_are_discharged_not_stepped_up)
{
    run_result r;
    run_scenario(&r, FLOW("stepup_none.yaml"), 0, 1);
    double n = total(&r, "referrals", "all");
    cr_assert_gt(n, 400);
    cr_assert_eq(total(&r, "stepped_up", "all"), 0);
    cr_assert_eq(total(&r, "finished_courses", "all"), n);
    cr_assert_eq(total(&r, "treated_li_only", "all") > 0, 1);
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        double li = val(&r, 0, "treated_li_only", "all", m);
        cr_assert(isnan(li) || li == 100, "month %d: %g%% low intensity only", m, li);
    }
    run_free(&r);
}

Test(flow, not_recovered_planned_for_step3_are_all_stepped_up)
{
    run_result r;
    run_scenario(&r, FLOW("stepup_all.yaml"), 0, 1);
    double n = total(&r, "referrals", "all");
    cr_assert_eq(total(&r, "stepped_up", "all"), n, "planned and not recovered: stepped up with step_up 0%");
    cr_assert_eq(total(&r, "finished_courses", "all"), n);
    for (int m = 0; m < r.m->layout.nmonths; m++) {
        double both = val(&r, 0, "treated_li_and_hi", "all", m);
        cr_assert(isnan(both) || both == 100, "month %d: %g%% low then high", m, both);
    }
    run_free(&r);
}

/* dropout_first_to_second applies to each course, and its drop-outs are
 * reported by whose first session it followed (stepup_dropout.yaml). */
Test(flow, drop_out_after_a_stepped_up_course_s_first_session)
{
    run_result r;
    run_scenario(&r, FLOW("stepup_dropout.yaml"), 0, 1);
    double n = total(&r, "referrals", "all");
    cr_assert_gt(n, 400);
    cr_assert_eq(total(&r, "stepped_up", "all"), n);
    cr_assert_eq(total(&r, "dropouts", "stage:first_to_second_after_step_up"), n);
    cr_assert_eq(total(&r, "dropouts", "stage:first_to_second"), 0, "the referral's first session was at step 2");
    cr_assert_eq(total(&r, "dropouts", "stage:in_treatment"), 0);
    cr_assert_eq(total(&r, "dropouts", "all"), n);
    cr_assert_eq(total(&r, "finished_courses", "step:3"), n, "5 sessions in the referral");
    run_free(&r);
}

Test(flow, step_up_share_of_those_not_recovered, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("stepup_share.yaml"), 0, 2);
    double n = total(&r, "referrals", "all");
    expect_binomial(total(&r, "stepped_up", "all"), n, 0.6 * 0.5, "stepped up: not recovered (60%) x 50%");
    run_free(&r);
}

Test(flow, recovery_is_per_referral_from_its_last_course, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("recovery.yaml"), 0, 2);
    double n = total(&r, "referrals", "all");
    double c2 = total(&r, "course_outcomes_cases", "step:2"), c3 = total(&r, "course_outcomes_cases", "step:3");
    double rec = 0, cases = 0, rec2 = 0, rec3 = 0;
    for (size_t rep = 0; rep < r.nrep; rep++)
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            double k = val(&r, rep, "finished_courses_cases", "all", m);
            if (k > 0) {
                rec += k * val(&r, rep, "recovery_rate", "all", m) / 100;
                cases += k;
            }
            double k2 = val(&r, rep, "course_outcomes_cases", "step:2", m), k3 = val(&r, rep, "course_outcomes_cases", "step:3", m);
            if (k2 > 0)
                rec2 += k2 * val(&r, rep, "course_recovery_rate", "step:2", m) / 100;
            if (k3 > 0)
                rec3 += k3 * val(&r, rep, "course_recovery_rate", "step:3", m) / 100;
        }
    cr_assert_eq(c2, n, "everyone completes step 2");
    cr_assert_eq(cases, n, "everyone finishes");
    expect_binomial(round(rec2), c2, 0.40, "recovered after a step 2 course (40%)");
    expect_binomial(c3, c2, 0.60, "not recovered at step 2: a step 3 course");
    expect_binomial(round(rec3), c3, 0.50, "recovered after a step 3 course (50%)");
    expect_binomial(round(rec), cases, 0.40 + 0.60 * 0.50, "recovered per referral (70%)");
    run_free(&r);
}

Test(flow, discharged_after_the_first_session, .timeout = 60)
{
    run_result r;
    run_scenario(&r, FLOW("one_session.yaml"), 0, 2);
    double n = total(&r, "entered_treatment", "all");
    double one = total(&r, "one_session_discharges", "step:2");
    expect_binomial(one, n, 0.30, "discharged after the first session (30%)");
    cr_assert_eq(total(&r, "finished_courses", "all"), n - one, "the others finish (no drop-out here)");
    run_free(&r);
}

/* ---- the measures planners read, on known answers ------------------------------------ */

/* Asserts measure/group in month m equals `want` (NAN: undefined). */
static void expect_value(const run_result *r, const char *measure, const char *group, int m, double want)
{
    double got = val(r, 0, measure, group, m);
    if (isnan(want))
        cr_assert(isnan(got), "%s %s month %d: %g, expected undefined", measure, group, m, got);
    else
        cr_assert(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)), "%s %s month %d: %.12g, expected %.12g", measure,
                  group, m, got, want);
}

/* measures.yaml works each value out by hand (its comment). The May waits
 * also check that a clinician gaining the LTC skill takes the LTC people
 * waiting at once (they waited for another place to free before). */
Test(flow, waits_access_step_up_hidden_wait_and_diary_use_on_known_answers)
{
    run_result r;
    run_scenario(&r, FLOW("measures.yaml"), 0, 1);
    check_conservation(&r);
    /* April: 10 enter with waits 11 x 4, 42 x 3, 43 x 2, 131 */
    expect_value(&r, "entered_treatment", "all", 0, 10);
    expect_value(&r, "within_6_weeks", "all", 0, 70);
    expect_value(&r, "within_18_weeks", "all", 0, 90);
    expect_value(&r, "wait_mean", "all", 0, 38.7);
    expect_value(&r, "wait_median", "all", 0, 42);
    expect_value(&r, "wait_p90", "all", 0, 43 + 0.1 * (131 - 43));
    expect_value(&r, "within_6_weeks", "pathway:late", 0, 100);
    expect_value(&r, "within_6_weeks", "pathway:later", 0, 0);
    expect_value(&r, "within_18_weeks", "pathway:long", 0, 0);
    expect_value(&r, "wait_p90", "pathway:core", 0, 11);
    expect_value(&r, "hidden_wait_median", "all", 0, 7);
    expect_value(&r, "hidden_wait_mean", "all", 0, 7.7);
    expect_value(&r, "access_annualised", "all", 0, 100 * 10 * 365.25 / 30 / 10000);
    expect_value(&r, "access_fy", "all", 0, 0.1);
    expect_value(&r, "step_up_share", "all", 0, 100.0 * 3 / 9);
    expect_value(&r, "diary_utilisation", "grade:pwp", 0, 100.0 * 540 / (20 * 22 * 264));
    expect_value(&r, "diary_utilisation", "grade:hit", 0, 100.0 * 90 / (20 * 22 * 264));
    expect_value(&r, "diary_utilisation", "all", 0, 100.0 * (540 + 90) / (40 * 22 * 264));
    /* May: the 2 LTC people, 40 days */
    expect_value(&r, "entered_treatment", "all", 1, 2);
    expect_value(&r, "within_6_weeks", "all", 1, 100);
    expect_value(&r, "wait_median", "all", 1, 40);
    expect_value(&r, "wait_p90", "all", 1, 40);
    expect_value(&r, "hidden_wait_median", "all", 1, 14);
    expect_value(&r, "access_annualised", "all", 1, 100 * 2 * 365.25 / 31 / 10000);
    expect_value(&r, "access_fy", "all", 1, 0.12);
    expect_value(&r, "step_up_share", "all", 1, NAN);
    expect_value(&r, "diary_utilisation", "grade:pwp", 1, 0);
    /* nobody enters later: undefined waits, the year's access carried to
     * March, and a new financial year from April 2027 */
    for (int m = 2; m < r.m->layout.nmonths; m++) {
        expect_value(&r, "within_6_weeks", "all", m, NAN);
        expect_value(&r, "wait_p90", "all", m, NAN);
        expect_value(&r, "access_annualised", "all", m, 0);
        expect_value(&r, "access_fy", "all", m, m < 12 ? 0.12 : 0);
    }
    run_free(&r);
}

/* The mean of (measure, group) in `year` of the years.csv that r's
 * replications give (NAN for NA; asserted present). */
static double year_mean(const run_result *r, const char *year, const char *measure, const char *group)
{
    iapt_results res = {.m = r->m, .nrep = r->nrep, .level = 0.95, .target_met = -1};
    res.x = malloc(r->nrep * r->nout * sizeof *res.x);
    memcpy(res.x, r->x, r->nrep * r->nout * sizeof *res.x);
    cr_assert_eq(iapt_results_summarise(&res), 0);
    char *buf = NULL, key[256];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(iapt_report_years_csv(&res, f), 0);
    fclose(f);
    snprintf(key, sizeof key, "\n%s,", year);
    double v = 0;
    int found = 0;
    for (char *at = strstr(buf, key); at && !found; at = strstr(at + 1, key)) {
        char y[16], mname[64], g[160], mean[32];
        if (sscanf(at + 1, "%15[^,],%*d,%63[^,],%159[^,],%31[^,]", y, mname, g, mean) == 4 && !strcmp(mname, measure) &&
            !strcmp(g, group)) {
            v = strcmp(mean, "NA") ? strtod(mean, NULL) : NAN;
            found = 1;
        }
    }
    cr_assert(found, "years.csv has no %s %s %s", year, measure, group);
    free(buf);
    iapt_results_free(&res);
    return v;
}

/* Weekdays from a to b inclusive. */
static double weekdays(sim_date a, sim_date b)
{
    double n = 0;
    for (sim_date d = a; d <= b; d++)
        n += sim_date_weekday(d) < 5;
    return n;
}

/* The financial year's measures in years.csv, on measures.yaml (2026/27:
 * April 2026 to March 2027, all 12 people who enter treatment); years.csv
 * holds 10 significant digits. */
Test(flow, yearly_measures_on_known_answers)
{
    run_result r;
    run_scenario(&r, FLOW("measures.yaml"), 0, 1);
    const char *y = "2026/27";
    /* 12 entering, over 365 days */
    cr_assert_float_eq(year_mean(&r, y, "access_annualised", "all"), 100 * 12 * 365.25 / 365 / 10000, 1e-7);
    cr_assert_float_eq(year_mean(&r, y, "access_fy", "all"), 0.12, 1e-7);
    /* waits 11 x 4, 40 x 2, 42 x 3, 43 x 2, 131: the 90th percentile is
     * 0.9 of the way from the 10th to the 11th of 12 (43 and 43); hidden
     * waits 7 x 9, 14 x 3: median 7, mean 105 / 12 */
    cr_assert_float_eq(year_mean(&r, y, "wait_p90", "all"), 43, 1e-7);
    cr_assert_float_eq(year_mean(&r, y, "hidden_wait_median", "all"), 7, 1e-7);
    cr_assert_float_eq(year_mean(&r, y, "hidden_wait_mean", "all"), 105.0 / 12, 1e-7);
    cr_assert_float_eq(year_mean(&r, y, "step_up_share", "all"), 100.0 * 3 / 9, 1e-7);
    /* 540 minutes of the PWPs' year: 20 x weekdays x 264 minutes */
    double pwp_min = 20 * weekdays(sim_date_from_ymd(2026, 4, 1), sim_date_from_ymd(2027, 3, 31)) * 264;
    cr_assert_float_eq(year_mean(&r, y, "diary_utilisation", "grade:pwp"), 100 * 540 / pwp_min, 1e-7);
    cr_assert_float_eq(year_mean(&r, y, "caseload_utilisation", "grade:pwp"), 0, 1e-7, "nobody held at month ends");
    /* held at month ends: 4 in April (long, 3 stepped up), 5 in May (3
     * stepped up, 2 LTC) of 40 x 100 places; none later */
    cr_assert_float_eq(year_mean(&r, y, "caseload_utilisation", "all"), (100.0 * 4 / 4000 + 100.0 * 5 / 4000) / 12,
                       1e-7);
    for (int i = 0; i < 7; i++) {
        static const char *const stages[] = {"waiting_assessment", "waiting_step2", "waiting_step3", "first_to_second",
                                             "first_to_second_after_step_up", "in_treatment", "waiting_reallocation"};
        char g[64];
        snprintf(g, sizeof g, "stage:%s", stages[i]);
        cr_assert_eq(year_mean(&r, y, "dropouts", g), 0, "%s", g);
    }
    cr_assert_eq(year_mean(&r, y, "dnas", "all"), 0);
    /* April 2027: a new year with nobody entering */
    cr_assert(isnan(year_mean(&r, "2027/28", "wait_p90", "all")));
    cr_assert_eq(year_mean(&r, "2027/28", "access_annualised", "all"), 0);
    run_free(&r);
}

/* A pathway's course_factor lengthens one-to-one courses and its
 * session_factor lengthens sessions (factors.yaml): 60 sessions and 30
 * hours of PWP time, against 40 and 10 with both at 100%. */
Test(flow, course_and_session_factors_scale_courses_and_minutes)
{
    const char *files[] = {FLOW("factors.yaml"), FLOW("factors_none.yaml")};
    const double sessions[] = {60, 40}, hours[] = {30, 10};
    for (int f = 0; f < 2; f++) {
        run_result r;
        run_scenario(&r, files[f], 0, 1);
        double h = 0;
        for (int m = 0; m < r.m->layout.nmonths; m++) {
            sim_date from = sim_date_add_months(r.sc.run.start, m), to = sim_date_add_months(from, 1);
            h += val(&r, 0, "clinical_hours_per_wte", "grade:pwp", m) * 20 * (double)(to - from) / 7;
        }
        cr_assert_eq(total(&r, "appointments", "all"), sessions[f], "%s", files[f]);
        cr_assert_eq(total(&r, "finished_courses", "all"), 10, "%s", files[f]);
        cr_assert_float_eq(h, hours[f], 1e-9, "%s: %g hours of PWP time", files[f], h);
        run_free(&r);
    }
}

/* ---- reallocation ------------------------------------------------------------------ */

/* People part-way through a course whose clinician leaves wait for
 * reallocation, counted apart from those in treatment, and take free
 * places before people waiting for a first session (reallocation.yaml). */
Test(flow, reallocation_part_way_through_a_course_comes_first)
{
    run_result r;
    run_scenario(&r, FLOW("reallocation.yaml"), 0, 1);
    check_conservation(&r);
    cr_assert_eq(total(&r, "seconded", "grade:pwp"), 1);
    for (int m = 0; m < 5; m++) {
        cr_assert_eq(val(&r, 0, "waiting_reallocation", "all", m), 0, "month %d", m);
        cr_assert_eq(val(&r, 0, "in_treatment", "all", m), 10, "month %d", m);
    }
    cr_assert_eq(val(&r, 0, "waiting_reallocation", "step:2", 5), 5, "September: the secondee's 5");
    cr_assert_eq(val(&r, 0, "in_treatment", "all", 5), 5, "September: the other PWP's 5");
    cr_assert_eq(val(&r, 0, "waiting", "stage:step2", 5), 5);
    cr_assert_eq(val(&r, 0, "waiting_reallocation", "all", 6), 0, "October: reallocated");
    cr_assert_eq(val(&r, 0, "waiting", "stage:step2", 6), 5, "October: the new people still wait");
    for (int m = 0; m < 7; m++)
        cr_assert_eq(val(&r, 0, "entered_treatment", "all", m), 0, "month %d: nobody new before November", m);
    cr_assert_eq(total(&r, "entered_treatment", "all"), 5);
    cr_assert_eq(total(&r, "finished_courses", "all"), 10);
    cr_assert_eq(val(&r, 0, "in_treatment", "all", r.m->layout.nmonths - 1), 5, "the new 5, part-way through");
    cr_assert_eq(total(&r, "dropouts", "all"), 0);
    run_free(&r);
}

/* ---- LTC top-up rule ------------------------------------------------------------------ */

Test(flow, ltc_people_only_with_top_up_trained_clinicians)
{
    run_result on, off;
    run_scenario(&on, FLOW("ltc.yaml"), 0, 1);
    run_scenario(&off, FLOW("ltc_off.yaml"), 0, 1);
    double held_on = 0, held_off = 0;
    for (int m = 0; m < on.m->layout.nmonths; m++) {
        cr_assert_eq(val(&on, 0, "caseload_utilisation", "grade:hit", m), 0, "month %d: untrained caseload", m);
        cr_assert_eq(val(&on, 0, "diary_utilisation", "grade:hit", m), 0, "month %d: untrained diary", m);
        double rec = val(&on, 0, "recovery_rate", "all", m);
        cr_assert(isnan(rec) || rec == 100, "month %d: trained clinicians' outcomes, got %g%%", m, rec);
        held_on += val(&on, 0, "caseload_utilisation", "grade:hit_ltc", m);
        held_off += val(&off, 0, "caseload_utilisation", "grade:hit", m);
    }
    cr_assert_gt(held_on, 0, "trained clinicians treat LTC people");
    cr_assert_gt(held_off, 0, "with the rule off, untrained clinicians do too");
    int below = 0;
    for (int m = 0; m < off.m->layout.nmonths; m++)
        below |= val(&off, 0, "recovery_rate", "all", m) < 100;
    cr_assert(below, "and their courses use the untrained outcomes (nobody recovers)");
    run_free(&on);
    run_free(&off);
}

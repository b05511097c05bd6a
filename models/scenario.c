/*
 * models/scenario.c: the scenario language of the IAPT model: one schema
 * table per struct of models/scenario.h, and the cross-field checks.
 *
 * Each field's default is the figure the domain brief gives (with its
 * source in the doc line) or an explicit, labelled assumption; the key
 * reference docs/scenario.md is generated from these tables
 * (`iaptsim schema`), so it cannot drift from what the loader accepts.
 */
#include "models/scenario.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h" /* iapt_pathway_rate, for the referral cap */

#define UNB 1, 0 /* min > max: unbounded */
#define NUM(T, k, m, u, lo, hi, def, ex, doc) {k, CONF_NUM, u, offsetof(T, m), NULL, NULL, NULL, lo, hi, 0, def, ex, doc}
#define NUMF(T, k, m, u, lo, hi, fl, def, ex, doc) {k, CONF_NUM, u, offsetof(T, m), NULL, NULL, NULL, lo, hi, fl, def, ex, doc}
#define INT(T, k, m, lo, hi, def, ex, doc) {k, CONF_INT, CONF_U_NONE, offsetof(T, m), NULL, NULL, NULL, lo, hi, 0, def, ex, doc}
#define INTF(T, k, m, lo, hi, fl, def, ex, doc) {k, CONF_INT, CONF_U_NONE, offsetof(T, m), NULL, NULL, NULL, lo, hi, fl, def, ex, doc}
#define BOOL(T, k, m, def, ex, doc) {k, CONF_BOOL, CONF_U_NONE, offsetof(T, m), NULL, NULL, NULL, UNB, 0, def, ex, doc}
#define STR(T, k, m, fl, def, ex, doc) {k, CONF_STR, CONF_U_NONE, offsetof(T, m), NULL, NULL, NULL, UNB, fl, def, ex, doc}
#define ENUM(T, k, m, names, def, ex, doc) {k, CONF_ENUM, CONF_U_NONE, offsetof(T, m), NULL, names, NULL, UNB, 0, def, ex, doc}
#define ENUMF(T, k, m, names, fl, def, ex, doc) {k, CONF_ENUM, CONF_U_NONE, offsetof(T, m), NULL, names, NULL, UNB, fl, def, ex, doc}
#define DATE(T, k, m, fl, def, ex, doc) {k, CONF_DATE, CONF_U_NONE, offsetof(T, m), NULL, NULL, NULL, UNB, fl, def, ex, doc}
#define DAYS(T, k, m, def, ex, doc) {k, CONF_WEEKDAYS, CONF_U_NONE, offsetof(T, m), NULL, NULL, NULL, UNB, 0, def, ex, doc}
#define DIST(T, k, m, u, lo, hi, fl, def, ex, doc) {k, CONF_DIST, u, offsetof(T, m), NULL, NULL, NULL, lo, hi, fl, def, ex, doc}
#define SCHED(T, k, m, u, lo, hi, fl, def, ex, doc) {k, CONF_SCHED, u, offsetof(T, m), NULL, NULL, NULL, lo, hi, fl, def, ex, doc}
#define STRUCT(T, k, m, sub, doc) {k, CONF_STRUCT, CONF_U_NONE, offsetof(T, m), &sub, NULL, NULL, UNB, 0, NULL, NULL, doc}
#define LIST(T, k, m, sub, fl, doc) {k, CONF_LIST, CONF_U_NONE, offsetof(T, m), &sub, NULL, NULL, UNB, fl, NULL, NULL, doc}
#define NUMLIST(T, k, m, u, lo, hi, fl, def, ex, doc) {k, CONF_NUMLIST, u, offsetof(T, m), NULL, NULL, NULL, lo, hi, fl, def, ex, doc}
#define NUMMAP(T, k, m, u, lo, hi, fl, ref, def, ex, doc) {k, CONF_NUMMAP, u, offsetof(T, m), NULL, NULL, ref, lo, hi, fl, def, ex, doc}
#define REF(T, k, m, ref, fl, def, ex, doc) {k, CONF_REF, CONF_U_NONE, offsetof(T, m), NULL, NULL, ref, UNB, fl, def, ex, doc}
#define REFLIST(T, k, m, ref, def, ex, doc) {k, CONF_REFLIST, CONF_U_NONE, offsetof(T, m), NULL, NULL, ref, UNB, 0, def, ex, doc}
#define SCHEMA(name, T, fields, check, doc) {name, sizeof(T), fields, sizeof fields / sizeof fields[0], check, doc}

#define REQ CONF_F_REQUIRED
#define KEY CONF_F_KEY /* part of a list item's key: extends merges on it */
/* An item's name: required, unique, and an identifier, as names label the
 * output (`team:core/grade:pwp` in results.csv). */
#define NAME (REQ | CONF_F_NAME | CONF_F_IDENT)
/* A share or probability, 0% to 100%. */
#define PCT(T, k, m, def, ex, doc) NUM(T, k, m, CONF_U_FRACTION, 0, 1, def, ex, doc)

/* Longest run accepted, in calendar months. */
#define MAX_RUN_MONTHS (50 * 12)

/* Number of addresses in a compound literal array, for conf_error_among. */
#define NADDR(a) (sizeof(a) / sizeof(a)[0])

/* Text of a value in unit u (for messages). */
static const char *qty(conf_unit u, double v, char buf[64]) { return conf_unit_format(u, v, buf, 64); }
static const char *day_text(sim_date d, char buf[16])
{
    sim_date_format(d, buf);
    return buf;
}

static const char *const pathway_kinds[] = {"core", "ltc", NULL};
static const char *const modality_kinds[] = {"individual", "group", "digital", NULL};
static const char *const stages[] = {"assessment", "step2", "step3", NULL};
static const char *const dna_countings[] = {"total", "consecutive", NULL};
static const char *const site_kinds[] = {"gp", "hospital", "community", NULL};
static const char *const room_charges[] = {"available", "booked", NULL};
static const char *const wait_measures[] = {"recent_wait", "waiting_list", NULL};

/* ---- run ------------------------------------------------------------------ */

/* start and end set the window every dated key is checked against (the
 * loader does, CONF_F_WINDOW_FIRST and _LAST, even when another run key
 * is wrong); here, their order, the longest run, and the replications. */
static int check_run(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_run_cfg *r = obj;
    (void)root;
    const void *both[] = {&r->start, &r->end};
    char a[16], b[16], c[16];
    if (r->end < r->start) {
        conf_error_among(ctx, both, NADDR(both), "expected the run to end on or after its start, got start %s and end %s",
                         day_text(r->start, a), day_text(r->end, b));
        return -1;
    }
    sim_date last = sim_date_add_months(r->start, MAX_RUN_MONTHS) - 1;
    if (r->end > last) {
        conf_error_among(ctx, both, NADDR(both),
                         "expected a run of at most 50 years (to %s at the latest), got %s to %s (%.1f years)",
                         day_text(last, a), day_text(r->start, b), day_text(r->end, c),
                         (r->end - r->start + 1) / SIM_DAYS_PER_YEAR);
        return -1;
    }
    if (r->target_half_width > 0 && r->max_replications < r->replications) {
        const void *where[] = {&r->max_replications, &r->replications, &r->target_half_width};
        conf_error_among(ctx, where, NADDR(where),
                         "expected max_replications >= replications (with target_half_width set, the run starts with "
                         "`replications` and adds more up to max_replications), got max_replications %ld and "
                         "replications %ld",
                         r->max_replications, r->replications);
        return -1;
    }
    return 0;
}

static const conf_field run_fields[] = {
    DATE(iapt_run_cfg, "start", start, REQ | CONF_F_WINDOW_FIRST, NULL, "2027-04-01", "first simulated day"),
    DATE(iapt_run_cfg, "end", end, REQ | CONF_F_WINDOW_LAST, NULL, "2030-03-31",
         "last simulated day (inclusive); on or after `start`, and at most 50 years after it"),
    INT(iapt_run_cfg, "replications", replications, 1, 100000, "20", "50", "independent replications"),
    INT(iapt_run_cfg, "seed", seed, 0, 9.2e18, "1", "12345",
        "master seed; the same seed gives the same results bit for bit"),
    INT(iapt_run_cfg, "threads", threads, 0, 1024, "0", "2", "threads to run replications on; 0 = all processors"),
    NUM(iapt_run_cfg, "confidence", confidence, CONF_U_FRACTION, 0.5, 0.999, "95%", "90%",
        "confidence level of the reported intervals"),
    NUM(iapt_run_cfg, "target_half_width", target_half_width, CONF_U_FRACTION, 0, 1, "0%", "5%",
        "if > 0, add replications until the headline measures' CI half-width is at most this share of "
        "their mean"),
    INT(iapt_run_cfg, "max_replications", max_replications, 1, 100000, "200", "500",
        "upper limit when target_half_width is set (at least `replications`, the first batch)"),
};
static const conf_schema run_schema = SCHEMA("run", iapt_run_cfg, run_fields, check_run,
                                             "The simulated period, replications and random seed.");

/* ---- service ------------------------------------------------------------- */

static const conf_field hazard_fields[] = {
    NUM(iapt_hazard_cfg, "after", after, CONF_U_WEEKS, 0, 3650, "0 weeks", "6 weeks",
        "from this long after the wait began"),
    PCT(iapt_hazard_cfg, "per_week", per_week, "0%", "1.5%", "drop-out hazard per week of waiting from then on"),
};

static int check_hazards(conf_ctx *ctx, void *obj, const void *root)
{
    const conf_list *h = obj;
    (void)root;
    for (size_t i = 1; i < h->n; i++) {
        const iapt_hazard_cfg *a = IAPT_ITEM(*h, iapt_hazard_cfg, i - 1), *b = IAPT_ITEM(*h, iapt_hazard_cfg, i);
        if (b->after <= a->after) {
            char x[64], y[64];
            conf_error_at(ctx, &b->after, "expected each `after` later than the one before (%s), got %s",
                          qty(CONF_U_WEEKS, a->after, x), qty(CONF_U_WEEKS, b->after, y));
            return -1;
        }
    }
    return 0;
}

static const conf_schema hazard_schema = SCHEMA("hazard", iapt_hazard_cfg, hazard_fields, NULL,
                                                "One piece of a piecewise-constant drop-out hazard.");

static int check_service(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_service_cfg *s = obj;
    if (!s->working_days) {
        conf_error_at(ctx, &s->working_days, "expected at least one clinic day, got an empty list");
        return -1;
    }
    return check_hazards(ctx, &s->dropout_waiting, root);
}

static const conf_field service_fields[] = {
    STR(iapt_service_cfg, "name", name, 0, "\"NHS Talking Therapies service\"", "\"Anytown Talking Therapies\"",
        "name shown in reports"),
    NUMF(iapt_service_cfg, "prevalence", prevalence, CONF_U_NONE, 1, 1e9, REQ, NULL, "30000",
        "adults in the area with a common mental health problem (about 1 in 6 adults; domain brief s.2), people"),
    PCT(iapt_service_cfg, "access_target", access_target, "25%", "22%",
        "people entering treatment per year / prevalence; 25% by 2020/21 (domain brief s.3)"),
    PCT(iapt_service_cfg, "standard_6_weeks", standard_6_weeks, "75%", "80%",
        "share to enter treatment within 6 weeks of referral (national standard)"),
    PCT(iapt_service_cfg, "standard_18_weeks", standard_18_weeks, "95%", "98%",
        "share within 18 weeks (national standard)"),
    NUM(iapt_service_cfg, "standard_6_weeks_limit", limit_6_weeks, CONF_U_WEEKS, 1, 3650, "6 weeks", "4 weeks",
        "the wait, referral to first treatment, that standard_6_weeks counts (6 weeks: domain brief s.3)"),
    NUM(iapt_service_cfg, "standard_18_weeks_limit", limit_18_weeks, CONF_U_WEEKS, 1, 3650, "18 weeks", "12 weeks",
        "the wait that standard_18_weeks counts, and `waiting_over_18_weeks` (18 weeks: domain brief s.3)"),
    PCT(iapt_service_cfg, "recovery_target", recovery_target, "50%", "52%",
        "share of finished courses recovering (national standard)"),
    DAYS(iapt_service_cfg, "working_days", working_days, "[mon, tue, wed, thu, fri]", "[mon, tue, wed, thu]",
         "clinic days of the week"),
    NUM(iapt_service_cfg, "booking_horizon", booking_horizon, CONF_U_WEEKS, 1, 120, "3 weeks", "2 weeks",
        "how far ahead assessments and group starts are booked (assumption)"),
    DIST(iapt_service_cfg, "first_appointment_lead", first_lead, CONF_U_DAYS, 0, 60, 0, "2 days",
         "{dist: uniform, min: 1 day, max: 5 days}",
         "notice between allocation to a clinician and the earliest first session (assumption)"),
    INT(iapt_service_cfg, "dna_discharge_after", dna_discharge_after, 1, 100, "2", "3",
        "missed appointments that end the assessment stage or one course of treatment: the person is "
        "discharged (discharge after 2 DNAs: one service's planning model, domain brief s.4)"),
    ENUM(iapt_service_cfg, "dna_counting", dna_counting, dna_countings, "total", "consecutive",
         "which misses count towards dna_discharge_after: total = every miss at the stage (the assessment, or "
         "one course; the count starts again at each), consecutive = only misses in a row (an attended "
         "appointment resets the count). The default reads the brief's 'after 2 DNAs' literally; as a total, "
         "10% DNA over a 12-session course discharges about 4 courses in 10, so the shipped scenarios assume "
         "consecutive."),
    LIST(iapt_service_cfg, "dropout_waiting", dropout_waiting, hazard_schema, 0,
         "drop-out while waiting (for assessment or a first session): hazard per week by time waited, rising "
         "with the wait; empty = nobody drops out while waiting"),
    NUM(iapt_service_cfg, "on_costs", on_costs, CONF_U_FRACTION, 0, 2, "28%", "30%",
        "employer costs on top of salary (National Insurance, pension; assumption)"),
};
static const conf_schema service_schema = SCHEMA("service", iapt_service_cfg, service_fields, check_service,
                                                 "The service as a whole: area, standards, clinic days, booking.");

/* ---- pathways ------------------------------------------------------------ */

static int check_assessment(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_assessment_cfg *a = obj;
    (void)root;
    double sum = a->to_step2 + a->to_step3 + a->to_step2_then_3 + a->signposted;
    if (!conf_sum_ok(sum, 4)) {
        const void *all[] = {&a->to_step2, &a->to_step3, &a->to_step2_then_3, &a->signposted};
        char w[64], x[64], y[64], z[64], t[64];
        conf_error_among(ctx, all, NADDR(all),
                         "expected to_step2 + to_step3 + to_step2_then_3 + signposted to sum to 100%%, got %s + %s + "
                         "%s + %s = %s",
                         qty(CONF_U_FRACTION, a->to_step2, w), qty(CONF_U_FRACTION, a->to_step3, x),
                         qty(CONF_U_FRACTION, a->to_step2_then_3, y), qty(CONF_U_FRACTION, a->signposted, z),
                         qty(CONF_U_FRACTION, round(sum * 1e8) / 1e8, t));
        return -1;
    }
    return 0;
}

static const conf_field assessment_fields[] = {
    REF(iapt_assessment_cfg, "grade", grade, "workforce.grades", 0, NULL, "hit",
        "grade that assesses this pathway; leave out for no assessment step (people go straight to treatment)"),
    NUM(iapt_assessment_cfg, "duration", duration_min, CONF_U_MINUTES, 1, 600, "60 min", "90 min",
        "assessment appointment, including write-up (telephone assessment 60 min: domain brief s.4)"),
    PCT(iapt_assessment_cfg, "dna", dna, "10%", "15%", "share of assessment appointments missed (assumption: DNA about 10%)"),
    PCT(iapt_assessment_cfg, "face_to_face", face_to_face, "0%", "60%",
        "share of referrals assessed face to face, in a room at their site (drawn once per referral; the others "
        "remotely); only pathways naming sites book rooms (telephone assessment: domain brief s.4)"),
    PCT(iapt_assessment_cfg, "to_step2", to_step2, "55%", "50%", "assessed to step 2 (assumption)"),
    PCT(iapt_assessment_cfg, "to_step3", to_step3, "25%", "30%", "assessed straight to step 3 (assumption)"),
    PCT(iapt_assessment_cfg, "to_step2_then_3", to_step2_then_3, "0%", "5%",
        "planned low intensity then high intensity"),
    PCT(iapt_assessment_cfg, "signposted", signposted, "20%", "15%",
        "not suitable, or signposted elsewhere (assumption)"),
};
static const conf_schema assessment_schema = SCHEMA("assessment", iapt_assessment_cfg, assessment_fields,
                                                    check_assessment,
                                                    "Who assesses a pathway, how long it takes, and where people go.");

/* The longest history a wait response reads, in days (52 weeks). */
#define MAX_WAIT_WINDOW 364

static int check_wait_response(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_wait_response_cfg *w = obj;
    (void)root;
    if (floor(w->window) != w->window) {
        char a[64];
        conf_error_at(ctx, &w->window, "expected a whole number of days, got %s", qty(CONF_U_DAYS, w->window, a));
        return -1;
    }
    return 0;
}

static const conf_field wait_response_fields[] = {
    STR(iapt_wait_response_cfg, "source", source, REQ | KEY, NULL, "gp",
        "the referral source that responds: one of the pathway's `sources`; one item per source"),
    ENUM(iapt_wait_response_cfg, "measure", measure, wait_measures, "recent_wait", "waiting_list",
         "how the pathway's current wait is measured at the start of each day, from what the service knows then: "
         "recent_wait = the mean wait, referral to first treatment, of the pathway's people who entered treatment "
         "in the last `window` (the figure a service publishes; with nobody entering in it, the last value holds, "
         "and before the first there is none and no cut); waiting_list = the pathway's waiting list (people "
         "waiting for assessment or for a first session at a step: its `waiting` measure) divided by its people "
         "starting a course at step 2 or 3 per day over the last `window`, the time the list would take to clear "
         "at that rate (people waiting and no starts: it never clears, and the cut is at its floor)"),
    NUM(iapt_wait_response_cfg, "window", window, CONF_U_WEEKS, 1, MAX_WAIT_WINDOW, "4 weeks", "2 weeks",
        "the history the measure reads, in whole days up to 52 weeks (ASSUMPTION: about a month of figures); "
        "referrals respond only once the run has a full window behind it"),
    NUM(iapt_wait_response_cfg, "from", from, CONF_U_WEEKS, 0, 520 * 7, "6 weeks", "4 weeks",
        "current wait above which referrals fall (ASSUMPTION: the 6-week standard, domain brief s.3)"),
    NUM(iapt_wait_response_cfg, "per", per, CONF_U_WEEKS, 1, 520 * 7, "1 week", "2 weeks",
        "each `per` of current wait above `from` cuts referrals by `fall`, pro rata"),
    NUMF(iapt_wait_response_cfg, "fall", fall, CONF_U_FRACTION, 0, 1, REQ, NULL, "5%",
         "share of the source's referral rate lost per `per` of current wait above `from`; no default: the "
         "domain brief gives no figure, so a scenario states one (and marks it an ASSUMPTION)"),
    PCT(iapt_wait_response_cfg, "floor", floor, "0%", "50%",
        "the least share of its rate the source keeps however long the wait (0%: it can stop referring)"),
};
static const conf_schema wait_response_schema = SCHEMA(
    "wait_response", iapt_wait_response_cfg, wait_response_fields, check_wait_response,
    "A referral source that refers less while the pathway's waits are long (domain brief s.5.1: fewer GP "
    "referrals when lists are long). At the start of each day the pathway's current wait w is measured (see "
    "`measure`); that day the source's referral rate is multiplied by max(floor, 1 - fall x (w - from) / per) "
    "when w is above `from`, else by 1. The referrals the source would have made arrive as without the response "
    "and each is kept with that day's factor, drawn on the source's own random stream, so the response changes "
    "nothing else's random numbers; those not made are reported as `referrals_lost`. E.g. {source: gp, from: "
    "6 weeks, per: 1 week, fall: 5%, floor: 50%}: above a 6-week wait each extra week cuts GP referrals by 5% "
    "of their rate, to half at most.");

/* Each wait response names one of the pathway's sources. */
static int check_wait_sources(conf_ctx *ctx, const iapt_pathway_cfg *p)
{
    int bad = 0;
    for (size_t i = 0; i < p->wait_response.n; i++) {
        const iapt_wait_response_cfg *w = IAPT_ITEM(p->wait_response, iapt_wait_response_cfg, i);
        int found = 0;
        for (size_t k = 0; k < p->sources.n; k++)
            found |= strcmp(p->sources.names[k], w->source) == 0;
        if (found)
            continue;
        char names[256] = "";
        for (size_t k = 0, used = 0; k < p->sources.n && used < sizeof names; k++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", p->sources.names[k]);
        conf_error_at(ctx, &w->source, "expected one of the pathway's sources (%s), got \"%s\"", names, w->source);
        bad = 1;
    }
    return bad;
}

static int check_pathway(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_pathway_cfg *p = obj;
    (void)root;
    int bad = check_wait_sources(ctx, p);
    if (p->ramp > 0 && p->go_live == CONF_DATE_NONE) {
        const void *both[] = {&p->ramp, &p->go_live};
        char a[64];
        conf_error_among(ctx, both, NADDR(both),
                         "expected a go_live date for the ramp to run from (a pathway live from the start has no "
                         "ramp; give go_live the run's first day to ramp up from it), got ramp %s and go_live none",
                         qty(CONF_U_WEEKS, p->ramp, a));
        return -1;
    }
    if (p->seasonality.n != 0 && p->seasonality.n != 12) {
        conf_error_at(ctx, &p->seasonality, "expected 12 monthly factors (January to December), got %zu",
                      p->seasonality.n);
        return -1;
    }
    if (p->seasonality.n == 12) {
        double sum = 0;
        for (size_t i = 0; i < 12; i++)
            sum += p->seasonality.v[i];
        if (fabs(sum / 12 - 1) > 0.005) {
            conf_error_at(ctx, &p->seasonality, "expected factors averaging 100%% (within 0.5%%), got %.4g%%",
                          100 * sum / 12);
            return -1;
        }
    }
    return bad ? -1 : 0;
}

static const conf_field pathway_fields[] = {
    STR(iapt_pathway_cfg, "name", name, NAME, NULL, "diabetes", "pathway name (core, diabetes, copd...)"),
    ENUM(iapt_pathway_cfg, "kind", kind, pathway_kinds, "core", "ltc",
         "core service, or a long-term-condition (LTC) pathway"),
    REF(iapt_pathway_cfg, "team", team, "workforce.teams", REQ, NULL, "ltc", "team that assesses and treats it"),
    DATE(iapt_pathway_cfg, "go_live", go_live, CONF_F_RUN_END, "none", "2027-10-01",
         "first day referrals are accepted; none = live from the start; a date before the start means the "
         "pathway went live then (its ramp may still be running)"),
    NUM(iapt_pathway_cfg, "ramp", ramp, CONF_U_WEEKS, 0, 3650, "0 days", "26 weeks",
        "time from go-live to the full referral rate (linear ramp; needs a go_live date; LTC referrals built up "
        "slowly: domain brief s.4)"),
    SCHED(iapt_pathway_cfg, "referrals", referrals, CONF_U_PER_MONTH, 0, IAPT_MAX_REFERRALS_PER_MONTH,
          REQ | CONF_F_RUN_END, NULL, "[1200 per month, {at: 2028-04-01, value: 1400 per month}]",
          "referral rate before growth, seasonality and shocks; steps and ramps by date (a day is a calendar day, "
          "so 40 per day is 1217.5 per month). All pathways together may expect at most 20 million referrals over "
          "the run once growth, seasonality and shocks are applied (the memory a run needs: about 150 bytes a "
          "person waiting, on each thread; England 2018/19 had 1.6 million a year, domain brief s.4)"),
    NUM(iapt_pathway_cfg, "growth", growth, CONF_U_FRACTION_PER_YEAR, -0.9, 10, "0% per year", "5% per year",
        "compound growth of referrals from growth_from (earlier dates shrink back at the same rate)"),
    DATE(iapt_pathway_cfg, "growth_from", growth_from, 0, "none", "2026-04-01",
         "the date the `referrals` rate is stated for, from which growth compounds; none = the run start (then "
         "a variant starting on another date has other referral levels: state it)"),
    NUMLIST(iapt_pathway_cfg, "seasonality", seasonality, CONF_U_FRACTION, 0, 10, 0, "[]",
            "[110%, 105%, 105%, 100%, 95%, 95%, 90%, 85%, 100%, 105%, 105%, 105%]",
            "12 monthly factors (January first) averaging 100%; empty = flat"),
    NUMMAP(iapt_pathway_cfg, "sources", sources, CONF_U_FRACTION, 0, 1, REQ | CONF_F_SUM_100 | CONF_F_IDENT, NULL, NULL,
           "{self: 60%, gp: 40%}",
           "referral sources and their shares (core services: 57.4% self-referral in 2016/17, domain brief s.4)"),
    LIST(iapt_pathway_cfg, "wait_response", wait_response, wait_response_schema, 0,
         "referral sources that refer less while this pathway's waits are long; empty = referrals do not respond "
         "to waits"),
    NUMMAP(iapt_pathway_cfg, "sites", sites, CONF_U_FRACTION, 0, 1, CONF_F_SUM_100 | CONF_F_REF_KEYS | CONF_F_EMPTY_OK,
           "sites", "{}", "{hub: 70%, riverside_surgery: 30%}",
           "sites where its face-to-face appointments are held, and the share of its referrals seen at each "
           "(drawn once per referral, on its own stream); empty = no site, and no appointment needs a room "
           "(co-location in GP practices, hospitals and community teams: domain brief s.1)"),
    PCT(iapt_pathway_cfg, "opt_in", opt_in, "75%", "80%",
        "share of referrals who opt in (one service's planning model: 75%, domain brief s.4)"),
    PCT(iapt_pathway_cfg, "eligible", eligible, "100%", "85%",
        "share passing a local eligibility filter (e.g. 'must interact with the LTC')"),
    PCT(iapt_pathway_cfg, "case_at_start", case_at_start, "90%", "95%",
        "share who are a clinical case at referral, the base of recovery (assumption)"),
    STRUCT(iapt_pathway_cfg, "assessment", assessment, assessment_schema, "assessment and routing"),
    NUM(iapt_pathway_cfg, "course_factor", course_factor, CONF_U_FRACTION, 0.1, 10, "100%", "125%",
        "multiplies planned sessions (LTC pathways may set longer courses)"),
    NUM(iapt_pathway_cfg, "session_factor", session_factor, CONF_U_FRACTION, 0.1, 10, "100%", "120%",
        "multiplies session minutes (longer LTC sessions)"),
    BOOL(iapt_pathway_cfg, "needs_ltc_skill", needs_ltc_skill, "false", "true",
         "only clinicians with LTC top-up training may assess and treat"),
    BOOL(iapt_pathway_cfg, "complex", complex, "false", "true",
         "every referral is a complex case (e.g. an LTC pathway): trainees whose programme excludes complex cases "
         "may not assess or treat them"),
    PCT(iapt_pathway_cfg, "complex_share", complex_share, "20%", "30%",
        "otherwise, the share of referrals that are complex cases, which such trainees may not take (backfill "
        "by trainees was 'not equivalent': they could not take standard complex cases, domain brief s.4; the "
        "share is an ASSUMPTION)"),
};
static const conf_schema pathway_schema = SCHEMA("pathway", iapt_pathway_cfg, pathway_fields, check_pathway,
                                                 "A stream of referrals: the core service or an LTC pathway.");

static int check_shock(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_shock_cfg *s = obj;
    (void)root;
    if (s->to < s->from) {
        const void *both[] = {&s->from, &s->to};
        char a[16], b[16];
        conf_error_among(ctx, both, NADDR(both), "expected `to` on or after `from`, got from %s and to %s",
                         day_text(s->from, a), day_text(s->to, b));
        return -1;
    }
    return 0;
}

static const conf_field shock_fields[] = {
    DATE(iapt_shock_cfg, "from", from, REQ | CONF_F_RUN_END, NULL, "2027-01-01",
         "first day (a shock must overlap the run)"),
    DATE(iapt_shock_cfg, "to", to, REQ | CONF_F_RUN_START, NULL, "2027-03-31", "last day (inclusive)"),
    NUM(iapt_shock_cfg, "factor", factor, CONF_U_FRACTION, 0, 100, "100%", "115%", "multiplies referrals"),
    REFLIST(iapt_shock_cfg, "pathways", pathways, "pathways", "[]", "[core]", "pathways affected; empty = all"),
};
static const conf_schema shock_schema = SCHEMA("shock", iapt_shock_cfg, shock_fields, check_shock,
                                               "A one-off change in referrals (e.g. a post-pandemic surge).");

/* ---- steps ------------------------------------------------------------- */

static int check_outcome(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_outcome_cfg *o = obj;
    (void)root;
    if (o->recovery > o->reliable_improvement) {
        const void *both[] = {&o->recovery, &o->reliable_improvement};
        char a[64], b[64];
        conf_error_among(ctx, both, NADDR(both),
                         "expected recovery <= reliable_improvement (recovered people are taken to have improved), "
                         "got recovery %s and reliable_improvement %s",
                         qty(CONF_U_FRACTION, o->recovery, a), qty(CONF_U_FRACTION, o->reliable_improvement, b));
        return -1;
    }
    return 0;
}

static const conf_field outcome_fields[] = {
    PCT(iapt_outcome_cfg, "recovery", recovery, "50%", "54%",
        "probability that a person who was a case has recovered at the end of one course at this step (with "
        "at least one session). Not the reported recovery rate: that is per referral, among finished courses "
        "of cases, and people not recovered at step 2 may be stepped up for a second course, so the service "
        "rate is above the step 2 figure (51% nationally 2018/19, domain brief s.4, is the service rate)"),
    PCT(iapt_outcome_cfg, "reliable_improvement", reliable_improvement, "66%", "70%",
        "probability of reliable improvement at the end of one course at this step (recovery implies it; "
        "67% nationally 2018/19 is the service rate per referral, domain brief s.4)"),
};
static const conf_schema outcome_schema = SCHEMA("outcome", iapt_outcome_cfg, outcome_fields, check_outcome,
                                                 "End-of-course outcome probabilities.");

double iapt_face_to_face(const iapt_modality_cfg *m)
{
    if (m->kind == IAPT_MOD_GROUP)
        return 1;
    if (!isnan(m->face_to_face))
        return m->face_to_face;
    return m->kind == IAPT_MOD_DIGITAL ? 0 : 1;
}

/* Defaults of the group keys (a modality of another kind must leave them
 * so, as nothing reads them there). */
#define GROUP_MIN_DEFAULT 7
#define GROUP_MAX_DEFAULT 12
#define FACILITATORS_DEFAULT 2
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

/* Group keys given to a modality that is not a group (they would be
 * ignored). 1 if any was. */
static int check_group_keys(conf_ctx *ctx, const iapt_modality_cfg *m)
{
    static const char *const kinds[] = {"an individual", "a group", "a digital"};
    const struct {
        const long *v;
        long def;
        const char *key;
    } keys[] = {{&m->group_min, GROUP_MIN_DEFAULT, "group_min"},
                {&m->group_max, GROUP_MAX_DEFAULT, "group_max"},
                {&m->facilitators, FACILITATORS_DEFAULT, "facilitators"}};
    int bad = 0;
    for (size_t i = 0; i < NADDR(keys) && m->kind != IAPT_MOD_GROUP; i++) {
        if (*keys[i].v == keys[i].def)
            continue;
        conf_error_at(ctx, keys[i].v, "expected %s only for a group (kind: group), got %ld for %s modality",
                      keys[i].key, *keys[i].v, kinds[m->kind]);
        bad = 1;
    }
    return bad;
}

/* A group's members meet together, every session the same number of days
 * after the last: its cadence is a whole number of days. 1 if not. */
static int check_group_cadence(conf_ctx *ctx, const iapt_modality_cfg *m)
{
    const sim_dist *c = &m->cadence;
    double v = c->kind == SIM_DIST_CONSTANT ? sim_dist_mean(c) : NAN;
    if (m->kind != IAPT_MOD_GROUP || (v >= 1 && v == floor(v)))
        return 0;
    char got[96];
    if (c->kind == SIM_DIST_CONSTANT)
        qty(CONF_U_DAYS, v, got);
    else
        snprintf(got, sizeof got, "a %s distribution", sim_dist_kind_name(c->kind));
    conf_error_at(ctx, c,
                  "expected a whole number of days >= 1 for a group (its members meet together, each session the "
                  "same number of days after the last), got %s",
                  got);
    return 1;
}

static int check_modality(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_modality_cfg *m = obj;
    (void)root;
    int bad = check_group_keys(ctx, m) | check_group_cadence(ctx, m);
    if (m->kind == IAPT_MOD_GROUP && m->group_min > m->group_max) {
        const void *both[] = {&m->group_min, &m->group_max};
        conf_error_among(ctx, both, NADDR(both), "expected group_min <= group_max, got group_min %ld and group_max %ld",
                         m->group_min, m->group_max);
        bad = 1;
    }
    if (m->kind == IAPT_MOD_GROUP && !isnan(m->face_to_face) && m->face_to_face != 1) {
        const void *both[] = {&m->face_to_face, &m->kind};
        char a[64];
        conf_error_among(ctx, both, NADDR(both),
                         "expected 100%% or none for a group (group sessions meet in a room), got %s",
                         qty(CONF_U_FRACTION, m->face_to_face, a));
        bad = 1;
    }
    return bad ? -1 : 0;
}

static const conf_field modality_fields[] = {
    STR(iapt_modality_cfg, "name", name, NAME, NULL, "guided_self_help", "name"),
    ENUM(iapt_modality_cfg, "kind", kind, modality_kinds, "individual", "group",
         "one-to-one, group, or digital (short support contacts)"),
    NUMF(iapt_modality_cfg, "share", share, CONF_U_FRACTION, 0, 1, CONF_F_SUM_100, "100%", "60%",
         "share of the step's new starts; the step's modalities sum to 100%"),
    DIST(iapt_modality_cfg, "sessions", sessions, CONF_U_NONE, IAPT_MIN_SESSIONS, IAPT_MAX_SESSIONS, 0, "6", "{dist: empirical, values: [4, 6, 8], "
         "weights: [1, 2, 1]}",
         "planned treatment sessions, rounded to whole numbers (step 2 about 6, step 3 about 12: domain brief s.4); "
         "a distribution unbounded above is cut at 200"),
    NUM(iapt_modality_cfg, "first_session", first_min, CONF_U_MINUTES, 0, 600, "45 min", "90 min",
        "first session (step 2: 45 min; step 3 CBT: 90 min; domain brief s.4)"),
    NUM(iapt_modality_cfg, "session", session_min, CONF_U_MINUTES, 0, 600, "30 min", "60 min",
        "later sessions (step 2: 30 min; step 3: 60 min; groups: 4 hours)"),
    NUM(iapt_modality_cfg, "admin", admin_min, CONF_U_MINUTES, 0, 600, "15 min", "10 min",
        "clinician admin per session (15 min: domain brief s.4)"),
    DIST(iapt_modality_cfg, "cadence", cadence, CONF_U_DAYS, 0, 120, 0, "7 days", "14 days",
         "time between sessions (weekly; fortnightly for some); for a group a whole number of days, as its members "
         "meet together"),
    NUM(iapt_modality_cfg, "max_course", max_course, CONF_U_WEEKS, 0, 520, "0 weeks", "16 weeks",
        "longest course from first session; 0 = no limit (step 2: at most 16 weeks, domain brief s.4)"),
    PCT(iapt_modality_cfg, "dna", dna, "10%", "12%", "share of sessions missed (10-22% by step: domain brief s.4)"),
    INT(iapt_modality_cfg, "group_min", group_min, 1, 64, TEXT(GROUP_MIN_DEFAULT), "6",
        "groups only: people waiting before a group starts (7: domain brief s.4)"),
    INT(iapt_modality_cfg, "group_max", group_max, 1, 64, TEXT(GROUP_MAX_DEFAULT), "10",
        "groups only: most people in one group (assumption)"),
    INT(iapt_modality_cfg, "facilitators", facilitators, 1, 4, TEXT(FACILITATORS_DEFAULT), "1",
        "groups only: clinicians running each session"),
    NUM(iapt_modality_cfg, "face_to_face", face_to_face, CONF_U_FRACTION, 0, 1, "none", "40%",
        "share of courses held face to face, in a room at the person's site, drawn once per course (a person is "
        "seen at a site or remotely throughout); only pathways naming sites book rooms; none = by kind: "
        "individual 100%, digital 0% (ASSUMPTION); groups always meet in a room (100%)"),
};
static const conf_schema modality_schema = SCHEMA("modality", iapt_modality_cfg, modality_fields, check_modality,
                                                  "A way of delivering a step: one-to-one, group or digital.");

/* A group session must fit in one clinic day of some grade of its step. */
static int check_group_fit(conf_ctx *ctx, const iapt_step_cfg *st, int step, const iapt_scenario *sc)
{
    int days = __builtin_popcount(sc->service.working_days), bad = 0;
    for (size_t m = 0; m < st->modalities.n && days > 0; m++) {
        const iapt_modality_cfg *mc = IAPT_ITEM(st->modalities, iapt_modality_cfg, m);
        if (mc->kind != IAPT_MOD_GROUP)
            continue;
        const iapt_grade_cfg *best = NULL;
        for (size_t g = 0; g < st->grades.n; g++) {
            const iapt_grade_cfg *gc = IAPT_ITEM(sc->workforce.grades, iapt_grade_cfg, st->grades.index[g]);
            if (!best || gc->clinical_hours > best->clinical_hours)
                best = gc;
        }
        double need = mc->session_min + mc->admin_min, day = best->clinical_hours * 60 / days;
        if (need <= day)
            continue;
        const void *where[] = {&mc->session_min, &mc->admin_min, &best->clinical_hours, &sc->service.working_days,
                               &st->grades};
        char a[64], b[64], c[64], d[64], e[64];
        conf_error_among(ctx, where, NADDR(where),
                         "expected each session of the step %d group \"%s\" to fit in one clinic day of a step %d "
                         "grade, got %s (%s + %s admin) against at most %s a day (%s: %s over %d clinic days)",
                         step, mc->name, step, qty(CONF_U_MINUTES, need, a), qty(CONF_U_MINUTES, mc->session_min, b),
                         qty(CONF_U_MINUTES, mc->admin_min, c), qty(CONF_U_MINUTES, day, d), best->name,
                         qty(CONF_U_HOURS_PER_WEEK, best->clinical_hours, e), days);
        bad = 1;
    }
    return bad;
}

/* 1 if anyone can reach step `step` (IAPT_STEP2 or IAPT_STEP3): routed by
 * an assessment, stepped up, or on the starting lists. */
static int step_reached(const iapt_scenario *sc, int step)
{
    for (size_t i = 0; i < sc->pathways.n; i++) {
        const iapt_assessment_cfg *a = &IAPT_ITEM(sc->pathways, iapt_pathway_cfg, i)->assessment;
        if (a->to_step2_then_3 > 0 || (step == IAPT_STEP2 ? a->to_step2 : a->to_step3) > 0)
            return 1;
    }
    if (step == IAPT_STEP3 && sc->steps[IAPT_STEP2].step_up > 0 && step_reached(sc, IAPT_STEP2))
        return 1;
    for (size_t i = 0; i < sc->start.waiting.n; i++) {
        const iapt_waiting_cfg *w = IAPT_ITEM(sc->start.waiting, iapt_waiting_cfg, i);
        if (w->count > 0 && w->stage == (step == IAPT_STEP2 ? IAPT_STAGE_STEP2 : IAPT_STAGE_STEP3))
            return 1;
    }
    for (size_t i = 0; i < sc->start.treating.n; i++) {
        const iapt_treating_cfg *t = IAPT_ITEM(sc->start.treating, iapt_treating_cfg, i);
        if (t->count > 0 && t->step == (step == IAPT_STEP2 ? 2 : 3))
            return 1;
    }
    return 0;
}

/* step_up says something only of step 2 (who goes on to step 3): at step
 * 3 it is 0%, the value taken there when left to its default (so that
 * what `show` prints loads again), and anything else would be ignored. */
static int check_step_up(conf_ctx *ctx, iapt_step_cfg *s)
{
    if (s->step_up == 0)
        return 0;
    if (conf_from_default(ctx, &s->step_up)) {
        s->step_up = 0;
        return 0;
    }
    char a[64];
    conf_error_at(ctx, &s->step_up,
                  "expected 0%% at step 3 (step_up is the share of step 2 completers stepped up to step 3: set it "
                  "under step2), got %s",
                  qty(CONF_U_FRACTION, s->step_up, a));
    return -1;
}

static int check_step(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_step_cfg *s = obj;
    const iapt_scenario *sc = root;
    int step = s == &sc->steps[IAPT_STEP2] ? IAPT_STEP2 : IAPT_STEP3;
    if (step == IAPT_STEP3 && check_step_up(ctx, s))
        return -1;
    if (s->grades.n > 0)
        return check_group_fit(ctx, s, step == IAPT_STEP2 ? 2 : 3, sc) ? -1 : 0;
    if (!step_reached(sc, step))
        return 0;
    conf_error_at(ctx, &s->grades,
                  "expected at least one grade that treats at this step (people are routed to it), got an empty list");
    return -1;
}

static const conf_field step_fields[] = {
    REFLIST(iapt_step_cfg, "grades", grades, "workforce.grades", "[]", "[pwp]", "grades that treat at this step"),
    LIST(iapt_step_cfg, "modalities", modalities, modality_schema, REQ | CONF_F_NONEMPTY, "ways of delivering the step"),
    PCT(iapt_step_cfg, "dropout_first_to_second", dropout_first, "10%", "12%",
        "drop-out between the first and second session of each course at the step (a stepped-up person's step 3 "
        "course too: dropouts stage:first_to_second_after_step_up; the referral's first: stage:first_to_second, "
        "about 100,000 a year nationally: domain brief s.4)"),
    PCT(iapt_step_cfg, "dropout_per_session", dropout_later, "3%", "4%",
        "drop-out after each later session (assumption)"),
    PCT(iapt_step_cfg, "discharged_after_first", discharged_after_first, "0%", "30%",
        "share of people not dropping out whose referral's first treatment session, at this step, is their "
        "last: one-session advice, not suitable, referred on; discharged, not a finished course (about 4 in 10 "
        "people entering treatment in 2018/19 had only one treatment appointment: derived from NHS Digital, IAPT "
        "annual report 2018/19, not in the domain brief)"),
    STRUCT(iapt_step_cfg, "core", core, outcome_schema, "outcomes of core-service courses"),
    STRUCT(iapt_step_cfg, "ltc_skilled", ltc_skilled, outcome_schema,
           "outcomes of LTC courses with a top-up trained clinician (LTC recovery about 54%: domain brief s.4)"),
    STRUCT(iapt_step_cfg, "ltc_unskilled", ltc_unskilled, outcome_schema,
           "outcomes of LTC courses with a clinician without top-up training"),
    PCT(iapt_step_cfg, "step_up", step_up, "30%", "40%",
        "step 2 only: share of people completing step 2 without recovering (non-cases: without reliable "
        "improvement) who are stepped up to the step 3 list; people planned for step 2 then 3 are stepped up "
        "whenever they have not recovered; people who recover are discharged (assumption). At step 3 it is 0% "
        "(the default there; another value is refused)"),
};
static const conf_schema step_schema = SCHEMA("step", iapt_step_cfg, step_fields, check_step,
                                              "A step of stepped care: who delivers it, how, and with what outcomes.");

typedef struct steps_pair {
    iapt_step_cfg s[IAPT_NSTEPS];
} steps_pair;

static const conf_field steps_fields[] = {
    {"step2", CONF_STRUCT, CONF_U_NONE, offsetof(steps_pair, s[0]), &step_schema, NULL, NULL, UNB, 0, NULL, NULL,
     "step 2, low intensity (PWPs)"},
    {"step3", CONF_STRUCT, CONF_U_NONE, offsetof(steps_pair, s[1]), &step_schema, NULL, NULL, UNB, 0, NULL, NULL,
     "step 3, high intensity (HITs)"},
};
static const conf_schema steps_schema = SCHEMA("steps", steps_pair, steps_fields, NULL, "The two treatment steps.");

/* ---- workforce ------------------------------------------------------------- */

static const conf_field grade_fields[] = {
    STR(iapt_grade_cfg, "name", name, NAME, NULL, "pwp", "grade name (pwp, hit, senior...)"),
    NUM(iapt_grade_cfg, "clinical_hours", clinical_hours, CONF_U_HOURS_PER_WEEK, 0, 80, "22 hours per week",
        "20 hours per week", "clinic hours per week per WTE (about 22: domain brief s.4)"),
    NUM(iapt_grade_cfg, "caseload", caseload, CONF_U_NONE, 0, 500, "25", "35",
        "caseload places per WTE (assumption)"),
    PCT(iapt_grade_cfg, "leave", leave, "15%", "12%",
        "share of contracted time on leave or sick (assumption: about 15%)"),
    NUM(iapt_grade_cfg, "salary", salary, CONF_U_GBP_PER_YEAR, 0, 1e7, "£40,000 per year", "£48,000 per year",
        "salary per WTE (assumption)"),
    NUM(iapt_grade_cfg, "turnover", turnover, CONF_U_FRACTION_PER_YEAR, 0, 5, "15% per year", "20% per year",
        "leavers per year as a share of staff (assumption: 10-20%)"),
    DIST(iapt_grade_cfg, "recruitment", recruitment, CONF_U_DAYS, 0, 3650, 0,
         "{dist: triangular, min: 60 days, mode: 90 days, max: 150 days}", "120 days",
         "time from a vacancy to the recruit starting (assumption: 3-4 months)"),
    NUM(iapt_grade_cfg, "post_wte", post_wte, CONF_U_WTE, 0.01, 1.5, "1 wte", "0.5 wte",
        "vacancies are advertised as posts of this WTE, the remainder as one smaller post (ASSUMPTION: "
        "full-time posts)"),
    NUM(iapt_grade_cfg, "supervision_capacity", supervision_capacity, CONF_U_HOURS_PER_WEEK, 0, 40,
        "0 hours per week", "2 hours per week",
        "hours per week per WTE this grade can give to supervising trainees, at most their clinical hours; given "
        "only on the days they work, so leave, sickness and course days take it away with their clinic time"),
};
static const conf_schema grade_schema = SCHEMA("grade", iapt_grade_cfg, grade_fields, NULL,
                                               "A staff grade: hours, caseload, leave, pay, turnover, recruitment.");

static const conf_field post_fields[] = {
    REF(iapt_post_cfg, "grade", grade, "workforce.grades", REQ | KEY, NULL, "hit",
        "grade; one post per grade in a team (a variant changes a team's post of a grade by naming it)"),
    SCHED(iapt_post_cfg, "wte", wte, CONF_U_WTE, 0, 1e6, REQ | CONF_F_RUN_END, NULL,
          "[4 wte, {at: 2027-04-01, value: 6 wte}]",
          "funded qualified WTE; steps and ramps by date. On the first day at least the WTE of the staff in post "
          "in the team (their share of time in it), or 0 wte: none funded on purpose (those staff are not "
          "replaced when they leave)"),
    SCHED(iapt_post_cfg, "frozen", frozen, CONF_U_WTE, 0, 1e6, CONF_F_RUN_END, "0 wte",
          "[0 wte, {at: 2027-01-01, value: 2 wte}]",
          "of the funded WTE, how much is frozen: still funded, but a vacancy in it is neither recruited to nor "
          "taken by a qualifying trainee (reported as frozen_vacancies_wte); steps and ramps by date; never more "
          "than `wte` on any day of the run"),
};
static int frozen_over_on(const iapt_post_cfg *pc, sim_date d)
{
    return sim_sched_at(&pc->frozen, (double)d) > sim_sched_at(&pc->wte, (double)d) + 1e-9;
}

static int cmp_date(const void *a, const void *b)
{
    sim_date x = *(const sim_date *)a, y = *(const sim_date *)b;
    return (x > y) - (x < y);
}

/* The first day in [first, last] with more frozen than funded WTE, or
 * CONF_DATE_NONE (also when memory runs out). Both schedules are straight
 * between their changes, so only the run's first and last days and the
 * days around each change need looking at, then the days up to the first
 * of those that is over. */
static sim_date frozen_over(const iapt_post_cfg *pc, sim_date first, sim_date last)
{
    size_t n = 0, cap = 2 + 3 * (pc->frozen.n + pc->wte.n);
    sim_date *days = malloc(cap * sizeof *days), over = CONF_DATE_NONE;
    if (!days)
        return CONF_DATE_NONE;
    days[n++] = first;
    days[n++] = last;
    for (int k = 0; k < 2; k++) {
        const sim_sched *x = k ? &pc->wte : &pc->frozen;
        for (size_t i = 0; i < x->n; i++) {
            double t[] = {floor(x->seg[i].t0) - 1, floor(x->seg[i].t0), floor(x->seg[i].t1)};
            for (int j = 0; j < 3; j++)
                if (t[j] >= first && t[j] <= last)
                    days[n++] = (sim_date)t[j];
        }
    }
    qsort(days, n, sizeof *days, cmp_date);
    for (size_t i = 0; i < n && over == CONF_DATE_NONE; i++) {
        if (!frozen_over_on(pc, days[i]))
            continue;
        over = days[i];
        for (sim_date d = i ? days[i - 1] + 1 : first; d < days[i]; d++)
            if (frozen_over_on(pc, d)) {
                over = d;
                break;
            }
    }
    free(days);
    return over;
}

/* Frozen WTE is part of the funded WTE: never more than it, on any day of
 * the run. */
static int check_post(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_post_cfg *pc = obj;
    (void)root;
    sim_date first, last, d;
    if (!conf_ctx_window(ctx, &first, &last) || (d = frozen_over(pc, first, last)) == CONF_DATE_NONE)
        return 0;
    double fr = sim_sched_at(&pc->frozen, (double)d), w = sim_sched_at(&pc->wte, (double)d);
    const void *both[] = {&pc->frozen, &pc->wte};
    char a[64], b[64], c[16];
    conf_error_among(ctx, both, NADDR(both),
                     "expected no more frozen WTE than funded (frozen is part of the funded WTE), got %s frozen "
                     "against %s funded on %s",
                     qty(CONF_U_WTE, round(fr * 1000) / 1000, a), qty(CONF_U_WTE, round(w * 1000) / 1000, b),
                     day_text(d, c));
    return -1;
}

static const conf_schema post_schema = SCHEMA("post", iapt_post_cfg, post_fields, check_post,
                                              "Funded establishment of one grade in a team.");

static const conf_field team_fields[] = {
    STR(iapt_team_cfg, "name", name, NAME, NULL, "ltc", "team name"),
    LIST(iapt_team_cfg, "posts", posts, post_schema, 0, "funded posts by grade"),
    BOOL(iapt_team_cfg, "recruits_ltc_skill", recruits_ltc_skill, "false", "true",
         "people taking a post in this team have LTC top-up training: recruits arrive with it, and trainees "
         "qualifying into its posts have it from their first day qualified (ASSUMPTION: a team that hires "
         "only top-up trained staff trains its own qualifiers before they start)"),
};
static const conf_schema team_schema = SCHEMA("team", iapt_team_cfg, team_fields, NULL,
                                              "A team (core, LTC, or one per pathway) and its funded posts.");

static const conf_field staff_fields[] = {
    REF(iapt_staff_cfg, "grade", grade, "workforce.grades", REQ, NULL, "hit", "grade"),
    INT(iapt_staff_cfg, "count", count, 0, 1000000, "1", "4", "people like this"),
    NUM(iapt_staff_cfg, "wte", wte, CONF_U_WTE, 0.01, 1.5, "1 wte", "0.8 wte", "each person's WTE"),
    NUMMAP(iapt_staff_cfg, "teams", teams, CONF_U_FRACTION, 0, 1, REQ | CONF_F_SUM_100 | CONF_F_REF_KEYS,
           "workforce.teams", NULL,
           "{core: 40%, ltc: 60%}",
           "share of their time in each team (LTC practitioners averaged 62% LTC work: domain brief s.4); each "
           "team must have a post of their grade, as leavers are replaced only into funded posts"),
    BOOL(iapt_staff_cfg, "ltc_skill", ltc_skill, "false", "true", "has LTC top-up training"),
    NUM(iapt_staff_cfg, "clinical_hours", clinical_hours, CONF_U_HOURS_PER_WEEK, 0, 80, "none", "18 hours per week",
        "these people's clinic hours per week per WTE; none = their grade's"),
    NUM(iapt_staff_cfg, "caseload", caseload, CONF_U_NONE, 0, 500, "none", "20",
        "these people's caseload places per WTE; none = their grade's"),
    NUM(iapt_staff_cfg, "leave", leave, CONF_U_FRACTION, 0, 1, "none", "20%",
        "these people's share of time on leave or sick; none = their grade's"),
};

/* 1 if a staff group before st has grade `grade` in team `team`. */
static int earlier_in_team(const iapt_scenario *sc, const iapt_staff_cfg *st, int grade, int team)
{
    for (const iapt_staff_cfg *o = sc->workforce.staff.items; o < st; o++)
        for (size_t k = 0; k < o->teams.n; k++)
            if (o->grade.index == grade && o->teams.ref[k] == team && o->teams.v[k] > 0)
                return 1;
    return 0;
}

const iapt_post_cfg *iapt_team_post(const iapt_team_cfg *tc, int grade)
{
    for (size_t i = 0; i < tc->posts.n; i++) {
        const iapt_post_cfg *pc = IAPT_ITEM(tc->posts, iapt_post_cfg, i);
        if (pc->grade.index == grade)
            return pc;
    }
    return NULL;
}

/* Leavers are replaced only into funded posts, so staff in a team with no
 * post of their grade would silently go for good: a team they work in must
 * have one (a post of 0 wte says no funding on purpose). Reported once per
 * team and grade. */
static int check_staff(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_staff_cfg *st = obj;
    const iapt_scenario *sc = root;
    int bad = 0;
    for (size_t k = 0; k < st->teams.n; k++) {
        const iapt_team_cfg *t = IAPT_ITEM(sc->workforce.teams, iapt_team_cfg, st->teams.ref[k]);
        if (iapt_team_post(t, st->grade.index) || st->teams.v[k] <= 0 || earlier_in_team(sc, st, st->grade.index, st->teams.ref[k]))
            continue;
        const void *where[] = {&st->teams.v[k], &t->posts, &st->grade};
        conf_error_among(ctx, where, NADDR(where),
                         "expected a post of grade \"%s\" in team \"%s\" for these staff (leavers are replaced "
                         "only into funded posts; give the team {grade: %s, wte: 0 wte} if none is funded), got none",
                         st->grade.name, t->name, st->grade.name);
        bad = 1;
    }
    return bad ? -1 : 0;
}

static const conf_schema staff_schema = SCHEMA("staff", iapt_staff_cfg, staff_fields, check_staff,
                                               "Qualified staff in post at the start, in groups of alike people.");

static int check_programme(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_programme_cfg *p = obj;
    (void)root;
    if (p->intake_months.n == 0) {
        conf_error_at(ctx, &p->intake_months, "expected at least one intake month, e.g. [9, 1], got an empty list");
        return -1;
    }
    if (p->supervision > 0 && p->supervisors.n == 0) {
        const void *both[] = {&p->supervisors, &p->supervision};
        char a[64];
        conf_error_among(ctx, both, NADDR(both),
                         "expected the grades that supervise these trainees (each needs %s of supervision), got an "
                         "empty list",
                         qty(CONF_U_HOURS_PER_WEEK, p->supervision, a));
        return -1;
    }
    return 0;
}

static const conf_field programme_fields[] = {
    STR(iapt_programme_cfg, "name", name, NAME, NULL, "hit_training", "programme name"),
    REF(iapt_programme_cfg, "grade", grade, "workforce.grades", REQ, NULL, "hit", "grade trainees qualify into"),
    NUM(iapt_programme_cfg, "duration", duration, CONF_U_WEEKS, 1, 3650, "52 weeks", "78 weeks",
        "length of training (one year: domain brief s.4)"),
    NUMLIST(iapt_programme_cfg, "intake_months", intake_months, CONF_U_NONE, 1, 12, CONF_F_INTEGER, "[9, 1]", "[10]",
            "calendar months of intakes (September and January: domain brief s.4)"),
    INT(iapt_programme_cfg, "intake_day", intake_day, 1, 31, "1", "15",
        "day of the month intakes start; in a month without that day, its last day (31 = the last day of "
        "every intake month)"),
    DAYS(iapt_programme_cfg, "university_days", university_days, "[tue]", "[mon, tue]",
         "weekdays at university (PWP about 1, HIT about 2: domain brief s.4)"),
    NUM(iapt_programme_cfg, "caseload_factor", caseload_factor, CONF_U_FRACTION, 0, 1, "50%", "40%",
        "caseload places as a share of a qualified clinician's (about half: domain brief s.4)"),
    BOOL(iapt_programme_cfg, "excludes_complex", excludes_complex, "true", "false",
         "trainees may not take complex cases (a pathway's complex_share, or every case of a complex pathway): "
         "'not equivalent' backfill (domain brief s.4)"),
    BOOL(iapt_programme_cfg, "excludes_ltc", excludes_ltc, "true", "false",
         "trainees may not take cases of LTC pathways that need top-up training (needs_ltc_skill); false = the "
         "course covers LTC work (ASSUMPTION: a programme planned for an LTC service): trainees take those cases "
         "as top-up trained staff do, with their outcomes, and qualify with the skill. Either way a trainee "
         "qualifying into a team whose recruits_ltc_skill is true has it from then on"),
    NUM(iapt_programme_cfg, "supervision", supervision, CONF_U_HOURS_PER_WEEK, 0, 40, "2 hours per week",
        "3 hours per week", "supervision each trainee needs (assumption: more than 1 hour a week)"),
    REFLIST(iapt_programme_cfg, "supervisors", supervisors, "workforce.grades", "[]", "[hit, senior]",
            "grades whose qualified staff supervise these trainees"),
    PCT(iapt_programme_cfg, "supervision_to_qualify", supervision_to_qualify, "100%", "75%",
        "share of the required supervision a trainee must get for a day of training to count in full towards "
        "qualifying; with less, a day counts in proportion (cover / this share), so qualifying waits for the "
        "days lost, and with none it never comes (reported as training_days_lost); 0% = supervision never "
        "delays qualifying. ASSUMPTION: only supervised practice counts towards qualifying"),
    PCT(iapt_programme_cfg, "attrition", attrition, "10%", "15%", "share leaving during training (assumption)"),
    PCT(iapt_programme_cfg, "retention", retention, "90%", "80%",
        "share of those qualifying who stay in the service (assumption)"),
    BOOL(iapt_programme_cfg, "hold_vacancies", hold_vacancies, "true", "false",
         "vacancies of the grade in the team funding the places are held for trainees who will fill them on "
         "qualifying (cohorts without new posts), not recruited to from outside (ASSUMPTION: services keep "
         "posts for their own trainees)"),
    NUM(iapt_programme_cfg, "salary", salary, CONF_U_GBP_PER_YEAR, 0, 1e7, "£30,000 per year", "£33,000 per year",
        "trainee salary (assumption)"),
};
static const conf_schema programme_schema = SCHEMA("programme", iapt_programme_cfg, programme_fields,
                                                   check_programme, "A training programme (PWP or HIT training).");

sim_date iapt_first_intake(const iapt_programme_cfg *p, sim_date approved)
{
    int y, m, d;
    sim_date_to_ymd(approved, &y, &m, &d);
    sim_date best = INT32_MAX;
    for (size_t i = 0; i < p->intake_months.n; i++) {
        int month = (int)p->intake_months.v[i];
        for (int yy = y; yy <= y + 1; yy++) {
            int day = (int)p->intake_day;
            while (day > 28 && !sim_date_valid(yy, month, day))
                day--;
            if (!sim_date_valid(yy, month, day)) /* a year outside 1..9999 */
                continue;
            sim_date cand = sim_date_from_ymd(yy, month, day);
            if (cand >= approved && cand < best)
                best = cand;
        }
    }
    return best;
}

sim_date iapt_cohort_start(const iapt_programme_cfg *p, const iapt_cohort_cfg *k)
{
    sim_date intake = iapt_first_intake(p, k->approved);
    if (k->late <= 0 || intake == INT32_MAX)
        return intake;
    return iapt_first_intake(p, intake + (sim_date)ceil(k->late)); /* late is at most 3650 days */
}

/* Training that would start after the run is almost certainly a mistake (an
 * approval after the run's end is reported by the window check). */
static int check_cohort(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_cohort_cfg *k = obj;
    const iapt_scenario *sc = root;
    sim_date first, last;
    if (!conf_ctx_window(ctx, &first, &last) || k->approved > last)
        return 0;
    const iapt_programme_cfg *p = IAPT_ITEM(sc->workforce.programmes, iapt_programme_cfg, k->programme.index);
    if (conf_item_failed(ctx, p)) /* e.g. no intake months: no intake date to check */
        return 0;
    sim_date intake = iapt_first_intake(p, k->approved), starts = iapt_cohort_start(p, k);
    if (starts <= last)
        return 0;
    const void *where[] = {&k->approved, &k->late, &p->intake_months};
    char a[16], b[16], c[16], d[16], e[16], l[64], w[120] = "";
    if (k->late > 0)
        snprintf(w, sizeof w, ", and places %s late join the intake of %s", qty(CONF_U_WEEKS, k->late, l),
                 starts == INT32_MAX ? "none" : day_text(starts, e));
    conf_error_among(ctx, where, NADDR(where),
                     "expected places approved in time to start training within the run (%s to %s), got approved "
                     "%s: the next intake is %s%s",
                     day_text(first, a), day_text(last, b), day_text(k->approved, c), day_text(intake, d), w);
    return -1;
}

static const conf_field cohort_fields[] = {
    STR(iapt_cohort_cfg, "name", name, NAME, NULL, "ltc_backfill", "cohort name"),
    REF(iapt_cohort_cfg, "programme", programme, "workforce.programmes", REQ, NULL, "hit_training", "programme"),
    REF(iapt_cohort_cfg, "team", team, "workforce.teams", REQ, NULL, "core", "team funding the places"),
    INT(iapt_cohort_cfg, "size", size, 0, 100000, "1", "4", "training places"),
    NUM(iapt_cohort_cfg, "wte", wte, CONF_U_WTE, 0.01, 1.5, "1 wte", "0.8 wte", "WTE of each trainee"),
    DATE(iapt_cohort_cfg, "approved", approved, REQ | CONF_F_RUN_END, NULL, "2027-06-15",
         "date the places were approved; training starts at the first intake on or after it (the training delay)"),
    NUM(iapt_cohort_cfg, "late", late, CONF_U_WEEKS, 0, 3650, "0 days", "8 weeks",
        "places arriving this long after the intake they were meant for; training starts only at intakes, so "
        "they join the programme's first intake on or after the day they arrive (6 months late after a "
        "September intake, with intakes in September and January: the next September)"),
    REF(iapt_cohort_cfg, "seconded_from", seconded_from, "workforce.grades", 0, NULL, "pwp",
        "trainees are qualified staff of this grade seconded from the team (their posts fall vacant)"),
    BOOL(iapt_cohort_cfg, "new_posts", new_posts, "true", "false",
         "qualifiers take new funded posts (expansion, backfill); false = they fill vacancies, or leave if none"),
};
static const conf_schema cohort_schema = SCHEMA("cohort", iapt_cohort_cfg, cohort_fields, check_cohort,
                                                "A cohort of trainees.");

/* The last day of top-up course t as the model places its days: each on
 * a day the service works (`working` weekdays; a day it does not moves to
 * the next day it does), the first on or after the start, each later one
 * on or after `every` days after the one before. */
static sim_date topup_last_day(const iapt_topup_cfg *t, unsigned working)
{
    sim_date d = t->start, day = t->start;
    for (long i = 0; i < t->days && working; i++, d += (sim_date)t->every) {
        while (!((working >> sim_date_weekday(d)) & 1u))
            d++;
        day = d;
    }
    return day;
}

/* Course days are whole days apart, and the whole course lies within the
 * run (its first day is checked against the window by the loader). */
static int check_topup(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_topup_cfg *t = obj;
    const iapt_scenario *sc = root;
    if (t->every < 1 || floor(t->every) != t->every) {
        char a[64];
        conf_error_at(ctx, &t->every, "expected a whole number of days >= 1, got %s", qty(CONF_U_DAYS, t->every, a));
        return -1;
    }
    sim_date first, last, end;
    if (!conf_ctx_window(ctx, &first, &last) || t->start < first || t->start > last ||
        (end = topup_last_day(t, sc->service.working_days & 0x7fu)) <= last)
        return 0;
    const void *where[] = {&t->start, &t->days, &t->every};
    char a[16], b[16], c[16], d[16], e[64];
    conf_error_among(ctx, where, NADDR(where),
                     "expected the course to end within the run (%s to %s), got its last day on %s (%ld working "
                     "days, every %s, from %s)",
                     day_text(first, a), day_text(last, b), day_text(end, c), t->days, qty(CONF_U_DAYS, t->every, e),
                     day_text(t->start, d));
    return -1;
}

static const conf_field topup_fields[] = {
    STR(iapt_topup_cfg, "name", name, NAME, NULL, "hit_topup_2027", "course name"),
    REFLIST(iapt_topup_cfg, "grades", grades, "workforce.grades", "[]", "[hit]", "grades that attend"),
    REFLIST(iapt_topup_cfg, "teams", teams, "workforce.teams", "[]", "[core]",
            "only staff with time in these teams attend, most time in them first; [] = the teams serving an LTC "
            "pathway (places nobody there can take go unused; name core to train core staff before they "
            "move)"),
    DATE(iapt_topup_cfg, "start", start, REQ | CONF_F_IN_RUN, NULL, "2027-05-03",
         "first course day (on a day the service does not work, the next day it does); the whole course, to its "
         "last day, lies within the run"),
    INT(iapt_topup_cfg, "days", days, 1, 365, "5", "10",
        "course days, each a working day of the service (`service.working_days`: a 5-day course from a Friday "
        "runs Friday to Thursday); about 5 for PWPs, 10 for HITs: domain brief s.2"),
    NUM(iapt_topup_cfg, "every", every, CONF_U_DAYS, 1, 365, "1 day", "7 days",
        "days from one course day to the next (1 = consecutive working days, 7 = one day a week); one that "
        "falls on a day the service does not work moves to the next day it does"),
    NUM(iapt_topup_cfg, "notice", notice, CONF_U_WEEKS, 0, 520, "4 weeks", "6 weeks",
        "attendees are chosen (and their diaries cleared of course days) this long before the first day "
        "(ASSUMPTION)"),
    INT(iapt_topup_cfg, "places", places, 0, 100000, "10", "6", "places on the course"),
};
static const conf_schema topup_schema = SCHEMA("topup", iapt_topup_cfg, topup_fields, check_topup,
                                               "An LTC top-up course for qualified staff.");

/* WTE of grade g that team `team` funds on date d as the scenario states
 * it: its posts, plus and less what the transfers before `self` moved (on
 * an earlier date, or on d and earlier in the list). New posts that
 * cohorts bring depend on who qualifies and are not counted. */
static double funded_on(const iapt_scenario *sc, int team, int g, sim_date d, const iapt_transfer_cfg *self)
{
    const iapt_team_cfg *tc = IAPT_ITEM(sc->workforce.teams, iapt_team_cfg, team);
    const iapt_post_cfg *pc = iapt_team_post(tc, g);
    double w = pc ? sim_sched_at(&pc->wte, (double)d) : 0;
    for (size_t i = 0; i < sc->workforce.transfers.n; i++) {
        const iapt_transfer_cfg *o = IAPT_ITEM(sc->workforce.transfers, iapt_transfer_cfg, i);
        if (o->grade.index != g || !(o->date < d || (o->date == d && o < self)))
            continue;
        w += (o->to.index == team ? o->wte : 0) - (o->from.index == team ? o->wte : 0);
    }
    return w;
}

/* A backfill cohort makes up the WTE moved with posts of the grade its
 * trainees qualify into, so it must train for the grade moved: HITs
 * backfilled by PWP posts would change the team's skill mix unseen. A
 * planner who means to do that moves the HITs without backfill and funds
 * a PWP cohort with new posts. */
static int check_backfill_grade(conf_ctx *ctx, const iapt_transfer_cfg *t, const iapt_scenario *sc,
                                const iapt_cohort_cfg *k)
{
    if (k->programme.index < 0 || t->grade.index < 0)
        return 0;
    const iapt_programme_cfg *p = IAPT_ITEM(sc->workforce.programmes, iapt_programme_cfg, k->programme.index);
    if (p->grade.index == t->grade.index)
        return 0;
    const void *both[] = {&t->backfill, &t->grade};
    conf_error_among(ctx, both, NADDR(both),
                     "expected a cohort training for the grade moved, \"%s\" (backfill posts are of the grade its "
                     "trainees qualify into; to replace %s with another grade, move them without backfill and give "
                     "a cohort of that grade new_posts: true), got \"%s\", training for \"%s\"",
                     t->grade.name, t->grade.name, k->name, p->grade.name);
    return -1;
}

static int check_transfer(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_transfer_cfg *t = obj;
    const iapt_scenario *sc = root;
    if (t->from.index == t->to.index) {
        const void *both[] = {&t->from, &t->to};
        conf_error_among(ctx, both, NADDR(both), "expected different teams in from and to, got \"%s\" for both",
                         t->to.name);
        return -1;
    }
    double funded = funded_on(sc, t->from.index, t->grade.index, t->date, t);
    if (t->wte > funded + 1e-9) {
        const void *where[] = {&t->wte, &t->date, &t->from, &t->grade};
        char a[64], b[64], d[16];
        conf_error_among(ctx, where, NADDR(where),
                         "expected no more WTE than team \"%s\" funds for %s on %s (%s: its posts, after earlier "
                         "transfers), got %s",
                         t->from.name, t->grade.name, day_text(t->date, d), qty(CONF_U_WTE, fmax(0, funded), a),
                         qty(CONF_U_WTE, t->wte, b));
        return -1;
    }
    const iapt_cohort_cfg *k =
        t->backfill.index >= 0 ? IAPT_ITEM(sc->workforce.cohorts, iapt_cohort_cfg, t->backfill.index) : NULL;
    if (k && k->team.index != t->from.index) {
        const void *both[] = {&t->backfill, &t->from};
        conf_error_among(ctx, both, NADDR(both),
                         "expected a cohort funded by team \"%s\" (the team staff move from), got \"%s\", funded by "
                         "team \"%s\"",
                         t->from.name, k->name, k->team.name);
        return -1;
    }
    return k ? check_backfill_grade(ctx, t, sc, k) : 0;
}

static const conf_field transfer_fields[] = {
    DATE(iapt_transfer_cfg, "date", date, REQ | CONF_F_IN_RUN, NULL, "2027-04-01", "day of the move"),
    REF(iapt_transfer_cfg, "grade", grade, "workforce.grades", REQ, NULL, "hit", "grade moved"),
    NUMF(iapt_transfer_cfg, "wte", wte, CONF_U_WTE, 0.01, 1e5, REQ, NULL, "3 wte",
         "WTE moved (with its funding): at most what `from` funds for the grade on the date (its posts, after "
         "earlier transfers); staff move, top-up trained first, up to what is in post"),
    REF(iapt_transfer_cfg, "from", from, "workforce.teams", REQ, NULL, "core", "team they leave"),
    REF(iapt_transfer_cfg, "to", to, "workforce.teams", REQ, NULL, "ltc", "team they join"),
    REF(iapt_transfer_cfg, "backfill", backfill, "workforce.cohorts", 0, NULL, "ltc_backfill",
        "cohort funded to replace them in `from`: its qualifiers take new posts there, up to the WTE moved (by "
        "every transfer naming the cohort, together); it must train for the grade moved"),
};
static const conf_schema transfer_schema = SCHEMA("transfer", iapt_transfer_cfg, transfer_fields, check_transfer,
                                                  "A scheduled move of staff from one team to another.");

/* Staff in post on the first day fit in the posts their teams fund then:
 * more is an establishment the scenario does not fund, most likely a
 * mistake (a cut in funding is a later step in the post's `wte`). A post
 * of 0 wte then says the team funds none on purpose: its staff are
 * unfunded and not replaced when they leave. Teams with no post of the
 * grade are left to check_staff. One pass over the staff groups, summing
 * WTE by team and grade. 1 if any team and grade is over. */
static int check_establishment(conf_ctx *ctx, const iapt_workforce_cfg *w)
{
    sim_date first, last;
    size_t nt = w->teams.n, ng = w->grades.n;
    if (!conf_ctx_window(ctx, &first, &last) || !nt || !ng)
        return 0;
    double *in_post = calloc(nt * ng, sizeof *in_post);
    const iapt_staff_cfg **by = calloc(nt * ng, sizeof *by); /* the last group adding to each */
    for (size_t i = 0; in_post && by && i < w->staff.n; i++) {
        const iapt_staff_cfg *st = IAPT_ITEM(w->staff, iapt_staff_cfg, i);
        for (size_t k = 0; k < st->teams.n; k++) {
            if (st->teams.v[k] <= 0)
                continue;
            size_t at = (size_t)st->teams.ref[k] * ng + (size_t)st->grade.index;
            in_post[at] += (double)st->count * st->wte * st->teams.v[k];
            by[at] = st;
        }
    }
    int bad = 0;
    for (size_t t = 0; in_post && by && t < nt; t++) {
        const iapt_team_cfg *tc = IAPT_ITEM(w->teams, iapt_team_cfg, t);
        for (size_t g = 0; g < ng; g++) {
            const iapt_post_cfg *pc = iapt_team_post(tc, (int)g);
            double funded = pc ? sim_sched_at(&pc->wte, first) : 0, have = in_post[t * ng + g];
            if (!pc || funded == 0 || have <= funded + 1e-9)
                continue;
            const iapt_staff_cfg *st = by[t * ng + g];
            const void *where[] = {&pc->wte, &st->teams, &st->count};
            char a[64], b[64], d[16];
            conf_error_among(ctx, where, NADDR(where),
                             "expected no more staff in post than funded posts on the run's first day, got %s of %s "
                             "in post in team \"%s\" against %s funded on %s",
                             qty(CONF_U_WTE, have, a), pc->grade.name, tc->name, qty(CONF_U_WTE, funded, b),
                             day_text(first, d));
            bad = 1;
        }
    }
    free(in_post);
    free(by);
    return bad;
}

/* Staff sets are 64-bit masks in the model; programmes index a small table. */
static int check_workforce(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_workforce_cfg *w = obj;
    (void)root;
    int bad = 0;
    if (w->grades.n > 64) {
        conf_error_at(ctx, &w->grades, "expected at most 64 grades, got %zu", w->grades.n);
        bad = 1;
    }
    if (w->teams.n > 64) {
        conf_error_at(ctx, &w->teams, "expected at most 64 teams, got %zu", w->teams.n);
        bad = 1;
    }
    if (w->programmes.n > 16) {
        conf_error_at(ctx, &w->programmes, "expected at most 16 training programmes, got %zu", w->programmes.n);
        bad = 1;
    }
    if (!bad)
        bad = check_establishment(ctx, w);
    return bad ? -1 : 0;
}

static const conf_field workforce_fields[] = {
    LIST(iapt_workforce_cfg, "grades", grades, grade_schema, 0, "staff grades"),
    LIST(iapt_workforce_cfg, "teams", teams, team_schema, REQ | CONF_F_NONEMPTY, "teams and their funded posts"),
    LIST(iapt_workforce_cfg, "staff", staff, staff_schema, 0, "staff in post at the start"),
    LIST(iapt_workforce_cfg, "programmes", programmes, programme_schema, 0, "training programmes"),
    LIST(iapt_workforce_cfg, "cohorts", cohorts, cohort_schema, 0, "trainee cohorts"),
    LIST(iapt_workforce_cfg, "topups", topups, topup_schema, 0, "LTC top-up courses"),
    LIST(iapt_workforce_cfg, "transfers", transfers, transfer_schema, 0, "moves between teams"),
};
static const conf_schema workforce_schema = SCHEMA("workforce", iapt_workforce_cfg, workforce_fields, check_workforce,
                                                   "Grades, teams, staff, training and moves.");

/* ---- sites --------------------------------------------------------------------- */

static int check_site(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_site_cfg *x = obj;
    (void)root;
    if (!x->days) {
        conf_error_at(ctx, &x->days, "expected at least one day the rooms are open, got an empty list");
        return -1;
    }
    return 0;
}

static const conf_field site_fields[] = {
    STR(iapt_site_cfg, "name", name, NAME, NULL, "riverside_surgery", "site name"),
    ENUM(iapt_site_cfg, "kind", kind, site_kinds, "community", "gp",
         "GP practice, hospital clinic or community base: a label for reports (IAPT-LTC staff worked in GP, "
         "hospital and community settings: domain brief s.4)"),
    SCHED(iapt_site_cfg, "rooms", rooms, CONF_U_NONE, 0, 1000, CONF_F_RUN_END, "1", "[0, {at: 2027-10-01, value: 2}]",
          "rooms available on an open day; steps and ramps by date, so rooms can be secured from a date and "
          "withdrawn later (securing rooms delayed early LTC sites, and some promised rooms were withdrawn: "
          "domain brief s.4); a fraction is part of the hours"),
    DAYS(iapt_site_cfg, "days", days, "[mon, tue, wed, thu, fri]", "[tue, thu]", "weekdays the rooms are available"),
    NUM(iapt_site_cfg, "hours", hours_min, CONF_U_MINUTES, 1, 1440, "8 hours", "4 hours",
        "hours each room is available on an open day (ASSUMPTION: a working day)"),
    NUM(iapt_site_cfg, "cost", cost, CONF_U_GBP_PER_HOUR, 0, 1e5, "£0 per hour", "£25 per hour",
        "cost per room hour charged (some GPs charged for rooms: domain brief s.4; the amount is an ASSUMPTION)"),
    ENUM(iapt_site_cfg, "charge", charge, room_charges, "available", "booked",
         "which room hours are charged: every hour available (a room held for the service), or only hours "
         "booked (paid per session used, as some GP practices charge)"),
    NUM(iapt_site_cfg, "notice", notice, CONF_U_WEEKS, 0, 520, "4 weeks", "2 weeks",
        "a change in rooms is known this long before it happens: until then later days are booked as if the "
        "rooms then known carry on; when a withdrawal becomes known, face-to-face appointments beyond the "
        "rooms left move to later days (ASSUMPTION)"),
};
static const conf_schema site_schema = SCHEMA("site", iapt_site_cfg, site_fields, check_site,
                                              "A co-location site: rooms for face-to-face appointments on given "
                                              "weekdays, over time, and their cost.");

/* ---- starting state ---------------------------------------------------------- */

/* had_step2 says something only of people at step 3: elsewhere nobody has
 * had a step 2 course, so the value is 0% (the default there, so that
 * what `show` prints loads again), and anything else is a mistake. */
static int check_had_step2(conf_ctx *ctx, double *had, int step3, const char *got)
{
    if (step3 || *had == 0)
        return 0;
    if (conf_from_default(ctx, had)) {
        *had = 0;
        return 0;
    }
    conf_error_at(ctx, had, "expected had_step2 only for people at step 3 (the share who had a step 2 course "
                            "first; 0%% elsewhere), got %g%% for %s", 100 * *had, got);
    return -1;
}

static int check_waiting(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_waiting_cfg *w = obj;
    (void)root;
    char got[32];
    snprintf(got, sizeof got, "stage %s", stages[w->stage]);
    return check_had_step2(ctx, &w->had_step2, w->stage == IAPT_STAGE_STEP3, got);
}

/* Default share of day-one step 3 lists and caseloads who had step 2
 * first (the keys' doc says where it comes from). */
#define HAD_STEP2_DOC                                                                                                 \
    "share of these people who had a course at step 2 first (stepped up, or planned step 2 then 3): they have "     \
    "already entered treatment (their first step 3 session is not counted as entering it) and count as low then "  \
    "high intensity when they finish; step 3 only (elsewhere 0%, the default there). ASSUMPTION: 44%, the share "  \
    "of people joining the step 3 list from step 2 in scenarios/default.yaml, calibrated to the national split "   \
    "(35/39/26%, domain brief s.4)"

static const conf_field waiting_fields[] = {
    REF(iapt_waiting_cfg, "pathway", pathway, "pathways", REQ | KEY, NULL, "core", "pathway"),
    ENUMF(iapt_waiting_cfg, "stage", stage, stages, KEY, "assessment", "step2",
          "what they wait for; one item per pathway and stage"),
    INT(iapt_waiting_cfg, "count", count, 0, 10000000, "0", "250", "people waiting"),
    DIST(iapt_waiting_cfg, "waited", waited, CONF_U_DAYS, 0, 3650, 0, "0 days",
         "{dist: uniform, min: 0 days, max: 12 weeks}",
         "how long each has already waited (age of wait; for people who had step 2, since they were stepped up)"),
    PCT(iapt_waiting_cfg, "had_step2", had_step2, "44%", "60%", HAD_STEP2_DOC),
};
static const conf_schema waiting_schema = SCHEMA("waiting", iapt_waiting_cfg, waiting_fields, check_waiting,
                                                 "People already waiting when the run starts.");

static int check_treating(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_treating_cfg *t = obj;
    (void)root;
    char got[32];
    snprintf(got, sizeof got, "step %ld", (long)t->step);
    return check_had_step2(ctx, &t->had_step2, t->step == 3, got);
}

static const conf_field treating_fields[] = {
    REF(iapt_treating_cfg, "pathway", pathway, "pathways", REQ | KEY, NULL, "core", "pathway"),
    INTF(iapt_treating_cfg, "step", step, 2, 3, KEY, "2", "3", "step (2 or 3); one item per pathway and step"),
    INT(iapt_treating_cfg, "count", count, 0, 10000000, "0", "120", "people in treatment"),
    DIST(iapt_treating_cfg, "sessions_done", sessions_done, CONF_U_NONE, IAPT_MIN_SESSIONS, IAPT_MAX_SESSIONS, 0, "2",
         "{dist: uniform, min: 1, max: 5}", "sessions each has already attended"),
    DIST(iapt_treating_cfg, "waited", waited, CONF_U_DAYS, 0, 3650, 0, "21 days", "35 days",
         "referral to first session, for each"),
    PCT(iapt_treating_cfg, "had_step2", had_step2, "44%", "60%", HAD_STEP2_DOC),
};
static const conf_schema treating_schema = SCHEMA("treating", iapt_treating_cfg, treating_fields, check_treating,
                                                  "People already in treatment when the run starts.");

static const conf_field start_fields[] = {
    LIST(iapt_start_cfg, "waiting", waiting, waiting_schema, 0, "the waiting list on day one"),
    LIST(iapt_start_cfg, "treating", treating, treating_schema, 0, "the caseload on day one"),
};
static const conf_schema start_schema = SCHEMA("start", iapt_start_cfg, start_fields, NULL,
                                               "The service as it is on the first day.");

/* ---- root -------------------------------------------------------------------- */

/* The longest face-to-face appointment of pathway pc, in whole minutes as
 * the model books them, and what it is (into what[]); 0 if none. */
static long longest_face_to_face(const iapt_scenario *sc, const iapt_pathway_cfg *pc, char *what, size_t n)
{
    long best = 0;
    if (pc->assessment.grade.index >= 0 && pc->assessment.face_to_face > 0) {
        best = (long)floor(pc->assessment.duration_min + 0.5);
        snprintf(what, n, "its assessment");
    }
    for (int s = 0; s < IAPT_NSTEPS; s++)
        for (size_t i = 0; i < sc->steps[s].modalities.n; i++) {
            const iapt_modality_cfg *m = IAPT_ITEM(sc->steps[s].modalities, iapt_modality_cfg, i);
            if (iapt_face_to_face(m) <= 0)
                continue;
            double session = m->kind == IAPT_MOD_GROUP ? m->session_min
                                                       : fmax(m->first_min, m->session_min) * pc->session_factor;
            long need = (long)floor(session + m->admin_min + 0.5);
            if (need > best) {
                best = need;
                snprintf(what, n, "a step %d %s session", s + 2, m->name);
            }
        }
    return best;
}

/* Every site a pathway names must have room hours for its longest
 * face-to-face appointment (else those appointments could never be held). */
static int check_site_hours(conf_ctx *ctx, const iapt_scenario *sc)
{
    int bad = 0;
    for (size_t p = 0; p < sc->pathways.n; p++) {
        const iapt_pathway_cfg *pc = IAPT_ITEM(sc->pathways, iapt_pathway_cfg, p);
        char what[160];
        long need = pc->sites.n ? longest_face_to_face(sc, pc, what, sizeof what) : 0;
        for (size_t k = 0; k < pc->sites.n && need > 0; k++) {
            const iapt_site_cfg *x = IAPT_ITEM(sc->sites, iapt_site_cfg, pc->sites.ref[k]);
            if (pc->sites.v[k] <= 0 || (double)need <= x->hours_min)
                continue;
            const void *where[] = {&x->hours_min, &pc->sites};
            char a[64], b[64];
            conf_error_among(ctx, where, NADDR(where),
                             "expected the rooms of site \"%s\" to be open long enough for the longest face-to-face "
                             "appointment of pathway \"%s\", %s (%s), got %s a day",
                             x->name, pc->name, what, qty(CONF_U_MINUTES, (double)need, a),
                             qty(CONF_U_MINUTES, x->hours_min, b));
            bad = 1;
        }
    }
    return bad;
}

/* Weekdays of mask as "mon, tue" into buf. */
static const char *days_text(unsigned mask, char buf[40])
{
    static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    buf[0] = '\0';
    for (int i = 0; i < 7; i++)
        if (mask & (1u << i))
            snprintf(buf + strlen(buf), 40 - strlen(buf), "%s%s", buf[0] ? ", " : "", names[i]);
    return buf;
}

/* A site's rooms must be open on some clinic day (else no appointment
 * could ever be held there). */
static int check_site_days(conf_ctx *ctx, const iapt_scenario *sc)
{
    int bad = 0;
    for (size_t i = 0; i < sc->sites.n; i++) {
        const iapt_site_cfg *x = IAPT_ITEM(sc->sites, iapt_site_cfg, i);
        if (x->days & sc->service.working_days)
            continue;
        const void *both[] = {&x->days, &sc->service.working_days};
        char a[40], b[40];
        conf_error_among(ctx, both, NADDR(both),
                         "expected the rooms of site \"%s\" open on at least one clinic day (service.working_days: "
                         "%s), got [%s]",
                         x->name, days_text(sc->service.working_days, a), days_text(x->days, b));
        bad = 1;
    }
    return bad;
}

/* A large count for a message: "20.8", "640000", or "3.7e+43". */
static const char *count_text(double v, char buf[32])
{
    snprintf(buf, 32, v < 100 ? "%.3g" : v < 1e12 ? "%.0f" : "%.3g", v);
    return buf;
}

/* Referrals the run expects, all pathways together, within what a run can
 * hold (IAPT_MAX_RUN_REFERRALS): growth over a long time, seasonality and
 * shocks can take a stated rate far beyond the key's bound. Reports the
 * pathway expecting most, with its highest monthly rate. Costs a rate per
 * pathway and day, as preparing the model does. 1 if over. */
static int check_referral_total(conf_ctx *ctx, const iapt_scenario *sc)
{
    int32_t ndays = sc->run.end - sc->run.start + 1, worst = 0, peak_day = 0;
    double total = 0, worst_sum = -1, peak = 0;
    for (int32_t p = 0; p < (int32_t)sc->pathways.n; p++) {
        double sum = 0, top = -1;
        int32_t top_day = 0;
        for (int32_t d = 0; d < ndays; d++) {
            double r = iapt_pathway_rate(sc, p, d);
            sum += r;
            if (r > top || isnan(r))
                top = r, top_day = d;
        }
        total += sum;
        if (sum > worst_sum || isnan(sum))
            worst_sum = sum, worst = p, peak = top, peak_day = top_day;
    }
    if (total <= IAPT_MAX_RUN_REFERRALS)
        return 0;
    const iapt_pathway_cfg *pc = IAPT_ITEM(sc->pathways, iapt_pathway_cfg, worst);
    const void *where[] = {&pc->referrals, &pc->growth, &pc->growth_from, &sc->run.end};
    char d[16], t[32], r[32];
    _Static_assert(IAPT_MAX_RUN_REFERRALS == 20000000, "the message says 20 million");
    conf_error_among(ctx, where, NADDR(where),
                     "expected at most 20 million referrals over the run, all pathways together, once growth, "
                     "seasonality and shocks are applied (what a run can hold in memory), got %s million: pathway "
                     "\"%s\" reaches %s per month on %s",
                     count_text(total / 1e6, t), pc->name, count_text(peak * SIM_DAYS_PER_MONTH, r),
                     day_text(sc->run.start + peak_day, d));
    return 1;
}

/* Checks across sections, run once everything else has loaded cleanly. */
static int check_scenario(conf_ctx *ctx, void *obj, const void *root)
{
    iapt_scenario *sc = obj;
    (void)root;
    if (sc->sites.n > 1000) {
        conf_error_at(ctx, &sc->sites, "expected at most 1000 sites, got %zu", sc->sites.n);
        return -1;
    }
    int bad = check_site_hours(ctx, sc) | check_site_days(ctx, sc) | check_referral_total(ctx, sc);
    return bad ? -1 : 0;
}

static const conf_field root_fields[] = {
    STR(iapt_scenario, "name", name, 0, "\"unnamed scenario\"", "\"Core service with diabetes pathway\"",
        "scenario name"),
    STR(iapt_scenario, "description", description, 0, "\"\"", "\"What this variant tests\"",
        "what the scenario is for, and where its numbers come from"),
    STRUCT(iapt_scenario, "run", run, run_schema, "the simulated period and replications"),
    STRUCT(iapt_scenario, "service", service, service_schema, "the service as a whole"),
    LIST(iapt_scenario, "pathways", pathways, pathway_schema, REQ | CONF_F_NONEMPTY, "referral streams"),
    LIST(iapt_scenario, "shocks", shocks, shock_schema, 0, "one-off changes in referrals"),
    {"steps", CONF_STRUCT, CONF_U_NONE, offsetof(iapt_scenario, steps), &steps_schema, NULL, NULL, UNB, 0, NULL,
     NULL, "stepped care"},
    STRUCT(iapt_scenario, "workforce", workforce, workforce_schema, "staff over time"),
    LIST(iapt_scenario, "sites", sites, site_schema, 0,
         "co-location sites with rooms for face-to-face appointments; none = no appointment needs a room"),
    STRUCT(iapt_scenario, "start", start, start_schema, "the starting waiting list and caseload"),
};

const conf_schema iapt_scenario_schema = SCHEMA(
    "scenario", iapt_scenario, root_fields, check_scenario,
    "A Talking Therapies service: demand, stepped care, workforce over time, and the starting state. A variant "
    "(`extends`, under Value syntax) changes the items of its base's lists by their keys: `workforce: {teams: "
    "[{name: core, posts: [{grade: hit, wte: 20 wte}]}]}` changes the core team's HIT post and keeps its other "
    "posts; a new name one slip from a base name (`pwq` beside `pwp`, `coer` beside `core`) is refused unless "
    "the item says `new: true`, while `pwp_2029` after `pwp_2028` is new.");

int iapt_scenario_load(conf_ctx *ctx, const char *path, iapt_scenario *sc)
{
    return conf_load_file(ctx, &iapt_scenario_schema, path, sc);
}

void iapt_scenario_free(iapt_scenario *sc) { conf_free(&iapt_scenario_schema, sc); }

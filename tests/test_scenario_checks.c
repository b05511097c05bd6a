/*
 * tests/test_scenario_checks.c: the IAPT schema's own rules
 * (models/scenario.c), each message checked word for word: the cross-field
 * checks, dates against the run, and variants of the shipped default that
 * change a distribution's kind or a map of shares through extends. The
 * fixtures in tests/data/scenario/ extend a small valid base.yaml; several
 * hold many independent problems at once, which must all be reported in
 * one pass.
 */
#include <criterion/criterion.h>

#include "conf_fixture.h"
#include "models/scenario.h"

TestSuite(scenario_checks, .init = fix_chdir_root);

#define D "tests/data/scenario/"

/* Loads path and compares every message (one per line) with expected. */
static void expect_file(const char *path, const char *expected)
{
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario sc;
    cr_assert_eq(iapt_scenario_load(ctx, path, &sc), -1, "%s loaded", path);
    char *got = fix_errors(ctx);
    cr_assert_str_eq(got, expected);
    free(got);
    conf_ctx_destroy(ctx);
}

/* Loads text as a file in dir (so `extends` is relative to it). 0 or -1;
 * the messages in *errs (malloc'd). */
static int load_text(const char *dir, const char *text, iapt_scenario *sc, char **errs)
{
    conf_ctx *ctx = conf_ctx_create();
    int r = conf_load_buffer(ctx, &iapt_scenario_schema, "variant.yaml", text, strlen(text), dir, sc);
    *errs = fix_errors(ctx);
    conf_ctx_destroy(ctx);
    return r;
}

/* A variant of scenarios/default.yaml that must fail with `expected`. */
static void expect_variant(const char *yaml, const char *expected)
{
    char text[4096], *errs;
    snprintf(text, sizeof text, "extends: default.yaml\n%s\n", yaml);
    iapt_scenario sc;
    cr_assert_eq(load_text("scenarios", text, &sc, &errs), -1, "%s loaded", yaml);
    cr_assert_str_eq(errs, expected);
    free(errs);
}

Test(scenario_checks, base_is_valid)
{
    conf_ctx *ctx = conf_ctx_create();
    iapt_scenario sc;
    int r = iapt_scenario_load(ctx, D "base.yaml", &sc);
    char *e = fix_errors(ctx);
    cr_assert_eq(r, 0, "%s", e);
    free(e);
    iapt_scenario_free(&sc);
    conf_ctx_destroy(ctx);
}

Test(scenario_checks, every_check_in_one_pass)
{
    expect_file(D "checks.yaml",
                D "checks.yaml:7:15: service.dropout_waiting[1].after: expected each `after` later than the one "
                  "before (6 weeks), got 4 weeks\n"
                D "checks.yaml:10:18: pathways[core].seasonality: expected 12 monthly factors (January to December), "
                  "got 11\n"
                D "checks.yaml:11:28: pathways[core].assessment.to_step2: expected to_step2 + to_step3 + "
                  "to_step2_then_3 + signposted to sum to 100%, got 60% + 30% + 0% + 20% = 110%\n"
                D "checks.yaml:16:18: pathways[other].seasonality: expected factors averaging 100% (within 0.5%), got "
                  "110%\n"
                D "checks.yaml:18:12: shocks[0].from: expected `to` on or after `from`, got from 2026-09-01 and to "
                  "2026-08-01\n"
                D "checks.yaml:21:22: steps.step2.core.recovery: expected recovery <= reliable_improvement (recovered "
                  "people are taken to have improved), got recovery 70% and reliable_improvement 60%\n"
                D "checks.yaml:23:34: steps.step2.modalities[group].group_min: expected group_min <= group_max, got "
                  "group_min 13 and group_max 12\n"
                D "checks.yaml:25:13: steps.step3.grades: expected at least one grade that treats at this step "
                  "(people are routed to it), got an empty list\n"
                D "checks.yaml:28:35: workforce.grades[pwp].clinical_hours: expected each session of the step 2 group "
                  "\"group\" to fit in one clinic day of a step 2 grade, got 255 min (240 min + 15 min admin) against "
                  "at most 120 min a day (pwp: 10 hours per week over 5 clinic days)\n"
                D "checks.yaml:30:55: workforce.programmes[pwp_training].intake_months: expected at least one intake "
                  "month, e.g. [9, 1], got an empty list\n"
                D "checks.yaml:31:41: workforce.programmes[hit_training].supervisors: expected the grades that "
                  "supervise these trainees (each needs 2 hours per week of supervision), got an empty list\n"
                D "checks.yaml:34:62: workforce.cohorts[late].approved: expected places approved in time to start "
                  "training within the run (2026-04-01 to 2027-03-31), got approved 2027-03-01: the next intake is "
                  "2027-09-01\n"
                D "checks.yaml:35:69: workforce.cohorts[late_places].approved: expected places approved in time to "
                  "start training within the run (2026-04-01 to 2027-03-31), got approved 2026-06-01: the next intake "
                  "is 2026-09-01, and places 20 weeks late join the intake of 2027-09-01\n"
                D "checks.yaml:37:32: workforce.topups[hit_topup].every: expected a whole number of days >= 1, got "
                  "1.5 days\n"
                D "checks.yaml:40:56: workforce.transfers[0].from: expected different teams in from and to, got "
                  "\"ltc\" for both\n"
                D "checks.yaml:41:81: workforce.transfers[1].backfill: expected a cohort funded by team \"ltc\" (the "
                  "team staff move from), got \"backfill\", funded by team \"core\"\n"
                D "checks.yaml:43:43: workforce.transfers[3].wte: expected no more WTE than team \"core\" funds for "
                  "hit on 2026-11-01 (1 wte: its posts, after earlier transfers), got 1.5 wte\n"
                D "checks.yaml:44:81: workforce.transfers[4].backfill: expected a cohort training for the grade "
                  "moved, \"pwp\" (backfill posts are of the grade its trainees qualify into; to replace pwp with "
                  "another grade, move them without backfill and give a cohort of that grade new_posts: true), got "
                  "\"backfill\", training for \"hit\"\n"
                D "checks.yaml:47:58: start.waiting[0].had_step2: expected had_step2 only for people at step 3 (the "
                  "share who had a step 2 course first; 0% elsewhere), got 50% for stage step2\n"
                D "checks.yaml:49:53: start.treating[0].had_step2: expected had_step2 only for people at step 3 (the "
                  "share who had a step 2 course first; 0% elsewhere), got 50% for step 2\n");
}

Test(scenario_checks, dates_against_the_run)
{
    /* Also: the two schedule errors (bind errors) hide none of the date
     * errors; a step before the start (history) and a shock ending on the
     * first day are fine. */
    expect_file(D "dates.yaml",
                D "dates.yaml:11:14: pathways[core].referrals[2].at: expected a date on or before the end of the run "
                  "(2026-04-01 to 2027-03-31), got 2027-06-01\n"
                D "dates.yaml:14:14: pathways[late].go_live: expected a date on or before the end of the run "
                  "(2026-04-01 to 2027-03-31), got 2027-04-01\n"
                D "dates.yaml:15:70: pathways[late].referrals[2]: expected one step per date, got a second step on "
                  "2026-06-01\n"
                D "dates.yaml:18:12: shocks[0].from: expected a date on or before the end of the run (2026-04-01 to "
                  "2027-03-31), got 2027-05-01\n"
                D "dates.yaml:19:28: shocks[1].to: expected a date on or after the start of the run (2026-04-01 to "
                  "2027-03-31), got 2026-03-31\n"
                D "dates.yaml:24:78: workforce.teams[ltc].posts[0].wte[2].at: expected a date on or before the end of "
                  "the run (2026-04-01 to 2027-03-31), got 2027-09-01\n"
                D "dates.yaml:26:73: workforce.teams[extra].posts[0].wte[2]: changes must be in date order and must "
                  "not overlap: this one starts on 2026-08-01, before the previous one ends on 2026-09-01\n"
                D "dates.yaml:28:72: workforce.cohorts[next_year].approved: expected a date on or before the end of "
                  "the run (2026-04-01 to 2027-03-31), got 2027-05-01\n"
                D "dates.yaml:30:32: workforce.topups[hit_topup].start: expected a date within the run (2026-04-01 to "
                  "2027-03-31), got 2026-02-02\n"
                D "dates.yaml:33:14: workforce.transfers[0].date: expected a date within the run (2026-04-01 to "
                  "2027-03-31), got 2027-04-01\n");
}

Test(scenario_checks, sites_and_where_appointments_happen)
{
    expect_file(D "sites.yaml",
                D "sites.yaml:5:29: sites[hub].days[1]: expected one of mon, tue, wed, thu, fri, sat, sun, got "
                  "\"tues\" (did you mean \"tue\"?)\n"
                D "sites.yaml:6:47: sites[riverside_surgery].days: expected at least one day the rooms are open, got "
                  "an empty list\n"
                D "sites.yaml:7:71: sites[clinic].rooms[1].value: expected a number between 0 and 1000, got \"-1\"\n"
                D "sites.yaml:7:83: sites[clinic].cost: expected an amount per hour such as £25 per hour, got \"£25 "
                  "per session\"\n"
                D "sites.yaml:10:23: pathways[core].sites.riverside_surgry: unknown site \"riverside_surgry\" (did "
                  "you mean \"riverside_surgery\"?)\n"
                D "sites.yaml:15:12: pathways[other].sites: shares must sum to 100%, got 80%\n"
                D "sites.yaml:19:37: steps.step2.modalities[group].face_to_face: expected 100% or none for a group "
                  "(group sessions meet in a room), got 40%\n");
}

Test(scenario_checks, site_rooms_open_long_enough)
{
    iapt_scenario sc;
    char *errs;
    /* The longest face-to-face appointment of core: a step 2 group session
     * of 240 min + 15 min admin (base.yaml). */
    cr_assert_eq(load_text(D,
                           "extends: base.yaml\nsites: [{name: hub, hours: 60 min}]\n"
                           "pathways: [{name: core, sites: {hub: 100%}}]\n",
                           &sc, &errs),
                 -1);
    cr_assert_str_eq(errs, "variant.yaml:2:28: sites[hub].hours: expected the rooms of site \"hub\" to be open long "
                           "enough for the longest face-to-face appointment of pathway \"core\", a step 2 group "
                           "session (255 min), got 60 min a day\n");
    free(errs);
    /* Without groups, the longest is step 3's first session, 90 min x the
     * pathway's session_factor + 15 min admin; the assessment only if it
     * is face to face. */
    cr_assert_eq(load_text(D,
                           "extends: base.yaml\nsites: [{name: hub, hours: 100 min}]\n"
                           "pathways: [{name: core, sites: {hub: 100%}, session_factor: 110%,\n"
                           "  assessment: {duration: 120 min}}]\n"
                           "steps: {step2: {modalities: [{name: gsh, share: 100%}, {name: group, remove: true}]}}\n",
                           &sc, &errs),
                 -1);
    cr_assert_str_eq(errs, "variant.yaml:2:28: sites[hub].hours: expected the rooms of site \"hub\" to be open long "
                           "enough for the longest face-to-face appointment of pathway \"core\", a step 3 cbt "
                           "session (114 min), got 100 min a day\n");
    free(errs);
    /* Remote courses and a site with no share need no room hours; an
     * empty map means no site. */
    cr_assert_eq(load_text(D,
                           "extends: base.yaml\nsites: [{name: hub, hours: 60 min}, {name: big}]\n"
                           "pathways: [{name: core, sites: {hub: 0%, big: 100%}}, {name: other, team: core, "
                           "referrals: 1 per month, sources: {self: 100%}, sites: {}}]\n",
                           &sc, &errs),
                 0, "%s", errs);
    free(errs);
    cr_assert_eq(IAPT_ITEM(sc.pathways, iapt_pathway_cfg, 1)->sites.n, 0);
    iapt_scenario_free(&sc);
}

Test(scenario_checks, wait_responses)
{
    /* Bounds (fall and floor 0% to 100%, per at least a day, a window of
     * whole days up to 52 weeks), one item per source, a required fall,
     * and a source the pathway has. */
    expect_file(D "wait_response.yaml",
                D "wait_response.yaml:7:28: pathways[core].wait_response[0].fall: expected a share between 0% and "
                  "100%, got \"120%\"\n"
                D "wait_response.yaml:7:41: pathways[core].wait_response[0].floor: expected a share between 0% and "
                  "100%, got \"150%\"\n"
                D "wait_response.yaml:8:42: pathways[core].wait_response[1].window: expected a whole number of days, "
                  "got 10.5 days\n"
                D "wait_response.yaml:9:9: pathways[core].wait_response[2]: expected one item per source, got a "
                  "second for \"gp\" (the first is at line 7)\n"
                D "wait_response.yaml:15:18: pathways[other].wait_response[0].source: expected one of the pathway's "
                  "sources (self), got \"gp\"\n"
                D "wait_response.yaml:21:9: pathways[third].wait_response[0]: missing required key \"fall\"\n"
                D "wait_response.yaml:21:29: pathways[third].wait_response[0].per: expected a duration between 1 day "
                  "and 520 weeks, got \"0 weeks\"\n"
                D "wait_response.yaml:21:46: pathways[third].wait_response[0].window: expected a duration between 1 "
                  "day and 52 weeks, got \"53 weeks\"\n"
                D "wait_response.yaml:21:63: pathways[third].wait_response[0].floor: expected a share between 0% and "
                  "100%, got \"-5%\"\n"
                D "wait_response.yaml:22:9: pathways[third].wait_response[1]: missing required key \"fall\"\n"
                D "wait_response.yaml:22:31: pathways[third].wait_response[1].measure: expected one of recent_wait, "
                  "waiting_list, got \"list\"\n"
                D "wait_response.yaml:22:43: pathways[third].wait_response[1].from: expected a duration such as 6 "
                  "weeks or 45 min, got \"6\"\n");
}

Test(scenario_checks, one_error_does_not_hide_another)
{
    expect_file(D "routing.yaml",
                D "routing.yaml:5:14: pathways[core].sources: shares must sum to 100%, got 110%\n"
                D "routing.yaml:6:28: pathways[core].assessment.to_step2: expected to_step2 + to_step3 + "
                  "to_step2_then_3 + signposted to sum to 100%, got 60% + 30% + 0% + 20% = 110%\n");
}

Test(scenario_checks, run_and_service)
{
    expect_file(D "run_order.yaml", D "run_order.yaml:2:12: run.end: expected the run to end on or after its start, "
                                      "got start 2026-04-01 and end 2026-01-01\n");
    expect_file(D "run_long.yaml", D "run_long.yaml:2:12: run.end: expected a run of at most 50 years (to 2076-03-31 "
                                     "at the latest), got 2026-04-01 to 2100-01-01 (73.8 years)\n");
    expect_file(D "no_days.yaml",
                D "no_days.yaml:2:25: service.working_days: expected at least one clinic day, got an empty list\n");
}

Test(scenario_checks, required_lists)
{
    iapt_scenario sc;
    char *errs;
    cr_assert_eq(load_text(D, "extends: base.yaml\npathways: []\nworkforce: {teams: []}\n", &sc, &errs), -1);
    cr_assert_str_eq(errs, "variant.yaml:2:11: pathways: expected at least one pathway, got an empty list\n"
                           "variant.yaml:3:20: workforce.teams: expected at least one team, got an empty list\n");
    free(errs);
    cr_assert_eq(load_text(D, "name: nothing\nservice: {prevalence: 10}\n", &sc, &errs), -1);
    cr_assert_str_eq(errs, "variant.yaml:1:1: run: missing required key \"start\"\n"
                           "variant.yaml:1:1: run: missing required key \"end\"\n"
                           "variant.yaml:1:1: missing required key \"pathways\"\n"
                           "variant.yaml:1:1: steps.step2: missing required key \"modalities\"\n"
                           "variant.yaml:1:1: steps.step3: missing required key \"modalities\"\n"
                           "variant.yaml:1:1: workforce: missing required key \"teams\"\n");
    free(errs);
    cr_assert_eq(load_text(D, "extends: base.yaml\nworkforce: {staff: [{replace: true}, {grade: pwp}]}\n", &sc, &errs),
                 -1);
    cr_assert_str_eq(errs, "variant.yaml:2:38: workforce.staff[0]: missing required key \"teams\"\n");
    free(errs);
}

Test(scenario_checks, a_broken_section_adds_no_noise)
{
    /* Nothing refers into a section that did not load, and no check reads it. */
    iapt_scenario sc;
    char *errs;
    cr_assert_eq(load_text(D, "extends: base.yaml\nworkforce: 3\nsteps: {step3: [1]}\n", &sc, &errs), -1);
    cr_assert_str_eq(errs, "variant.yaml:2:12: workforce: expected a mapping of keys, got \"3\"\n"
                           "variant.yaml:3:16: steps.step3: expected a mapping of keys, got a list\n");
    free(errs);
}

Test(scenario_checks, at_most_64_grades_and_teams)
{
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "extends: base.yaml\nworkforce:\n  grades:\n");
    for (int i = 0; i < 63; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "    - {name: g%d}\n", i);
    n += (size_t)snprintf(text + n, sizeof text - n, "  teams:\n");
    for (int i = 0; i < 63; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "    - {name: t%d}\n", i);
    iapt_scenario sc;
    char *errs;
    cr_assert_eq(load_text(D, text, &sc, &errs), -1);
    cr_assert_str_eq(errs, "variant.yaml:4:5: workforce.grades: expected at most 64 grades, got 65\n"
                           "variant.yaml:68:5: workforce.teams: expected at most 64 teams, got 65\n");
    free(errs);
}

/* ---- variants of the shipped default ---- */

Test(scenario_checks, variant_replaces_distributions_and_shares)
{
    const char *ok[] = {
        "workforce: {grades: [{name: pwp, recruitment: {dist: lognormal, mean: 90 days, sd: 20 days}}]}",
        "service: {first_appointment_lead: {dist: exponential, mean: 3 days}}",
        "steps: {step2: {modalities: [{name: guided_self_help, sessions: {dist: geometric, mean: 6}}]}}",
        "pathways: [{name: core, sources: {self: 60%, gp: 40%}}]",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char text[1024], *errs;
        snprintf(text, sizeof text, "extends: default.yaml\n%s\n", ok[i]);
        iapt_scenario sc;
        cr_assert_eq(load_text("scenarios", text, &sc, &errs), 0, "%s\n%s", ok[i], errs);
        free(errs);
        const iapt_grade_cfg *pwp = IAPT_ITEM(sc.workforce.grades, iapt_grade_cfg, 0);
        const iapt_modality_cfg *gsh = IAPT_ITEM(sc.steps[IAPT_STEP2].modalities, iapt_modality_cfg, 0);
        const iapt_pathway_cfg *core = IAPT_ITEM(sc.pathways, iapt_pathway_cfg, 0);
        if (i == 0)
            cr_assert_eq(pwp->recruitment.kind, SIM_DIST_LOGNORMAL);
        if (i == 1)
            cr_assert_eq(sc.service.first_lead.kind, SIM_DIST_EXPONENTIAL);
        if (i == 2)
            cr_assert_eq(gsh->sessions.kind, SIM_DIST_GEOMETRIC);
        if (i == 3) {
            cr_assert_eq(core->sources.n, 2, "the base's other sources are not kept");
            cr_assert_eq(core->sources.v[1], 0.4);
        }
        iapt_scenario_free(&sc);
    }
    expect_variant("steps: {step2: {modalities: [{name: guided_self_help, sessions: {dist: empirical, values: [4, "
                   "6]}}]}}",
                   "variant.yaml:2:65: steps.step2.modalities[guided_self_help].sessions: missing parameter "
                   "\"weights\" of an empirical distribution\n");
}

Test(scenario_checks, variant_messages)
{
    expect_variant("pathways: [{name: core, opt_in: 1, referrals: []}]",
                   "variant.yaml:2:33: pathways[core].opt_in: expected a share such as 12%, got \"1\" (the % sign is "
                   "required: did you mean 100% or 1%?)\n"
                   "variant.yaml:2:47: pathways[core].referrals: expected a rate such as 1200 per month or 300 per "
                   "week, or a list: the starting value, then changes, got an empty list\n");
    expect_variant("run: {end: 2027-02-29}", "variant.yaml:2:12: run.end: expected a date YYYY-MM-DD, got "
                                             "\"2027-02-29\" (February 2027 has 28 days)\n");
    expect_variant("pathways: [{name: copd, growth: 0% per year}]",
                   "variant.yaml:2:19: pathways[copd].name: no item named \"copd\" in the base scenario, so this is a "
                   "new item (did you mean \"core\"?)\n"
                   "variant.yaml:2:12: pathways[copd]: missing required key \"team\"\n"
                   "variant.yaml:2:12: pathways[copd]: missing required key \"referrals\"\n"
                   "variant.yaml:2:12: pathways[copd]: missing required key \"sources\"\n");
    expect_variant("pathways: [{name: cor, remove: true}]",
                   "variant.yaml:2:19: pathways[cor]: cannot remove \"cor\": the base scenario has no such item (did "
                   "you mean \"core\"?)\n");
    /* The error points at the value the variant changed, not at the base. */
    expect_variant("steps: {step2: {modalities: [{name: psychoeducation_group, group_max: 5}]}}",
                   "variant.yaml:2:71: steps.step2.modalities[psychoeducation_group].group_max: expected group_min <= "
                   "group_max, got group_min 7 and group_max 5\n");
    expect_variant("steps: {step2: {grades: []}}",
                   "variant.yaml:2:25: steps.step2.grades: expected at least one grade that treats at this step "
                   "(people are routed to it), got an empty list\n");
}

/* Loads a variant of scenarios/default.yaml that must load. */
static void load_variant(const char *yaml, iapt_scenario *sc)
{
    char text[4096], *errs;
    snprintf(text, sizeof text, "extends: default.yaml\n%s\n", yaml);
    cr_assert_eq(load_text("scenarios", text, sc, &errs), 0, "%s\n%s", yaml, errs);
    free(errs);
}

Test(scenario_checks, variant_lists_merge_by_key)
{
    /* One post changed: the team's other posts stay. */
    iapt_scenario sc;
    load_variant("workforce: {teams: [{name: core, posts: [{grade: pwp, wte: 21 wte}]}]}", &sc);
    const iapt_team_cfg *core = IAPT_ITEM(sc.workforce.teams, iapt_team_cfg, 0);
    cr_assert_eq(core->posts.n, 3);
    cr_assert_eq(IAPT_ITEM(core->posts, iapt_post_cfg, 0)->wte.base, 21);
    cr_assert_eq(IAPT_ITEM(core->posts, iapt_post_cfg, 1)->wte.base, 18, "hit kept");
    cr_assert_eq(IAPT_ITEM(core->posts, iapt_post_cfg, 2)->wte.base, 3, "senior kept");
    iapt_scenario_free(&sc);
    /* Waiting and treating entries merge on pathway and stage (step). */
    load_variant("start: {waiting: [{pathway: core, count: 5}], treating: [{pathway: core, step: 3, count: 7}]}", &sc);
    cr_assert_eq(sc.start.waiting.n, 3);
    cr_assert_eq(IAPT_ITEM(sc.start.waiting, iapt_waiting_cfg, 0)->count, 5, "the assessment list (stage default)");
    cr_assert_eq(IAPT_ITEM(sc.start.waiting, iapt_waiting_cfg, 2)->count, 160);
    cr_assert_eq(sc.start.treating.n, 2);
    cr_assert_eq(IAPT_ITEM(sc.start.treating, iapt_treating_cfg, 1)->count, 7);
    iapt_scenario_free(&sc);
    /* A pathway's wait responses merge on their source: one key changed
     * keeps the others; {source, remove: true} takes the response off. */
    char *errs;
    cr_assert_eq(load_text("scenarios",
                           "extends: understaffed-gp-response.yaml\n"
                           "pathways: [{name: core, wait_response: [{source: gp, fall: 10%}]}]\n",
                           &sc, &errs),
                 0, "%s", errs);
    free(errs);
    const conf_list *wr = &IAPT_ITEM(sc.pathways, iapt_pathway_cfg, 0)->wait_response;
    cr_assert_eq(wr->n, 1);
    cr_assert_eq(IAPT_ITEM(*wr, iapt_wait_response_cfg, 0)->fall, 0.10);
    cr_assert_eq(IAPT_ITEM(*wr, iapt_wait_response_cfg, 0)->floor, 0.5, "floor kept");
    iapt_scenario_free(&sc);
    cr_assert_eq(load_text("scenarios",
                           "extends: understaffed-gp-response.yaml\n"
                           "pathways: [{name: core, wait_response: [{source: gp, remove: true}]}]\n",
                           &sc, &errs),
                 0, "%s", errs);
    free(errs);
    cr_assert_eq(IAPT_ITEM(sc.pathways, iapt_pathway_cfg, 0)->wait_response.n, 0);
    iapt_scenario_free(&sc);
    /* Staff groups have no key: replaced whole, when the variant says so. */
    load_variant("workforce: {staff: [{replace: true}, {grade: pwp, count: 2, teams: {core: 100%}}]}", &sc);
    cr_assert_eq(sc.workforce.staff.n, 1);
    iapt_scenario_free(&sc);
    expect_variant("workforce: {staff: [{grade: pwp, count: 2, teams: {core: 100%}}]}",
                   "variant.yaml:2:20: workforce.staff: expected {replace: true} as the first item (the list replaces "
                   "the base scenario's list of 5 whole: staff items have no key to merge by), got a list without "
                   "it\n");
    expect_variant("workforce: {teams: [{name: core, posts: [{grade: hit, wte: 1 wte}, {grade: hit, wte: 2 wte}]}]}",
                   "variant.yaml:2:68: workforce.teams[core].posts[1]: expected one item per grade, got a second for "
                   "\"hit\" (the first is at line 2)\n");
    expect_variant("start: {waiting: [{pathway: core, stage: step9, remove: true}]}",
                   "variant.yaml:2:19: start.waiting[0]: cannot remove \"core\" and \"step9\": the base scenario has no "
                   "such item\n");
}

Test(scenario_checks, variant_misspelt_names)
{
    expect_variant("workforce: {grades: [{name: pwq, caseload: 20}]}",
                   "variant.yaml:2:29: workforce.grades[pwq].name: expected the name of a grade in the base scenario "
                   "(or new: true for a new grade), got \"pwq\" (did you mean \"pwp\"?)\n");
    expect_variant("workforce: {teams: [{name: coer}]}",
                   "variant.yaml:2:28: workforce.teams[coer].name: expected the name of a team in the base scenario (or "
                   "new: true for a new team), got \"coer\" (did you mean \"core\"?)\n");
    iapt_scenario sc;
    load_variant("workforce: {teams: [{name: coer, new: true}]}", &sc);
    cr_assert_eq(sc.workforce.teams.n, 2);
    iapt_scenario_free(&sc);
    /* A cohort in a yearly series is new without saying so. */
    load_variant("workforce: {cohorts: [{name: pwp_2029, programme: pwp_training, team: core, approved: 2028-09-01}]}",
                 &sc);
    cr_assert_eq(sc.workforce.cohorts.n, 7);
    iapt_scenario_free(&sc);
}

Test(scenario_checks, staff_need_a_post_of_their_grade)
{
    /* Removing the HIT posts would leave 18 HITs never replaced. */
    expect_variant("workforce: {teams: [{name: core, posts: [{grade: hit, remove: true}]}]}",
                   "variant.yaml:2:41: workforce.teams[core].posts: expected a post of grade \"hit\" in team \"core\" for "
                   "these staff (leavers are replaced only into funded posts; give the team {grade: hit, wte: 0 wte} "
                   "if none is funded), got none\n");
    expect_variant("workforce: {staff: [{replace: true}, {grade: pwp, teams: {core: 50%, ltc: 50%}}], teams: [{name: "
                   "ltc, posts: [{grade: hit, wte: 1 wte}]}]}",
                   "variant.yaml:2:75: workforce.staff[0].teams.ltc: expected a post of grade \"pwp\" in team \"ltc\" for "
                   "these staff (leavers are replaced only into funded posts; give the team {grade: pwp, wte: 0 wte} "
                   "if none is funded), got none\n");
    iapt_scenario sc;
    load_variant("workforce: {staff: [{replace: true}, {grade: pwp, teams: {core: 50%, ltc: 50%}}], teams: [{name: ltc, "
                 "posts: [{grade: pwp, wte: 0 wte}]}]}",
                 &sc);
    iapt_scenario_free(&sc);
}

Test(scenario_checks, no_follow_on_errors)
{
    /* The cohorts of a programme that failed its own check are not checked
     * against it (they would report a nonsense intake date). */
    expect_variant("workforce: {programmes: [{name: pwp_training, intake_months: []}]}",
                   "variant.yaml:2:62: workforce.programmes[pwp_training].intake_months: expected at least one intake "
                   "month, e.g. [9, 1], got an empty list\n");
}

Test(scenario_checks, at_most_16_programmes)
{
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "extends: base.yaml\nworkforce:\n  programmes:\n");
    for (int i = 0; i < 16; i++) /* and base.yaml's */
        n += (size_t)snprintf(text + n, sizeof text - n, "    - {name: p%d, grade: pwp, supervision: 0 hours per week}\n",
                              i);
    iapt_scenario sc;
    char *errs;
    cr_assert_eq(load_text(D, text, &sc, &errs), -1);
    cr_assert_str_eq(errs, "variant.yaml:4:5: workforce.programmes: expected at most 16 training programmes, got 17\n");
    free(errs);
}

Test(scenario_checks, an_item_that_is_not_a_mapping_is_not_checked)
{
    /* Nothing inside it was read, so no check runs on it. */
    iapt_scenario sc;
    char *errs;
    cr_assert_eq(load_text(D, "extends: base.yaml\npathways: [5]\n", &sc, &errs), -1);
    cr_assert_str_eq(errs, "variant.yaml:2:12: pathways[0]: expected a mapping of keys, got \"5\"\n");
    free(errs);
    expect_variant("workforce: {teams: [core], staff: [{replace: true}, 3]}",
                   "variant.yaml:2:21: workforce.teams[0]: expected a mapping of keys, got \"core\"\n"
                   "variant.yaml:2:53: workforce.staff[0]: expected a mapping of keys, got \"3\"\n");
}

Test(scenario_checks, distributions_within_their_key_range)
{
    expect_variant("steps: {step2: {modalities: [{name: guided_self_help, sessions: {dist: bernoulli, p: 50%}}]}}",
                   "variant.yaml:2:65: steps.step2.modalities[guided_self_help].sessions: expected a distribution of "
                   "values between 1 and 200, got a bernoulli distribution, which can draw 0\n");
    expect_variant("steps: {step2: {modalities: [{name: guided_self_help, sessions: {dist: poisson, mean: 1}}]}}",
                   "variant.yaml:2:65: steps.step2.modalities[guided_self_help].sessions: expected a distribution of "
                   "values between 1 and 200, got a poisson distribution, which can draw 0\n");
    expect_variant("workforce: {grades: [{name: pwp, recruitment: {dist: bernoulli, p: 50%}}]}",
                   "variant.yaml:2:54: workforce.grades[pwp].recruitment.dist: expected a kind of distribution for a "
                   "duration (a bernoulli distribution draws only 0 or 1, a plain number), got \"bernoulli\"\n");
    expect_variant("workforce: {grades: [{name: pwp, recruitment: {dist: gamma, mean: 1e-300 days, sd: 1e300 days}}]}",
                   "variant.yaml:2:84: workforce.grades[pwp].recruitment.sd: expected a duration between 0 days and "
                   "3650 days, got \"1e300 days\"\n");
    /* An unbounded tail is cut at the key's top: the draws of planned
     * sessions never pass 200. */
    iapt_scenario sc;
    load_variant("steps: {step2: {modalities: [{name: guided_self_help, sessions: {dist: geometric, mean: 150}}]}}",
                 &sc);
    const iapt_modality_cfg *gsh = IAPT_ITEM(sc.steps[IAPT_STEP2].modalities, iapt_modality_cfg, 0);
    cr_assert_eq(sim_dist_max(&gsh->sessions), IAPT_MAX_SESSIONS);
    iapt_scenario_free(&sc);
}

Test(scenario_checks, intake_day_past_a_month_end_is_its_last_day)
{
    iapt_scenario sc;
    load_variant("workforce: {programmes: [{name: pwp_training, intake_months: [2, 9], intake_day: 31}]}", &sc);
    const iapt_programme_cfg *p = IAPT_ITEM(sc.workforce.programmes, iapt_programme_cfg, 0);
    char got[16];
    sim_date_format(iapt_first_intake(p, sim_date_from_ymd(2026, 6, 1)), got);
    cr_assert_str_eq(got, "2026-09-30");
    sim_date_format(iapt_first_intake(p, sim_date_from_ymd(2026, 10, 1)), got);
    cr_assert_str_eq(got, "2027-02-28");
    sim_date_format(iapt_first_intake(p, sim_date_from_ymd(2027, 10, 1)), got);
    cr_assert_str_eq(got, "2028-02-29");
    iapt_scenario_free(&sc);
}

Test(scenario_checks, names_are_identifiers)
{
    /* Names label the output (results.csv groups such as
     * team:core/grade:pwp, CSV cells, table columns): a comma, a quote, a
     * line break, a colon or a slash would break them, so names are
     * identifiers; an empty name is refused wherever a name is given. */
#define IDENT "expected a name of letters, digits, _, - and . (at most 64 characters, not digits only), got "
    expect_variant("pathways: [{name: \"x,y\", team: core, referrals: 10 per month, sources: {\"a,b\": 100%}}]",
                   "variant.yaml:2:19: pathways[\"x,y\"].name: " IDENT "\"x,y\"\n"
                   "variant.yaml:2:73: pathways[\"x,y\"].sources.a,b: " IDENT "\"a,b\"\n");
    expect_variant("pathways: [{name: \"x\\\"y\\nz\", team: core, referrals: 10 per month, sources: {a: 100%}}]",
                   "variant.yaml:2:19: pathways[\"x\\\"y\\nz\"].name: " IDENT "\"x\\\"y\\nz\"\n");
    expect_variant("pathways: [{name: core, sources: {\"\": 100%}}]",
                   "variant.yaml:2:35: pathways[core].sources.\"\": expected a non-empty name, got \"\"\n");
    expect_variant("pathways: [{name: core, sources: {gp/self: 60%, \"12\": 40%}}]",
                   "variant.yaml:2:35: pathways[core].sources.gp/self: " IDENT "\"gp/self\"\n"
                   "variant.yaml:2:49: pathways[core].sources.12: " IDENT "\"12\"\n");
    expect_variant("workforce: {teams: [{name: \"core:2\", new: true, posts: [{grade: pwp, wte: 1 wte}]}]}\n"
                   "sites: [{name: riverside surgery}]",
                   "variant.yaml:2:28: workforce.teams[\"core:2\"].name: " IDENT "\"core:2\"\n"
                   "variant.yaml:3:16: sites[\"riverside surgery\"].name: " IDENT "\"riverside surgery\"\n");
    expect_variant("workforce: {grades: [{name: a234567890123456789012345678901234567890123456789012345678901234x}]}",
                   "variant.yaml:2:29: workforce.grades[a234567890123456789012345678901234567890123456789012345678901234x]"
                   ".name: " IDENT "\"a234567890123456789012345678901234567890123456789012345678901234x\"\n");
#undef IDENT
    /* 64 characters, dots and hyphens are fine. */
    char *errs;
    iapt_scenario sc;
    const char *ok = "extends: default.yaml\n"
                     "workforce: {grades: [{name: a234567890123456789012345678901234567890123456789012345678901234}]}\n"
                     "pathways: [{name: core, sources: {self.referral: 60%, gp-referral: 40%}}]\n";
    cr_assert_eq(load_text("scenarios", ok, &sc, &errs), 0, "%s", errs);
    free(errs);
    iapt_scenario_free(&sc);
}

Test(scenario_checks, text_is_never_null)
{
    /* A null where text is expected is refused (it would print as
     * "(null)"), as a null team is; an optional reference may be null. */
    expect_variant("name: ~", "variant.yaml:2:7: name: expected text, got nothing\n");
    expect_variant("service: {name: ~}\ndescription: null",
                   "variant.yaml:2:17: service.name: expected text, got nothing\n"
                   "variant.yaml:3:14: description: expected text, got nothing\n");
    expect_variant("pathways: [{name: core, team: ~}]",
                   "variant.yaml:2:31: pathways[core].team: expected a name, got nothing\n");
}

Test(scenario_checks, values_that_would_be_ignored_are_refused)
{
    /* A ramp runs from go-live: with none it would do nothing. */
    expect_variant("pathways: [{name: core, ramp: 26 weeks}]",
                   "variant.yaml:2:31: pathways[core].ramp: expected a go_live date for the ramp to run from (a "
                   "pathway live from the start has no ramp; give go_live the run's first day to ramp up from it), "
                   "got ramp 26 weeks and go_live none\n");
    /* step_up is step 2's share stepped up to step 3. */
    expect_variant("steps: {step3: {step_up: 80%}}",
                   "variant.yaml:2:26: steps.step3.step_up: expected 0% at step 3 (step_up is the share of step 2 "
                   "completers stepped up to step 3: set it under step2), got 80%\n");
    /* A group's sessions are a fixed number of days apart. */
    expect_variant("steps: {step2: {modalities: [{name: psychoeducation_group, cadence: {dist: uniform, min: 1 day, "
                   "max: 60 days}}]}}",
                   "variant.yaml:2:69: steps.step2.modalities[psychoeducation_group].cadence: expected a whole number "
                   "of days >= 1 for a group (its members meet together, each session the same number of days after "
                   "the last), got a uniform distribution\n");
    expect_variant("steps: {step2: {modalities: [{name: psychoeducation_group, cadence: 7.5 days}]}}",
                   "variant.yaml:2:69: steps.step2.modalities[psychoeducation_group].cadence: expected a whole number "
                   "of days >= 1 for a group (its members meet together, each session the same number of days after "
                   "the last), got 7.5 days\n");
    /* A group's keys on a modality that is not a group. */
    expect_variant("steps: {step3: {modalities: [{name: cbt, group_min: 3, group_max: 5, facilitators: 1}]}}",
                   "variant.yaml:2:53: steps.step3.modalities[cbt].group_min: expected group_min only for a group "
                   "(kind: group), got 3 for an individual modality\n"
                   "variant.yaml:2:67: steps.step3.modalities[cbt].group_max: expected group_max only for a group "
                   "(kind: group), got 5 for an individual modality\n"
                   "variant.yaml:2:84: steps.step3.modalities[cbt].facilitators: expected facilitators only for a "
                   "group (kind: group), got 1 for an individual modality\n");
    /* What they may say: a ramp from a go-live date, step 3's step_up at
     * 0% (as show prints it), a group key at its default elsewhere (as
     * show prints it), a whole cadence for a group. */
    char *errs;
    iapt_scenario sc;
    const char *ok = "extends: default.yaml\n"
                     "pathways: [{name: core, ramp: 26 weeks, go_live: 2026-04-01}]\n"
                     "steps: {step3: {step_up: 0%, modalities: [{name: cbt, group_min: 7}]},"
                     " step2: {modalities: [{name: psychoeducation_group, cadence: 14 days}]}}\n";
    cr_assert_eq(load_text("scenarios", ok, &sc, &errs), 0, "%s", errs);
    free(errs);
    cr_assert_eq(sc.steps[IAPT_STEP3].step_up, 0);
    iapt_scenario_free(&sc);
    /* Left to its default, step 3's step_up is 0%. */
    cr_assert_eq(load_text("scenarios", "extends: default.yaml\n", &sc, &errs), 0, "%s", errs);
    free(errs);
    cr_assert_eq(sc.steps[IAPT_STEP3].step_up, 0);
    iapt_scenario_free(&sc);
}

Test(scenario_checks, scenarios_that_cannot_sensibly_run)
{
    /* Rooms only on days nobody works: no appointment could be held. */
    expect_variant("pathways: [{name: core, sites: {hub: 100%}}]\nsites: [{name: hub, days: [sat, sun]}]",
                   "variant.yaml:3:27: sites[hub].days: expected the rooms of site \"hub\" open on at least one "
                   "clinic day (service.working_days: mon, tue, wed, thu, fri), got [sat, sun]\n");
    /* More staff in post than funded posts on the first day. */
    expect_variant("workforce: {staff: [{replace: true}, {grade: pwp, count: 60, teams: {core: 100%}}, {grade: hit, "
                   "count: 18, teams: {core: 100%}}, {grade: senior, count: 3, teams: {core: 100%}}]}",
                   "variant.yaml:2:69: workforce.staff[0].teams: expected no more staff in post than funded posts on "
                   "the run's first day, got 60 wte of pwp in post in team \"core\" against 20 wte funded on "
                   "2026-04-01\n");
    /* More frozen than funded, on any day (here part-way up a ramp). */
    expect_variant("workforce: {teams: [{name: core, posts: [{grade: pwp, frozen: 50 wte}]}]}",
                   "variant.yaml:2:63: workforce.teams[core].posts[0].frozen: expected no more frozen WTE than funded "
                   "(frozen is part of the funded WTE), got 50 wte frozen against 20 wte funded on 2026-04-01\n");
    expect_variant("workforce: {teams: [{name: core, posts: [{grade: pwp, frozen: [0 wte, {from: 2027-01-01, to: "
                   "2028-01-01, value: 30 wte}]}]}]}",
                   "variant.yaml:2:64: workforce.teams[core].posts[0].frozen[0]: expected no more frozen WTE than "
                   "funded (frozen is part of the funded WTE), got 20.055 wte frozen against 20 wte funded on "
                   "2027-09-02\n");
    /* The automatic replication count's first batch above its maximum. */
    expect_variant("run: {target_half_width: 5%, max_replications: 3, replications: 20}",
                   "variant.yaml:2:48: run.max_replications: expected max_replications >= replications (with "
                   "target_half_width set, the run starts with `replications` and adds more up to "
                   "max_replications), got max_replications 3 and replications 20\n");
    /* Referrals beyond what a run can hold: stated, or reached by growth
     * compounding from long before the run. */
    expect_variant("pathways: [{name: core, referrals: 1000000000 per month}]",
                   "variant.yaml:2:36: pathways[core].referrals: expected a rate between 0 per month and 10000000 per "
                   "month, got \"1000000000 per month\"\n");
    expect_variant("pathways: [{name: core, growth: 1000% per year, growth_from: 1990-01-01}]",
                   "variant.yaml:2:33: pathways[core].growth: expected at most 20 million referrals over the run, all "
                   "pathways together, once growth, seasonality and shocks are applied (what a run can hold in "
                   "memory), got 1.84e+38 million: pathway \"core\" reaches 3.74e+43 per month on 2029-03-31\n");
    expect_variant("pathways: [{name: core, referrals: 560000 per month}]",
                   "variant.yaml:2:36: pathways[core].referrals: expected at most 20 million referrals over the run, "
                   "all pathways together, once growth, seasonality and shocks are applied (what a run can hold in "
                   "memory), got 20.8 million: pathway \"core\" reaches 639760 per month on 2029-01-31\n");
    /* Just within: 20 million less a little, and staff exactly filling
     * their posts (as shipped). */
    char *errs;
    iapt_scenario sc;
    cr_assert_eq(load_text("scenarios", "extends: default.yaml\npathways: [{name: core, referrals: 530000 per month}]\n",
                           &sc, &errs),
                 0, "%s", errs);
    free(errs);
    iapt_scenario_free(&sc);
}

Test(scenario_checks, rules_the_reference_states)
{
    /* A frozen change after the run would have no effect (as for `wte`). */
    expect_variant("workforce: {teams: [{name: core, posts: [{grade: pwp, frozen: [0 wte, {at: 2035-01-01, value: 2 "
                   "wte}]}]}]}",
                   "variant.yaml:2:76: workforce.teams[core].posts[0].frozen[1].at: expected a date on or before the "
                   "end of the run (2026-04-01 to 2029-03-31), got 2035-01-01\n");
    /* A top-up course lies within the run: its end too. */
    expect_variant("workforce: {topups: [{name: t, grades: [hit], start: 2029-03-30, days: 10, every: 7 days}]}",
                   "variant.yaml:2:54: workforce.topups[t].start: expected the course to end within the run "
                   "(2026-04-01 to 2029-03-31), got its last day on 2029-06-01 (10 working days, every 7 days, from "
                   "2029-03-30)\n");
    /* Course days are working days: a second day on Saturday 31 March
     * moves to Monday 2 April, after the run. */
    expect_variant("workforce: {topups: [{name: t, grades: [hit], start: 2029-03-30, days: 2}]}",
                   "variant.yaml:2:54: workforce.topups[t].start: expected the course to end within the run "
                   "(2026-04-01 to 2029-03-31), got its last day on 2029-04-02 (2 working days, every 1 day, from "
                   "2029-03-30)\n");
    /* Shares may miss 100% by 0.01 percentage points each, no more. */
    expect_variant("pathways: [{name: core, sources: {a: 33.3%, b: 33.3%, c: 33.3%}}]",
                   "variant.yaml:2:34: pathways[core].sources: shares must sum to 100%, got 99.9%\n");
    char *errs;
    iapt_scenario sc;
    const char *ok = "extends: default.yaml\n"
                     "pathways: [{name: core, sources: {a: 33.333%, b: 33.333%, c: 33.333%},\n"
                     "  assessment: {to_step2: 33.33%, to_step3: 33.33%, to_step2_then_3: 0%, signposted: 33.33%}}]\n"
                     "workforce: {topups: [{name: t, grades: [hit], start: 2029-03-19, days: 2, every: 7 days}],\n"
                     "  teams: [{name: core, posts: [{grade: hit, wte: 20}]}]}\n";
    cr_assert_eq(load_text("scenarios", ok, &sc, &errs), 0, "%s", errs);
    free(errs);
    /* A plain number of WTE is whole-time equivalents (the reference says so). */
    const iapt_team_cfg *core = IAPT_ITEM(sc.workforce.teams, iapt_team_cfg, 0);
    cr_assert_eq(sim_sched_at(&iapt_team_post(core, 1)->wte, sc.run.start), 20);
    iapt_scenario_free(&sc);
}

/* A variant of tests/data/scenario/base.yaml that must fail with `expected`
 * (the base's messages name it by its path). */
static void expect_base_variant(const char *yaml, const char *expected)
{
    char text[4096], *errs;
    snprintf(text, sizeof text, "extends: base.yaml\n%s\n", yaml);
    iapt_scenario sc;
    cr_assert_eq(load_text("tests/data/scenario", text, &sc, &errs), -1, "%s loaded", yaml);
    cr_assert_str_eq(errs, expected);
    free(errs);
}

Test(scenario_checks, messages_point_at_the_variant_that_caused_them)
{
    /* A name left referring to an item the variant removed says where it
     * went; the message is at the reference, in the base. */
    expect_base_variant("workforce: {cohorts: [{name: backfill, remove: true}]}",
                        D "base.yaml:42:81: workforce.transfers[0].backfill: unknown cohort \"backfill\": removed at "
                          "variant.yaml:2:30 (there are no cohort items in workforce.cohorts)\n");
    expect_base_variant("workforce: {teams: [{name: ltc, remove: true}]}",
                        D "base.yaml:42:66: workforce.transfers[0].to: unknown team \"ltc\": removed at "
                          "variant.yaml:2:28 (expected one of: core)\n");
    /* Dates of the base outside a run the variant shortened say so. */
    expect_base_variant("run: {end: 2026-09-30}",
                        D "base.yaml:31:46: workforce.teams[ltc].posts[0].wte[1].at: expected a date on or before the "
                          "end of the run (2026-04-01 to 2026-09-30), got 2026-10-01 (the end of the run is set at "
                          "variant.yaml:2:12)\n"
                        D "base.yaml:40:47: workforce.topups[hit_topup].start: expected a date within the run "
                          "(2026-04-01 to 2026-09-30), got 2026-10-05 (the end of the run is set at "
                          "variant.yaml:2:12)\n"
                        D "base.yaml:42:14: workforce.transfers[0].date: expected a date within the run (2026-04-01 to "
                          "2026-09-30), got 2026-10-01 (the end of the run is set at variant.yaml:2:12)\n");
    expect_base_variant("run: {start: 2026-11-01}",
                        D "base.yaml:40:47: workforce.topups[hit_topup].start: expected a date within the run "
                          "(2026-11-01 to 2027-03-31), got 2026-10-05 (the start of the run is set at "
                          "variant.yaml:2:14)\n"
                        D "base.yaml:42:14: workforce.transfers[0].date: expected a date within the run (2026-11-01 to "
                          "2027-03-31), got 2026-10-01 (the start of the run is set at variant.yaml:2:14)\n");
}

Test(scenario_checks, independent_problems_in_one_pass_in_file_order)
{
    /* A bad seed leaves the run's dates usable: the dates are still
     * checked against them. Messages come in file order. */
    expect_base_variant("run: {seed: x}\nworkforce: {cohorts: [{name: backfill, approved: 2030-01-01}]}",
                        "variant.yaml:2:13: run.seed: expected a whole number between 0 and 9200000000000000000, got "
                        "\"x\"\n"
                        "variant.yaml:3:50: workforce.cohorts[backfill].approved: expected a date on or before the end "
                        "of the run (2026-04-01 to 2027-03-31), got 2030-01-01\n");
    expect_base_variant("run: {replications: 0, seed: x}\nservice: {prevalance: 3, on_costs: 1.5}",
                        "variant.yaml:2:21: run.replications: expected a whole number between 1 and 100000, got "
                        "\"0\"\n"
                        "variant.yaml:2:30: run.seed: expected a whole number between 0 and 9200000000000000000, got "
                        "\"x\"\n"
                        "variant.yaml:3:11: service.prevalance: unknown key \"prevalance\" (did you mean "
                        "\"prevalence\"?)\n"
                        "variant.yaml:3:36: service.on_costs: expected a share such as 12%, got \"1.5\" (the % sign is "
                        "required: did you mean 1.5%?)\n");
}

Test(scenario_checks, a_key_in_the_wrong_section_says_where_it_belongs)
{
    expect_base_variant("prevalence: 100\nservice: {seed: 3}\npathways: [{name: core, dna: 10%}]",
                        "variant.yaml:2:1: prevalence: unknown key \"prevalence\" (it belongs under service)\n"
                        "variant.yaml:3:11: service.seed: unknown key \"seed\" (it belongs under run)\n"
                        "variant.yaml:4:25: pathways[core].dna: unknown key \"dna\" (it belongs under one of: "
                        "pathways[].assessment, steps.step2.modalities[], steps.step3.modalities[])\n");
}

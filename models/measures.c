/*
 * models/measures.c: the measure catalogue and the output layout.
 */
#include "models/measures.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GA G_ALL
#define GP (G_ALL | G_PATHWAY)
#define GW (G_ALL | G_GRADE | G_TEAM_GRADE)
#define GS (G_SITES_ALL | G_SITE)
#define GSUP (GW | G_TEAM | G_PROGRAMME)

const iapt_measure_info iapt_measure_catalogue[IAPT_NMEASURES] = {
    [M_REFERRALS] = {"referrals", "people", GP | G_SOURCE, "referrals received in the month"},
    [M_REFERRALS_LOST] = {"referrals_lost", "people", GP | G_SOURCE,
                          "referrals not made because the pathway's waits were long (the source's wait_response): "
                          "those its arrival stream brought that the day's factor cut; by the pathway and source "
                          "that would have referred (0 without a wait_response)"},
    [M_OPTED_OUT] = {"not_opted_in", "people", GA, "referrals that never opted in"},
    [M_INELIGIBLE] = {"ineligible", "people", GA, "referrals rejected by the local eligibility filter"},
    [M_ASSESSED] = {"assessed", "people", GP, "assessments attended"},
    [M_ROUTED] = {"routed", "people", G_ROUTE,
                  "where assessment (or referral, for a pathway without one) sends people: step 2, step 3, "
                  "step 2 then 3, signposted"},
    [M_SIGNPOSTED] = {"signposted", "people", GA, "assessed as not suitable or signposted elsewhere"},
    [M_ENTERED] = {"entered_treatment", "people", GP | G_STEP | G_PATHWAY_STEP,
                   "first treatment sessions (access); by step (and pathway and step): first session at that "
                   "step (the base of step_wait_mean)"},
    [M_ACCESS_ANNUALISED] = {"access_annualised", "%", GA,
                             "entered treatment in the month x 365.25 / days simulated in the month / prevalence"},
    [M_ACCESS_FY] = {"access_fy", "%", GA,
                     "entered treatment since 1 April / prevalence (against the annual target)"},
    [M_WAITING] = {"waiting", "people", GP | G_STAGE,
                   "waiting at month end: for assessment, or for a first session at a step"},
    [M_WAITING_18W] = {"waiting_over_18_weeks", "people", GA,
                       "not yet in treatment at month end and referred more than standard_18_weeks_limit ago"},
    [M_WAIT_MEDIAN] = {"wait_median", "days", GP, "median referral to first treatment, by month entered"},
    [M_WAIT_P90] = {"wait_p90", "days", GP, "90th percentile referral to first treatment"},
    [M_WAIT_P90_FY] = {"wait_p90_fy", "days", GP,
                       "90th percentile referral to first treatment of the people entering treatment since 1 April "
                       "(or the run's start): the financial year's so far (its last month's is the year's)"},
    [M_WAIT_MEAN] = {"wait_mean", "days", GP, "mean referral to first treatment"},
    [M_WITHIN_6W] = {"within_6_weeks", "%", GP,
                     "entering treatment within standard_6_weeks_limit of referral (against standard_6_weeks)"},
    [M_WITHIN_18W] = {"within_18_weeks", "%", GP,
                      "entering treatment within standard_18_weeks_limit of referral (against standard_18_weeks)"},
    [M_STEP_WAIT_MEDIAN] = {"step_wait_median", "days", G_STEP | G_PATHWAY_STEP,
                            "median wait for a step: joining its list (after assessment, or stepped up) to the "
                            "first session at that step, by month of that session"},
    [M_STEP_WAIT_MEAN] = {"step_wait_mean", "days", G_STEP | G_PATHWAY_STEP, "mean wait for a step (as above)"},
    [M_HIDDEN_MEDIAN] = {"hidden_wait_median", "days", GA, "median first to second treatment session"},
    [M_HIDDEN_MEAN] = {"hidden_wait_mean", "days", GA, "mean first to second treatment session"},
    [M_HIDDEN_MEDIAN_FY] = {"hidden_wait_median_fy", "days", GA,
                            "median first to second treatment session, of second sessions since 1 April (or the "
                            "run's start)"},
    [M_HIDDEN_MEAN_FY] = {"hidden_wait_mean_fy", "days", GA,
                          "mean first to second treatment session, of second sessions since 1 April (or the run's "
                          "start)"},
    [M_APPOINTMENTS] = {"appointments", "appointments", GA, "assessments and sessions held or missed"},
    [M_DNAS] = {"dnas", "appointments", GA, "booked appointments missed"},
    [M_DNA_RATE] = {"dna_rate", "%", GA, "missed / booked appointments held in the month"},
    [M_DNA_DISCHARGED] = {"dna_discharges", "people", GA | G_STAGE,
                          "discharged after dna_discharge_after missed appointments: at assessment, or in a "
                          "course at step 2 or 3"},
    [M_ONE_SESSION] = {"one_session_discharges", "people", G_STEP,
                       "discharged after the referral's first treatment session (discharged_after_first), by "
                       "the step of that session"},
    [M_DROPOUTS] = {"dropouts", "people", GA | G_DROPSTAGE,
                    "drop-outs by stage: waiting_assessment, waiting_step2, waiting_step3 (waiting for a first "
                    "session at the step); after the first session of a course, where the step's "
                    "dropout_first_to_second applies (each course's): first_to_second when it was the referral's "
                    "first treatment session (the national first-to-second measure), "
                    "first_to_second_after_step_up when it was the first session of a step 3 course after step 2 "
                    "(stepped up, or had_step2 on day one); in_treatment after a later session "
                    "(dropout_per_session); waiting_reallocation (part-way through a course, for a new "
                    "clinician)"},
    [M_FINISHED] = {"finished_courses", "people", GP | G_STEP,
                    "discharged after at least 2 treatment sessions (by step of the last course)"},
    [M_FINISHED_CASES] = {"finished_courses_cases", "people", GP | G_STEP,
                          "finished courses of people who were a case at referral (the base of recovery)"},
    [M_RECOVERY] = {"recovery_rate", "%", GP | G_STEP,
                    "recovered / finished courses of people who were a case, per referral (the outcome of its "
                    "last course; by step: the step of that course; target 50%)"},
    [M_RELIABLE_IMPROVEMENT] = {"reliable_improvement_rate", "%", GP,
                                "reliably improved / finished courses, per referral"},
    [M_COURSE_OUTCOMES_CASES] = {"course_outcomes_cases", "people", G_STEP,
                                 "courses of cases ending with at least one session at the step (the base of "
                                 "course_recovery_rate)"},
    [M_COURSE_RECOVERY] = {"course_recovery_rate", "%", G_STEP,
                           "recovered at the end of a course at the step / course_outcomes_cases (the step's "
                           "recovery probability, before step-up)"},
    [M_STEPPED_UP] = {"stepped_up", "people", GA, "moved from step 2 to the step 3 list"},
    [M_STEP_UP_SHARE] = {"step_up_share", "%", GA,
                         "stepped up / step 2 courses ended by completion (recovered people are never stepped up)"},
    [M_STEP2_COMPLETED] = {"step2_completions", "people", GA,
                           "step 2 courses ended by completion (the base of step_up_share)"},
    [M_TREATED_EXITS] = {"discharged_after_treatment", "people", GA,
                         "people leaving after at least one treatment session (finished_courses / this: the "
                         "share of people treated who finish a course)"},
    [M_SPLIT_LI_ONLY] = {"treated_li_only", "%", GA, "of finished courses: low intensity only"},
    [M_SPLIT_LI_HI] = {"treated_li_and_hi", "%", GA, "of finished courses: low then high intensity"},
    [M_SPLIT_HI_ONLY] = {"treated_hi_only", "%", GA, "of finished courses: high intensity only"},
    [M_IN_TREATMENT] = {"in_treatment", "people", GP,
                        "in treatment at month end: booked for a session with a clinician part-way through a course, "
                        "or in a running group after its first session"},
    [M_WAITING_REALLOC] = {"waiting_reallocation", "people", GP | G_STEP,
                           "part-way through a course with no clinician at month end (theirs left, or none had a "
                           "place for them on day one), waiting for one of their step with a free place: offered "
                           "places before people waiting for a first session, and subject to the waiting drop-out "
                           "hazard from the day they lost their clinician (dropouts stage:waiting_reallocation); "
                           "not in in_treatment or waiting"},
    [M_GROUPS_STARTED] = {"groups_started", "groups", GA, "groups that started"},
    [M_GROUP_UNSTAFFED] = {"group_sessions_unstaffed", "sessions", GA,
                           "group sessions held with none of their facilitators booked (each was on leave, "
                           "training, left with no replacement, or had too few minutes free that day: a "
                           "facilitator is never booked beyond their day); held on cover time outside the diaries"},
    [M_CASELOAD_UTIL] = {"caseload_utilisation", "%", GA | G_GRADE, "people held / caseload places, month end"},
    [M_DIARY_UTIL] = {"diary_utilisation", "%", GA | G_GRADE, "booked / available clinic minutes"},
    [M_DIARY_HOURS_AVAILABLE] = {"diary_hours_available", "hours", GA | G_GRADE,
                                 "clinic hours in diaries on days worked (the base of diary_utilisation)"},
    [M_DIARY_HOURS_BOOKED] = {"diary_hours_booked", "hours", GA | G_GRADE,
                              "clinic hours booked on those days: appointments and group sessions"},
    [M_OVERBOOKED] = {"overbooked", "appointments", GA,
                      "appointments placed beyond a full diary (no free day within 128 days)"},
    [M_STOCK_IN] = {"people_in", "people", GA, "starting waiting list and caseload plus referrals so far"},
    [M_CUM_DISCHARGED] = {"discharged_total", "people", GA, "discharged so far (any reason but drop-out)"},
    [M_CUM_DROPPED] = {"dropped_total", "people", GA, "dropped out so far"},
    [M_RECORDS_IN_USE] = {"check_records_in_use", "people", GA,
                          "check: person records in use at month end, counted from the person array"},
    [M_RECOUNT_WAITING] = {"check_waiting_recount", "people", GA | G_STAGE,
                           "check: people waiting at month end, recounted from the person records by the list, "
                           "booking or group each is on, against the lists' own counts (equals `waiting`)"},
    [M_RECOUNT_IN_TREATMENT] = {"check_in_treatment_recount", "people", GA,
                                "check: people in treatment at month end, recounted the same way (equals "
                                "`in_treatment`)"},
    [M_RECOUNT_REALLOC] = {"check_reallocation_recount", "people", GA,
                           "check: people waiting for reallocation at month end, recounted the same way (equals "
                           "`waiting_reallocation`)"},
    [M_ESTABLISHMENT] = {"establishment_wte", "wte", GW, "funded qualified posts"},
    [M_HEADCOUNT] = {"headcount", "people", GW,
                     "qualified staff in post; by team, each person in their main team (the largest share of "
                     "their time, the first team listed on a tie), as every flow is counted, so team headcounts "
                     "add up to the grade's (split staff's time by team is in wte_qualified)"},
    [M_TRAINEES] = {"trainees", "people", GW,
                    "trainees in training, by the grade they train for, in the team funding their places"},
    [M_WTE_QUALIFIED] = {"wte_qualified", "wte", GW, "qualified staff in post"},
    [M_WTE_TRAINEE] = {"wte_trainee", "wte", GW, "trainees in post, by the grade they train for"},
    [M_VACANCIES] = {"vacancies_wte", "wte", GW, "funded posts not filled by qualified staff (frozen ones included)"},
    [M_FROZEN_VACANCIES] = {"frozen_vacancies_wte", "wte", GW,
                            "of the vacancies, those in frozen posts: funded but neither recruited to nor taken by "
                            "qualifying trainees"},
    [M_STARTERS] = {"starters", "people", GW, "recruits starting (counted in their team)"},
    [M_RECRUITS_WITHDRAWN] = {"recruits_withdrawn", "people", GW,
                              "recruits who did not start because their post was cut, frozen or filled by the "
                              "time they were due"},
    [M_LEAVERS] = {"leavers", "people", GW, "qualified staff leaving (counted in their main team)"},
    [M_TRAINEES_STARTED] = {"trainees_started", "people", GW,
                            "trainees starting a course (those in training on the first day count in its month)"},
    [M_TRAINEES_QUALIFIED] = {"trainees_qualified", "people", GW, "trainees qualifying and taking a post"},
    [M_TRAINEES_LEFT] = {"trainees_left", "people", GW,
                         "trainees leaving (attrition, not retained at qualification, or no post to take)"},
    [M_TRAINEES_ATTRITION] = {"trainees_left_attrition", "people", GW, "trainees leaving during training"},
    [M_TRAINEES_NOT_RETAINED] = {"trainees_left_not_retained", "people", GW,
                                 "trainees qualifying who leave the service (the programme's retention)"},
    [M_TRAINEES_NO_POST] = {"trainees_left_no_post", "people", GW,
                            "trainees qualifying who would stay but find no funded vacancy to fill"},
    [M_SECONDED] = {"seconded", "people", GW,
                    "qualified staff leaving their post to train for another grade (counted in their main team)"},
    [M_TRANSFERS_IN] = {"transfers_in", "people", GW,
                        "qualified staff whose main team became this team by a transfer (a share of a person's "
                        "time moved without changing their main team moves WTE, not headcount); by team, "
                        "starters + trainees_qualified + transfers_in - transfers_out - leavers - seconded = "
                        "change in headcount"},
    [M_TRANSFERS_OUT] = {"transfers_out", "people", GW, "qualified staff whose main team a transfer moved elsewhere"},
    [M_SUPERVISION_REQUIRED] = {"supervision_required", "hours/week", GSUP,
                                "trainee supervision required, hours a week at month end; by grade and team/grade: "
                                "of the trainees training for that grade (as `trainees`)"},
    [M_SUPERVISION_AVAILABLE] = {"supervision_available", "hours/week", GSUP,
                                 "supervision qualified staff of the supervising grades can give this month, hours a "
                                 "week at month end: each one's grade's supervision_capacity (at most their clinical "
                                 "hours) x WTE x the share of the month's clinic days they work (leave, sickness and "
                                 "course days give none); by grade and team/grade: of the supervisors of that grade; "
                                 "by programme: its supervisors' capacity, shared with other programmes they "
                                 "supervise"},
    [M_SUPERVISION_GIVEN] = {"supervision_given", "hours/week", GSUP,
                             "supervision given this month, hours a week at month end, taken out of the supervisors' "
                             "clinic time on the days they work (supervision_time_share); by grade and team/grade: "
                             "who gives it, the supervisors of that grade; by programme: its trainees get it"},
    [M_SUPERVISION_SHORTFALL] = {"supervision_shortfall", "hours/week", GSUP,
                                 "required minus given (only the programme's own supervising grades in the "
                                 "trainees' team give it); its trainees' caseloads are capped in proportion; by "
                                 "grade and team/grade: of the trainees training for that grade"},
    [M_TRAINING_DAYS_LOST] = {"training_days_lost", "days", GW | G_PROGRAMME,
                              "days of training not counted towards qualifying for want of supervision: a "
                              "trainee-day with cover c (share of the supervision needed that is given) below the "
                              "programme's supervision_to_qualify s counts c / s of a day; qualifying waits for "
                              "the days lost"},
    [M_CLINICAL_HOURS_PER_WTE] = {"clinical_hours_per_wte", "hours/week", GW,
                                  "hours of attended assessments and sessions (with their admin) per week per WTE "
                                  "in post, trainees included"},
    [M_CASELOAD_PER_WTE] = {"caseload_per_wte", "people", GW,
                            "people held at month end (in the team of their place) per WTE in post, trainees "
                            "included"},
    [M_OVER_CAP] = {"caseload_over_cap", "people", GW,
                    "people held beyond caseload places at month end, in the team of their place: places cut "
                    "under them, e.g. a clinician who moved team finishing the courses they hold in the old "
                    "one (continuity of care), or a supervision shortfall; new people never take a place "
                    "beyond the cap, and the clinician takes new work elsewhere only as these courses end"},
    [M_TRAINING_TIME_SHARE] = {"training_time_share", "%", GW,
                               "clinic time lost to university days and top-up courses / clinic_hours_contracted "
                               "(supervising trainees is not in it: supervision_time_share; the two add up to the "
                               "time away from clinic for training and supervision)"},
    [M_SUPERVISION_TIME_SHARE] = {"supervision_time_share", "%", GW,
                                  "clinic time given to supervising trainees: the minutes taken out of the "
                                  "supervisors' diaries on the days they work / clinic_hours_contracted (time away "
                                  "from clinic besides training_time_share)"},
    [M_CONTRACTED_HOURS] = {"clinic_hours_contracted", "hours", GW,
                            "clinic hours in the month before leave, training and supervision: clinical hours a week "
                            "per WTE x WTE on every clinic day in post, trainees included (the base of "
                            "training_time_share and supervision_time_share)"},
    [M_STAFF_COST] = {"staff_cost", "GBP", GW | G_TEAM,
                      "salaries and on-costs of staff in post (trainees under the grade they train for)"},
    [M_COST_PER_COURSE] = {"cost_per_finished_course", "GBP", GA | G_TEAM,
                           "staff cost (salaries and on-costs of staff in post, trainees included; no overheads, "
                           "rooms or other costs) / finished courses (discharged after at least 2 treatment "
                           "sessions) in the month; by team: of its pathways. The domain brief's GBP 650-690 'per "
                           "course of treatment' does not say whom it divides by: compare cost_per_entered_treatment "
                           "too"},
    [M_COST_PER_ENTERED] = {"cost_per_entered_treatment", "GBP", GA | G_TEAM,
                            "staff cost (as above) / people entering treatment (a first treatment session) in the "
                            "month, whether or not they finish a course; by team: of its pathways"},
    [M_ROOM_HOURS_AVAILABLE] = {"room_hours_available", "hours", GS,
                                "room hours open at co-location sites: rooms x hours on open days, as known on "
                                "the day"},
    [M_ROOM_HOURS_BOOKED] = {"room_hours_booked", "hours", GS,
                             "room hours taken by face-to-face appointments held or missed (an appointment's "
                             "diary minutes; a group session once)"},
    [M_ROOM_UTIL] = {"room_utilisation", "%", GS,
                     "room hours booked / available (over 100% when rooms are withdrawn under running groups)"},
    [M_ROOM_COST] = {"room_cost", "GBP", GS,
                     "cost of the room hours each site charges for: every hour available, or only the hours "
                     "booked (the site's `charge`), at its cost per hour"},
    [M_ROOM_DELAYED] = {"room_delayed", "appointments", GS,
                        "face-to-face bookings placed later than the clinician's first free day for want of a "
                        "free room at the site (an assessment, a session, a group's start), counted once when "
                        "booked"},
    [M_ROOM_DELAY_MEAN] = {"room_delay_mean", "days", GS,
                           "of the bookings in room_delayed, the mean days from the first day a clinician had time "
                           "to the day booked (by month booked)"},
    [M_ROOM_WAITING] = {"room_waiting", "people", GS,
                        "people held up for want of a room at month end: waiting at the site for a day with a "
                        "room, or for an assessment or a group start (the group's people) that a clinician had "
                        "time for"},
    [M_APPTS_F2F] = {"appointments_face_to_face", "appointments", GS,
                     "appointments held or missed in a room at a site (group sessions: each member)"},
    [M_APPTS_REMOTE] = {"appointments_remote", "appointments", G_SITES_ALL,
                        "appointments needing no room: remote, or of a pathway naming no sites "
                        "(appointments_face_to_face + this = appointments)"},
};

static int add_name(char ***names, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return 0;
    char **nn = realloc(*names, (size_t)(*n + 1) * sizeof *nn);
    if (!nn)
        return -1;
    *names = nn;
    nn[*n] = strdup(name);
    if (!nn[*n])
        return -1;
    (*n)++;
    return 0;
}

int iapt_layout_source(const iapt_layout *l, const char *name)
{
    for (int i = 0; i < l->nsources; i++)
        if (strcmp(l->sources[i], name) == 0)
            return i;
    return -1;
}

static int months_of_run(const iapt_scenario *sc, sim_date *first)
{
    *first = sim_date_month_start(sc->run.start);
    return sim_date_months_between(sc->run.start, sc->run.end) + 1;
}

/* Writes the group label of item i of grouping kind bit k. */
static void group_label(const iapt_scenario *sc, const iapt_layout *l, unsigned k, int i, char *buf, size_t n)
{
    static const char *const stages[] = {"assessment", "step2", "step3"};
    static const char *const drops[] = {"waiting_assessment", "waiting_step2",  "waiting_step3",
                                        "first_to_second",    "first_to_second_after_step_up",
                                        "in_treatment",       "waiting_reallocation"};
    static const char *const routes[] = {"step2", "step3", "step2_then_3", "signposted"};
    const conf_list *pw = &sc->pathways, *gr = &sc->workforce.grades, *tm = &sc->workforce.teams;
    int ng = (int)gr->n;
    switch (k) {
    case G_ALL: snprintf(buf, n, "all"); break;
    case G_PATHWAY: snprintf(buf, n, "pathway:%s", IAPT_ITEM(*pw, iapt_pathway_cfg, i)->name); break;
    case G_SOURCE: snprintf(buf, n, "source:%s", l->sources[i]); break;
    case G_STEP: snprintf(buf, n, "step:%d", i + 2); break;
    case G_STAGE: snprintf(buf, n, "stage:%s", stages[i]); break;
    case G_GRADE: snprintf(buf, n, "grade:%s", IAPT_ITEM(*gr, iapt_grade_cfg, i)->name); break;
    case G_TEAM: snprintf(buf, n, "team:%s", IAPT_ITEM(*tm, iapt_team_cfg, i)->name); break;
    case G_TEAM_GRADE:
        snprintf(buf, n, "team:%s/grade:%s", IAPT_ITEM(*tm, iapt_team_cfg, i / ng)->name,
                 IAPT_ITEM(*gr, iapt_grade_cfg, i % ng)->name);
        break;
    case G_DROPSTAGE: snprintf(buf, n, "stage:%s", drops[i]); break;
    case G_ROUTE: snprintf(buf, n, "route:%s", routes[i]); break;
    case G_PROGRAMME:
        snprintf(buf, n, "programme:%s", IAPT_ITEM(sc->workforce.programmes, iapt_programme_cfg, i)->name);
        break;
    case G_PATHWAY_STEP:
        snprintf(buf, n, "pathway:%s/step:%d", IAPT_ITEM(*pw, iapt_pathway_cfg, i / IAPT_NSTEPS)->name,
                 i % IAPT_NSTEPS + 2);
        break;
    case G_SITE: snprintf(buf, n, "site:%s", IAPT_ITEM(sc->sites, iapt_site_cfg, i)->name); break;
    case G_SITES_ALL: snprintf(buf, n, "all"); break;
    default: assert(0);
    }
}

static int collect_sources(iapt_layout *l, const iapt_scenario *sc)
{
    for (size_t p = 0; p < sc->pathways.n; p++) {
        const conf_nummap *src = &IAPT_ITEM(sc->pathways, iapt_pathway_cfg, p)->sources;
        for (size_t k = 0; k < src->n; k++)
            if (add_name(&l->sources, &l->nsources, src->names[k]))
                return -1;
    }
    return 0;
}

int iapt_layout_init(iapt_layout *l, const iapt_scenario *sc)
{
    memset(l, 0, sizeof *l);
    l->nmonths = months_of_run(sc, &l->first_month);
    if (collect_sources(l, sc))
        goto fail;
    int ng = (int)sc->workforce.grades.n, nt = (int)sc->workforce.teams.n;
    int ns = (int)sc->sites.n;
    const int count[G_NKINDS] = {1,       (int)sc->pathways.n, l->nsources, IAPT_NSTEPS, 3, ng, nt, nt * ng, NDROPSTAGES,
                                 NROUTES, (int)sc->pathways.n * IAPT_NSTEPS, (int)sc->workforce.programmes.n, ns,
                                 ns > 0};
    memcpy(l->count, count, sizeof count);
    for (int m = 0; m < IAPT_NMEASURES; m++) {
        l->base[m] = l->nseries;
        for (int k = 0; k < G_NKINDS; k++) {
            l->off[m][k] = l->nseries - l->base[m];
            if (iapt_measure_catalogue[m].groups & (1u << k))
                l->nseries += (size_t)count[k];
        }
    }
    l->series = calloc(l->nseries, sizeof *l->series);
    if (!l->series)
        goto fail;
    for (int m = 0; m < IAPT_NMEASURES; m++)
        for (int k = 0; k < G_NKINDS; k++)
            if (iapt_measure_catalogue[m].groups & (1u << k))
                for (int i = 0; i < count[k]; i++) {
                    iapt_series *s = &l->series[iapt_series_index(l, m, 1u << k, i)];
                    s->measure = m;
                    group_label(sc, l, 1u << k, i, s->group, sizeof s->group);
                }
    return 0;
fail:
    iapt_layout_free(l);
    return -1;
}

void iapt_layout_free(iapt_layout *l)
{
    for (int i = 0; i < l->nsources; i++)
        free(l->sources[i]);
    free(l->sources);
    free(l->series);
    memset(l, 0, sizeof *l);
}

size_t iapt_series_index(const iapt_layout *l, int m, unsigned kind, int i)
{
    int k = __builtin_ctz(kind);
    assert(iapt_measure_catalogue[m].groups & kind);
    assert(i >= 0 && i < l->count[k]);
    return l->base[m] + l->off[m][k] + (size_t)i;
}

long iapt_series_find(const iapt_layout *l, const char *measure, const char *group)
{
    for (size_t s = 0; s < l->nseries; s++)
        if (strcmp(iapt_measure_catalogue[l->series[s].measure].name, measure) == 0 &&
            strcmp(l->series[s].group, group) == 0)
            return (long)s;
    return -1;
}

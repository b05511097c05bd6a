/*
 * models/measures.h: the catalogue of what the model reports, and the layout
 * of one replication's outputs.
 *
 * A measure (referrals, wait to first treatment...) is reported for a set of
 * groupings: the whole service ("all"), each pathway, each source, each step,
 * each waiting stage, each grade, each team, each team and grade, each
 * training programme, each pathway and step. A series
 * is one (measure, group); a replication writes one value per series per
 * reporting month into a flat array, series-major:
 *   out[series * nmonths + month].
 * Values undefined in a month (a median of no waits) are NaN.
 */
#ifndef IAPT_MEASURES_H
#define IAPT_MEASURES_H

#include <stddef.h>

#include "models/scenario.h"

typedef enum iapt_measure {
    /* demand and flow */
    M_REFERRALS,
    M_REFERRALS_LOST,
    M_OPTED_OUT,
    M_INELIGIBLE,
    M_ASSESSED,
    M_ROUTED,
    M_SIGNPOSTED,
    M_ENTERED,
    M_ACCESS_ANNUALISED,
    M_ACCESS_FY,
    M_WAITING,
    M_WAITING_18W,
    M_WAIT_MEDIAN,
    M_WAIT_P90,
    M_WAIT_P90_FY,
    M_WAIT_MEAN,
    M_WITHIN_6W,
    M_WITHIN_18W,
    M_STEP_WAIT_MEDIAN,
    M_STEP_WAIT_MEAN,
    M_HIDDEN_MEDIAN,
    M_HIDDEN_MEAN,
    M_HIDDEN_MEDIAN_FY,
    M_HIDDEN_MEAN_FY,
    M_APPOINTMENTS,
    M_DNAS,
    M_DNA_RATE,
    M_DNA_DISCHARGED,
    M_ONE_SESSION,
    M_DROPOUTS,
    M_FINISHED,
    M_FINISHED_CASES,
    M_RECOVERY,
    M_RELIABLE_IMPROVEMENT,
    M_COURSE_OUTCOMES_CASES,
    M_COURSE_RECOVERY,
    M_STEPPED_UP,
    M_STEP_UP_SHARE,
    M_STEP2_COMPLETED,
    M_TREATED_EXITS,
    M_SPLIT_LI_ONLY,
    M_SPLIT_LI_HI,
    M_SPLIT_HI_ONLY,
    M_IN_TREATMENT,
    M_WAITING_REALLOC,
    M_GROUPS_STARTED,
    M_GROUP_UNSTAFFED,
    M_CASELOAD_UTIL,
    M_DIARY_UTIL,
    M_DIARY_HOURS_AVAILABLE,
    M_DIARY_HOURS_BOOKED,
    M_OVERBOOKED,
    /* conservation of people */
    M_STOCK_IN,
    M_CUM_DISCHARGED,
    M_CUM_DROPPED,
    M_RECORDS_IN_USE,
    M_RECOUNT_WAITING,
    M_RECOUNT_IN_TREATMENT,
    M_RECOUNT_REALLOC,
    /* workforce */
    M_ESTABLISHMENT,
    M_HEADCOUNT,
    M_TRAINEES,
    M_WTE_QUALIFIED,
    M_WTE_TRAINEE,
    M_VACANCIES,
    M_FROZEN_VACANCIES,
    M_STARTERS,
    M_RECRUITS_WITHDRAWN,
    M_LEAVERS,
    M_TRAINEES_STARTED,
    M_TRAINEES_QUALIFIED,
    M_TRAINEES_LEFT,
    M_TRAINEES_ATTRITION,
    M_TRAINEES_NOT_RETAINED,
    M_TRAINEES_NO_POST,
    M_SECONDED,
    M_TRANSFERS_IN,
    M_TRANSFERS_OUT,
    M_SUPERVISION_REQUIRED,
    M_SUPERVISION_AVAILABLE,
    M_SUPERVISION_GIVEN,
    M_SUPERVISION_SHORTFALL,
    M_TRAINING_DAYS_LOST,
    M_CLINICAL_HOURS_PER_WTE,
    M_CASELOAD_PER_WTE,
    M_OVER_CAP,
    M_TRAINING_TIME_SHARE,
    M_SUPERVISION_TIME_SHARE,
    M_CONTRACTED_HOURS,
    M_STAFF_COST,
    M_COST_PER_COURSE,
    M_COST_PER_ENTERED,
    /* rooms (series only in scenarios with sites) */
    M_ROOM_HOURS_AVAILABLE,
    M_ROOM_HOURS_BOOKED,
    M_ROOM_UTIL,
    M_ROOM_COST,
    M_ROOM_DELAYED,
    M_ROOM_DELAY_MEAN,
    M_ROOM_WAITING,
    M_APPTS_F2F,
    M_APPTS_REMOTE,
    IAPT_NMEASURES
} iapt_measure;

/* Groupings, as bits of a measure's `groups`. */
enum {
    G_ALL = 1 << 0,
    G_PATHWAY = 1 << 1,
    G_SOURCE = 1 << 2,
    G_STEP = 1 << 3,
    G_STAGE = 1 << 4,
    G_GRADE = 1 << 5,
    G_TEAM = 1 << 6,
    G_TEAM_GRADE = 1 << 7,
    G_DROPSTAGE = 1 << 8, /* waiting at a stage, first to second session, later in treatment */
    G_ROUTE = 1 << 9,     /* where assessment sends people */
    G_PATHWAY_STEP = 1 << 10,
    G_PROGRAMME = 1 << 11, /* training programme */
    G_SITE = 1 << 12,      /* co-location site */
    G_SITES_ALL = 1 << 13, /* "all", for room measures: one item with sites, none without */
    G_NKINDS = 14
};

/* Drop-out stages for G_DROPSTAGE: waiting at each stage (in the order of
 * iapt_stage); between the first and second session of a course: the
 * referral's first (the national measure) or a later one (after step-up),
 * as dropout_first_to_second applies to each course; later in a course;
 * waiting for reallocation part-way through a course. */
enum { DROP_WAIT_ASSESSMENT, DROP_WAIT_STEP2, DROP_WAIT_STEP3, DROP_FIRST_SECOND, DROP_FIRST_SECOND_STEPPED,
       DROP_LATER, DROP_WAIT_REALLOC, NDROPSTAGES };

/* Routes for G_ROUTE. */
enum { ROUTE_STEP2, ROUTE_STEP3, ROUTE_STEP2_THEN_3, ROUTE_SIGNPOSTED, NROUTES };

typedef struct iapt_measure_info {
    const char *name;   /* CSV measure column, e.g. "wait_median" */
    const char *unit;   /* "people", "%", "days", "hours", "GBP", "wte", "hours/week" */
    unsigned groups;
    const char *doc;    /* one line */
} iapt_measure_info;

extern const iapt_measure_info iapt_measure_catalogue[IAPT_NMEASURES];

typedef struct iapt_series {
    int measure;
    char group[160];    /* "all", "pathway:core", "team:ltc/grade:hit", "pathway:core/step:3" */
} iapt_series;

typedef struct iapt_layout {
    int nmonths;
    sim_date first_month;          /* first day of month 0 */
    int count[G_NKINDS];           /* items per grouping kind */
    size_t base[IAPT_NMEASURES];   /* first series of each measure */
    size_t off[IAPT_NMEASURES][G_NKINDS]; /* series offset of each grouping kind within a measure */
    iapt_series *series;
    size_t nseries;
    char **sources;                /* distinct referral source names, in order of first use */
    int nsources;
} iapt_layout;

/* Index of a source name in the layout, or -1. */
int iapt_layout_source(const iapt_layout *l, const char *name);

/* Builds the layout for a scenario. 0, or -1 on OOM. */
int iapt_layout_init(iapt_layout *l, const iapt_scenario *sc);
void iapt_layout_free(iapt_layout *l);

/* Series index of measure m for grouping kind k (a G_* bit) and item i
 * (0 for G_ALL). The measure must report that grouping (asserted). */
size_t iapt_series_index(const iapt_layout *l, int m, unsigned kind, int i);
/* Series index by names ("wait_median", "pathway:core"), or -1. */
long iapt_series_find(const iapt_layout *l, const char *measure, const char *group);

#endif

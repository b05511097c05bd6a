/*
 * models/scenario.h: everything a planner can say about a Talking Therapies
 * service, as the model reads it. The YAML schema in models/scenario.c binds
 * each field to a key with a unit and a documented default (conf/schema.h);
 * every number the model uses comes from here.
 *
 * Units as stored: durations in days unless named *_min (minutes); rates per
 * month; shares and probabilities as fractions 0..1; money in pounds; dates
 * as sim_date day numbers; time-varying values as sim_sched over day numbers.
 * References to other items (a team, a grade) are conf_ref, resolved to an
 * index into the named list after loading.
 */
#ifndef IAPT_SCENARIO_H
#define IAPT_SCENARIO_H

#include "conf/schema.h"
#include "sim/calendar.h"
#include "sim/dist.h"
#include "sim/sched.h"

/* Steps of stepped care: the model's step index is 0 for step 2 (low
 * intensity) and 1 for step 3 (high intensity). */
enum { IAPT_STEP2 = 0, IAPT_STEP3 = 1, IAPT_NSTEPS = 2 };

typedef enum iapt_pathway_kind { IAPT_PATHWAY_CORE, IAPT_PATHWAY_LTC } iapt_pathway_kind;
typedef enum iapt_modality_kind { IAPT_MOD_INDIVIDUAL, IAPT_MOD_GROUP, IAPT_MOD_DIGITAL } iapt_modality_kind;
typedef enum iapt_stage { IAPT_STAGE_ASSESSMENT, IAPT_STAGE_STEP2, IAPT_STAGE_STEP3 } iapt_stage;
/* How missed appointments count towards discharge: every miss at the stage,
 * or only misses in a row (an attended appointment resets the count). */
typedef enum iapt_dna_counting { IAPT_DNA_TOTAL, IAPT_DNA_CONSECUTIVE } iapt_dna_counting;
/* Kinds of co-location site (a label for reports), and what a site charges
 * for: every room hour it makes available, or only the hours booked. */
typedef enum iapt_site_kind { IAPT_SITE_GP, IAPT_SITE_HOSPITAL, IAPT_SITE_COMMUNITY } iapt_site_kind;
typedef enum iapt_room_charge { IAPT_CHARGE_AVAILABLE, IAPT_CHARGE_BOOKED } iapt_room_charge;
/* How a wait response measures the pathway's current wait (models/demand.h):
 * the mean wait of the people who entered treatment recently, or the time
 * the waiting list would take to clear at the recent rate of course starts. */
typedef enum iapt_wait_measure { IAPT_WAIT_RECENT, IAPT_WAIT_LIST } iapt_wait_measure;

typedef struct iapt_run_cfg {
    sim_date start;          /* first simulated day */
    sim_date end;            /* last simulated day (inclusive) */
    long replications;
    long seed;
    long threads;            /* 0 = all processors */
    double confidence;       /* level of reported intervals, e.g. 0.95 */
    double target_half_width;/* > 0: add replications until the watched measures' relative
                                half-width is at most this */
    long max_replications;
} iapt_run_cfg;

typedef struct iapt_hazard_cfg {
    double after;    /* days waited */
    double per_week; /* drop-out hazard from then on, fraction per week */
} iapt_hazard_cfg;

typedef struct iapt_service_cfg {
    char *name;
    double prevalence;         /* adults with a common mental health problem (people) */
    double access_target;      /* entering treatment per year / prevalence */
    double standard_6_weeks;   /* share entering treatment within 6 weeks (75%) */
    double standard_18_weeks;  /* within 18 weeks (95%) */
    double limit_6_weeks;      /* days: the wait the first standard counts (42) */
    double limit_18_weeks;     /* days: the wait the second standard counts (126) */
    double recovery_target;    /* share of finished courses recovering (50%) */
    unsigned working_days;     /* weekday mask of clinic days */
    double booking_horizon;    /* days ahead assessments are booked */
    sim_dist first_lead;       /* days between allocation and the earliest first session */
    long dna_discharge_after;  /* DNAs at one stage (the assessment, or one course) that end it */
    int dna_counting;          /* iapt_dna_counting */
    conf_list dropout_waiting; /* iapt_hazard_cfg: piecewise hazard by days waited */
    double on_costs;           /* employer costs on top of salary, fraction */
} iapt_service_cfg;

typedef struct iapt_assessment_cfg {
    conf_ref grade;            /* who assesses */
    double duration_min;
    double dna;
    double face_to_face;       /* share of referrals assessed face to face (needing a room at their site) */
    double to_step2;           /* outcome shares, sum 100% */
    double to_step3;
    double to_step2_then_3;    /* planned low then high intensity */
    double signposted;         /* not suitable / signposted elsewhere */
} iapt_assessment_cfg;

/* A referral source of a pathway that refers less while the pathway's
 * current wait is long: above `from`, each `per` of it cuts the source's
 * referral rate by `fall` (pro rata), never below `floor` of the rate. */
typedef struct iapt_wait_response_cfg {
    char *source;              /* a key of the pathway's `sources` */
    int measure;               /* iapt_wait_measure */
    double window;             /* days of history the measure reads (whole days) */
    double from;               /* days of current wait before referrals fall */
    double per;                /* days */
    double fall;               /* share of the rate lost per `per` above `from` */
    double floor;              /* the lowest share of the rate */
} iapt_wait_response_cfg;

typedef struct iapt_pathway_cfg {
    char *name;
    int kind;                  /* iapt_pathway_kind */
    conf_ref team;             /* the team that assesses and treats it */
    sim_date go_live;          /* CONF_DATE_NONE: live from the start */
    double ramp;               /* days from go-live to the full referral rate */
    sim_sched referrals;       /* per month, before growth, seasonality and shocks */
    double growth;             /* compound, fraction per year from growth_from */
    sim_date growth_from;      /* date `referrals` is stated for; CONF_DATE_NONE: the run start */
    conf_numlist seasonality;  /* 12 monthly factors (Jan..Dec), empty = flat */
    conf_nummap sources;       /* referral source shares, sum 100% */
    conf_list wait_response;   /* iapt_wait_response_cfg, at most one per source; empty: none responds */
    conf_nummap sites;         /* sites of its face-to-face appointments (shares of referrals, sum 100%);
                                  empty: none, no appointment needs a room */
    double opt_in;
    double eligible;           /* share passing the local eligibility filter */
    double case_at_start;      /* share who are a clinical case at referral */
    iapt_assessment_cfg assessment;
    double course_factor;      /* multiplies planned sessions */
    double session_factor;     /* multiplies session minutes */
    int needs_ltc_skill;       /* only top-up trained clinicians may treat */
    int complex;               /* every referral is complex */
    double complex_share;      /* else this share of referrals is complex */
} iapt_pathway_cfg;

typedef struct iapt_shock_cfg {
    sim_date from, to;         /* inclusive */
    double factor;             /* multiplies referrals */
    conf_reflist pathways;     /* empty: all */
} iapt_shock_cfg;

/* Outcome probabilities at the end of one course (with at least one session
 * at its step). A later course's outcome replaces an earlier one's: the
 * referral's outcome is that of its last course. */
typedef struct iapt_outcome_cfg {
    double recovery;             /* a case is no longer a case at the end of the course */
    double reliable_improvement; /* reliably improved at the end of the course; recovered implies improved */
} iapt_outcome_cfg;

typedef struct iapt_modality_cfg {
    char *name;
    int kind;                  /* iapt_modality_kind */
    double share;              /* of the step's new starts, sum 100% over the step */
    sim_dist sessions;         /* planned treatment sessions (whole numbers >= 1) */
    double first_min;          /* first session, minutes */
    double session_min;        /* later sessions, minutes */
    double admin_min;          /* per session */
    sim_dist cadence;          /* days between sessions */
    double max_course;         /* days from first session; 0 = no limit */
    double dna;
    long group_min, group_max, facilitators;
    double face_to_face;       /* share of courses held face to face; NAN: by kind (iapt_face_to_face) */
} iapt_modality_cfg;

typedef struct iapt_step_cfg {
    conf_reflist grades;       /* who treats at this step */
    conf_list modalities;      /* iapt_modality_cfg */
    double dropout_first;      /* between first and second session */
    double dropout_later;      /* after each later session */
    double discharged_after_first; /* discharged after the referral's first session (not dropped out) */
    iapt_outcome_cfg core, ltc_skilled, ltc_unskilled;
    double step_up;            /* step 2: share of completers not recovered (non-cases: not improved)
                                  moved to step 3; planned step 2 then 3: all of them */
} iapt_step_cfg;

typedef struct iapt_grade_cfg {
    char *name;
    double clinical_hours;     /* per week per WTE */
    double caseload;           /* places per WTE */
    double leave;              /* share of time on leave or sick */
    double salary;             /* pounds per year per WTE */
    double turnover;           /* leavers per year, fraction */
    sim_dist recruitment;      /* days from vacancy to start */
    double post_wte;           /* vacancies are recruited to in posts of at most this WTE */
    double supervision_capacity; /* hours per week per WTE available to supervise trainees */
} iapt_grade_cfg;

typedef struct iapt_post_cfg {
    conf_ref grade;
    sim_sched wte;             /* funded qualified WTE over time */
    sim_sched frozen;          /* of which not recruited to (a freeze) over time */
} iapt_post_cfg;

typedef struct iapt_team_cfg {
    char *name;
    conf_list posts;           /* iapt_post_cfg */
    int recruits_ltc_skill;    /* recruits arrive with LTC top-up training */
} iapt_team_cfg;

typedef struct iapt_staff_cfg {
    conf_ref grade;
    long count;
    double wte;                /* each */
    conf_nummap teams;         /* share of time per team, sum 100% */
    int ltc_skill;
    double clinical_hours;     /* per week per WTE; NAN: the grade's */
    double caseload;           /* places per WTE; NAN: the grade's */
    double leave;              /* share of time; NAN: the grade's */
} iapt_staff_cfg;

typedef struct iapt_programme_cfg {
    char *name;
    conf_ref grade;            /* qualifies into */
    double duration;           /* days */
    conf_numlist intake_months;/* calendar months of intakes, 1..12 */
    long intake_day;
    unsigned university_days;  /* weekday mask */
    double caseload_factor;
    int excludes_complex;
    int excludes_ltc;          /* trainees may not take cases needing LTC top-up training */
    double supervision;        /* hours per week per trainee */
    conf_reflist supervisors;  /* grades that supervise */
    double supervision_to_qualify; /* cover of `supervision` for a day of training to count in full */
    double attrition;          /* share leaving during training */
    double retention;          /* share staying on qualifying */
    int hold_vacancies;        /* vacancies are held for trainees who will fill them */
    double salary;             /* pounds per year */
} iapt_programme_cfg;

typedef struct iapt_cohort_cfg {
    char *name;
    conf_ref programme;
    conf_ref team;
    long size;
    double wte;
    sim_date approved;         /* training starts at the first intake on or after this */
    double late;               /* places arrive this many days after that intake, and wait for the next */
    conf_ref seconded_from;    /* grade whose qualified staff are seconded (opens vacancies) */
    int new_posts;             /* qualifiers get new funded posts (else fill vacancies) */
} iapt_cohort_cfg;

typedef struct iapt_topup_cfg {
    char *name;
    conf_reflist grades;
    conf_reflist teams;        /* staff with time in these teams attend; empty: teams serving an LTC pathway */
    sim_date start;
    long days;
    double every;              /* days between course days */
    double notice;             /* days before the start that attendees are chosen */
    long places;
} iapt_topup_cfg;

typedef struct iapt_transfer_cfg {
    sim_date date;
    conf_ref grade;
    double wte;
    conf_ref from, to;
    conf_ref backfill;         /* cohort funded to replace them, optional */
} iapt_transfer_cfg;

typedef struct iapt_waiting_cfg {
    conf_ref pathway;
    int stage;                 /* iapt_stage */
    long count;
    sim_dist waited;           /* days already waited */
    double had_step2;          /* stage step 3: share who had a step 2 course first */
} iapt_waiting_cfg;

typedef struct iapt_treating_cfg {
    conf_ref pathway;
    long step;                 /* 2 or 3 (a CONF_INT field is a long) */
    long count;
    sim_dist sessions_done;
    sim_dist waited;           /* days from referral to first session */
    double had_step2;          /* step 3: share who had a step 2 course first */
} iapt_treating_cfg;

/* A co-location site: rooms for face-to-face appointments on given weekdays. */
typedef struct iapt_site_cfg {
    char *name;
    int kind;                  /* iapt_site_kind */
    sim_sched rooms;           /* rooms on an open day, over time (a fraction: part of the hours) */
    unsigned days;             /* weekday mask of open days */
    double hours_min;          /* minutes each room is open on an open day */
    double cost;               /* pounds per room hour */
    int charge;                /* iapt_room_charge */
    double notice;             /* days: a change in rooms is known this long before it happens */
} iapt_site_cfg;

typedef struct iapt_workforce_cfg {
    conf_list grades;          /* iapt_grade_cfg */
    conf_list teams;           /* iapt_team_cfg */
    conf_list staff;           /* iapt_staff_cfg */
    conf_list programmes;      /* iapt_programme_cfg */
    conf_list cohorts;         /* iapt_cohort_cfg */
    conf_list topups;          /* iapt_topup_cfg */
    conf_list transfers;       /* iapt_transfer_cfg */
} iapt_workforce_cfg;

typedef struct iapt_start_cfg {
    conf_list waiting;         /* iapt_waiting_cfg */
    conf_list treating;        /* iapt_treating_cfg */
} iapt_start_cfg;

typedef struct iapt_scenario {
    char *name;
    char *description;
    iapt_run_cfg run;
    iapt_service_cfg service;
    conf_list pathways;        /* iapt_pathway_cfg */
    conf_list shocks;          /* iapt_shock_cfg */
    iapt_step_cfg steps[IAPT_NSTEPS];
    iapt_workforce_cfg workforce;
    conf_list sites;           /* iapt_site_cfg */
    iapt_start_cfg start;
} iapt_scenario;

/* Typed access to list items. */
#define IAPT_ITEM(list, type, i) (&((type *)(list).items)[i])

/* The range of the `sessions` and `sessions_done` keys: every draw of their
 * distributions lies in it (the loader bounds them with sim_dist_bound), so
 * the model uses draws as they come. */
#define IAPT_MIN_SESSIONS 1
#define IAPT_MAX_SESSIONS 200

/* The most referrals a pathway's `referrals` may state, per month, and
 * the most a whole run may expect, once growth, seasonality, shocks and
 * ramps are applied (checked at load): each person waiting holds about
 * 150 bytes, so a replication needs at most about 3 GB, on each thread.
 * England 2018/19 had 1.6 million referrals a year (domain brief s.4):
 * 20 million is twelve such years. */
#define IAPT_MAX_REFERRALS_PER_MONTH 1e7
#define IAPT_MAX_RUN_REFERRALS 20000000

/* The schema of a scenario file (models/scenario.c). */
extern const conf_schema iapt_scenario_schema;

/* Team tc's post of grade `grade` (a team has at most one per grade: the
 * loader refuses two), or NULL if it has none. Borrowed from tc. */
const iapt_post_cfg *iapt_team_post(const iapt_team_cfg *tc, int grade);

/* The first intake of programme p on or after `approved` (intake months
 * at intake_day, clamped to the month's length): when a cohort approved
 * then starts training (before its `late`). INT32_MAX if there is none
 * (no intake months, or none before the year 10000). */
sim_date iapt_first_intake(const iapt_programme_cfg *p, sim_date approved);

/* The day cohort k of programme p starts training: the first intake on or
 * after its approval; with places arriving `late` after that intake, the
 * programme's first intake on or after the day they arrive (training
 * starts only at intakes). INT32_MAX if there is none. */
sim_date iapt_cohort_start(const iapt_programme_cfg *p, const iapt_cohort_cfg *k);

/* The share of a modality's courses held face to face: its own, or by kind
 * when not given (individual and group 100%, digital 0%); groups always
 * meet in a room. */
double iapt_face_to_face(const iapt_modality_cfg *m);

/* Loads and validates a scenario file. Returns 0, or -1 with every problem
 * collected in ctx (nothing printed). On success the caller frees sc with
 * iapt_scenario_free. */
int iapt_scenario_load(conf_ctx *ctx, const char *path, iapt_scenario *sc);
void iapt_scenario_free(iapt_scenario *sc);

#endif
